-- A card withheld at handover (the 1:1 fingerprint check did not match) goes back to Kemendagri for destruction
-- (seed step 14): one row per card returned, written in the transaction of the `handover_mismatch` step, with the
-- reference of its return (the berita acara or shipment number), who recorded it and when. The blank card it was
-- printed on is not given back to the stock. Never updated or deleted.
CREATE TABLE card_returns (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    reference      TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 64),
    staff_id       TEXT NOT NULL REFERENCES staff (id),
    at             BIGINT NOT NULL
);
CREATE INDEX card_returns_application ON card_returns (application_id, at);
