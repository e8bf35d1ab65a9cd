#!/usr/bin/env python3
"""PostgreSQL restarted during a load of signed webhooks: every delivery that got a 2xx is in the
database afterwards, deliveries during the outage are refused (never acknowledged), and the same
server process accepts deliveries again once PostgreSQL is back, with no restart of its own.
Needs CLEARLINE_BIN, DATABASE_URL, CLEARLINE_PG_DIR and CLEARLINE_PG_PORT (scripts/test sets
them); starts its own `clearline serve` on a free port."""
import hashlib
import hmac
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid

BIN = os.environ["CLEARLINE_BIN"]
DATABASE_URL = os.environ["DATABASE_URL"]
PG_DIR = os.environ["CLEARLINE_PG_DIR"]
PG_PORT = os.environ["CLEARLINE_PG_PORT"]
LOGS = os.environ.get("CLEARLINE_TEST_WORK", "/tmp")


def pg_ctl(*args):
    """pg_ctl as the cluster's owner: PostgreSQL refuses root, so scripts/lib/common.sh runs it
    as a system user when we are root."""
    bindir = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
    command = [f"/usr/lib/postgresql/{bindir}/bin/pg_ctl", "-D", os.path.join(PG_DIR, "data"), *args]
    if os.getuid() == 0:
        command = ["runuser", "-u", "clearline-pg", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    reply = connection.getresponse()
    data = reply.read()
    connection.close()
    return reply.status, data


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    sys.exit(f"FAIL: {what} (waited {seconds} s)")


port = free_port()
env = dict(os.environ, CLEARLINE_HTTP_PORT=str(port), CLEARLINE_LOG_LEVEL="warning", CLEARLINE_PASSWORD_ITERATIONS="10000")
server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(LOGS, "restart-postgres.log"), "w"))


def ready():
    try:
        return call(port, "GET", "/readyz")[0] == 200
    except OSError:
        return False


wait_for(ready, 30, "the server did not become ready")
token = subprocess.run([BIN, "admin", "create-token", "--name", "restart-postgres"], capture_output=True, text=True, check=True).stdout.strip()
auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
status, data = call(port, "POST", "/v1/tenants", json.dumps({"name": "PostgreSQL restart", "slug": "pg-" + uuid.uuid4().hex[:10]}), auth)
tenant = json.loads(data)["id"]
status, data = call(port, "POST", f"/v1/tenants/{tenant}/environments/dev/webhook-endpoints",
                    json.dumps({"name": "load", "source": "shop", "verification": "clearline_signature"}), auth)
endpoint = json.loads(data)
secret = endpoint["secret"].encode()

acknowledged = []
refusals = {}
lock = threading.Lock()
stop = threading.Event()


def sender(index):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    n = 0
    while not stop.is_set():
        event_id = f"pg-{index}-{n}-{uuid.uuid4().hex[:8]}"
        n += 1
        body = json.dumps({"type": "order.paid", "order": {"id": event_id, "total": "19.99"}}).encode()
        t = str(int(time.time()))
        signature = hmac.new(secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
        try:
            connection.request("POST", f"/hooks/{endpoint['id']}", body=body, headers={
                "Content-Type": "application/json", "Clearline-Event-Id": event_id, "Clearline-Signature": f"t={t},v1={signature}"})
            reply = connection.getresponse()
            reply.read()
            with lock:
                if 200 <= reply.status < 300:
                    acknowledged.append((time.monotonic(), event_id))
                else:
                    refusals[reply.status] = refusals.get(reply.status, 0) + 1
            if reply.status >= 300:
                time.sleep(0.05)
        except (OSError, http.client.HTTPException):
            connection.close()
            time.sleep(0.05)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)


def acks():
    with lock:
        return len(acknowledged)


threads = [threading.Thread(target=sender, args=(i,)) for i in range(16)]
for thread in threads:
    thread.start()
wait_for(lambda: acks() >= 500, 60, "the load got no acknowledgements before the restart")

# A fast shutdown ends every session mid-transaction, as a crash or failover would.
pg_ctl("-m", "fast", "-w", "stop")
down_since = time.monotonic()
with lock:
    acked_before = len(acknowledged)
time.sleep(1)  # an outage long enough for requests to meet it
with lock:
    acked_during = [e for (t, e) in acknowledged if t > down_since + 0.5]
pg_ctl("-o", f"-p {PG_PORT}", "-l", os.path.join(PG_DIR, "postgres.log"), "-w", "-t", "60", "start")
up_since = time.monotonic()

# The same server process takes deliveries again, and says it is ready.
wait_for(lambda: any(t > up_since for (t, _) in list(acknowledged)) and acks() >= acked_before + 500, 60,
         "the server did not acknowledge deliveries again after PostgreSQL came back")
wait_for(ready, 30, "the server did not report ready again")
stop.set()
for thread in threads:
    thread.join()
if server.poll() is not None:
    sys.exit(f"FAIL: the server exited ({server.returncode}) during the restart")
server.terminate()
if server.wait(timeout=30) != 0:
    sys.exit(f"FAIL: the server exited with {server.returncode} on SIGTERM after the restart")

query = subprocess.run(["psql", DATABASE_URL, "-XAt", "-c", "SELECT set_config('clearline.scope', 'platform', false)",
                        "-c", f"SELECT vendor_event_id FROM events WHERE tenant_id = '{tenant}'"], capture_output=True, text=True, check=True)
stored = set(query.stdout.split()[1:])
missing = [event_id for (_, event_id) in acknowledged if event_id not in stored]
if acked_during:
    sys.exit(f"FAIL: {len(acked_during)} deliveries were acknowledged while PostgreSQL was down, e.g. {acked_during[:3]}")
if missing:
    sys.exit(f"FAIL: {len(missing)} of {len(acknowledged)} acknowledged deliveries are not in the database, e.g. {missing[:3]}")
if not refusals:
    sys.exit("FAIL: no delivery met the outage (nothing tested)")
print(f"ok: PostgreSQL restarted under intake: {len(acknowledged)} deliveries acknowledged, all stored; "
      f"refused while it was down: {dict(sorted(refusals.items()))}; the same server took deliveries again")
