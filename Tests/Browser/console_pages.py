"""Headless-browser walk of every console page, on the demo tenant a fresh `scripts/run` makes
(`clearline demo seed` and `clearline demo week`, against the sandbox), with `clearline work`
started here.

At desktop (1440x900) and phone (390x844) width, Tab reaches the sidebar with a visible focus
ring and Enter follows a link; and every page:
- scrolls no sideways;
- has no element overlapping another;
- has no serious or critical accessibility violation that axe-core (from axe-selenium-python) finds
  under WCAG 2 A and AA and WCAG 2.1 AA (axe-core 3.1, as that package ships it), text contrast included;
- leaves a screenshot in .clearline/screenshots/console-<page>-<width>.png.

A sale that reaches Sage Pro without a company name is held for review; the owner fixes it in
the held step's form (its empty required field refused first) and the run goes on to succeed.

Then, on the dashboard, "Send a test sale": the sandbox's PayTrace makes it, the run succeeds
and the dashboard's counters and chart move, in under 10 s. Needs CLEARLINE_URL, CLEARLINE_BIN
and CLEARLINE_SANDBOX_URL (scripts/test sets them).
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from admin_pages import BASE, BIN, SANDBOX, SHOTS, browser, call, deliver_signed, log_in, report  # noqa: E402

from axe_selenium_python import Axe  # noqa: E402
from card_page import card_on_file  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WIDTHS = [(1440, 900, "desktop"), (390, 844, "phone")]
AXE_OPTIONS = json.dumps({"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}})

# Elements that show something (text of their own, a control, a picture), each with its visible
# box (clipped by any ancestor that scrolls or hides overflow); then every pair that is not one
# inside the other and overlaps by more than 2 px both ways.
OVERLAPS = r"""
const shown = [];
const clip = (el, r) => {
  for (let a = el.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX !== "visible" || s.overflowY !== "visible") {
      const c = a.getBoundingClientRect();
      r = { left: Math.max(r.left, c.left), right: Math.min(r.right, c.right), top: Math.max(r.top, c.top), bottom: Math.min(r.bottom, c.bottom) };
    }
  }
  return r;
};
for (const el of document.body.querySelectorAll("*")) {
  if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
  const s = getComputedStyle(el);
  if (s.visibility === "hidden" || s.display === "none" || s.opacity === "0") continue;
  // Laid out but not shown: the inside of a closed <details>, say.
  if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true })) continue;
  const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const control = ["a", "button", "input", "select", "textarea", "svg", "img"].includes(el.tagName.toLowerCase());
  if (!own && !control) continue;
  // One box per line for an inline element that wraps: its bounding box would cover its
  // neighbours on those lines without touching them.
  const boxes = [...el.getClientRects()].map((r) => clip(el, r)).filter((r) => r.right - r.left >= 1 && r.bottom - r.top >= 1);
  if (boxes.length) shown.push([el, boxes]);
}
const found = [];
const hits = (as, bs) => as.some((ra) => bs.some((rb) =>
  Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 2 && Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 2));
for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
  const [a, ra] = shown[i], [b, rb] = shown[j];
  if (a.contains(b) || b.contains(a)) continue;
  if (hits(ra, rb)) {
    const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "") + " “" + (e.textContent || e.value || "").trim().slice(0, 30) + "”";
    found.push(name(a) + " overlaps " + name(b));
    if (found.length >= 10) return found;
  }
}
return found;
"""


def demo_tenant(token):
    """The demo tenant's id, however many tenants the suites made before."""
    cursor = None
    while True:
        page = call("GET", "/v1/tenants?limit=200" + (f"&cursor={cursor}" if cursor else ""), token)
        for tenant in page["items"]:
            if tenant["slug"] == "demo":
                return tenant["id"]
        cursor = page["next_cursor"]
        if not cursor:
            raise AssertionError("no demo tenant")


