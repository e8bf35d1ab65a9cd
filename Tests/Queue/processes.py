#!/usr/bin/env python3
"""The job queue across real processes: three `clearline work` processes with four workers
each run 10,000 probe jobs exactly once; a worker process killed with SIGKILL in the middle of
jobs loses none, and none runs twice, once the leases expire. Probe jobs write one row to
probe_effects in the transaction that completes them, with no unique key, so a second run of
any job would show. Needs CLEARLINE_BIN, CLEARLINE_URL and the database settings of the
server (DATABASE_URL, CLEARLINE_MASTER_KEY_FILE); scripts/test sets them."""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

BIN = os.environ["CLEARLINE_BIN"]
URL = os.environ["CLEARLINE_URL"]
LOGS = os.environ.get("CLEARLINE_TEST_WORK", "/tmp")


def cli(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, check=True).stdout


TOKEN = cli("admin", "create-token", "--name", "queue-processes").strip()


def new_tenant(name):
    body = json.dumps({"name": name, "slug": "q-" + uuid.uuid4().hex[:10]}).encode()
    request = urllib.request.Request(URL + "/v1/tenants", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as reply:
        return json.load(reply)["id"]


def status(tenant):
    text = cli("jobs", "status", "--tenant", tenant, "--probes")
    numbers = {}
    for key in ("queued", "running", "completed", "dead", "lost-attempts", "runs", "jobs", "repeated"):
        found = re.search(r"(?:^|\s)" + re.escape(key) + r" (\d+)", text)
        numbers[key] = int(found.group(1)) if found else 0
    numbers["processes"] = dict((p, int(n)) for p, n in re.findall(r"process (\S+): (\d+) runs", text))
    return numbers


def workers(count, index, **settings):
    env = dict(os.environ, CLEARLINE_WORKERS=str(count), CLEARLINE_LOG_LEVEL="warning", **{k: str(v) for k, v in settings.items()})
    log = open(os.path.join(LOGS, f"work-{index}.log"), "w")
    return subprocess.Popen([BIN, "work"], env=env, stdout=subprocess.DEVNULL, stderr=log)


def wait_for(tenant, predicate, seconds, what, brief=False):
    """Polls until `predicate` holds; `brief` polls only the queue's depth (cheap), then reads everything once."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if brief:
            first = cli("jobs", "status", "--tenant", tenant, "--brief").split()
            numbers = {"queued": int(first[1]), "running": int(first[3])}
            if numbers["queued"] == 0 and numbers["running"] == 0:
                numbers = status(tenant)
        else:
            numbers = status(tenant)
        if predicate(numbers):
            return numbers
        time.sleep(0.3)
    sys.exit(f"FAIL: {what} within {seconds} s: {status(tenant)}")


def stop(processes):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)


def exactly_once_across_three_processes():
    tenant = new_tenant("Queue: three processes")
    cli("jobs", "probe", "--tenant", tenant, "--count", "10000")
    started = time.time()
    pool = [workers(4, i, CLEARLINE_JOB_POLL_MS=200) for i in range(3)]
    try:
        numbers = wait_for(tenant, lambda n: n.get("completed") == 10000 and n["queued"] == 0 and n["running"] == 0, 600,
                           "10,000 probe jobs completed", brief=True)
    finally:
        stop(pool)
    elapsed = time.time() - started
    if numbers["runs"] != 10000 or numbers["jobs"] != 10000 or numbers["repeated"] != 0:
        sys.exit(f"FAIL: expected 10000 runs of 10000 jobs, none repeated: {numbers}")
    if len(numbers["processes"]) != 3:
        sys.exit(f"FAIL: expected all three processes to take part: {numbers['processes']}")
    print(f"ok: 10,000 jobs, 3 processes x 4 workers, each job once, in {elapsed:.1f} s "
          f"({10000 / elapsed:.0f} jobs/s); runs per process: {sorted(numbers['processes'].values())}")


def kill_nine_mid_job():
    tenant = new_tenant("Queue: kill -9")
    cli("jobs", "probe", "--tenant", tenant, "--count", "40", "--sleep-ms", "700")
    first = workers(4, 10, CLEARLINE_JOB_LEASE_SECONDS=3, CLEARLINE_JOB_POLL_MS=100)
    wait_for(tenant, lambda n: n["completed"] >= 4 and n["running"] >= 1, 60, "some jobs done and some running")
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = status(tenant)
    second = workers(4, 11, CLEARLINE_JOB_LEASE_SECONDS=3, CLEARLINE_JOB_POLL_MS=100, CLEARLINE_JOB_REAP_MS=300)
    try:
        numbers = wait_for(tenant, lambda n: n["completed"] == 40 and n["queued"] == 0 and n["running"] == 0, 120,
                           "every job completed after the kill")
    finally:
        stop([second])
    if numbers["runs"] != 40 or numbers["repeated"] != 0:
        sys.exit(f"FAIL: a job ran twice or not at all after kill -9: {numbers}")
    if numbers["lost-attempts"] < 1:
        sys.exit(f"FAIL: the killed process had no job in flight (nothing tested): {numbers}")
    print(f"ok: kill -9 with {killed_at['running']} jobs running: {numbers['lost-attempts']} attempts lost and retried "
          f"after the 3 s lease, 40 jobs each completed once")


exactly_once_across_three_processes()
kill_nine_mid_job()
