-- A job's place in its ordering key's line (issue 16). Jobs of one key still run one at a time;
-- the line is now by `ordered_at`, then id, where `ordered_at` is when the work began: a flow
-- step's event's arrival (the step job's run_at when queued in the past), else when the job was
-- queued. A retry keeps its place. By id alone, a burst of one customer's sales advanced a step
-- at a time in lockstep, and the first sale was paid only when nearly all were; now a sale's
-- next step goes before a later sale's earlier one, as the event order says.
-- Existing rows all take the migration's moment, so their order is their id order, as before.
ALTER TABLE jobs ADD COLUMN ordered_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX jobs_ordering_line ON jobs (tenant_id, ordering_key, ordered_at, id) WHERE ordering_key IS NOT NULL;
DROP INDEX jobs_ordering;