def wait_for(what, condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def full_screenshot(driver, path):
    """The whole page, not only what the window shows: the window is made as tall as the page
    (up to 6,000 px) for the picture, then given back its height."""
    width, height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    size = driver.get_window_size()
    full = min(6000, driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(size["width"], size["height"] - height + full)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])


def check_page(driver, name, width_name, problems):
    """The page as it stands: sideways scroll, overlaps, its screenshot, then axe."""
    time.sleep(0.3)  # let a last re-render settle before measuring; no assertion depends on it
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        problems.append(f"{name} at {width_name}: scrolls sideways by {overflow} px")
    for overlap in driver.execute_script(OVERLAPS):
        problems.append(f"{name} at {width_name}: {overlap}")
    full_screenshot(driver, SHOTS / f"console-{name}-{width_name}.png")
    axe = Axe(driver)
    axe.inject()
    results = axe.run(options=AXE_OPTIONS)
    for violation in results["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            problems.append(f"{name} at {width_name}: axe {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")


def main():
    SHOTS.mkdir(parents=True, exist_ok=True)
    credentials = pathlib.Path(tempfile.mkdtemp()) / "demo-login.txt"
    subprocess.run([BIN, "demo", "seed", "--credentials-file", str(credentials), "--sandbox-url", SANDBOX, "--clearline-url", BASE],
                   check=True, capture_output=True, text=True)
    passwords = dict(line.split(" ", 1) for line in credentials.read_text().splitlines())
    owner, admin = "owner@demo.clearline.local", "admin@clearline.local"
    workers = subprocess.Popen([BIN, "work"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        subprocess.run([BIN, "demo", "week", "--sandbox-url", SANDBOX, "--clearline-url", BASE], check=True, capture_output=True, text=True)
        token = subprocess.run([BIN, "admin", "create-token", "--name", "console-test"], check=True, capture_output=True, text=True).stdout.strip()
        tenant = demo_tenant(token)
        dashboard = f"/v1/tenants/{tenant}/environments/dev/dashboard"
        # The demo's week is written first, as on a fresh `scripts/run` once it has settled.
        def settled():
            figures = call("GET", dashboard, token)
            return figures["queue"]["queued"] == 0 and figures["totals"]["runs"]["running"] == 0
        wait_for("the demo's week to be written", settled, 240)
        walk(tenant, owner, passwords[owner], admin, passwords[admin])
        fix_held_step(tenant, token, owner, passwords[owner])
        send_test_sale(tenant, owner, passwords[owner])
        request_payment(tenant, owner, passwords[owner])
        add_plan(tenant, owner, passwords[owner])
        add_schedule(tenant, owner, passwords[owner])
        add_alert_route(tenant, owner, passwords[owner])
        card_on_file(tenant, token, check_page, owner, passwords[owner])
    finally:
        workers.terminate()
        workers.wait(15)
    print(f"ok: every console page at 1440 and 390 px: no sideways scroll, no overlap, no serious axe violation; "
          f"a test sale ran and moved the dashboard; screenshots in {SHOTS}")


def keyboard_reaches_runs(driver, wait, width_name, problems):
    """From the top of the page, Tab reaches the sidebar's Runs with a visible focus ring, and Enter opens it."""
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(30):
        body.send_keys(Keys.TAB) if driver.switch_to.active_element == body else driver.switch_to.active_element.send_keys(Keys.TAB)
        if driver.switch_to.active_element.get_attribute("data-view") == "runs":
            break
    else:
        problems.append(f"keyboard at {width_name}: 30 Tabs never reached the sidebar's Runs")
        return
    outline = driver.execute_script("const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]")
    if outline[0] == "none" or outline[1] in ("0px", ""):
        problems.append(f"keyboard at {width_name}: the focused link shows no focus ring ({outline})")
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#runs-form")))
    driver.back()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#view[data-loaded=true]")))


def walk(tenant, owner, owner_password, admin, admin_password):
    problems = []
    for width, height, width_name in WIDTHS:
        driver = browser(width, height)
        try:
            wait = log_in(driver, owner, owner_password)
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#view[data-loaded=true]")))
            check_page(driver, "dashboard", width_name, problems)
            keyboard_reaches_runs(driver, wait, width_name, problems)
            pages = [
                ("runs", "#runs tr", None),
                ("events", "#events tr", None),
                ("connections", "#connections tr", None),
                ("alerts", "#incidents-empty, #incidents tr", None),
                ("payments", "#payments-empty, #payments tr", None),
                ("recurring", "#plans-empty, #plans tr", None),
                ("schedules", "#schedules-empty, #schedules tr", None),
                ("chargebacks", "#chargebacks-empty", None),
                ("settings", "#audit tr", None),
            ]
            for view, ready, _ in pages:
                driver.get(f"{BASE}/tenant.html?id={tenant}&view={view}&env=dev")
                wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ready)))
                check_page(driver, view, width_name, problems)
            # One run's steps, from the list.
            driver.get(f"{BASE}/tenant.html?id={tenant}&view=runs&env=dev&status=succeeded")
            wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#runs tr button"))).click()
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#run-detail [data-run-step]")))
            check_page(driver, "run-detail", width_name, problems)
            # Flows, with the order-to-cash flow open in the editor.
            driver.get(f"{BASE}/flows.html?id={tenant}&env=dev")
            wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#flows tr button"))).click()
            wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#versions tr")))
            check_page(driver, "flows", width_name, problems)
            driver.get(f"{BASE}/reconciliation.html?id={tenant}&env=dev")
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#settlements tr")))
            check_page(driver, "reconciliation", width_name, problems)
        except Exception:
            report(driver, f"console-failure-{width_name}")
            raise
        finally:
            driver.quit()
        driver = browser(width, height)
        try:
            driver.get(BASE + "/login.html")
            WebDriverWait(driver, 15).until(EC.visibility_of_element_located((By.ID, "email")))
            check_page(driver, "login", width_name, problems)
            wait = log_in(driver, admin, admin_password)
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#tenants tr[data-tenant]")))
            check_page(driver, "tenants", width_name, problems)
        except Exception:
            report(driver, f"console-admin-failure-{width_name}")
            raise
        finally:
            driver.quit()
    assert not problems, "console pages:\n" + "\n".join(problems)


def fix_held_step(tenant, token, owner, owner_password):
    """A sale with no customer name: Sage Pro's customer step is held (company is required)."""
    endpoint = call("POST", f"/v1/tenants/{tenant}/environments/dev/webhook-endpoints", token,
                   {"name": "PayTrace relay", "source": "paytrace", "verification": "clearline_signature"})
    transaction = 990000 + int(time.time()) % 9999
    body = json.dumps({"type": "paytrace.transaction.sale", "transaction": {
        "transaction_id": transaction, "transaction_type": "SALE", "amount": "12.34", "status": "SETTLED",
        "created_at": "12/01/2026 1:00:00 PM", "masked_card_number": "************1111"}}).encode()
    status = deliver_signed(endpoint["url"], endpoint["secret"], body, f"held-{transaction}")
    assert status == 202, status
    runs = f"/v1/tenants/{tenant}/environments/dev/runs?q={transaction}"
    wait_for("the Sage Pro run to be held", lambda: any(r["status"] == "review" for r in call("GET", runs, token)["items"]), 60)

    driver = browser(1440, 900)
    try:
        wait = log_in(driver, owner, owner_password)
        driver.get(f"{BASE}/tenant.html?id={tenant}&view=runs&env=dev&status=review&q={transaction}")
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#runs tr button"))).click()
        company = wait.until(EC.visibility_of_element_located((By.ID, "review-company")))
        assert company.get_attribute("value") == "", company.get_attribute("value")
        driver.find_element(By.ID, "review-replace").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "review-company-error"), "company is required"))
        full_screenshot(driver, SHOTS / "console-held-step.png")
        company.send_keys("Walk-in customer")
        driver.find_element(By.ID, "review-replace").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "run-message"), "Resumed with the corrected record"))
    except Exception:
        report(driver, "console-held-step-failure")
        raise
    finally:
        driver.quit()
    wait_for("the corrected run to succeed", lambda: [r["status"] for r in call("GET", runs, token)["items"]].count("succeeded") == 2, 60)


