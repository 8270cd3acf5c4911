-- Caps on what one account may do: open drafts, complaints a day, uploads an hour. Each is counted and added in
-- one transaction that first takes the account's row, so a burst of requests cannot pass a cap meant for one.

-- Every upload an account starts, kept for an hour (the count deletes older rows of the account as it goes).
CREATE TABLE upload_attempts (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    at         BIGINT NOT NULL
);
CREATE INDEX upload_attempts_account ON upload_attempts (account_id, at);

-- Today's complaints of an account.
CREATE INDEX complaints_account ON complaints (account_id, created_at);
