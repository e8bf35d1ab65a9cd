-- Taking tokens is one UPDATE when they are there (issue 16): the bucket's row was inserted if
-- missing, then read FOR UPDATE, then updated, three statements while every worker calling the
-- same vendor waited for the row. Same answers: 0 when taken; otherwise the seconds until the
-- tokens will be there, nothing taken. A bucket is created full on first use.
CREATE OR REPLACE FUNCTION clearline_take_tokens(bucket text, cost double precision, capacity double precision, per_second double precision)
RETURNS double precision LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  moment timestamptz;
  available double precision;
BEGIN
  FOR attempt IN 1..2 LOOP
    moment := clock_timestamp();
    -- A concurrent taker's update makes PostgreSQL check the condition again on the row it left.
    UPDATE rate_buckets
    SET tokens = least(capacity, tokens + extract(epoch FROM moment - refilled_at) * per_second) - cost, refilled_at = moment
    WHERE key = bucket AND least(capacity, tokens + extract(epoch FROM moment - refilled_at) * per_second) >= cost;
    IF FOUND THEN
      RETURN 0;
    END IF;
    SELECT least(capacity, tokens + extract(epoch FROM clock_timestamp() - refilled_at) * per_second) INTO available
    FROM rate_buckets WHERE key = bucket;
    IF FOUND THEN
      RETURN (cost - available) / per_second;
    END IF;
    INSERT INTO rate_buckets (key, tokens) VALUES (bucket, capacity) ON CONFLICT (key) DO NOTHING;
  END LOOP;
  RETURN 0;
END $$;