def send_test_sale(tenant, owner, owner_password):
    driver = browser(1440, 900)
    try:
        wait = log_in(driver, owner, owner_password)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#view[data-loaded=true]")))
        events_before = int(driver.find_element(By.CSS_SELECTOR, "[data-tile=events] .tile-value").text)
        chart_before = driver.find_element(By.CSS_SELECTOR, "#runs-chart svg").get_attribute("innerHTML")
        started = time.monotonic()
        driver.find_element(By.CSS_SELECTOR, "[data-demo=sale]").click()
        # The dashboard draws its tiles again as figures arrive: an element found may be replaced before it is read.
        fast = WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,))
        fast.until(EC.text_to_be_present_in_element((By.ID, "demo-message"), "PayTrace made a sale"))
        fast.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#demo-progress [data-run-status=succeeded]")))
        fast.until(lambda d: int(d.find_element(By.CSS_SELECTOR, "[data-tile=events] .tile-value").text) == events_before + 1)
        fast.until(lambda d: d.find_element(By.CSS_SELECTOR, "#runs-chart svg").get_attribute("innerHTML") != chart_before)
        elapsed = time.monotonic() - started
        landed = driver.find_element(By.ID, "demo-progress").text
        driver.save_screenshot(str(SHOTS / "console-test-sale.png"))
        print(f"a test sale ran and moved the dashboard in {elapsed:.1f} s; the page shows:\n{landed}")
    except Exception:
        report(driver, "console-test-sale-failure")
        raise
    finally:
        driver.quit()


