#!/usr/bin/env python3
"""Drives bench/flows: deploys the order-to-cash template in the demo tenant's dev, posts N
signed PayTrace sales to a webhook endpoint from 16 threads, and waits until every run ends."""
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.request
import uuid

BASE, TOKEN, SALES = sys.argv[1], sys.argv[2], int(sys.argv[3])
# "serve:PID sandbox:PID postgres:PID" (the postmaster): CPU time of each, and of the
# postmaster's children, over the burst. On a machine the burst keeps busy, CPU per flow is
# steadier from one run to the next than flows per second.
PIDS = dict(part.split(":") for part in os.environ.get("CLEARLINE_FLOWS_PIDS", "").split())
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds():
    """Seconds of CPU (user and system) so far, per process named in PIDS."""
    def own(pid):
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK
    totals = {name: 0.0 for name in PIDS}
    by_pid = {pid: name for name, pid in PIDS.items()}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            parent, seconds = own(entry)
        except (OSError, ValueError, IndexError):
            continue
        name = by_pid.get(entry) or (by_pid.get(str(parent)) if by_pid.get(str(parent)) == "postgres" else None)
        if name:
            totals[name] += seconds
    return totals


def call(method, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(BASE + path, method=method, data=data,
                                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read() or b"null")


tenant = next(t for t in call("GET", "/v1/tenants?limit=100")["items"] if t["slug"] == "demo")["id"]
flow = call("POST", f"/v1/tenants/{tenant}/flows", {"name": "Order to cash", "template_id": "paytrace-zoho-order-to-cash"})["id"]
call("POST", f"/v1/tenants/{tenant}/flows/{flow}/versions", {})
call("POST", f"/v1/tenants/{tenant}/environments/dev/deployments", {"flow_id": flow, "version": 1})
hook = call("POST", f"/v1/tenants/{tenant}/environments/dev/webhook-endpoints",
            {"name": "bench sales", "source": "paytrace", "verification": "clearline_signature"})
run_id = uuid.uuid4().hex[:6]


def post(index, label="burst"):
    body = json.dumps({"transaction": {
        "transaction_id": 5_000_000 + index, "transaction_type": "SALE", "amount": f"{10 + index % 90}.{index % 100:02d}", "status": "SETTLED",
        "created_at": "11/22/2026 9:00:00 AM", "customer_id": f"bench-{run_id}-{index % 50}", "invoice_id": f"Invoice # {run_id}{index}",
        "billing_address": {"name": f"Bench customer {run_id} {index % 50}"}}}).encode()
    stamp = str(int(time.time()))
    signature = hmac.new(hook["secret"].encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    urllib.request.urlopen(urllib.request.Request(BASE + f"/hooks/{hook['id']}", method="POST", data=body, headers={
        "Content-Type": "application/json", "Clearline-Event-Id": f"bench-{run_id}-{label}-{index}", "Clearline-Event-Type": "paytrace.transaction.sale",
        "Clearline-Signature": f"t={stamp},v1={signature}"}), timeout=60).read()


cpu_before = cpu_seconds()
started = time.time()
indexes = iter(range(SALES))
lock = threading.Lock()


def worker():
    while True:
        with lock:
            index = next(indexes, None)
        if index is None:
            return
        post(index)


threads = [threading.Thread(target=worker) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"{SALES} sales accepted in {time.time() - started:.1f} s", flush=True)
while True:
    running = len(call("GET", f"/v1/tenants/{tenant}/environments/dev/runs?status=running&limit=200")["items"])
    done = 0
    cursor = None
    while True:
        page = call("GET", f"/v1/tenants/{tenant}/environments/dev/runs?status=succeeded&limit=200" + (f"&cursor={cursor}" if cursor else ""))
        done += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    if done >= SALES:
        break
    if running == 0 and time.time() - started > 30 and done < SALES:
        failed = call("GET", f"/v1/tenants/{tenant}/environments/dev/runs?status=failed&limit=5")["items"]
        if failed:
            sys.exit(f"runs failed: {failed}")
    if time.time() - started > 600:
        sys.exit(f"only {done} of {SALES} runs succeeded after 600 s; see the dead letters")
    print(f"  {done}/{SALES} flows done after {time.time() - started:.0f} s", flush=True)
    time.sleep(2)
print(f"{done} order-to-cash runs succeeded in {time.time() - started:.1f} s", flush=True)
if PIDS:
    cpu_after = cpu_seconds()
    spent = {name: (cpu_after[name] - cpu_before[name]) * 1000 / SALES for name in PIDS}
    print("burst CPU per flow: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in spent.items())
          + f"; together {sum(spent.values()):.1f} ms", flush=True)

# Latency on an idle system: sales one at a time, each after the previous one's run ended.
PACED = 20
for index in range(PACED):
    before = time.time()
    post(SALES + index, "paced")
    while True:
        page = call("GET", f"/v1/tenants/{tenant}/environments/dev/runs?status=running&limit=10")
        if not page["items"] and time.time() - before > 0.05:
            break
        time.sleep(0.02)
print(f"{PACED} paced sales done", flush=True)
