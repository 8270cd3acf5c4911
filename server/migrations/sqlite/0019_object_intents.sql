-- Objects of the document store that may have no row pointing at them, to be checked by the object sweep
-- (`documents::orphans`). An upload records its new key here BEFORE it puts the object, and the transaction that
-- writes the document row removes it; a replaced scan's old key is recorded in that same transaction and its
-- object deleted after the commit. A node killed in between leaves the key here, never an object nobody knows.
--   upload    an upload in flight: swept (object deleted if no document row points at it) after a grace period
--   replaced  the old object of a replaced scan: deleted at once
--   discard   an object to delete at once (a failed upload, or an upload claimed by the sweep)
CREATE TABLE object_intents (
    object_key TEXT PRIMARY KEY,
    reason     TEXT NOT NULL CHECK (reason IN ('upload', 'replaced', 'discard')),
    created_at BIGINT NOT NULL
);
CREATE INDEX object_intents_reason ON object_intents (reason, created_at);
-- The sweep asks, for each key, whether a document row points at it.
CREATE INDEX documents_object_key ON documents (object_key);
