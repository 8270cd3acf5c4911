-- Staff accounts. There is no default account: the first admin comes from `server create-admin`, which prints a
-- one-time enrolment link. The password is an argon2id PHC string; the TOTP secret is set when the first code
-- proves the authenticator holds it. A disabled account or a changed role counts from the next request: every
-- request reads this row.
CREATE TABLE staff (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
    point_id             TEXT REFERENCES service_points (id),
    password_hash        TEXT,
    totp_secret          TEXT,
    last_totp_step       BIGINT,
    enrolment_hash       TEXT,
    enrolment_expires_at BIGINT,
    disabled_at          BIGINT,
    -- Consecutive failed sign-ins; from the fifth, the account refuses every sign-in until `locked_until`.
    failed_sign_ins      INTEGER NOT NULL DEFAULT 0,
    locked_until         BIGINT,
    created_at           BIGINT NOT NULL
);

-- Staff sessions: like citizens', with their own audience and an idle timeout (`last_seen_at`).
CREATE TABLE staff_sessions (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES staff (id),
    audience     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX staff_sessions_account ON staff_sessions (account_id);

-- Where an application is handled: the applicant's district point (the Dinas for foreign residents and those
-- living outside the regency), then the point of their booking. Operators see only their point's applications.
ALTER TABLE applications ADD COLUMN point_id TEXT;
-- The NIK as stated, for the staff search; lists show it masked.
ALTER TABLE applications ADD COLUMN nik TEXT;
-- A claim: one staff member works on an application at a time, until the claim expires.
ALTER TABLE applications ADD COLUMN claimed_by TEXT;
ALTER TABLE applications ADD COLUMN claim_expires_at BIGINT;
-- The answers as they were when staff returned the application, so the next reviewer sees what changed.
ALTER TABLE applications ADD COLUMN returned_answers TEXT;
CREATE INDEX applications_queue ON applications (status, submitted_at, id);
CREATE INDEX applications_point_queue ON applications (point_id, status, submitted_at, id);
CREATE INDEX applications_nik ON applications (nik);

-- Which step of the process an event records, and the AFIS reference of the AFIS steps.
ALTER TABLE application_events ADD COLUMN step TEXT;
ALTER TABLE application_events ADD COLUMN afis_reference TEXT;

-- Every staff view of an application's personal data or scans (UU 27/2022). Appended, never changed.
CREATE TABLE access_log (
    id             TEXT PRIMARY KEY,
    staff_id       TEXT NOT NULL REFERENCES staff (id),
    application_id TEXT NOT NULL REFERENCES applications (id),
    at             BIGINT NOT NULL,
    what           TEXT NOT NULL
);
CREATE INDEX access_log_application ON access_log (application_id, at);
CREATE INDEX access_log_at ON access_log (at);

-- Blank cards in stock at the office: personalizing a card takes one. Each change is kept.
CREATE TABLE blank_card_stock (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    quantity   BIGINT NOT NULL CHECK (quantity >= 0),
    updated_at BIGINT NOT NULL
);
INSERT INTO blank_card_stock (id, quantity, updated_at) VALUES (1, 0, 0);
CREATE TABLE blank_card_changes (
    id       TEXT PRIMARY KEY,
    staff_id TEXT REFERENCES staff (id),
    at       BIGINT NOT NULL,
    change   BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    note     TEXT
);

-- The counter marks when an applicant with an appointment arrived.
ALTER TABLE bookings ADD COLUMN arrived_at BIGINT;
