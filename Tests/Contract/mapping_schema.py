#!/usr/bin/env python3
"""Every built-in template's mappings are valid against schemas/mapping.schema.json, the JSON
Schema shipped for the mapping language, and documents the schema refuses are refused by the
server too (422). Needs CLEARLINE_URL and CLEARLINE_BIN (scripts/test sets them)."""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import jsonschema

URL = os.environ["CLEARLINE_URL"]
TOKEN = subprocess.run([os.environ["CLEARLINE_BIN"], "admin", "create-token", "--name", "mapping-schema"],
                       capture_output=True, text=True, check=True).stdout.strip()
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
schema = json.load(open(os.path.join(ROOT, "schemas", "mapping.schema.json")))
validator = jsonschema.Draft202012Validator(schema)


def call(method, path, body=None):
    request = urllib.request.Request(URL + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


failures = []
templates = call("GET", "/v1/flow-templates")[1]["items"]
for template in templates:
    definition = call("GET", "/v1/flow-templates/" + template["id"])[1]["definition"]
    for step in definition["steps"]:
        for error in validator.iter_errors(step["mapping"]):
            failures.append(f"{template['id']} / {step['id']}: {error.message} at {list(error.absolute_path)}")

status, tenant = call("POST", "/v1/tenants", {"name": "Mapping schema", "slug": "mapping-schema-" + os.urandom(4).hex()})
refused = [{"fields": {"x": {"path": "a", "const": 1}}}, {"fields": {"x": {"path": "a", "then": [{"fn": "money"}]}}}, {"fieldz": {}}]
for mapping in refused:
    if validator.is_valid(mapping):
        failures.append(f"the schema accepts {mapping}")
    definition = {"trigger": {"source": "shop"}, "steps": [{"id": "s", "target": "zoho_books.contact", "mapping": mapping}]}
    status, body = call("POST", f"/v1/tenants/{tenant['id']}/flows", {"name": "bad", "definition": definition})
    if status != 422:
        failures.append(f"the server answered {status} for {mapping}")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"ok: {len(templates)} templates' mappings are valid against schemas/mapping.schema.json; {len(refused)} bad documents refused by both")
