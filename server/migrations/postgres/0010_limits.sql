-- Limits that hold under bursts (issue 12): each limit is one row, counted by one atomic statement
-- (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`), so that simultaneous requests cannot all pass a check meant
-- for one. The same SQL runs on SQLite (one writer at a time) and PostgreSQL (the conflicting row is locked and
-- re-read, also under READ COMMITTED).

-- Fixed-window counters: `hits` requests since `window_start`; a request after the window starts a new one.
-- A bucket names a purpose and a keyed hash (`code/identifier/…`, `code/client/…`), never an address or an
-- identifier in clear.
CREATE TABLE rate_limits (
    bucket       TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);

-- Staff sign-in attempts per username (as typed, lowercased; known or not) and client (a keyed hash of the
-- address): counted before the password is checked. Five in a row that fail lock that client out of that username
-- until `locked_until`; a success starts the count again and marks the client as one the account signs in from.
-- The row with client '*' counts the attempts on a username from every client the account has not signed in from
-- lately (the ceiling). Rows are never needed after their window, lock and mark have passed.
CREATE TABLE staff_sign_in_limits (
    username        TEXT NOT NULL,
    client          TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    window_start    BIGINT NOT NULL,
    locked_until    BIGINT,
    last_success_at BIGINT,
    PRIMARY KEY (username, client)
);

-- The lock per account alone let a stranger keep anyone out: it is replaced by the table above.
ALTER TABLE staff DROP COLUMN failed_sign_ins;
ALTER TABLE staff DROP COLUMN locked_until;
