#!/usr/bin/env python3
"""A real `clearline serve` while a tenant's Test waits on a vendor that never answers: the
threads URLSession runs on (libdispatch's) are at the lowest CPU priority, nice 19, and the
threads that answer requests are not, so the waiting call's busy loop in FoundationNetworking
cannot take a core from other tenants (DispatchThreadPriority.swift says why; bench/stall
measures the reads). Another tenant's reads are answered meanwhile. Needs CLEARLINE_BIN,
DATABASE_URL and the master key settings (scripts/test sets them)."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Intake"))
from intake_load import BIN, LOGS, call, free_port, ready, wait_for  # noqa: E402

# A vendor that accepts, reads the request and never answers.
vendor = socket.socket()
vendor.bind(("127.0.0.1", 0))
vendor.listen(16)
accepted = []


def hold():
    while True:
        connection, _ = vendor.accept()
        accepted.append(connection)


threading.Thread(target=hold, daemon=True).start()
vendor_port = vendor.getsockname()[1]

port = free_port()
env = dict(os.environ, CLEARLINE_HTTP_PORT=str(port), CLEARLINE_LOG_LEVEL="warning",
           CLEARLINE_OUTBOUND_ALLOW=f"127.0.0.1:{vendor_port}")
server = subprocess.Popen([BIN, "serve", "--no-workers"], env=env, stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(LOGS, "stalled-vendor-serve.log"), "w"))
try:
    wait_for(lambda: ready(port), 30, "the server did not become ready")
    token = subprocess.run([BIN, "admin", "create-token", "--name", "stall"], capture_output=True, text=True, check=True).stdout.strip()
    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def tenant(name):
        status, data = call(port, "POST", "/v1/tenants", json.dumps({"name": name, "slug": "stall-" + uuid.uuid4().hex[:12]}), auth)
        assert status == 201, (status, data)
        return json.loads(data)["id"]

    stalling, reader = tenant("Stalling"), tenant("Reader")
    status, data = call(port, "POST", f"/v1/tenants/{stalling}/environments/dev/connections", json.dumps({
        "kind": "paytrace", "name": "Stalled", "settings": {"base_url": f"http://127.0.0.1:{vendor_port}"},
        "secrets": {"username": "u", "password": "a-long-password"}}), auth)
    assert status == 201, (status, data)
    connection = json.loads(data)["id"]

    test_answer = {}

    def press_test():
        test_answer["status"] = call(port, "POST", f"/v1/tenants/{stalling}/environments/dev/connections/{connection}/test",
                                     headers=auth)[0]

    presser = threading.Thread(target=press_test)
    presser.start()
    wait_for(lambda: accepted, 30, "the Test's call never reached the vendor")

    def threads():
        """(name, nice) of each of the server's threads."""
        found = []
        for task in os.listdir(f"/proc/{server.pid}/task"):
            try:
                with open(f"/proc/{server.pid}/task/{task}/comm") as f:
                    name = f.read().strip()
                with open(f"/proc/{server.pid}/task/{task}/stat") as f:
                    # Field 19 is the nice value; the name (field 2) may hold spaces, so count from its ")".
                    nice = int(f.read().rsplit(")", 1)[1].split()[16])
            except (FileNotFoundError, ProcessLookupError):
                continue
            found.append((name, nice))
        return found

    def dispatch_threads_lowered():
        dispatch = [nice for name, nice in threads() if "qos" in name or "dispatch" in name]
        return dispatch and all(nice == 19 for nice in dispatch)

    # The watcher looks every 50 ms, so a thread libdispatch has just made may not be lowered yet.
    wait_for(dispatch_threads_lowered, 10, f"libdispatch's threads are not all at nice 19: {threads()}")
    others = [(name, nice) for name, nice in threads() if not ("qos" in name or "dispatch" in name)]
    assert others and all(nice == 0 for _, nice in others), f"a thread that answers requests was lowered too: {others}"
    # The access log is flushed by a thread of its own: on libdispatch's, at nice 19, it fell
    # behind under load and its entries grew to 190 MB.
    assert ("log-flush", 0) in others, f"no log-flush thread at nice 0: {others}"
    reads = [call(port, "GET", f"/v1/tenants/{reader}", headers=auth)[0] for _ in range(50)]
    assert reads == [200] * 50, reads
    assert presser.is_alive(), "the Test did not wait on the vendor"
    print(f"ok: while a Test waited on a silent vendor, {sum(1 for n, _ in threads() if 'qos' in n or 'dispatch' in n)} libdispatch "
          f"threads ran at nice 19 and {len(others)} others at 0; another tenant's 50 reads answered 200")
    for held in accepted:
        held.close()
    presser.join(30)
    assert test_answer.get("status") == 200, f"the Test reports the vendor's silence as its result: {test_answer}"
finally:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
