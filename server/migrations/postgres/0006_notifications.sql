-- Delivering the outbox. A worker claims a message for a while (its lease), sends it, then marks it sent; if it
-- dies meanwhile the lease runs out and another worker sends it. A failed send is tried again after a pause that
-- doubles each time; a message that still fails after many tries is set aside (failed_at), never deleted.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Messages are written in the language the applicant last signed in with.
ALTER TABLE accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'id';

-- Reminders are queued once: the day before an appointment, and 30 days before a foreign resident's KITAP (and so
-- their card) expires.
ALTER TABLE bookings ADD COLUMN reminder_queued_at BIGINT;
ALTER TABLE applications ADD COLUMN kitap_expires_on TEXT;
ALTER TABLE applications ADD COLUMN renewal_queued_at BIGINT;

-- Events of one application in the order they happened, even within one second (`at` counts seconds): each takes
-- the next number while its transaction holds the application's row.
ALTER TABLE application_events ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
