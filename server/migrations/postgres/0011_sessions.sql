-- Citizens' sessions end after 30 minutes without a request, as staff sessions do: the time of the last request
-- (written at most once a minute). A session open when this runs counts from its start.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;

-- The retention sweep deletes codes and sessions a day after they expired or were ended.
CREATE INDEX sign_in_codes_expires ON sign_in_codes (expires_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);
CREATE INDEX staff_sessions_revoked ON staff_sessions (revoked_at);
