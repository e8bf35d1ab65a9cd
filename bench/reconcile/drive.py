#!/usr/bin/env python3
"""Drives bench/reconcile: makes the sandbox's month, writes to the sandbox's Books and Sage Pro
what the flows would have (a payment and a receipt per approved sale, a credit note and a
journal per refund, from 8 threads), then
times one backfill of the month until every settlement is kept and reconciled, and reads the
database's busy time over the same span."""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

BASE, TOKEN, SANDBOX, PER_DAY = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ORG = "20071234"


def request(method, url, body=None, headers=None, form=None):
    data = urllib.parse.urlencode(form).encode() if form else (None if body is None else json.dumps(body).encode())
    content = "application/x-www-form-urlencoded" if form else "application/json"
    with urllib.request.urlopen(urllib.request.Request(url, method=method, data=data, headers={"Content-Type": content, **(headers or {})}),
                                timeout=120) as reply:
        return json.loads(reply.read() or b"null")


def api(method, path, body=None):
    return request(method, BASE + path, body, {"Authorization": f"Bearer {TOKEN}"})


def active_ms():
    """pg_stat_database.active_time of the clearline database, once every backend has reported."""
    time.sleep(1.5)
    out = subprocess.run(
        ["psql", "-XAt", "-h", "127.0.0.1", "-p", os.environ["BENCH_PG_PORT"], "-U", "clearline", "-d", "clearline",
         "-c", "SELECT pg_stat_force_next_flush()", "-c", "SELECT round(active_time) FROM pg_stat_database WHERE datname = 'clearline'"],
        check=True, capture_output=True, text=True).stdout.split()
    return float(out[-1])


tenant = next(t for t in api("GET", "/v1/tenants?limit=100")["items"] if t["slug"] == "demo")["id"]
base = f"/v1/tenants/{tenant}/environments/dev"
connections = api("GET", base + "/connections?limit=100")["items"]
paytrace = next(c for c in connections if c["kind"] == "paytrace")["id"]
sage = next(c for c in connections if c["kind"] == "sage_pro")["id"]
applied = [0]


def pro(kind, external_id, payload):
    """One command applied to the sandbox's Pro company of the demo's agent, as the agent would."""
    with lock:
        applied[0] += 1
        number = applied[0]
    result = request("POST", f"{SANDBOX}/_sandbox/sage/{sage}/apply", {
        "command_id": f"00000000-0000-4000-8000-{number:012d}", "type": kind, "external_id": external_id, "delivery": 1, "payload": payload})
    if result["status"] != "succeeded":
        sys.exit(f"Pro refused {kind}: {result}")
    return result["data"]

started = time.time()
month = request("POST", SANDBOX + "/_sandbox/paytrace/month", {"seed": 11, "start": "2026-10-01", "days": 30, "sales_per_day": PER_DAY})
token = request("POST", SANDBOX + "/paytrace/oauth/token", form={"grant_type": "password", "username": "demo-api-user", "password": "demo-api-password"})
bearer = {"Authorization": "Bearer " + token["access_token"]}
transactions = request("POST", SANDBOX + "/paytrace/v1/transactions/export/by_date_range",
                       {"start_date": "10/01/2026", "end_date": "10/30/2026"}, bearer)["transactions"]
print(f"  month: {month['sales']} sales, {month['declines']} declines, {month['voids']} voids, {month['refunds']} refunds in "
      f"{month['last_batch'] - month['first_batch'] + 1} batches ({len(transactions)} transactions, {time.time() - started:.1f} s)")

# Books as order-to-cash and the refunds flow leave it: one contact per customer, a payment per
# approved sale that did not get voided, a credit note per refund; PT-<id> as the reference.
code = request("POST", SANDBOX + "/_sandbox/zoho/self-client/code", form={"client_id": "1000.DEMOSANDBOXCLIENT", "scope": "ZohoBooks.fullaccess.all"})["code"]
tokens = request("POST", SANDBOX + "/zoho/accounts/oauth/v2/token", form={
    "grant_type": "authorization_code", "client_id": "1000.DEMOSANDBOXCLIENT", "client_secret": "demo-zoho-client-secret", "code": code})
zoho = {"Authorization": "Zoho-oauthtoken " + tokens["access_token"]}
books = SANDBOX + "/zoho/api/books/v3"
lock = threading.Lock()
customers = sorted({t["customer_id"] for t in transactions})
contact, custno = {}, {}
for name in customers:
    contact[name] = request("POST", f"{books}/contacts?organization_id={ORG}", {"contact_name": f"Bench {name}"}, zoho)["contact"]["contact_id"]
    custno[name] = pro("customer.upsert", f"customer:{name}", {"company": f"Bench {name}"[:40]})["custno"]
