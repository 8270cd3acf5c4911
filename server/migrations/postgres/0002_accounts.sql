-- Citizens' accounts: one per email address or mobile number; an account can hold several applications.
CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    identifier TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- One-time sign-in codes: stored as a keyed hash, never in clear; single use, short-lived, a few tries.
CREATE TABLE sign_in_codes (
    id           TEXT PRIMARY KEY,
    identifier   TEXT NOT NULL,
    client       TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    failed_tries INTEGER NOT NULL DEFAULT 0,
    used_at      BIGINT
);
CREATE INDEX sign_in_codes_identifier ON sign_in_codes (identifier, created_at);
CREATE INDEX sign_in_codes_client ON sign_in_codes (client, created_at);

-- Sessions: the token's id, so that signing out ends a session before its token expires.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    audience   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_account ON sessions (account_id);
