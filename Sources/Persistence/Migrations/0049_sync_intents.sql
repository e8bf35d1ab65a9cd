-- A write's intent, committed before the target is asked to create the record (issue 16).
-- The ledger searched the target before every create, by the business key the record carries
-- (an invoice's reference number, a contact's name): an earlier attempt may have created it and
-- lost the answer, or another sale naming the same invoice may have, and neither Zoho Books nor
-- Inventory takes an idempotency key. In a burst that search was one call in three a flow made,
-- each 4-6 ms of a worker's time. Now the first write of a business key records it here, and
-- the target is not searched: nothing of Clearline's can be there under that key. A key that is
-- here already (a retry, a replay, a second sale naming the same invoice) is searched for as
-- before. Kept, like sync_links: a link forgotten for a repair still finds its intent.
--
-- A write begun before this migration left no intent: steps of events received before it was
-- applied (`schema_migrations.applied_at` of version 49) always search.
CREATE TABLE sync_intents (
  tenant_id    uuid NOT NULL,
  environment  text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  target       text NOT NULL,
  search_key   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, environment, target, search_key)
);
SELECT clearline_guard_tenant_table('sync_intents', 'tenant_id');
