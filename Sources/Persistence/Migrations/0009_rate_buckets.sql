-- Token buckets shared by every worker of every process: a vendor's per-account request limit
-- (Zoho Books: 100 requests a minute per organization) is kept across all of them.
CREATE TABLE rate_buckets (
  key          text PRIMARY KEY,
  tokens       double precision NOT NULL,
  refilled_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Takes `cost` tokens from the bucket (created full); returns 0 when they were taken, else the
-- seconds until they will be there (nothing is taken then).
CREATE FUNCTION clearline_take_tokens(bucket text, cost double precision, capacity double precision, per_second double precision)
RETURNS double precision LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  available double precision;
BEGIN
  INSERT INTO rate_buckets (key, tokens) VALUES (bucket, capacity) ON CONFLICT (key) DO NOTHING;
  SELECT least(capacity, tokens + extract(epoch FROM clock_timestamp() - refilled_at) * per_second) INTO available
  FROM rate_buckets WHERE key = bucket FOR UPDATE;
  IF available >= cost THEN
    UPDATE rate_buckets SET tokens = available - cost, refilled_at = clock_timestamp() WHERE key = bucket;
    RETURN 0;
  END IF;
  RETURN (cost - available) / per_second;
END $$;
