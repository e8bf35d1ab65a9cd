"""Headless-browser test of the admin pages against a running `clearline serve`.

A tenant owner logs in to the console (a new tenant's dashboard, then each view from the sidebar), creates an API key, copies it once and sees it listed, adds a PayTrace
connection (secrets never shown again) and tests it against the sandbox emulator, goes through
"Connect Zoho" against the emulated accounts server and sees it connected; a platform
administrator logs in and sees the tenant list. Screenshots (desktop and phone width) go to
.clearline/screenshots/. Needs CLEARLINE_URL, CLEARLINE_BIN and CLEARLINE_SANDBOX_URL (scripts/test sets them).
"""
import hashlib
import hmac
import json
import os
import pathlib
import subprocess
import sys
import time
import urllib.request
import uuid

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["CLEARLINE_URL"]
BIN = os.environ["CLEARLINE_BIN"]
SANDBOX = os.environ["CLEARLINE_SANDBOX_URL"]
SANDBOX_PASSWORD = "demo-api-password"  # the emulator's demo account (SandboxServer.demoPayTraceAccount)
SHOTS = pathlib.Path(__file__).resolve().parents[2] / ".clearline" / "screenshots"


def call(method, path, token, body=None):
    request = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def deliver_signed(url, secret, body, event_id, headers=None):
    """POSTs `body` (bytes) to a webhook endpoint, signed as Clearline-Signature asks; the HTTP status."""
    t = str(int(time.time()))
    signature = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    delivery = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Clearline-Event-Id": event_id, "Clearline-Signature": f"t={t},v1={signature}", **(headers or {})})
    with urllib.request.urlopen(delivery) as reply:
        return reply.status


