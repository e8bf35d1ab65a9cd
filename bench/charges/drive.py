#!/usr/bin/env python3
"""Drives bench/charges: a tenant with a PayTrace connection to the sandbox and 20 vault
customers, then N payment requests posted from 16 threads; waits until every one is decided
and checks that PayTrace holds exactly one sale for each reference."""
import json
import sys
import threading
import time
import urllib.request
import uuid
from datetime import date, timedelta

BASE, TOKEN, SANDBOX, COUNT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def call(method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, method=method, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read() or b"null")


def api(method, path, body=None, headers=None):
    return call(method, BASE + path, body, {"Authorization": f"Bearer {TOKEN}", **(headers or {})})


tenant = api("POST", "/v1/tenants", {"name": "Charges", "slug": f"charges-{uuid.uuid4().hex[:6]}"})["id"]
account = {"username": "demo-api-user", "password": "demo-api-password", "integrator_id": "DEMO00000001"}
connection = api("POST", f"/v1/tenants/{tenant}/environments/dev/connections",
                 {"kind": "paytrace", "name": "PayTrace sandbox", "settings": {"base_url": SANDBOX + "/paytrace"}, "secrets": account})["id"]
paytrace_token = call("POST", SANDBOX + "/paytrace/oauth/token",
                      {"grant_type": "password", "username": account["username"], "password": account["password"]})["access_token"]


def paytrace(path, body):
    return call("POST", SANDBOX + "/paytrace/" + path, {**body, "integrator_id": account["integrator_id"]},
                {"Authorization": f"Bearer {paytrace_token}"})


customers = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(20)]
for customer in customers:
    paytrace("v1/customer/create", {"customer_id": customer, "credit_card": {"number": "4012000098765439", "expiration_month": 12,
             "expiration_year": 2031}, "billing_address": {"name": f"Customer {customer}", "zip": "99201"}})

ids, lock, started = [], threading.Lock(), time.monotonic()


def post(indexes):
    for index in indexes:
        reply = api("POST", f"/v1/tenants/{tenant}/environments/dev/payment-requests",
                    {"connection_id": connection, "customer_id": customers[index % len(customers)], "amount": f"{10 + index % 500}.{index % 100:02d}",
                     "external_reference": f"INV-{index}"}, {"Idempotency-Key": f"bench-{index}"})
        with lock:
            ids.append(reply["id"])


threads = [threading.Thread(target=post, args=(range(t, COUNT, 16),)) for t in range(16)]
[t.start() for t in threads]
[t.join() for t in threads]
print(f"{COUNT} payment requests accepted in {time.monotonic() - started:.1f} s")
while True:
    page = api("GET", f"/v1/tenants/{tenant}/environments/dev/payment-requests?status=pending&limit=1")["items"] + \
        api("GET", f"/v1/tenants/{tenant}/environments/dev/payment-requests?status=charging&limit=1")["items"]
    if not page:
        break
    time.sleep(0.2)
print(f"all decided {time.monotonic() - started:.1f} s after the first request")
day = lambda d: d.strftime("%m/%d/%Y")
sales = paytrace("v1/transactions/export/by_date_range",
                 {"start_date": day(date.today() - timedelta(days=1)), "end_date": day(date.today() + timedelta(days=1))})["transactions"]
references = {}
for sale in sales:
    references[sale.get("invoice_id")] = references.get(sale.get("invoice_id"), 0) + 1
cursor, statuses, twice = None, {}, 0
while True:
    page = api("GET", f"/v1/tenants/{tenant}/environments/dev/payment-requests?limit=200" + (f"&cursor={cursor}" if cursor else ""))
    for item in page["items"]:
        statuses[item["status"]] = statuses.get(item["status"], 0) + 1
        if references.get(item["reference"], 0) != 1:
            twice += 1
    cursor = page["next_cursor"]
    if not cursor:
        break
print(f"outcomes: {statuses}; references without exactly one PayTrace sale: {twice}")
if twice:
    sys.exit("FAIL: a payment request was charged other than once")
