#!/usr/bin/env python3
"""A real `clearline serve` while a tenant's Test waits on a vendor that never answers:
- the call goes out from serve's call helper (CallRelay.swift), a process in a session, and so a
  scheduling group, of its own, at nice 19 for the process and its group, so the waiting call's
  busy loop in FoundationNetworking takes CPU from no one (bench/stall measures the reads);
- in serve itself, the threads URLSession runs on (libdispatch's, for the workers' calls) are at
  nice 19 and the threads that answer requests are not (DispatchThreadPriority.swift);
- another tenant's reads are answered meanwhile, and the helper ends with serve.
Needs CLEARLINE_BIN, DATABASE_URL and the master key settings (scripts/test sets them)."""
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

    def helper_pid():
        """The pid of serve's call helper, a child of the server."""
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{pid}/cmdline") as f:
                    arguments = f.read().split("\0")
            except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
                continue
            if int(fields[1]) == server.pid and "call-helper" in arguments:
                return int(pid)
        return None

    def socket_owner(local_port):
        """The pid holding the TCP socket bound to 127.0.0.1:local_port."""
        inode = None
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].split(":")[1], 16) == local_port:
                    inode = fields[9]
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")):
                    return int(pid)
            except (FileNotFoundError, ProcessLookupError, NotADirectoryError, PermissionError):
                continue
        return None

    helper = helper_pid()
    assert helper, "serve started no call helper"
    def callers():
        """The processes holding the other end of the vendor's connections still open (a
        connection closed at once, before it was looked at, has no owner any more)."""
        return {socket_owner(held.getpeername()[1]) for held in list(accepted)} - {None}

    wait_for(callers, 10, "no process holds the Test's call to the vendor")
    caller = callers()
    assert caller == {helper}, f"the Test's call came from pid {caller}, not the call helper {helper} (serve is {server.pid})"
    assert os.getsid(helper) == helper != os.getsid(server.pid), "the call helper is not in a session of its own"
    with open(f"/proc/{helper}/autogroup") as f:
        autogroup = f.read().strip()
    assert autogroup.endswith("nice 19"), f"the call helper's scheduling group is not at nice 19: {autogroup}"

    def threads(pid=server.pid):
        """(name, nice) of each of a process's threads."""
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/comm") as f:
                    name = f.read().strip()
                with open(f"/proc/{pid}/task/{task}/stat") as f:
                    # Field 19 is the nice value; the name (field 2) may hold spaces, so count from its ")".
                    nice = int(f.read().rsplit(")", 1)[1].split()[16])
            except (FileNotFoundError, ProcessLookupError):
                continue
            found.append((name, nice))
        return found

    # libdispatch sets its threads' nice values itself; the helper's watcher lowers them again.
    wait_for(lambda: all(nice == 19 for _, nice in threads(helper)), 10, f"a call helper thread is not at nice 19: {threads(helper)}")
    helper_threads = threads(helper)

    def dispatch_threads_lowered():
        return all(nice == 19 for name, nice in threads() if "qos" in name or "dispatch" in name)

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
    print(f"ok: while a Test waited on a silent vendor, its call went from the call helper (own session, {autogroup}, "
          f"{len(helper_threads)} threads at nice 19); in serve, {sum(1 for n, _ in threads() if 'qos' in n or 'dispatch' in n)} "
          f"libdispatch threads ran at nice 19 and {len(others)} others at 0; another tenant's 50 reads answered 200")
    for held in accepted:
        held.close()
    presser.join(30)
    assert test_answer.get("status") == 200, f"the Test reports the vendor's silence as its result: {test_answer}"
finally:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
# The helper reads its calls from serve; once serve is gone, so is it.
wait_for(lambda: not os.path.exists(f"/proc/{helper}") or open(f"/proc/{helper}/stat").read().rsplit(")", 1)[1].split()[0] == "Z",
         10, "the call helper outlived serve")