def request_payment(tenant, owner, owner_password):
    """A charge of the demo customer's card on file, asked for in the Payments view: the workers
    make it, and the list shows it approved with its PayTrace transaction."""
    driver = browser(1440, 900)
    try:
        wait = log_in(driver, owner, owner_password)
        driver.get(f"{BASE}/tenant.html?id={tenant}&view=payments&env=dev")
        wait.until(EC.visibility_of_element_located((By.ID, "payment-customer"))).send_keys("clearline-demo-customer")
        driver.find_element(By.ID, "payment-amount").send_keys("42.17")
        reference = f"INV-BROWSER-{int(time.time())}"
        driver.find_element(By.ID, "payment-reference").send_keys(reference)
        driver.find_element(By.ID, "request-payment").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "requested"))

        def approved(d):
            d.find_element(By.ID, "payments-search").clear()
            d.find_element(By.ID, "payments-search").send_keys(reference)
            d.find_element(By.ID, "apply-payment-filters").click()
            # Read in one step: the list may be drawn again (the filter's answer) between a find and a read.
            return d.execute_script(
                "const badge = document.querySelector('#payments tr [data-status=approved]'); return badge && badge.closest('tr').innerText")
        row = WebDriverWait(driver, 60, poll_frequency=1).until(approved)
        assert "42.17 USD" in row and reference in row, row
        assert "q=" + reference in driver.current_url, driver.current_url
        driver.save_screenshot(str(SHOTS / "console-payment-approved.png"))
        print(f"a charge requested in the Payments view was approved: {row!r}")
    except Exception:
        report(driver, "console-payment-failure")
        raise
    finally:
        driver.quit()


