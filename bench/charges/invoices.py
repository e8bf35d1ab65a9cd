#!/usr/bin/env python3
"""Drives the due-invoice part of bench/charges: a tenant with PayTrace and Zoho connections to
the sandbox, N sent Zoho Books invoices due today for customers with a PayTrace vault profile,
and a schedule that collects due invoices; "Run now", then waits until every invoice is paid in
Books (bench/charges/run reads the times from the database), and checks one Books payment per
invoice."""
import json
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import date

BASE, TOKEN, SANDBOX, COUNT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
CLIENT_ID, CLIENT_SECRET, ORGANIZATION = "1000.DEMOSANDBOXCLIENT", "demo-zoho-client-secret", "20071234"


def call(method, url, body=None, headers=None, form=None):
    data = urllib.parse.urlencode(form).encode() if form else (None if body is None else json.dumps(body).encode())
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    request = urllib.request.Request(url, method=method, data=data, headers={"Content-Type": kind, **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read() or b"null")


def api(method, path, body=None):
    return call(method, BASE + path, body, {"Authorization": f"Bearer {TOKEN}"})


# A refresh token as Zoho's "Self Client" gives one: for Clearline's connection, and an access
# token for this script's own Books calls.
code = call("POST", SANDBOX + "/_sandbox/zoho/self-client/code", form={"client_id": CLIENT_ID, "scope": "ZohoBooks.fullaccess.all"})["code"]
tokens = call("POST", SANDBOX + "/zoho/accounts/oauth/v2/token", form={
    "grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code, "redirect_uri": "urn:zoho:self-client"})
zoho_headers = {"Authorization": "Zoho-oauthtoken " + tokens["access_token"]}


def books(method, path, body=None, query=""):
    return call(method, f"{SANDBOX}/zoho/api/books/v3/{path}?organization_id={ORGANIZATION}{query}", body, zoho_headers)


run = uuid.uuid4().hex[:6]
tenant = api("POST", "/v1/tenants", {"name": "Due invoices", "slug": f"due-{run}"})["id"]
environment = f"/v1/tenants/{tenant}/environments/dev"
account = {"username": "demo-api-user", "password": "demo-api-password", "integrator_id": "DEMO00000001"}
paytrace = api("POST", environment + "/connections",
               {"kind": "paytrace", "name": "PayTrace sandbox", "settings": {"base_url": SANDBOX + "/paytrace"}, "secrets": account})["id"]
zoho = api("POST", environment + "/connections", {
    "kind": "zoho", "name": "Zoho sandbox",
    "settings": {"data_center": "us", "organization_id": ORGANIZATION, "books": True, "accounts_url": SANDBOX + "/zoho/accounts",
                 "api_domain": SANDBOX + "/zoho/api", "requests_per_minute": "600000"},
    "secrets": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": tokens["refresh_token"]}})["id"]

# 20 customers: each in PayTrace's vault and a Books contact carrying its vault id.
paytrace_token = call("POST", SANDBOX + "/paytrace/oauth/token",
                      {"grant_type": "password", "username": account["username"], "password": account["password"]})["access_token"]
contacts = []
for index in range(20):
    customer = f"due-{run}-{index}"
    call("POST", SANDBOX + "/paytrace/v1/customer/create", {
        "integrator_id": account["integrator_id"], "customer_id": customer,
        "credit_card": {"number": "4012000098765439", "expiration_month": 12, "expiration_year": 2031},
        "billing_address": {"name": f"Customer {customer}", "street_address": "1 Test Way", "city": "Spokane", "state": "WA", "zip": "99201"}},
        {"Authorization": "Bearer " + paytrace_token})
    contact = books("POST", "contacts", {"contact_name": f"Due {run} {index}",
                                         "custom_fields": [{"api_name": "cf_paytrace_customer_id", "value": customer}]})["contact"]
    contacts.append(contact["contact_id"])

today = date.today().isoformat()
invoices = []
for index in range(COUNT):
    made = books("POST", "invoices", {"customer_id": contacts[index % len(contacts)], "date": today, "due_date": today,
                                      "line_items": [{"name": "Service", "rate": f"{20 + index % 80}.{index % 100:02d}", "quantity": 1}]})["invoice"]
    books("POST", f"invoices/{made['invoice_id']}/status/sent")
    invoices.append(made["invoice_id"])

schedule = api("POST", environment + "/schedules", {
    "name": "Collect due invoices", "cron": "0 1 * * *", "time_zone": "UTC",
    "action": {"kind": "collect_due_invoices", "zoho_connection_id": zoho, "paytrace_connection_id": paytrace}})["id"]
started = time.monotonic()
api("POST", f"{environment}/schedules/{schedule}/run")

paid_after = {}
deadline = time.monotonic() + 600
while len(paid_after) < COUNT and time.monotonic() < deadline:
    page, cursor = [], None
    while True:
        listed = api("GET", f"{environment}/payment-requests?limit=200" + (f"&cursor={cursor}" if cursor else ""))
        page += listed["items"]
        cursor = listed.get("next_cursor")
        if not cursor:
            break
    now = time.monotonic() - started
    for item in page:
        invoice = (item.get("invoice") or {})
        if invoice.get("payment_id") and invoice["invoice_id"] not in paid_after:
            paid_after[invoice["invoice_id"]] = now
    time.sleep(0.2)
if len(paid_after) < COUNT:
    sys.exit(f"FAIL: {len(paid_after)} of {COUNT} invoices paid after 600 s")
unpaid = [i for i in invoices if books("GET", f"invoices/{i}")["invoice"]["status"] != "paid"]
if unpaid:
    sys.exit(f"FAIL: {len(unpaid)} invoices not paid in Books: {unpaid[:5]}")
twice = [i for i in invoices if len(books("GET", f"invoices/{i}/payments")["payments"]) != 1]
if twice:
    sys.exit(f"FAIL: {len(twice)} invoices without exactly one payment: {twice[:5]}")
print(f"due invoices: {COUNT} paid in Books, one Books payment each; all paid {max(paid_after.values()):.1f} s after Run now")
