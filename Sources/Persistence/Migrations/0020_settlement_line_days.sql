-- The day PayTrace made each settled transaction: reconciliation reads the ledgers from the
-- batch's earliest day rather than a fixed week, so a month is not read seven times over.
-- Lines kept before this have none, and their batches are read for the week as before.
ALTER TABLE settlement_lines ADD COLUMN created_on date;
