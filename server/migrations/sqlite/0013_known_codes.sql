-- Every code column holds only the codes the program knows (issue 13): a CHECK constraint on each, so that a
-- typo in a hand-written UPDATE or a half-applied change is refused by the database, and the program's strict
-- decoding (an unknown code is an error, never a default) never meets one.
--
-- SQLite cannot add a CHECK to an existing column, so each table is rebuilt with its data, inside the
-- migration's transaction. The rebuild never renames a table other tables refer to (a rename would rewrite their
-- REFERENCES clauses): the rows are copied aside, the table is dropped and created again under its own name, and
-- the rows are copied back. Dropping a parent leaves its children without a parent for a moment; deferring the
-- foreign-key checks to the commit lets the copy back settle them, and the commit fails (and nothing changes) if
-- any child were left without one. Existing data is kept; a row holding an unknown code makes the migration fail,
-- and the server refuses to start with the column and the value in the message.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE accounts_copy AS SELECT * FROM accounts;
DROP TABLE accounts;
CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    identifier TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    locale     TEXT NOT NULL DEFAULT 'id' CHECK (locale IN ('id', 'en'))
);
INSERT INTO accounts (id, identifier, created_at, locale) SELECT id, identifier, created_at, locale FROM accounts_copy;
DROP TABLE accounts_copy;

CREATE TABLE applications_copy AS SELECT * FROM applications;
DROP TABLE applications;
CREATE TABLE applications (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    kind              TEXT NOT NULL CHECK (kind IN ('wni', 'wna')),
    status            TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'rejected', 'approved',
                          'recorded', 'identifying', 'clarification', 'personalizing', 'distributing', 'ready',
                          'issued')),
    answers           TEXT NOT NULL,
    reference         TEXT UNIQUE,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    submitted_at      BIGINT,
    point_id          TEXT,
    nik               TEXT,
    claimed_by        TEXT,
    claim_expires_at  BIGINT,
    returned_answers  TEXT,
    kitap_expires_on  TEXT,
    renewal_queued_at BIGINT
);
INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, submitted_at,
    point_id, nik, claimed_by, claim_expires_at, returned_answers, kitap_expires_on, renewal_queued_at)
SELECT id, account_id, kind, status, answers, reference, created_at, updated_at, submitted_at, point_id, nik,
    claimed_by, claim_expires_at, returned_answers, kitap_expires_on, renewal_queued_at FROM applications_copy;
DROP TABLE applications_copy;
CREATE INDEX applications_account ON applications (account_id, created_at);
CREATE INDEX applications_queue ON applications (status, submitted_at, id);
CREATE INDEX applications_point_queue ON applications (point_id, status, submitted_at, id);
CREATE INDEX applications_nik ON applications (nik);

CREATE TABLE application_events_copy AS SELECT * FROM application_events;
DROP TABLE application_events;
CREATE TABLE application_events (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    from_status    TEXT CHECK (from_status IN ('draft', 'submitted', 'returned', 'rejected', 'approved',
                       'recorded', 'identifying', 'clarification', 'personalizing', 'distributing', 'ready',
                       'issued')),
    to_status      TEXT NOT NULL CHECK (to_status IN ('draft', 'submitted', 'returned', 'rejected', 'approved',
                       'recorded', 'identifying', 'clarification', 'personalizing', 'distributing', 'ready',
                       'issued')),
    note           TEXT,
    step           TEXT CHECK (step IN ('approve', 'return', 'reject', 'record', 'send_to_afis', 'afis_single',
                       'afis_duplicate', 'clarification_resolved', 'clarification_retry', 'clarification_reject',
                       'card_ready', 'distribute', 'card_arrived', 'handover_match', 'handover_mismatch')),
    afis_reference TEXT,
    seq            BIGINT NOT NULL DEFAULT 0
);
INSERT INTO application_events (id, application_id, at, actor, from_status, to_status, note, step, afis_reference,
    seq)
SELECT id, application_id, at, actor, from_status, to_status, note, step, afis_reference, seq
FROM application_events_copy;
DROP TABLE application_events_copy;
CREATE INDEX application_events_application ON application_events (application_id, at);
CREATE INDEX application_events_status_at ON application_events (to_status, at);

CREATE TABLE outbox_copy AS SELECT * FROM outbox;
DROP TABLE outbox;
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    application_id  TEXT REFERENCES applications (id),
    topic           TEXT NOT NULL CHECK (topic IN ('status_changed', 'booking_confirmed', 'booking_moved',
                        'booking_cancelled', 'booking_reminder', 'kitap_renewal', 'complaint_answered',
                        'appointment_missed', 'card_withheld')),
    payload         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    claimed_until   BIGINT,
    last_error      TEXT,
    failed_at       BIGINT
);
INSERT INTO outbox (id, account_id, application_id, topic, payload, created_at, sent_at, attempts, next_attempt_at,
    claimed_by, claimed_until, last_error, failed_at)
SELECT id, account_id, application_id, topic, payload, created_at, sent_at, attempts, next_attempt_at, claimed_by,
    claimed_until, last_error, failed_at FROM outbox_copy;
DROP TABLE outbox_copy;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE complaints_copy AS SELECT * FROM complaints;
DROP TABLE complaints;
CREATE TABLE complaints (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    body           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    created_at     BIGINT NOT NULL,
    answer         TEXT,
    answered_by    TEXT REFERENCES staff (id),
    answered_at    BIGINT,
    closed_at      BIGINT
);
INSERT INTO complaints (id, application_id, account_id, body, status, created_at, answer, answered_by, answered_at,
    closed_at)
SELECT id, application_id, account_id, body, status, created_at, answer, answered_by, answered_at, closed_at
FROM complaints_copy;
DROP TABLE complaints_copy;
CREATE INDEX complaints_application ON complaints (application_id, created_at);
CREATE INDEX complaints_status ON complaints (status, created_at);
CREATE INDEX complaints_account ON complaints (account_id, created_at);
