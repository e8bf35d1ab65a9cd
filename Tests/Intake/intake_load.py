"""What the intake durability checks share: a `clearline serve` of their own, a tenant with a
signed webhook endpoint, sixteen senders that record every acknowledged delivery, and the
comparison with what the events table holds."""
import hashlib
import hmac
import http.client
import json
import os
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


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    sys.exit(f"FAIL: {what} (waited {seconds} s)")


def start_server(port, log_name):
    env = dict(os.environ, CLEARLINE_HTTP_PORT=str(port), CLEARLINE_LOG_LEVEL="warning", CLEARLINE_PASSWORD_ITERATIONS="10000")
    process = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(LOGS, log_name), "w"))
    wait_for(lambda: ready(port), 30, "the server did not become ready")
    return process


def ready(port):
    try:
        return call(port, "GET", "/readyz")[0] == 200
    except OSError:
        return False


def endpoint(port, name):
    """A new tenant and a Clearline-signed endpoint of it: (tenant id, endpoint id, secret)."""
    token = subprocess.run([BIN, "admin", "create-token", "--name", name], capture_output=True, text=True, check=True).stdout.strip()
    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    _, data = call(port, "POST", "/v1/tenants", json.dumps({"name": name, "slug": "load-" + uuid.uuid4().hex[:12]}), auth)
    tenant = json.loads(data)["id"]
    _, data = call(port, "POST", f"/v1/tenants/{tenant}/environments/dev/webhook-endpoints",
                   json.dumps({"name": "load", "source": "shop", "verification": "clearline_signature"}), auth)
    created = json.loads(data)
    return tenant, created["id"], created["secret"].encode()


class Load:
    """Sixteen senders of signed, uniquely numbered deliveries; `acknowledged` holds (time, id)
    of every 2xx, `refusals` counts the other statuses."""

    def __init__(self, port, endpoint_id, secret, prefix):
        self.port, self.endpoint_id, self.secret, self.prefix = port, endpoint_id, secret, prefix
        self.acknowledged, self.refusals = [], {}
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.send, args=(i,)) for i in range(16)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def count(self):
        with self.lock:
            return len(self.acknowledged)

    def send(self, index):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        n = 0
        while not self.stopping.is_set():
            event_id = f"{self.prefix}-{index}-{n}-{uuid.uuid4().hex[:8]}"
            n += 1
            body = json.dumps({"type": "order.paid", "order": {"id": event_id, "total": "19.99"}}).encode()
            t = str(int(time.time()))
            signature = hmac.new(self.secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
            try:
                connection.request("POST", f"/hooks/{self.endpoint_id}", body=body, headers={
                    "Content-Type": "application/json", "Clearline-Event-Id": event_id, "Clearline-Signature": f"t={t},v1={signature}"})
                reply = connection.getresponse()
                reply.read()
                with self.lock:
                    if 200 <= reply.status < 300:
                        self.acknowledged.append((time.monotonic(), event_id))
                    else:
                        self.refusals[reply.status] = self.refusals.get(reply.status, 0) + 1
                if reply.status >= 300:
                    time.sleep(0.05)
            except (OSError, http.client.HTTPException):
                connection.close()
                if self.stopping.is_set():
                    return
                time.sleep(0.05)
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)


def stored_ids(tenant):
    query = subprocess.run(["psql", DATABASE_URL, "-XAt", "-c", "SELECT set_config('clearline.scope', 'platform', false)",
                            "-c", f"SELECT vendor_event_id FROM events WHERE tenant_id = '{tenant}'"], capture_output=True, text=True, check=True)
    return set(query.stdout.split()[1:])


def missing(load, tenant):
    """The acknowledged deliveries the events table does not hold."""
    stored = stored_ids(tenant)
    return [event_id for (_, event_id) in load.acknowledged if event_id not in stored], stored
