-- A difference a person looked into and explained (a fee charged by another channel, a payment
-- entered on purpose): the note, who wrote it and when. Explained differences stay on record.
ALTER TABLE reconciliation_findings
  ADD COLUMN explanation text CHECK (length(explanation) <= 1000),
  ADD COLUMN explained_by text,
  ADD COLUMN explained_at timestamptz;