def add_plan(tenant, owner, owner_password):
    """A monthly plan for the demo customer, added in the Recurring view from today: the workers
    charge its first period, and its charges show period 1 approved; Pause says paused."""
    driver = browser(1440, 900)
    try:
        wait = log_in(driver, owner, owner_password)
        driver.get(f"{BASE}/tenant.html?id={tenant}&view=recurring&env=dev")
        wait.until(EC.visibility_of_element_located((By.ID, "plan-customer"))).send_keys("clearline-demo-customer")
        driver.find_element(By.ID, "plan-amount").send_keys("19.99")
        reference = f"SUB-BROWSER-{int(time.time())}"
        driver.find_element(By.ID, "plan-reference").send_keys(reference)
        driver.find_element(By.ID, "add-plan").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "Plan added"))
        row_path = f"//tr[.//*[contains(text(), '{reference}')]]"
        wait.until(EC.presence_of_element_located((By.XPATH, row_path)))

        def charged(d):
            d.find_element(By.XPATH, row_path + "//button[@data-action='open']").click()
            return d.find_elements(By.CSS_SELECTOR, "#plan-charges tr [data-status=approved]")
        WebDriverWait(driver, 60, poll_frequency=1, ignored_exceptions=(StaleElementReferenceException,)).until(charged)
        driver.save_screenshot(str(SHOTS / "console-plan-charged.png"))
        driver.find_element(By.XPATH, row_path + "//button[@data-action='pause']").click()
        wait.until(lambda d: d.find_elements(By.XPATH, row_path + "//*[@data-status='paused']"))
        print(f"a monthly plan added in the Recurring view had its first period charged and approved, then paused ({reference})")

        # A plan that makes each period's invoice in the demo's Zoho Books, from tomorrow (so
        # nothing is charged during the check): the form sends the invoice, the list says where.
        invoiced = f"SUB-INVOICED-{int(time.time())}"
        driver.find_element(By.ID, "plan-customer").send_keys("clearline-demo-customer")
        driver.find_element(By.ID, "plan-amount").send_keys("29.00")
        driver.find_element(By.ID, "plan-reference").send_keys(invoiced)
        driver.execute_script(
            "const s = document.getElementById('plan-starts'); const d = new Date(s.value + 'T12:00:00Z');"
            " d.setUTCDate(d.getUTCDate() + 1); s.value = d.toISOString().slice(0, 10);")
        ledger = Select(driver.find_element(By.ID, "plan-invoice-connection"))
        zoho = [o for o in ledger.options if "Zoho Books" in o.text]
        assert zoho, f"the demo's Zoho connection is not offered as a ledger: {[o.text for o in ledger.options]}"
        ledger.select_by_visible_text(zoho[0].text)
        driver.find_element(By.ID, "plan-invoice-customer").send_keys("demo-contact-1")
        driver.find_element(By.ID, "add-plan").click()
        wait.until(lambda d: d.find_elements(By.XPATH, f"//tr[.//*[contains(text(), '{invoiced}')]]//*[@data-invoicing]"))
        driver.save_screenshot(str(SHOTS / "console-plan-invoiced.png"))
        print(f"a plan that invoices in Zoho Books was added in the Recurring view and listed as invoiced ({invoiced})")
    except Exception:
        report(driver, "console-plan-failure")
        raise
    finally:
        driver.quit()


