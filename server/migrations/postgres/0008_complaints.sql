-- Pengaduan Layanan: an applicant's complaint about one of their applications, and staff's answer. Kept for good:
-- a complaint is closed, never deleted.
CREATE TABLE complaints (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    body           TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    answer         TEXT,
    answered_by    TEXT REFERENCES staff (id),
    answered_at    BIGINT,
    closed_at      BIGINT
);
CREATE INDEX complaints_application ON complaints (application_id, created_at);
CREATE INDEX complaints_status ON complaints (status, created_at);
