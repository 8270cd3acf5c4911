-- Attendance as it happened (issue 13): the sweep used to mark an appointment missed when its slot ended, even when
-- the applicant had been marked arrived. Those applicants came: their appointments are attended.
UPDATE bookings SET status = 'attended' WHERE status = 'missed' AND arrived_at IS NOT NULL;
