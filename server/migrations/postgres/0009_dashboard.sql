-- The service dashboard reads the events of a period by their new state (received, recorded, ready, issued in the
-- last weeks), and the appointments of a range of days whatever their status (attended and missed included).
CREATE INDEX application_events_status_at ON application_events (to_status, at);
CREATE INDEX bookings_day_status ON bookings (day, point_id, status);
