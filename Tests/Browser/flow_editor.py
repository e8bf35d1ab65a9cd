"""Headless-browser test of the flow editor: a tenant owner creates a flow, maps two fields in
the visual editor (one through a transform), previews a sample, publishes version 1, deploys it
to dev and promotes it to qa (at 1280 px, nothing overlapping), warned that qa lacks the Zoho connection the flow writes through. Needs CLEARLINE_URL and CLEARLINE_BIN (scripts/test sets them)."""
import json
import os
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admin_pages import BASE, BIN, SHOTS, browser, call, log_in, report  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

SAMPLE = {"transaction": {"transaction_id": 77, "amount": "19.5", "status": "SETTLED", "created_at": "11/22/2026 1:02:03 PM"}}


def main():
    SHOTS.mkdir(parents=True, exist_ok=True)
    token = subprocess.run([BIN, "admin", "create-token", "--name", "flow-editor-test"], check=True, capture_output=True, text=True).stdout.strip()
    suffix = uuid.uuid4().hex[:8]
    tenant = call("POST", "/v1/tenants", token, {"name": f"Flow Editor {suffix}", "slug": f"flow-editor-{suffix}"})
    email, password = f"flows-{suffix}@example.com", f"flow editor {suffix}!"
    call("POST", f"/v1/tenants/{tenant['id']}/users", token, {"email": email, "password": password, "role": "owner"})
    driver = browser(1280, 1000)
    try:
        wait = log_in(driver, email, password)
        wait.until(EC.text_to_be_present_in_element((By.ID, "tenant-name"), "Flow Editor"))
        driver.find_element(By.CSS_SELECTOR, "#sidebar [data-view=flows]").click()
        wait.until(EC.element_to_be_clickable((By.ID, "create-flow")))
        driver.find_element(By.ID, "flow-name").send_keys("Shop invoices")
        Select(driver.find_element(By.ID, "flow-template")).select_by_value("")
        driver.find_element(By.ID, "create-flow").click()
        wait.until(EC.visibility_of_element_located((By.ID, "editor")))

        # The sample record the source fields come from.
        driver.find_element(By.CSS_SELECTOR, "#editor details summary").click()
        sample = driver.find_element(By.ID, "sample")
        sample.clear()
        sample.send_keys(json.dumps(SAMPLE))
        driver.find_element(By.ID, "apply-json").click()

        # Two links: the transaction id as the reference, the PayTrace time as a Zoho date.
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, '[data-source="transaction.transaction_id"]'))).click()
        driver.find_element(By.CSS_SELECTOR, '[data-target="reference_number"]').click()
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, '[data-source="transaction.created_at"]'))).click()
        driver.find_element(By.CSS_SELECTOR, '[data-target="date"]').click()
        Select(wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, '[data-link="date"]')))).select_by_value("date")
        # Links on white cards read at a proper contrast (they were #c9d3e3, about 1.5:1).
        color = driver.execute_script("return getComputedStyle(document.querySelector('main button.link')).color")
        assert color == "rgb(11, 92, 171)", f"a link in the page is {color}"

        # At 1280 px the mapper fits: nothing overlaps (the target list once covered the links) and nothing scrolls sideways.
        from console_pages import OVERLAPS
        overlaps = driver.execute_script(OVERLAPS)
        assert not overlaps, f"the flow editor at 1280 px: {overlaps}"
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the flow editor scrolls sideways at 1280 px by {overflow} px"
        driver.find_element(By.ID, "preview").click()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, '[data-step="invoice"] pre'), '"date": "2026-11-22"'))
        shown = driver.find_element(By.CSS_SELECTOR, '[data-step="invoice"] pre').text
        assert '"reference_number": "77"' in shown, shown
        # Without a customer and lines Zoho would refuse the invoice: the preview says so.
        assert driver.find_element(By.CSS_SELECTOR, '[data-step="invoice"]').get_attribute("data-outcome") == "invalid"
        # An outcome's colour says what it means: a refused record is red, a written one green.
        assert "bad" in driver.find_element(By.CSS_SELECTOR, '[data-step="invoice"] .badge').get_attribute("class").split()
        driver.save_screenshot(str(SHOTS / "flow-editor-preview.png"))

        driver.find_element(By.ID, "publish").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, '[data-version="1"]')))
        driver.find_element(By.CSS_SELECTOR, '[data-deploy="1"]').click()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, '[data-live="dev"]'), "version 1"))
        driver.find_element(By.CSS_SELECTOR, '[data-promote="qa"]').click()
        # qa has no Zoho connection, which the flow's step writes through: the promotion says so first.
        warning = wait.until(EC.alert_is_present())
        assert "qa has no Zoho connection (needed by invoice)" in warning.text, warning.text
        warning.accept()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, '[data-live="qa"]'), "version 1"))
        driver.save_screenshot(str(SHOTS / "flow-editor-deployed.png"))

        flows = call("GET", f"/v1/tenants/{tenant['id']}/flows", token)["items"]
        flow = call("GET", f"/v1/tenants/{tenant['id']}/flows/{flows[0]['id']}", token)
        mapping = flow["draft"]["steps"][0]["mapping"]["fields"]
        assert mapping["reference_number"] == "transaction.transaction_id", mapping
        assert mapping["date"]["then"][0]["fn"] == "date", mapping
        assert flow["deployments"] == {"dev": 1, "qa": 1}, flow["deployments"]
        print("ok: flow editor: two fields mapped (one through a date transform), previewed, published, deployed to dev, promoted to qa")
    except Exception:
        report(driver, "flow-editor-failure")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
