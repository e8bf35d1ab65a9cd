#!/usr/bin/env python3
"""Standard Webhooks both ways, checked with the scheme's reference library (`standardwebhooks`
from PyPI), not with our own signer:
- intake: a delivery the library signs is accepted (202), the same webhook-id again is the same
  event (200) and one event is stored, and a body changed after signing is refused (401);
- outbound: a shop connection that signs as Standard Webhooks sends its test delivery to the
  sandbox's shop, and the library verifies that delivery's headers and body;
- alert routes: a webhook route's test message, sent to the sandbox's alert sink, verifies with
  the secret the route was made with.
Needs CLEARLINE_URL, CLEARLINE_BIN and CLEARLINE_SANDBOX_URL (scripts/test sets them)."""
import base64
import json
import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

URL = os.environ["CLEARLINE_URL"]
SANDBOX = os.environ["CLEARLINE_SANDBOX_URL"]
TOKEN = subprocess.run([os.environ["CLEARLINE_BIN"], "admin", "create-token", "--name", "standard-webhooks"],
                       capture_output=True, text=True, check=True).stdout.strip()


def call(method, url, body=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def api(method, path, body=None):
    return call(method, URL + path, body, {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})


def expect(condition, message):
    if not condition:
        sys.exit("FAIL: " + message)


status, tenant = api("POST", "/v1/tenants", {"name": "Standard Webhooks", "slug": "sw-" + uuid.uuid4().hex[:10]})
expect(status == 201, f"tenant: {status} {tenant}")
base = f"/v1/tenants/{tenant['id']}/environments/dev"

# Intake.
status, endpoint = api("POST", base + "/webhook-endpoints", {"name": "Platform", "source": "platform", "verification": "standard_webhooks"})
expect(status == 201 and endpoint["secret"].startswith("whsec_"), f"endpoint: {status} {endpoint}")
hook = Webhook(endpoint["secret"])
body = json.dumps({"type": "order.paid", "timestamp": "2026-12-05T10:00:00Z", "data": {"order": "SW-100"}}).encode()
message_id = "msg_" + uuid.uuid4().hex
now = datetime.now(tz=timezone.utc)
headers = {"Content-Type": "application/json", "webhook-id": message_id, "webhook-timestamp": str(int(now.timestamp())),
           "webhook-signature": hook.sign(message_id, now, body)}
path = URL + "/hooks/" + endpoint["id"]
first_status, first = call("POST", path, raw=body, headers=headers)
expect(first_status == 202, f"a delivery the reference library signed: {first_status} {first}")
again_status, again = call("POST", path, raw=body, headers=headers)
expect(again_status == 200 and again["event_id"] == first["event_id"], f"the same webhook-id again: {again_status} {again}")
tampered_status, tampered = call("POST", path, raw=body.replace(b"SW-100", b"SW-999"), headers=dict(headers, **{"webhook-id": message_id + "-2"}))
expect(tampered_status == 401, f"a body changed after signing: {tampered_status} {tampered}")
status, events = api("GET", base + "/events?source=platform")
expect(status == 200 and [e["vendor_event_id"] for e in events["items"]] == [message_id], f"one event stored: {events}")
print(f"ok: intake accepted the library's signature, stored {message_id} once, refused a changed body")

# Outbound: the shop connection's test delivery, verified by the library as a shop would.
shop_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
status, connection = api("POST", base + "/connections", {
    "kind": "shop", "name": "Standard shop",
    "settings": {"webhook_url": SANDBOX + "/shop/hooks", "signature_scheme": "standard_webhooks"},
    "secrets": {"signing_secret": shop_secret}})
expect(status == 201, f"shop connection: {status} {connection}")
status, bad = api("POST", base + "/connections", {
    "kind": "shop", "name": "Bad secret", "settings": {"webhook_url": SANDBOX + "/shop/hooks", "signature_scheme": "standard_webhooks"},
    "secrets": {"signing_secret": "not-a-whsec-secret"}})
expect(status == 422, f"a secret that is not whsec_<base64> is refused: {status} {bad}")
status, check = api("POST", f"{base}/connections/{connection['id']}/test")
expect(status == 200 and check["ok"] is True, f"the connection's test delivery: {status} {check}")
status, received = call("GET", SANDBOX + "/_sandbox/shop/deliveries")
delivery = next((d for d in reversed(received["deliveries"]) if d.get("webhook_id", "").startswith("ping:")), None)
expect(delivery is not None, f"the sandbox's shop received no Standard Webhooks delivery: {received['deliveries'][-3:]}")
try:
    payload = Webhook(shop_secret).verify(delivery["body"].encode(), {
        "webhook-id": delivery["webhook_id"], "webhook-timestamp": delivery["webhook_timestamp"], "webhook-signature": delivery["webhook_signature"]})
except WebhookVerificationError as error:
    sys.exit(f"FAIL: the reference library refused our delivery: {error}")
expect(payload["type"] == "clearline.ping" and "timestamp" in payload and "data" in payload, f"the payload's shape: {payload}")
try:
    Webhook("whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()).verify(delivery["body"].encode(), {
        "webhook-id": delivery["webhook_id"], "webhook-timestamp": delivery["webhook_timestamp"], "webhook-signature": delivery["webhook_signature"]})
    sys.exit("FAIL: another secret verified our delivery")
except WebhookVerificationError:
    pass
print(f"ok: the shop's delivery {delivery['webhook_id']} verifies with the reference library, and not with another secret")

# Alert routes: a webhook route's test message, verified by the library with the secret the
# route was made with (shown that once), as a chat bridge or incident tool would.
tenant_path = base.split("/environments/")[0]
status, route = api("POST", tenant_path + "/alert-routes", {"name": "Standard alerts", "channel": "webhook", "url": SANDBOX + "/sinks/alerts"})
expect(status == 201 and route.get("signing_secret", "").startswith("whsec_"), f"alert route: {status} {route}")
status, sent = api("POST", f"{tenant_path}/alert-routes/{route['id']}/test")
expect(status == 200 and sent["ok"] is True, f"the route's test message: {status} {sent}")
status, sink = call("GET", SANDBOX + "/_sandbox/sinks/alerts")
message = next((d for d in reversed(sink["deliveries"]) if d["webhook_id"] == sent["notification_id"]), None)
expect(message is not None, f"the sink has no message {sent['notification_id']}: {sink['deliveries'][-3:]}")
try:
    payload = Webhook(route["signing_secret"]).verify(message["body"].encode(), {
        "webhook-id": message["webhook_id"], "webhook-timestamp": message["webhook_timestamp"], "webhook-signature": message["webhook_signature"]})
except WebhookVerificationError as error:
    sys.exit(f"FAIL: the reference library refused our alert message: {error}")
expect(payload["type"] == "alerts.test" and payload["text"] and payload["data"]["notification_id"] == sent["notification_id"], f"the payload: {payload}")
print(f"ok: the alert route's test message {message['webhook_id']} verifies with the reference library, with a chat's text")
