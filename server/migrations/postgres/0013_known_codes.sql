-- Every code column holds only the codes the program knows (issue 13): a CHECK constraint on each, so that a
-- typo in a hand-written UPDATE or a half-applied change is refused by the database, and the program's strict
-- decoding (an unknown code is an error, never a default) never meets one. PostgreSQL adds them in place and
-- checks the existing rows: a row holding an unknown code makes the migration fail, and the server refuses to
-- start with the constraint's name in the message. (SQLite's copy of this migration rebuilds the tables.)
ALTER TABLE accounts ADD CONSTRAINT accounts_locale_known CHECK (locale IN ('id', 'en'));
ALTER TABLE applications ADD CONSTRAINT applications_status_known CHECK (status IN ('draft', 'submitted',
    'returned', 'rejected', 'approved', 'recorded', 'identifying', 'clarification', 'personalizing',
    'distributing', 'ready', 'issued'));
ALTER TABLE application_events ADD CONSTRAINT application_events_from_status_known CHECK (from_status IN ('draft',
    'submitted', 'returned', 'rejected', 'approved', 'recorded', 'identifying', 'clarification', 'personalizing',
    'distributing', 'ready', 'issued'));
ALTER TABLE application_events ADD CONSTRAINT application_events_to_status_known CHECK (to_status IN ('draft',
    'submitted', 'returned', 'rejected', 'approved', 'recorded', 'identifying', 'clarification', 'personalizing',
    'distributing', 'ready', 'issued'));
ALTER TABLE application_events ADD CONSTRAINT application_events_step_known CHECK (step IN ('approve', 'return',
    'reject', 'record', 'send_to_afis', 'afis_single', 'afis_duplicate', 'clarification_resolved',
    'clarification_retry', 'clarification_reject', 'card_ready', 'distribute', 'card_arrived', 'handover_match',
    'handover_mismatch'));
ALTER TABLE outbox ADD CONSTRAINT outbox_topic_known CHECK (topic IN ('status_changed', 'booking_confirmed',
    'booking_moved', 'booking_cancelled', 'booking_reminder', 'kitap_renewal', 'complaint_answered',
    'appointment_missed', 'card_withheld'));
ALTER TABLE complaints ADD CONSTRAINT complaints_status_known CHECK (status IN ('open', 'answered', 'closed'));
