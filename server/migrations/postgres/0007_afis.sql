-- The AFIS link: every token the central identification system used, by its issuer and `jti`, kept until the
-- token has expired. The primary key refuses a replayed token even when several server processes share the
-- database; rows past their expiry are deleted as new tokens arrive.
CREATE TABLE afis_tokens (
    issuer     TEXT NOT NULL,
    jti        TEXT NOT NULL,
    used_at    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, jti)
);
CREATE INDEX afis_tokens_expiry ON afis_tokens (expires_at);
