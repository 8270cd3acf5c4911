-- Where the biometric recording happens. Seeded on first start (the Dinas and one point per district); an admin
-- changes them afterwards. Times are `HH:MM` in the office's time zone (WIB), days ISO `YYYY-MM-DD`.
CREATE TABLE service_points (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    address           TEXT NOT NULL,
    district          TEXT REFERENCES areas (code),
    serves_foreigners INTEGER NOT NULL CHECK (serves_foreigners IN (0, 1)),
    slot_minutes      INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
    counters          INTEGER NOT NULL CHECK (counters BETWEEN 1 AND 100),
    break_start       TEXT,
    break_end         TEXT,
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position          INTEGER NOT NULL
);

-- Opening hours per weekday (0 Monday … 6 Sunday); a weekday without a row is closed.
CREATE TABLE opening_hours (
    point_id TEXT NOT NULL REFERENCES service_points (id),
    weekday  INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens    TEXT NOT NULL,
    closes   TEXT NOT NULL,
    PRIMARY KEY (point_id, weekday)
);

-- A day one point is closed although the office works (a power cut, a mobile service elsewhere).
CREATE TABLE closures (
    point_id TEXT NOT NULL REFERENCES service_points (id),
    day      TEXT NOT NULL,
    reason   TEXT NOT NULL,
    PRIMARY KEY (point_id, day)
);

-- Appointments. At most one `booked` row per application, whatever the concurrency: the partial unique index
-- refuses a second.
CREATE TABLE bookings (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    point_id       TEXT NOT NULL REFERENCES service_points (id),
    day            TEXT NOT NULL,
    starts         TEXT NOT NULL,
    ends           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'attended', 'missed')),
    note           TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX bookings_one_active ON bookings (application_id) WHERE status = 'booked';
CREATE INDEX bookings_application ON bookings (application_id, created_at);
CREATE INDEX bookings_day ON bookings (day, point_id) WHERE status = 'booked';

-- Places taken in each slot. A booking adds one only while `taken` is below the point's counters, in the same
-- transaction that writes the booking: capacity holds under any concurrency on both databases.
CREATE TABLE slot_usage (
    point_id TEXT NOT NULL REFERENCES service_points (id),
    day      TEXT NOT NULL,
    starts   TEXT NOT NULL,
    taken    INTEGER NOT NULL CHECK (taken >= 0),
    PRIMARY KEY (point_id, day, starts)
);

-- Messages to applicants, written in the transaction of what they announce and delivered by a sender later.
CREATE TABLE outbox (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    application_id TEXT REFERENCES applications (id),
    topic          TEXT NOT NULL,
    payload        TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    sent_at        BIGINT
);
CREATE INDEX outbox_unsent ON outbox (created_at) WHERE sent_at IS NULL;