def browser(width, height):
    """Chromium in a zone west of UTC, where a day stored as midnight UTC would show as the day before."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(argument)
    service = Service("/usr/bin/chromedriver", env=dict(os.environ, TZ="America/Los_Angeles"))
    return webdriver.Chrome(service=service, options=options)


def log_in(driver, email, password, query=""):
    driver.get(BASE + "/login.html" + query)
    WebDriverWait(driver, 15).until(EC.visibility_of_element_located((By.ID, "email"))).send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in").click()
    # Signing in navigates away; a look at the page while that happens is "aborted by
    # navigation", which the waits after this one retry rather than fail on.
    wait = WebDriverWait(driver, 15, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException, WebDriverException))
    wait.until(lambda d: "login.html" not in d.current_url)
    return wait


def report(driver, name):
    """What the page showed when a step failed: a screenshot, the URL and any message on it."""
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    messages = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#message, .alert") if e.text]
    print(f"page {driver.current_url} messages={messages} (screenshot {name}.png)", file=sys.stderr)
    for entry in driver.get_log("browser")[-10:]:
        print(f"console: {entry.get('message')}", file=sys.stderr)


def main():
    SHOTS.mkdir(parents=True, exist_ok=True)
    token = subprocess.run([BIN, "admin", "create-token", "--name", "browser-test"], check=True, capture_output=True, text=True).stdout.strip()
    suffix = uuid.uuid4().hex[:8]
    tenant = call("POST", "/v1/tenants", token, {"name": f"Northwind Traders {suffix}", "slug": f"northwind-{suffix}"})
    owner_email, owner_password = f"owner-{suffix}@example.com", f"browser test {suffix}!"
    call("POST", f"/v1/tenants/{tenant['id']}/users", token, {"email": owner_email, "password": owner_password, "role": "owner"})
    admin_email, admin_password = f"platform-{suffix}@example.com", f"platform test {suffix}!"
    subprocess.run([BIN, "admin", "create-user", "--email", admin_email], input=admin_password + "\n", check=True, capture_output=True, text=True)

    driver = browser(1280, 900)
    try:
        # A `next` that leads off-site (the backslash browsers read as a slash) is not followed.
        wait = log_in(driver, owner_email, owner_password, "?next=/%5Cexample.invalid/x")
        assert driver.current_url.startswith(BASE), f"signed in and sent off-site: {driver.current_url}"
        wait.until(EC.text_to_be_present_in_element((By.ID, "tenant-name"), "Northwind Traders"))
        # A new tenant lands on its dashboard, with the first steps to take.
        wait.until(EC.text_to_be_present_in_element((By.ID, "checklist"), "Getting started: 0 of 3 done"))
        options = [o.get_attribute("value") for o in Select(driver.find_element(By.ID, "env-switcher")).options]
        assert options == ["dev", "qa", "prod"], options
        driver.save_screenshot(str(SHOTS / "tenant-dashboard-new.png"))
        driver.find_element(By.CSS_SELECTOR, "#sidebar [data-view=settings]").click()
        wait.until(EC.element_to_be_clickable((By.ID, "key-name"))).send_keys("Storefront webhook sender")
        Select(driver.find_element(By.ID, "key-role")).select_by_value("admin")
        driver.find_element(By.ID, "create-key").click()
        wait.until(EC.visibility_of_element_located((By.ID, "new-key")))
        shown = driver.find_element(By.ID, "new-key-token").text
        assert shown.startswith("cl_"), f"token not shown once: {shown!r}"
        wait.until(EC.text_to_be_present_in_element((By.ID, "keys"), "Storefront webhook sender"))
        rows = driver.find_elements(By.CSS_SELECTOR, "#keys tr")
        assert any("Storefront webhook sender" in r.text and "admin" in r.text for r in rows), "new key not listed"
        assert shown not in driver.find_element(By.ID, "keys").text, "the list must not show the secret"
        driver.save_screenshot(str(SHOTS / "tenant-api-keys.png"))
        listed = call("GET", f"/v1/tenants/{tenant['id']}/api-keys", token)["items"]
        assert [k["name"] for k in listed] == ["Storefront webhook sender"], listed

        driver.refresh()
        wait.until(EC.text_to_be_present_in_element((By.ID, "keys"), "Storefront webhook sender"))
        assert not driver.find_element(By.ID, "new-key").is_displayed(), "the token must not come back after a reload"

        # A shop's form offers Standard Webhooks signing, and its Generate button makes a whsec_ secret.
        driver.find_element(By.CSS_SELECTOR, "#sidebar [data-view=connections]").click()
        Select(wait.until(EC.element_to_be_clickable((By.ID, "connection-kind")))).select_by_value("shop")
        scheme = Select(driver.find_element(By.CSS_SELECTOR, "[data-setting=signature_scheme]"))
        assert [o.get_attribute("value") for o in scheme.options if o.get_attribute("value")] == ["clearline", "standard_webhooks"], "signature choices"
        scheme.select_by_value("standard_webhooks")
        driver.find_element(By.CSS_SELECTOR, ".generate-secret").click()
        generated = driver.find_element(By.CSS_SELECTOR, "[data-secret=signing_secret]").get_attribute("value")
        assert generated.startswith("whsec_") and len(generated) == 50, f"a generated shop secret: {generated!r}"
        driver.save_screenshot(str(SHOTS / "tenant-shop-connection.png"))

        # A PayTrace connection in dev, through the form; its secrets never come back to the page.
        secret = SANDBOX_PASSWORD
        Select(driver.find_element(By.ID, "connection-kind")).select_by_value("paytrace")
        driver.find_element(By.ID, "connection-name").send_keys("PayTrace sandbox")
        driver.find_element(By.CSS_SELECTOR, "[data-setting=base_url]").send_keys(SANDBOX + "/paytrace")
        driver.find_element(By.CSS_SELECTOR, "[data-secret=username]").send_keys("demo-api-user")
        driver.find_element(By.CSS_SELECTOR, "[data-secret=password]").send_keys(SANDBOX_PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "[data-secret=integrator_id]").send_keys("DEMO00000001")
        driver.find_element(By.ID, "save-connection").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "connections"), "PayTrace sandbox"))
        wait.until(EC.text_to_be_present_in_element((By.ID, "connections"), "all set"))
        driver.find_element(By.CSS_SELECTOR, "#connections button.edit-connection").click()
        wait.until(lambda d: "unchanged" in (d.find_element(By.CSS_SELECTOR, "[data-secret=password]").get_attribute("placeholder") or ""))
        assert driver.find_element(By.CSS_SELECTOR, "[data-secret=password]").get_attribute("value") == "", "a secret was put back in a form"
        assert secret not in driver.page_source, "the secret is on the page"
        driver.find_element(By.XPATH, "//button[text()='Cancel']").click()
        # "Test" authenticates against PayTrace (the sandbox emulator) and shows the outcome under the row tested.
        driver.find_element(By.CSS_SELECTOR, "#connections button.test-connection").click()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#connections [data-test-result]"), "PayTrace accepted the API user"))
        wait.until(EC.text_to_be_present_in_element((By.ID, "connections"), "connected"))
        driver.save_screenshot(str(SHOTS / "tenant-connections.png"))
        stored = call("GET", f"/v1/tenants/{tenant['id']}/environments/dev/connections", token)["items"]
        assert [c["name"] for c in stored] == ["PayTrace sandbox"] and secret not in json.dumps(stored), stored

        # A Zoho connection, then "Connect Zoho": off to the (emulated) accounts server and back, connected.
        Select(driver.find_element(By.ID, "connection-kind")).select_by_value("zoho")
        driver.find_element(By.ID, "connection-name").send_keys("Zoho Books")
        Select(driver.find_element(By.CSS_SELECTOR, "[data-setting=data_center]")).select_by_value("us")
        driver.find_element(By.CSS_SELECTOR, "[data-setting=organization_id]").send_keys("20071234")
        driver.find_element(By.CSS_SELECTOR, "[data-setting=books]").click()
        driver.find_element(By.CSS_SELECTOR, "[data-setting=accounts_url]").send_keys(SANDBOX + "/zoho/accounts")
        driver.find_element(By.CSS_SELECTOR, "[data-secret=client_id]").send_keys("1000.DEMOSANDBOXCLIENT")
        driver.find_element(By.CSS_SELECTOR, "[data-secret=client_secret]").send_keys("demo-zoho-client-secret")
        driver.find_element(By.ID, "save-connection").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#connections button.connect-zoho")))
        driver.find_element(By.CSS_SELECTOR, "#connections button.connect-zoho").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "Zoho is connected."))
        zoho_row = wait.until(lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#connections tr") if "Zoho Books" in r.text), None))
        assert "connected" in zoho_row.text, zoho_row.text
        assert "notice=" not in driver.current_url, "the notice is dropped from the address after it is shown"
        driver.save_screenshot(str(SHOTS / "tenant-zoho-connected.png"))

        # A Sage Pro agent: Clearline makes its enrolment token and shows it once, here.
        Select(driver.find_element(By.ID, "connection-kind")).select_by_value("sage_pro")
        assert not driver.find_elements(By.CSS_SELECTOR, "[data-secret=enrolment_token]"), "nobody types an enrolment token"
        driver.find_element(By.ID, "connection-name").send_keys("Sage Pro agent")
        driver.find_element(By.ID, "save-connection").click()
        shown_token = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#enrolment-token [data-token]"))).text
        assert len(shown_token) >= 32, f"a made token: {shown_token!r}"
        driver.save_screenshot(str(SHOTS / "tenant-sage-token.png"))
        driver.refresh()
        wait.until(EC.text_to_be_present_in_element((By.ID, "connections"), "Sage Pro agent"))
        assert shown_token not in driver.page_source, "the token must not come back after a reload"

        # A webhook endpoint for the shop: its secret shown once, with how to send to it.
        driver.find_element(By.CSS_SELECTOR, "#sidebar [data-view=events]").click()
        wait.until(EC.element_to_be_clickable((By.ID, "endpoint-name"))).send_keys("Storefront orders")
        driver.find_element(By.ID, "endpoint-source").send_keys("shop")
        driver.find_element(By.ID, "create-endpoint").click()
        hook_secret = wait.until(EC.visibility_of_element_located((By.ID, "endpoint-secret-value"))).text
        row = wait.until(lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#endpoints tr") if "Storefront orders" in r.text), None))
        hook_url = row.find_element(By.TAG_NAME, "code").text
        assert hook_secret.startswith("whsec_") and "/hooks/" in hook_url, (hook_secret[:6], hook_url)
        # A signed delivery to that URL shows among the events, its card number masked.
        body = json.dumps({"type": "order.paid", "order": "A-100", "card": "4111111111111111"}).encode()
        status = deliver_signed(hook_url, hook_secret, body, "browser-" + uuid.uuid4().hex)
        assert status == 202, status
        driver.refresh()
        wait.until(EC.text_to_be_present_in_element((By.ID, "events"), "order.paid"))
        driver.find_element(By.CSS_SELECTOR, "#events button").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "event-detail"), "************1111"))
        assert "4111111111111111" not in driver.page_source and hook_secret not in driver.page_source
        driver.save_screenshot(str(SHOTS / "tenant-events.png"))

        # A chargeback typed in, then two imported from the processor's file: each listed, each alerting.
        driver.find_element(By.CSS_SELECTOR, "#sidebar [data-view=chargebacks]").click()
        wait.until(EC.element_to_be_clickable((By.ID, "chargeback-case_number")))
        for name, value in [("case_number", "CB-BROWSER-1"), ("customer_id", "acme-1"), ("amount", "108.25"), ("fee", "15"), ("reason", "Fraud")]:
            driver.find_element(By.ID, f"chargeback-{name}").send_keys(value)
        driver.execute_script("arguments[0].value = '2026-11-20'", driver.find_element(By.ID, "chargeback-received_at"))
        driver.find_element(By.ID, "enter-chargeback").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "Chargeback CB-BROWSER-1 entered"))
        wait.until(EC.text_to_be_present_in_element((By.ID, "chargebacks"), "CB-BROWSER-1"))
        row = driver.find_element(By.XPATH, "//*[@id='chargebacks']//tr[contains(., 'CB-BROWSER-1')]").text
        assert "Nov 20, 2026" in row, f"received 2026-11-20, shown in Los Angeles time as: {row}"
        csv_path = SHOTS / f"chargebacks-{suffix}.csv"
        csv_path.write_text("case_number,customer_id,amount,reason,received_at\nCB-FILE-1,acme-2,20.00,Not received,2026-11-21\n"
                            "CB-FILE-2,acme-3,5.50,\"Duplicate, says the bank\",2026-11-21\n")
        driver.find_element(By.ID, "chargeback-file").send_keys(str(csv_path.resolve()))
        driver.find_element(By.ID, "import-chargebacks").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "Imported 2 chargeback(s)"))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chargebacks tr")) == 3)
        driver.save_screenshot(str(SHOTS / "tenant-chargebacks.png"))
        # Their three alerts are one incident, acknowledged at once.
        driver.find_element(By.CSS_SELECTOR, "#sidebar [data-view=alerts]").click()
        incident = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#incidents tr[data-incident=chargeback]")))
        assert "Acknowledge all 3" in incident.text, incident.text
        driver.save_screenshot(str(SHOTS / "tenant-alerts.png"))
        incident.find_element(By.TAG_NAME, "button").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "Acknowledged 3 alerts"))
        wait.until(EC.visibility_of_element_located((By.ID, "incidents-empty")))
        open_alerts = call("GET", f"/v1/tenants/{tenant['id']}/environments/dev/alerts?open=true", token)["items"]
        assert open_alerts == [], open_alerts
        disputes = call("GET", f"/v1/tenants/{tenant['id']}/environments/dev/chargebacks", token)["items"]
        assert sorted(d["case_number"] for d in disputes) == ["CB-BROWSER-1", "CB-FILE-1", "CB-FILE-2"], disputes
    except Exception:
        report(driver, "failure-owner")
        raise
    finally:
        driver.quit()

    phone = browser(390, 844)
    try:
        wait = log_in(phone, owner_email, owner_password)
        phone.find_element(By.CSS_SELECTOR, "#sidebar [data-view=settings]").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "keys"), "Storefront webhook sender"))
        overflow = phone.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page scrolls sideways at phone width by {overflow}px"
        phone.save_screenshot(str(SHOTS / "tenant-api-keys-phone.png"))
    finally:
        phone.quit()

    admin = browser(1280, 900)
    try:
        wait = log_in(admin, admin_email, admin_password)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#tenants tr[data-tenant]")))
        admin.find_element(By.ID, "tenant-query").send_keys(f"northwind-{suffix}\n")
        row = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"#tenants tr[data-tenant=northwind-{suffix}]")))
        assert "Northwind Traders" in row.text and "healthy" in row.text, row.text
        assert "q=northwind" in admin.current_url, admin.current_url
        admin.save_screenshot(str(SHOTS / "platform-tenants.png"))
    finally:
        admin.quit()
    print(f"browser test passed; screenshots in {SHOTS}")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a readable one-line reason for the test log
        print(f"browser test failed: {error!r}", file=sys.stderr)
        raise
