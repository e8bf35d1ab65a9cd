"""The customer's card page (card.html), in a real browser at desktop and phone width: a link made
through the API opens; PayTrace's hosted fields (the sandbox's PayTrace Protect) load in a frame of
PayTrace's own origin, which the page cannot read; the card typed there is saved as the PayTrace
vault profile, with the details of the customer's Zoho Books contact. Run by console_pages.main with
the demo tenant; needs what admin_pages needs.
"""
import json
import time
import urllib.parse
import urllib.request

from admin_pages import BASE, SANDBOX, SHOTS, browser, call, log_in, report
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ZOHO_CLIENT = ("1000.DEMOSANDBOXCLIENT", "demo-zoho-client-secret")  # SandboxServer.demoZohoClient
ORGANIZATION = "20071234"  # the sandbox's Books organization, as the demo's connection names it


def post(url, data, headers=None):
    request = urllib.request.Request(url, data=data, method="POST", headers=headers or {})
    with urllib.request.urlopen(request) as reply:
        return json.loads(reply.read())


def books_contact(name):
    """A contact made in the sandbox's Zoho Books as a self client would: its id."""
    form = {"client_id": ZOHO_CLIENT[0], "scope": "ZohoBooks.fullaccess.all"}
    code = post(SANDBOX + "/_sandbox/zoho/self-client/code", urllib.parse.urlencode(form).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"})["code"]
    grant = {"grant_type": "authorization_code", "code": code, "client_id": ZOHO_CLIENT[0], "client_secret": ZOHO_CLIENT[1],
             "redirect_uri": "urn:zoho:self-client"}
    token = post(SANDBOX + "/zoho/accounts/oauth/v2/token", urllib.parse.urlencode(grant).encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"})["access_token"]
    contact = {"contact_name": name, "email": "card.browser@example.com",
               "billing_address": {"address": "77 Frame Road", "city": "Spokane", "state": "WA", "zip": "99201"}}
    made = post(f"{SANDBOX}/zoho/api/books/v3/contacts?organization_id={ORGANIZATION}", json.dumps(contact).encode(),
                {"Content-Type": "application/json", "Authorization": f"Zoho-oauthtoken {token}"})
    return made["contact"]["contact_id"]


def link_made_in_console(tenant, owner, owner_password, contact):
    """The Payments view's "Cards on file": a link made for a contact, shown once to copy, listed open."""
    driver = browser(1440, 900)
    try:
        wait = log_in(driver, owner, owner_password)
        driver.get(f"{BASE}/tenant.html?id={tenant}&view=payments&env=dev")
        customer = f"card-console-{int(time.time())}"
        wait.until(EC.visibility_of_element_located((By.ID, "card-customer"))).send_keys(customer)
        driver.find_element(By.ID, "card-contact").send_keys(contact)
        driver.find_element(By.ID, "make-card-link").click()
        link = wait.until(EC.visibility_of_element_located((By.ID, "card-link-url"))).get_attribute("value")
        assert "/card.html#" in link, link
        wait.until(lambda d: any(customer in row.text and "open" in row.text for row in d.find_elements(By.CSS_SELECTOR, "#card-requests tr")))
        driver.save_screenshot(str(SHOTS / "console-card-link.png"))
        print(f"a card link made in the Payments view was shown once and listed open ({customer})")
        return link
    except Exception:
        report(driver, "console-card-link-failure")
        raise
    finally:
        driver.quit()


def card_on_file(tenant, token, check_page, owner=None, owner_password=None):
    """At each width: a link for a new customer, the card typed into PayTrace's frame, saved."""
    base = f"/v1/tenants/{tenant}/environments/dev"
    connections = call("GET", f"{base}/connections?limit=100", token)["items"]
    paytrace = next(c["id"] for c in connections if c["kind"] == "paytrace")
    zoho = next(c["id"] for c in connections if c["kind"] == "zoho")
    contact = books_contact(f"Card Browser {int(time.time())}")
    if owner:
        link_made_in_console(tenant, owner, owner_password, contact)
    problems = []
    for width, height, name in [(1440, 900, "desktop"), (390, 844, "phone")]:
        customer = f"card-browser-{name}-{int(time.time())}"
        made = call("POST", f"{base}/card-requests", token,
                    {"connection_id": paytrace, "customer_id": customer, "contact": {"connection_id": zoho, "contact_id": contact}})
        driver = browser(width, height)
        try:
            driver.get(made["url"])
            wait = WebDriverWait(driver, 30)
            frame = wait.until(EC.presence_of_element_located((By.ID, "ptp_iframe")))
            wait.until(EC.visibility_of_element_located((By.ID, "save-card")))
            # The fields are PayTrace's: another origin, which the page's scripts cannot look into.
            readable = driver.execute_script(
                "try { return document.getElementById('ptp_iframe').contentDocument !== null; } catch (e) { return false; }")
            assert not readable, "the page can read PayTrace's card fields"
            driver.switch_to.frame(frame)
            wait.until(EC.visibility_of_element_located((By.ID, "ccNumber"))).send_keys("4012 0000 9876 5439")
            driver.find_element(By.ID, "expMonth").send_keys("11")
            driver.find_element(By.ID, "expYear").send_keys("2031")
            driver.find_element(By.ID, "code").send_keys("999")
            driver.switch_to.default_content()
            check_page(driver, "card-page", name, problems)
            driver.find_element(By.ID, "save-card").click()
            wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "Card saved"))
            driver.save_screenshot(str(SHOTS / f"card-page-saved-{name}.png"))
        except Exception:
            report(driver, f"card-page-failure-{name}")
            raise
        finally:
            driver.quit()
        stored = call("GET", f"{base}/card-requests/{made['id']}", token)
        assert stored["status"] == "completed" and stored["outcome"] == "created", stored
        assert stored["masked_card_number"].endswith("5439"), stored
    assert not problems, "\n".join(problems)
    print("a customer's card link at 1440 and 390 px: PayTrace's fields in a frame the page cannot read; the card saved as the vault profile")
