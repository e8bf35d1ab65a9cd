"""What bench/charges and the schedule check share: a Clearline tenant with PayTrace and Zoho
connections to the sandbox, PayTrace vault customers with Books contacts carrying their vault
ids, and sent Books invoices due today. Calls Clearline with a platform token and the sandbox's
vendor APIs directly (Zoho's "Self Client" gives the refresh token, as `clearline demo seed` does)."""
import json
import urllib.parse
import urllib.request
import uuid
from datetime import date

CLIENT_ID, CLIENT_SECRET, ORGANIZATION = "1000.DEMOSANDBOXCLIENT", "demo-zoho-client-secret", "20071234"
ACCOUNT = {"username": "demo-api-user", "password": "demo-api-password", "integrator_id": "DEMO00000001"}


def call(method, url, body=None, headers=None, form=None):
    data = urllib.parse.urlencode(form).encode() if form else (None if body is None else json.dumps(body).encode())
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    request = urllib.request.Request(url, method=method, data=data, headers={"Content-Type": kind, **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read() or b"null")


class CollectingTenant:
    """A new tenant of `clearline` (at `base`, with `token`) whose dev environment reaches `sandbox`."""

    def __init__(self, base, token, sandbox, name):
        self.base, self.token, self.sandbox = base, token, sandbox
        self.run = uuid.uuid4().hex[:6]
        code = call("POST", sandbox + "/_sandbox/zoho/self-client/code", form={"client_id": CLIENT_ID, "scope": "ZohoBooks.fullaccess.all"})["code"]
        tokens = call("POST", sandbox + "/zoho/accounts/oauth/v2/token", form={
            "grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code,
            "redirect_uri": "urn:zoho:self-client"})
        self.zoho_headers = {"Authorization": "Zoho-oauthtoken " + tokens["access_token"]}
        self.id = self.api("POST", "/v1/tenants", {"name": name, "slug": f"{name.lower().replace(' ', '-')[:20]}-{self.run}"})["id"]
        self.environment = f"/v1/tenants/{self.id}/environments/dev"
        self.paytrace = self.api("POST", self.environment + "/connections", {
            "kind": "paytrace", "name": "PayTrace sandbox", "settings": {"base_url": sandbox + "/paytrace"}, "secrets": ACCOUNT})["id"]
        self.zoho = self.api("POST", self.environment + "/connections", {
            "kind": "zoho", "name": "Zoho sandbox",
            "settings": {"data_center": "us", "organization_id": ORGANIZATION, "books": True, "accounts_url": sandbox + "/zoho/accounts",
                         "api_domain": sandbox + "/zoho/api", "requests_per_minute": "600000"},
            "secrets": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": tokens["refresh_token"]}})["id"]
        self.paytrace_token = call("POST", sandbox + "/paytrace/oauth/token",
                                   {"grant_type": "password", "username": ACCOUNT["username"], "password": ACCOUNT["password"]})["access_token"]

    def api(self, method, path, body=None):
        return call(method, self.base + path, body, {"Authorization": f"Bearer {self.token}"})

    def books(self, method, path, body=None, query=""):
        return call(method, f"{self.sandbox}/zoho/api/books/v3/{path}?organization_id={ORGANIZATION}{query}", body, self.zoho_headers)

    def customers(self, count):
        """`count` PayTrace vault customers (card on file approved) and their Books contacts; the contacts' ids."""
        contacts = []
        for index in range(count):
            customer = f"due-{self.run}-{index}"
            call("POST", self.sandbox + "/paytrace/v1/customer/create", {
                "integrator_id": ACCOUNT["integrator_id"], "customer_id": customer,
                "credit_card": {"number": "4012000098765439", "expiration_month": 12, "expiration_year": 2031},
                "billing_address": {"name": f"Customer {customer}", "zip": "99201"}}, {"Authorization": "Bearer " + self.paytrace_token})
            contact = self.books("POST", "contacts", {"contact_name": f"Due {self.run} {index}",
                                                      "custom_fields": [{"api_name": "cf_paytrace_customer_id", "value": customer}]})["contact"]
            contacts.append(contact["contact_id"])
        return contacts

    def due_invoices(self, contacts, count):
        """`count` sent invoices due today, round the contacts; their ids."""
        today = date.today().isoformat()
        invoices = []
        for index in range(count):
            made = self.books("POST", "invoices", {
                "customer_id": contacts[index % len(contacts)], "date": today, "due_date": today,
                "line_items": [{"name": "Service", "rate": f"{20 + index % 80}.{index % 100:02d}", "quantity": 1}]})["invoice"]
            self.books("POST", f"invoices/{made['invoice_id']}/status/sent")
            invoices.append(made["invoice_id"])
        return invoices

    def collecting_schedule(self, name="Collect due invoices"):
        return self.api("POST", self.environment + "/schedules", {
            "name": name, "cron": "0 1 * * *", "time_zone": "UTC",
            "action": {"kind": "collect_due_invoices", "zoho_connection_id": self.zoho, "paytrace_connection_id": self.paytrace}})["id"]

    def payment_requests(self):
        items, cursor = [], None
        while True:
            listed = self.api("GET", f"{self.environment}/payment-requests?limit=200" + (f"&cursor={cursor}" if cursor else ""))
            items += listed["items"]
            cursor = listed.get("next_cursor")
            if not cursor:
                return items
