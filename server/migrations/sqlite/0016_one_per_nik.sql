-- One application in progress per NIK, from any account (issue 13): a partial unique index over the applications
-- that are neither rejected nor issued, drafts included (the NIK is stored as soon as the identity section is
-- saved, and again whenever it changes). Simultaneous saves or submissions of one NIK cannot both pass it.
--
-- Applications that already share a NIK while in progress (the NIK used to be stored only at submission, and
-- nothing compared it) are kept exactly as they are: nothing is deleted, rejected or rewritten, and the portal
-- still starts. In each such group the earliest submitted one keeps the NIK's place; the others are marked
-- `legacy_nik_duplicate = 1`, which the index leaves out, until staff reject or finish them (the review page
-- lists every application with the same NIK). An application that changes its NIK loses the mark.
ALTER TABLE applications ADD COLUMN legacy_nik_duplicate INTEGER NOT NULL DEFAULT 0;

UPDATE applications SET legacy_nik_duplicate = 1
WHERE nik IS NOT NULL AND status NOT IN ('rejected', 'issued')
  AND EXISTS (
      SELECT 1 FROM applications earlier
      WHERE earlier.nik = applications.nik
        AND earlier.status NOT IN ('rejected', 'issued')
        AND (COALESCE(earlier.submitted_at, earlier.created_at) < COALESCE(applications.submitted_at, applications.created_at)
             OR (COALESCE(earlier.submitted_at, earlier.created_at) = COALESCE(applications.submitted_at, applications.created_at)
                 AND earlier.id < applications.id)));

CREATE UNIQUE INDEX applications_nik_in_progress ON applications (nik)
    WHERE nik IS NOT NULL AND legacy_nik_duplicate = 0 AND status NOT IN ('rejected', 'issued');