work = [t for t in transactions if t["status_code"] in (101, 106)]
cursor = [0]


def writer():
    while True:
        with lock:
            if cursor[0] >= len(work):
                return
            t = work[cursor[0]]
            cursor[0] += 1
        date = "{2}-{0:0>2}-{1:0>2}".format(*t["created"]["at"].split(" ")[0].split("/"))
        amount, reference = f"{t['amount']:.2f}", f"PT-{t['transaction_id']}"
        if t["transaction_type"] == "REFUND":
            request("POST", f"{books}/creditnotes?organization_id={ORG}", {
                "customer_id": contact[t["customer_id"]], "date": date, "reference_number": reference,
                "line_items": [{"name": "Refund", "rate": amount, "quantity": 1}]}, zoho)
            pro("journal.post", f"txn:{t['transaction_id']}:refund", {"date": date, "reference": f"{reference}-refund", "lines": [
                {"account": "4900-00", "debit": amount}, {"account": "1050-00", "credit": amount}]})
        else:
            request("POST", f"{books}/customerpayments?organization_id={ORG}", {
                "customer_id": contact[t["customer_id"]], "amount": amount, "payment_mode": "creditcard", "date": date,
                "reference_number": reference}, zoho)
            pro("cash_receipt.post", f"txn:{t['transaction_id']}:cash_receipt", {
                "custno": custno[t["customer_id"]], "amount": amount, "paydate": date, "reference": reference})


threads = [threading.Thread(target=writer) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"  Books and Pro: {len(customers)} customers, {len(work)} payments and credit notes, receipts and refund journals "
      f"({time.time() - started:.1f} s since the start)")

# The measured part: one backfill of the month, until 30 settlements are kept and reconciled.
before = active_ms()
t0 = time.time()
api("POST", base + "/settlements/backfill", {"connection_id": paytrace, "from": "2026-10-01", "to": "2026-10-30"})


def finished():
    settlements = api("GET", base + "/settlements?limit=200")["items"]
    reconciliations = api("GET", base + "/reconciliations?limit=200")["items"]
    done = [r for r in reconciliations if r["status"] != "running"]
    return len(settlements), len(done), reconciliations


while True:
    kept, done, reconciliations = finished()
    if kept == 30 and done == 30:
        break
    if time.time() - t0 > 900:
        sys.exit(f"not done after 15 minutes: {kept} settlements, {done} reconciliations finished")
    time.sleep(0.5)
elapsed = time.time() - t0
database = (active_ms() - before) / 1000
statuses = {}
for r in reconciliations:
    statuses[r["status"]] = statuses.get(r["status"], 0) + 1
lines = sum(r["matched"] + r["differences"] for r in reconciliations)
print(f"reconcile a month: {len(transactions)} transactions, 30 settlements, {lines} findings, {statuses}")
print(f"  end to end {elapsed:.1f} s (target under 60 s); database busy {database:.1f} s of it")
if os.environ.get("CLEARLINE_BENCH_TABLE"):
    with open(os.environ["CLEARLINE_BENCH_TABLE"], "a") as table:
        table.write(f"reconcile a month ({len(transactions)} transactions)\t{elapsed:.1f}\ts\ttarget\t60\tlower\n")

# Where the time went: each kind of job's attempts in the measured span (run time summed over
# the 8 workers, the longest, and the span from the first start to the last finish).
breakdown = subprocess.run(
    ["psql", "-XAt", "-F", " ", "-h", os.environ["BENCH_PG_SOCKET"], "-p", os.environ["BENCH_PG_PORT"], "-U", "postgres", "-d", "clearline", "-c",
     f"""SELECT h.kind, count(*), round(sum(extract(epoch FROM a.finished_at - a.started_at))::numeric, 1),
           round(max(extract(epoch FROM a.finished_at - a.started_at))::numeric, 2),
           round(extract(epoch FROM max(a.finished_at) - min(a.started_at))::numeric, 1)
         FROM job_attempts a JOIN job_history h ON h.id = a.job_id
         WHERE a.started_at >= to_timestamp({t0}) GROUP BY 1 ORDER BY 1"""],
    capture_output=True, text=True)
for row in breakdown.stdout.split("\n"):
    if row.strip():
        kind, count, busy, longest, span = row.split()
        print(f"  {kind}: {count} attempt(s), {busy} s of work (longest {longest} s), from first start to last finish {span} s")
if breakdown.returncode != 0:
    print("  (no breakdown: " + breakdown.stderr.strip() + ")")
