#!/usr/bin/env python3
"""Drives the due-invoice part of bench/charges: a tenant with PayTrace and Zoho connections to
the sandbox, N sent Zoho Books invoices due today for 20 customers with a PayTrace vault profile,
and a schedule that collects due invoices; "Run now", then waits until every invoice is paid in
Books (bench/charges/run reads the times from the database), and checks one Books payment per
invoice."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "lib"))
from sandbox_collection import CollectingTenant  # noqa: E402

BASE, TOKEN, SANDBOX, COUNT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

tenant = CollectingTenant(BASE, TOKEN, SANDBOX, "Due invoices")
invoices = tenant.due_invoices(tenant.customers(20), COUNT)
schedule = tenant.collecting_schedule()
started = time.monotonic()
tenant.api("POST", f"{tenant.environment}/schedules/{schedule}/run")

deadline = time.monotonic() + 600
posted = 0
while time.monotonic() < deadline:
    posted = sum(1 for item in tenant.payment_requests() if (item.get("invoice") or {}).get("payment_id"))
    if posted >= COUNT:
        break
    time.sleep(0.2)
if posted < COUNT:
    sys.exit(f"FAIL: {posted} of {COUNT} invoices paid after 600 s")
unpaid = [i for i in invoices if tenant.books("GET", f"invoices/{i}")["invoice"]["status"] != "paid"]
if unpaid:
    sys.exit(f"FAIL: {len(unpaid)} invoices not paid in Books: {unpaid[:5]}")
twice = [i for i in invoices if len(tenant.books("GET", f"invoices/{i}/payments")["payments"]) != 1]
if twice:
    sys.exit(f"FAIL: {len(twice)} invoices without exactly one payment: {twice[:5]}")
print(f"due invoices: {COUNT} paid in Books, one Books payment each; all paid {time.monotonic() - started:.1f} s after Run now")
