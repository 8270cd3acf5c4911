-- Applications for a KTP-el. The answers are the form's fields as JSON: the form grows section by section and a
-- draft is shown again exactly as saved. Every query names the owning account, so one account never reaches
-- another's application.
CREATE TABLE applications (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL CHECK (kind IN ('wni', 'wna')),
    status       TEXT NOT NULL,
    answers      TEXT NOT NULL,
    reference    TEXT UNIQUE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    submitted_at BIGINT
);
CREATE INDEX applications_account ON applications (account_id, created_at);

-- The current scan of each kind for an application. The file lives in the document store under a name the
-- server made up; replacing a scan swaps the row, then removes the old file.
CREATE TABLE documents (
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('kk_scan', 'kitap_scan')),
    object_key     TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    bytes          BIGINT NOT NULL,
    uploaded_at    BIGINT NOT NULL,
    PRIMARY KEY (application_id, kind)
);

-- What happened to each application: appended, never updated or deleted. The citizen's timeline and the
-- staff's audit trail are both read from it.
CREATE TABLE application_events (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    note           TEXT
);
CREATE INDEX application_events_application ON application_events (application_id, at);
