-- The fingerprint of the master key (SESSION_SIGNING_KEY) the nodes of this database use: the SHA-256 of a key
-- derived from it for this purpose alone, never the key. The first node to start records it; a node whose key
-- gives another fingerprint refuses to start (its sessions and sign-in codes would not work on the others).
CREATE TABLE key_fingerprints (
    name        TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
