-- A message about an application goes to the account's sign-in identifier and also to each contact the applicant
-- gave in the form that is another address: one row per address, so that each gets it exactly once. NULL means
-- the account's identifier; otherwise the normalised email address or mobile number it was queued for.
ALTER TABLE outbox ADD COLUMN recipient TEXT;
