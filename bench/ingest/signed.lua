-- wrk script: signed webhooks with a unique Clearline-Event-Id per request. The body is the
-- baseline's payload.json and the signature (over "<t>.<body>") is computed once by the runner,
-- so each thread only counts. Arguments: <path> <Clearline-Signature> <payload file>.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local path, signature, body, counter, prefix
function init(args)
  path, signature = args[1], args[2]
  local f = assert(io.open(args[3], "rb"))
  body = f:read("*a")
  f:close()
  counter = 0
  prefix = "bench-" .. tostring(tid) .. "-" .. tostring(os.time()) .. "-"
end

function request()
  counter = counter + 1
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Clearline-Event-Id"] = prefix .. counter,
    ["Clearline-Signature"] = signature,
  }, body)
end
