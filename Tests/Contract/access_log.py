#!/usr/bin/env python3
"""The access log of a real `clearline serve`: one JSON line per answered request, with the
fields an operator filters on, and none lost when the server is stopped cleanly (its lines are
written off the request threads, so the last ones are still in memory when SIGTERM arrives).
Needs CLEARLINE_BIN, DATABASE_URL and the master key settings (scripts/test sets them)."""
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Intake"))
from intake_load import BIN, LOGS, free_port, ready, wait_for  # noqa: E402

REQUESTS = 3000
port = free_port()
log_path = os.path.join(LOGS, "access-log-serve.log")
env = dict(os.environ, CLEARLINE_HTTP_PORT=str(port), CLEARLINE_LOG_LEVEL="info", CLEARLINE_PASSWORD_ITERATIONS="10000")
server = subprocess.Popen([BIN, "serve", "--no-workers"], env=env, stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))
wait_for(lambda: ready(port), 30, "the server did not become ready")

run = uuid.uuid4().hex[:8]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
statuses = {}
for index in range(REQUESTS):
    # Every fifth request is a 404, so the log tells answers apart.
    path = "/healthz" if index % 5 else f"/no-such-page-{index}"
    connection.request("GET", path, headers={"X-Request-Id": f"log-{run}-{index}"})
    reply = connection.getresponse()
    reply.read()
    statuses[f"log-{run}-{index}"] = (path, reply.status)
connection.close()
# Stopped at once: the last lines are still waiting for the log's next flush.
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)

lines = {}
with open(log_path) as log:
    for text in log:
        record = json.loads(text)
        if record.get("msg") == "request" and str(record.get("request_id", "")).startswith(f"log-{run}-"):
            lines.setdefault(record["request_id"], []).append(record)
missing = [key for key in statuses if key not in lines]
doubled = [key for key, records in lines.items() if len(records) > 1]
if missing or doubled:
    sys.exit(f"FAIL: of {REQUESTS} requests, {len(missing)} have no access log line (e.g. {missing[:3]}) and {len(doubled)} have two")
wrong = []
for key, (path, status) in statuses.items():
    record = lines[key][0]
    if record["path"] != path or record["status"] != str(status) or record["method"] != "GET" or record["level"] != "info" \
            or not record["ts"].endswith("Z") or int(record["duration_us"]) < 0 or record["client"] != "127.0.0.1":
        wrong.append(record)
if wrong:
    sys.exit(f"FAIL: {len(wrong)} access log lines do not match their request, e.g. {wrong[:2]}")
print(f"ok: access log: {REQUESTS} requests, {REQUESTS} JSON lines with path, status, method, time and client; "
      f"none lost on SIGTERM right after the last answer")
