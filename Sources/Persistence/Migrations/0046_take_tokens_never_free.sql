-- Taking tokens never allows a call it did not take a token for (issue 16). Migration 0045's
-- UPDATE worked out the refill from a moment read before it waited for a concurrent taker's
-- row; re-checked on that taker's newer row, the elapsed time came out negative, the tokens
-- short, and the UPDATE took nothing. The SELECT after it, with a later clock, then found the
-- tokens there and returned a wait of zero or less, which callers read as "allowed": one call
-- over the capacity (RateLimitTests caught 11 of 10 under CI). Now the refill never counts time
-- backwards, a SELECT that finds the tokens there tries the UPDATE again, and the function
-- answers 0 only after an UPDATE took the tokens; otherwise a positive wait.
CREATE OR REPLACE FUNCTION clearline_take_tokens(bucket text, cost double precision, capacity double precision, per_second double precision)
RETURNS double precision LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  available double precision;
BEGIN
  FOR attempt IN 1..5 LOOP
    -- clock_timestamp() is read per row, after any wait for a concurrent taker.
    UPDATE rate_buckets
    SET tokens = least(capacity, tokens + greatest(0, extract(epoch FROM clock_timestamp() - refilled_at)) * per_second) - cost,
        refilled_at = greatest(refilled_at, clock_timestamp())
    WHERE key = bucket AND least(capacity, tokens + greatest(0, extract(epoch FROM clock_timestamp() - refilled_at)) * per_second) >= cost;
    IF FOUND THEN
      RETURN 0;
    END IF;
    SELECT least(capacity, tokens + greatest(0, extract(epoch FROM clock_timestamp() - refilled_at)) * per_second) INTO available
    FROM rate_buckets WHERE key = bucket;
    IF FOUND THEN
      IF available < cost THEN
        RETURN (cost - available) / per_second;
      END IF;
      -- There now (refilled, or a concurrent taker's row seen at last): take them.
      CONTINUE;
    END IF;
    INSERT INTO rate_buckets (key, tokens) VALUES (bucket, capacity) ON CONFLICT (key) DO NOTHING;
  END LOOP;
  -- Still not taken after five tries: ask the caller to wait a moment rather than let it through.
  RETURN greatest(0.05, cost / per_second / 1000);
END $$;
