-- Taking a few calls' tokens ahead (issue 16). Every flow step that writes to Zoho took its
-- two tokens in a statement of its own: in a burst, a fifth of the statements a flow sent and
-- a tenth of PostgreSQL's time. A process now takes a few steps' worth at once and spends them
-- over the next moment (`TokenReserve`). Only tokens above half the bucket's capacity are taken
-- ahead, so a bucket near empty is shared out call by call as before, and a process never holds
-- what another needs soon. Answers the tokens taken (at least `cost`) and no wait, or no tokens
-- and how long to wait for `cost`. The bucket's row is locked before the clock is read, so the
-- refill never counts time a concurrent taker already counted (0046).
CREATE OR REPLACE FUNCTION clearline_take_tokens_ahead(
  bucket text, cost double precision, ahead double precision, capacity double precision, per_second double precision,
  OUT taken double precision, OUT wait double precision)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  held double precision;
  since timestamptz;
  stamp timestamptz;
  available double precision;
  extra double precision;
BEGIN
  FOR attempt IN 1..2 LOOP
    SELECT b.tokens, b.refilled_at INTO held, since FROM rate_buckets b WHERE b.key = bucket FOR UPDATE;
    IF FOUND THEN
      stamp := clock_timestamp();
      available := least(capacity, held + greatest(0, extract(epoch FROM stamp - since)) * per_second);
      IF available < cost THEN
        taken := 0;
        wait := (cost - available) / per_second;
        RETURN;
      END IF;
      extra := least(ahead, greatest(0, available - cost - capacity / 2));
      UPDATE rate_buckets SET tokens = available - cost - extra, refilled_at = greatest(since, stamp) WHERE key = bucket;
      taken := cost + extra;
      wait := 0;
      RETURN;
    END IF;
    INSERT INTO rate_buckets (key, tokens) VALUES (bucket, capacity) ON CONFLICT (key) DO NOTHING;
  END LOOP;
  -- The row was made and gone again (no one deletes buckets): ask the caller to wait a moment.
  taken := 0;
  wait := greatest(0.05, cost / per_second / 1000);
END $$;
