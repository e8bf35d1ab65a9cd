"""Headless-browser test of the reconciliation page against a running `clearline serve`.

Two PayTrace batches go through order-to-cash into the sandbox's Zoho Books (workers from a
`clearline work` started here); one Zoho payment is then deleted, as a person might. A backfill
records both settlements and each is reconciled at once. The owner opens the reconciliation
page and sees a balanced batch and a batch with one difference, opens the drifted one and sees
the line missing in Zoho beside its PayTrace amount, posts it again, reconciles, and sees the
batch balanced. Screenshots at desktop and phone width go to .clearline/screenshots/. Needs
CLEARLINE_URL, CLEARLINE_BIN and CLEARLINE_SANDBOX_URL (scripts/test sets them).
"""
import datetime
import json
import os
import pathlib
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from admin_pages import BASE, BIN, SANDBOX, SHOTS, browser, call, deliver_signed, log_in, report  # noqa: E402

ZOHO_CLIENT = ("1000.DEMOSANDBOXCLIENT", "demo-zoho-client-secret")  # SandboxServer.demoZohoClient
PAYTRACE = ("demo-api-user", "demo-api-password", "DEMO00000001")  # SandboxServer.demoPayTraceAccount


def form(url, fields, headers=None):
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def vendor(method, url, body=None, headers=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def wait_for(what, condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def main():
    SHOTS.mkdir(parents=True, exist_ok=True)
    token = subprocess.run([BIN, "admin", "create-token", "--name", "reconciliation-test"], check=True, capture_output=True, text=True).stdout.strip()
    suffix = uuid.uuid4().hex[:8]
    tenant = call("POST", "/v1/tenants", token, {"name": f"Reconciled Outfitters {suffix}", "slug": f"reconciled-{suffix}"})["id"]
    email, password = f"owner-{suffix}@example.com", f"reconcile test {suffix}!"
    call("POST", f"/v1/tenants/{tenant}/users", token, {"email": email, "password": password, "role": "owner"})
    base = f"/v1/tenants/{tenant}/environments/dev"

    # Zoho Books through a self-client grant, PayTrace, and the order-to-cash flow deployed to dev.
    code = form(SANDBOX + "/_sandbox/zoho/self-client/code", {"client_id": ZOHO_CLIENT[0], "scope": "ZohoBooks.fullaccess.all"})["code"]
    tokens = form(SANDBOX + "/zoho/accounts/oauth/v2/token",
                  {"grant_type": "authorization_code", "client_id": ZOHO_CLIENT[0], "client_secret": ZOHO_CLIENT[1], "code": code})
    call("POST", base + "/connections", token, {
        "kind": "zoho", "name": "Zoho Books",
        "settings": {"data_center": "us", "organization_id": "20071234", "books": True, "accounts_url": SANDBOX + "/zoho/accounts",
                     "api_domain": SANDBOX + "/zoho/api", "requests_per_minute": "600000"},
        "secrets": {"client_id": ZOHO_CLIENT[0], "client_secret": ZOHO_CLIENT[1], "refresh_token": tokens["refresh_token"]}})
    paytrace = call("POST", base + "/connections", token, {
        "kind": "paytrace", "name": "PayTrace", "settings": {"base_url": SANDBOX + "/paytrace"},
        "secrets": {"username": PAYTRACE[0], "password": PAYTRACE[1], "integrator_id": PAYTRACE[2]}})["id"]
    flow = call("POST", f"/v1/tenants/{tenant}/flows", token, {"name": "Order to cash", "template_id": "paytrace-zoho-order-to-cash"})["id"]
    call("POST", f"/v1/tenants/{tenant}/flows/{flow}/versions", token, {"notes": "browser test"})
    call("POST", base + "/deployments", token, {"flow_id": flow, "version": 1})
    hook = call("POST", base + "/webhook-endpoints", token, {"name": "PayTrace", "source": "paytrace", "verification": "clearline_signature"})

    bearer = {"Authorization": "Bearer " + form(SANDBOX + "/paytrace/oauth/token",
                                                {"grant_type": "password", "username": PAYTRACE[0], "password": PAYTRACE[1]})["access_token"]}
    now = datetime.datetime.now(datetime.timezone.utc)
    created = f"{now.month}/{now.day}/{now.year} {now.strftime('%I:%M:%S %p').lstrip('0')}"

    def sell(amount, index):
        sale = vendor("POST", SANDBOX + "/paytrace/v1/transactions/sale/keyed", {
            "amount": amount, "credit_card": {"number": "4012000098765439", "expiration_month": 12, "expiration_year": 2031}}, bearer)
        body = json.dumps({"transaction": {
            "transaction_id": sale["transaction_id"], "transaction_type": "SALE", "amount": amount, "status": "PENDING_SETTLEMENT",
            "created_at": created, "customer_id": f"cust-{suffix}-{index}", "invoice_id": f"INV-{suffix}-{index}",
            "billing_address": {"name": f"Customer {suffix} {index}"}}}).encode()
        deliver_signed(BASE + f"/hooks/{hook['id']}", hook["secret"], body, f"sale-{suffix}-{index}",
                       {"Clearline-Event-Type": "paytrace.transaction.sale"})
        return sale["transaction_id"]

    def succeeded():
        return len(call("GET", base + "/runs?status=succeeded&limit=200", token)["items"])

    workers = subprocess.Popen([BIN, "work"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sell("108.25", 1)
        sell("20.00", 2)
        wait_for("the first two sales in Zoho", lambda: succeeded() == 2)
        balanced = vendor("POST", SANDBOX + "/paytrace/v1/transactions/settle", {}, bearer)["batch_number"]
        lost = sell("35.10", 3)
        wait_for("the third sale in Zoho", lambda: succeeded() == 3)
        drifted = vendor("POST", SANDBOX + "/paytrace/v1/transactions/settle", {}, bearer)["batch_number"]
        # A person deletes the third sale's payment in Zoho Books.
        access = form(SANDBOX + "/zoho/accounts/oauth/v2/token", {
            "grant_type": "refresh_token", "client_id": ZOHO_CLIENT[0], "client_secret": ZOHO_CLIENT[1], "refresh_token": tokens["refresh_token"]})
        zoho = {"Authorization": "Zoho-oauthtoken " + access["access_token"]}
        books = SANDBOX + "/zoho/api/books/v3"
        payment = vendor("GET", f"{books}/customerpayments?organization_id=20071234&reference_number=PT-{lost}", headers=zoho)["customerpayments"][0]
        vendor("DELETE", f"{books}/customerpayments/{payment['payment_id']}?organization_id=20071234", headers=zoho)
        today = now.strftime("%Y-%m-%d")
        call("POST", base + "/settlements/backfill", token, {"connection_id": paytrace, "from": today, "to": today})

        # The sandbox may hold other batches of the day (other tests'); ours are known by number.
        def reconciled():
            settlements = {s["batch_number"]: s["id"] for s in call("GET", base + "/settlements?limit=200", token)["items"]}
            if balanced not in settlements or drifted not in settlements:
                return False
            ours = [r for r in call("GET", base + "/reconciliations?limit=200", token)["items"]
                    if r["settlement_id"] in (settlements[balanced], settlements[drifted])]
            return len(ours) == 2 and all(r["status"] != "running" for r in ours)
        wait_for("both settlements reconciled", reconciled)
        check_pages(email, password, tenant, balanced, drifted, lost, lambda: vendor(
            "GET", f"{books}/customerpayments?organization_id=20071234&reference_number=PT-{lost}", headers=zoho)["customerpayments"])
    finally:
        workers.terminate()
        workers.wait(30)


def patient(driver, seconds=60):
    """A wait that looks again when the page re-renders its tables under it (they are rebuilt
    after each action), rather than failing on an element that was just replaced."""
    return WebDriverWait(driver, seconds, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def check_pages(email, password, tenant, balanced, drifted, lost, payments):
    driver = browser(1440, 1000)
    try:
        log_in(driver, email, password)
        wait = patient(driver)
        driver.get(BASE + f"/reconciliation.html?id={tenant}")
        row = lambda batch: driver.find_element(By.CSS_SELECTOR, f'#settlements tr[data-batch="{batch}"]')
        badge = lambda batch: row(batch).find_element(By.CSS_SELECTOR, ".badge").text
        wait.until(lambda d: badge(balanced) == "Balanced" and badge(drifted) == "1 difference")
        driver.save_screenshot(str(SHOTS / "reconciliation.png"))
        row(drifted).find_element(By.CSS_SELECTOR, "button.link").click()
        missing = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, f'#detail-lines tr[data-transaction="{lost}"]')))
        assert "Missing" in missing.text and "35.10" in missing.text and missing.get_attribute("data-zoho-books") == "missing", missing.text
        driver.save_screenshot(str(SHOTS / "reconciliation-drift.png"))
        # Repair all: the flow step that wrote the payment writes it once more; then reconcile.
        assert missing.find_element(By.CSS_SELECTOR, "button[data-repair]").text == "Post again"
        driver.find_element(By.ID, "repair-all").click()
        wait_for("the payment posted again in Zoho Books", lambda: len(payments()) == 1)
        driver.find_element(By.ID, "reconcile-now").click()
        wait.until(lambda d: badge(drifted) == "Balanced")
        wait.until(lambda d: "Matched" in d.find_element(By.CSS_SELECTOR, f'#detail-lines tr[data-transaction="{lost}"]').text)
        driver.save_screenshot(str(SHOTS / "reconciliation-repaired.png"))
        print("ok: reconciliation page: a balanced batch and one with a payment missing in Zoho, posted again and balanced")
    except Exception:
        report(driver, "reconciliation-failure")
        raise
    finally:
        driver.quit()
    phone = browser(390, 844)
    try:
        # Headless Chrome keeps a window at least 500 px wide; the phone's 390 px are emulated.
        phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        log_in(phone, email, password)
        phone.get(BASE + f"/reconciliation.html?id={tenant}")
        patient(phone).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#settlements tr[data-batch="{drifted}"]'))
        phone.find_element(By.CSS_SELECTOR, f'#settlements tr[data-batch="{drifted}"] button.link').click()
        patient(phone).until(EC.visibility_of_element_located((By.CSS_SELECTOR, f'#detail-lines tr[data-transaction="{lost}"]')))
        width, viewport = phone.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        phone.save_screenshot(str(SHOTS / "reconciliation-phone.png"))
        assert viewport == 390 and width <= viewport, f"the page scrolls sideways on a phone: {width} px in {viewport}"
        print(f"ok: at {viewport} px, the settlement's lines fit ({width} px)")
    finally:
        phone.quit()


if __name__ == "__main__":
    main()
