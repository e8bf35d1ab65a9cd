#!/usr/bin/env python3
"""Kill -9 of the server during a load of signed webhooks: every delivery that got a 2xx must be
in the database afterwards. The load generator records what was acknowledged; after the kill
the test reads the events table and compares. Needs CLEARLINE_BIN, DATABASE_URL and the master
key settings (scripts/test sets them); starts its own `clearline serve` on a free port."""
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

BIN = os.environ["CLEARLINE_BIN"]
DATABASE_URL = os.environ["DATABASE_URL"]
LOGS = os.environ.get("CLEARLINE_TEST_WORK", "/tmp")


def free_port():
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


def start_server(port):
    env = dict(os.environ, CLEARLINE_HTTP_PORT=str(port), CLEARLINE_LOG_LEVEL="warning", CLEARLINE_PASSWORD_ITERATIONS="10000")
    process = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(LOGS, "kill-server.log"), "w"))
    for _ in range(300):
        try:
            if call(port, "GET", "/readyz")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("FAIL: the server did not become ready")


port = free_port()
server = start_server(port)
token = subprocess.run([BIN, "admin", "create-token", "--name", "kill-server"], capture_output=True, text=True, check=True).stdout.strip()
auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
status, data = call(port, "POST", "/v1/tenants", json.dumps({"name": "Kill -9 intake", "slug": "k-" + uuid.uuid4().hex[:10]}), auth)
tenant = json.loads(data)["id"]
status, data = call(port, "POST", f"/v1/tenants/{tenant}/environments/dev/webhook-endpoints",
                    json.dumps({"name": "load", "source": "shop", "verification": "clearline_signature"}), auth)
endpoint = json.loads(data)
secret = endpoint["secret"].encode()

acknowledged = []
lock = threading.Lock()
stop = threading.Event()


def sender(index):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    n = 0
    while not stop.is_set():
        event_id = f"load-{index}-{n}-{uuid.uuid4().hex[:8]}"
        n += 1
        body = json.dumps({"type": "order.paid", "order": {"id": event_id, "total": "19.99"}}).encode()
        t = str(int(time.time()))
        signature = hmac.new(secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
        try:
            connection.request("POST", f"/hooks/{endpoint['id']}", body=body, headers={
                "Content-Type": "application/json", "Clearline-Event-Id": event_id, "Clearline-Signature": f"t={t},v1={signature}"})
            reply = connection.getresponse()
            reply.read()
            if 200 <= reply.status < 300:
                with lock:
                    acknowledged.append(event_id)
        except (OSError, http.client.HTTPException):
            connection.close()
            if stop.is_set():
                return
            time.sleep(0.05)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)


threads = [threading.Thread(target=sender, args=(i,)) for i in range(16)]
for thread in threads:
    thread.start()
time.sleep(3)
server.send_signal(signal.SIGKILL)
server.wait()
stop.set()
for thread in threads:
    thread.join()

query = subprocess.run(["psql", DATABASE_URL, "-XAt", "-c", "SELECT set_config('clearline.scope', 'platform', false)",
                        "-c", f"SELECT vendor_event_id FROM events WHERE tenant_id = '{tenant}'"], capture_output=True, text=True, check=True)
stored = set(query.stdout.split()[1:])
missing = [event_id for event_id in acknowledged if event_id not in stored]
if not acknowledged:
    sys.exit("FAIL: no delivery was acknowledged before the kill (nothing tested)")
if missing:
    sys.exit(f"FAIL: {len(missing)} of {len(acknowledged)} acknowledged deliveries are not in the database, e.g. {missing[:3]}")
print(f"ok: kill -9 during intake: {len(acknowledged)} deliveries acknowledged, all {len(acknowledged)} stored "
      f"({len(stored) - len(acknowledged)} more committed whose answer the kill cut off)")