def add_schedule(tenant, owner, owner_password):
    """A schedule added in the Schedules view shows its next run; Run now counts a run; Pause says paused."""
    driver = browser(1440, 900)
    try:
        wait = log_in(driver, owner, owner_password)
        driver.get(f"{BASE}/tenant.html?id={tenant}&view=schedules&env=dev")
        name = f"Browser schedule {int(time.time())}"
        wait.until(EC.visibility_of_element_located((By.ID, "schedule-name"))).send_keys(name)
        driver.find_element(By.ID, "schedule-cron").send_keys("30 2 * * *")
        # It also collects due Zoho Books invoices, with the demo's Zoho and PayTrace connections.
        Select(driver.find_element(By.ID, "schedule-action")).select_by_value("collect_due_invoices")
        wait.until(lambda d: Select(d.find_element(By.ID, "schedule-zoho")).options and Select(d.find_element(By.ID, "schedule-paytrace")).options)
        retry = driver.find_element(By.ID, "schedule-retry-days")
        retry.clear()
        retry.send_keys("2, 5")
        driver.find_element(By.ID, "add-schedule").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "added; next run"))
        row = wait.until(EC.presence_of_element_located((By.XPATH, f"//tr[.//strong[text()='{name}']]")))
        assert row.find_elements(By.CSS_SELECTOR, "[data-next]"), row.text
        assert "again on days 2, 5" in row.find_element(By.CSS_SELECTOR, "[data-action-kind=collect_due_invoices]").text, row.text
        row.find_element(By.CSS_SELECTOR, "[data-action=run]").click()
        wait.until(lambda d: "(1 run)" in d.find_element(By.XPATH, f"//tr[.//strong[text()='{name}']]").text)
        driver.find_element(By.XPATH, f"//tr[.//strong[text()='{name}']]//button[@data-action='toggle']").click()
        wait.until(lambda d: d.find_elements(By.XPATH, f"//tr[.//strong[text()='{name}']]//*[@data-status='paused']"))
        driver.save_screenshot(str(SHOTS / "console-schedule.png"))
        print("a schedule that collects due invoices (retry days 2, 5), added in the Schedules view, showed its next run, ran now once and paused")
    except Exception:
        report(driver, "console-schedule-failure")
        raise
    finally:
        driver.quit()


def add_alert_route(tenant, owner, owner_password):
    """A webhook route to the sandbox's alert sink, added in the Alerts view, shows its signing
    secret once; Send test says the webhook took it, the sink holds it, and the route's messages
    list it as sent."""
    driver = browser(1440, 900)
    try:
        wait = log_in(driver, owner, owner_password)
        driver.get(f"{BASE}/tenant.html?id={tenant}&view=alerts&env=dev")
        name = f"Browser route {int(time.time())}"
        wait.until(EC.visibility_of_element_located((By.ID, "route-name"))).send_keys(name)
        driver.find_element(By.ID, "route-url").send_keys(f"{SANDBOX}/sinks/alerts")
        driver.find_element(By.CSS_SELECTOR, "input[name=kinds][value=fraud]").click()
        driver.find_element(By.ID, "add-route").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "added"))
        secret = wait.until(EC.visibility_of_element_located((By.ID, "route-secret-value"))).text
        assert secret.startswith("whsec_"), secret
        row_path = f"//tr[.//strong[text()='{name}']]"
        before = len(json.load(urllib.request.urlopen(f"{SANDBOX}/_sandbox/sinks/alerts"))["deliveries"])
        wait.until(EC.element_to_be_clickable((By.XPATH, row_path + "//button[@data-test-route]"))).click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "The webhook accepted the test message"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#route-messages [data-status=sent]"))
        deliveries = json.load(urllib.request.urlopen(f"{SANDBOX}/_sandbox/sinks/alerts"))["deliveries"]
        assert len(deliveries) == before + 1 and '"alerts.test"' in deliveries[-1]["body"], deliveries[-1:]
        driver.save_screenshot(str(SHOTS / "console-alert-route.png"))
        # The velocity detector's limit, changed and saved, is what the page shows after a reload.
        per_hour = wait.until(lambda d: d.find_element(By.ID, "fraud-velocity-per_hour").get_attribute("value") and d.find_element(By.ID, "fraud-velocity-per_hour"))
        limit = "25" if per_hour.get_attribute("value") != "25" else "26"
        per_hour.clear()
        per_hour.send_keys(limit)
        driver.find_element(By.ID, "save-fraud-settings").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "Detectors saved"))
        driver.refresh()
        wait.until(lambda d: d.find_element(By.ID, "fraud-velocity-per_hour").get_attribute("value") == limit)
        note = driver.find_element(By.ID, "fraud-settings-note").text
        assert note.startswith("Last changed"), note
        print("a webhook alert route added in the Alerts view showed its secret once, Send test reached the sandbox's sink, "
              "and the velocity detector's limit saved")
    except Exception:
        report(driver, "console-alert-route-failure")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print(f"console browser test failed: {error}", file=sys.stderr)
        raise
