"""Zoho's official CRM Python SDK (zohocrmsdk8-0 from PyPI), unpatched, against `clearline sandbox`.

The SDK is given only its documented settings: an environment (API domain and accounts URL, here
the sandbox's) and an OAuth token made from a self-client grant code. Before each operation the
SDK reads the org, the current user, the module list and the module's field metadata, so this
also proves those settings endpoints. Then, on Contacts:
  - upsert with duplicate-check fields inserts, and the same upsert again updates the same record;
  - search by criteria finds it, and a criteria that matches nothing answers 204;
  - get by id returns it, and an update by id changes it;
  - a plain insert with the same Email gives DUPLICATE_DATA;
  - listing with per_page follows info.more_records to the end.
"""

import json
import os
import sys
import tempfile
import urllib.request
import uuid

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store import FileStore
from zohocrmsdk.src.com.zoho.api.logger import Logger
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import (
    ActionWrapper,
    APIException,
    BodyWrapper,
    Field,
    GetRecordsParam,
    Record,
    RecordOperations,
    ResponseWrapper,
    SearchRecordsParam,
    SuccessResponse,
)
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig

SANDBOX = os.environ["CLEARLINE_SANDBOX_URL"].rstrip("/")
CLIENT_ID = "1000.DEMOSANDBOXCLIENT"
CLIENT_SECRET = "demo-zoho-client-secret"
failures = []


def expect(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def grant_code():
    """A self-client grant code, as the Zoho API console hands one out."""
    body = f"client_id={CLIENT_ID}&scope=ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ".encode()
    request = urllib.request.Request(SANDBOX + "/_sandbox/zoho/self-client/code", data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request) as response:
        return json.load(response)["code"]


def outcomes(response):
    """The per-record outcomes of a write: (code, details) for each record."""
    wrapper = response.get_object()
    if isinstance(wrapper, APIException):
        return [(wrapper.get_code().get_value(), wrapper.get_details())]
    results = []
    for item in wrapper.get_data():
        if isinstance(item, SuccessResponse):
            action = item.get_action()
            results.append(("SUCCESS", item.get_details(), action.get_value() if action is not None else None))
        else:
            results.append((item.get_code().get_value(), item.get_details()))
    return results


def contact(last_name, email, phone=None):
    record = Record()
    record.add_field_value(Field.Contacts.last_name(), last_name)
    record.add_field_value(Field.Contacts.email(), email)
    if phone:
        record.add_field_value(Field.Contacts.phone(), phone)
    return record


def main():
    work = tempfile.mkdtemp(prefix="zoho-crm-sdk-")
    environment = DataCenter.Environment(SANDBOX + "/zoho/api", SANDBOX + "/zoho/accounts/oauth/v2/token", SANDBOX + "/zoho/content")
    token = OAuthToken(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_token=grant_code())
    Initializer.initialize(
        environment=environment,
        token=token,
        store=FileStore(os.path.join(work, "tokens.txt")),
        sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=False),
        resource_path=work,
        logger=Logger.get_instance(level=Logger.Levels.INFO, file_path=os.path.join(work, "sdk.log")),
    )
    contacts = RecordOperations("Contacts")
    email = f"sdk-{uuid.uuid4().hex[:10]}@example.com"

    # Upsert with duplicate-check fields: insert, then the same record updated.
    body = BodyWrapper()
    body.set_data([contact("Lovelace", email, "555-0100")])
    body.set_duplicate_check_fields(["Email"])
    first = outcomes(contacts.upsert_records(body))
    expect(len(first) == 1 and first[0][0] == "SUCCESS" and first[0][2] == "insert", f"upsert inserts a new contact: {first[0][0]}")
    record_id = first[0][1]["id"] if first and first[0][0] == "SUCCESS" else None
    body = BodyWrapper()
    body.set_data([contact("Lovelace-King", email)])
    body.set_duplicate_check_fields(["Email"])
    second = outcomes(contacts.upsert_records(body))
    expect(
        len(second) == 1 and second[0][0] == "SUCCESS" and second[0][2] == "update" and str(second[0][1]["id"]) == str(record_id),
        f"the same upsert again updates that contact: {second[0][0]}, {second[0][2] if len(second[0]) > 2 else ''}",
    )

    # Search by criteria.
    params = ParameterMap()
    params.add(SearchRecordsParam.criteria, f"(Email:equals:{email})")
    found = contacts.search_records(params)
    wrapper = found.get_object() if found is not None else None
    ids = [str(r.get_id()) for r in wrapper.get_data()] if isinstance(wrapper, ResponseWrapper) else []
    expect(ids == [str(record_id)], f"search by criteria finds it: {ids}")
    params = ParameterMap()
    params.add(SearchRecordsParam.criteria, "((Last_Name:starts_with:Lovelace-K)and(Email:equals:" + email + "))")
    found = contacts.search_records(params)
    wrapper = found.get_object() if found is not None else None
    ids = [str(r.get_id()) for r in wrapper.get_data()] if isinstance(wrapper, ResponseWrapper) else []
    expect(ids == [str(record_id)], f"search by a compound criteria finds it: {ids}")
    params = ParameterMap()
    params.add(SearchRecordsParam.criteria, "(Email:equals:nobody-" + uuid.uuid4().hex + "@example.com)")
    empty = contacts.search_records(params)
    expect(empty.get_status_code() == 204, f"a search that matches nothing answers 204: {empty.get_status_code()}")

    # Get by id.
    got = contacts.get_record(int(record_id))
    wrapper = got.get_object()
    names = [r.get_key_value("Last_Name") for r in wrapper.get_data()] if isinstance(wrapper, ResponseWrapper) else []
    expect(names == ["Lovelace-King"], f"get by id returns the updated contact: {names}")

    # A plain insert of the same Email is a duplicate.
    body = BodyWrapper()
    body.set_data([contact("Byron", email)])
    duplicate = outcomes(contacts.create_records(body))
    expect(len(duplicate) == 1 and duplicate[0][0] == "DUPLICATE_DATA", f"insert with the same Email gives DUPLICATE_DATA: {duplicate[0][0]}")

    # Update by id, then read the change back.
    body = BodyWrapper()
    record = Record()
    record.add_field_value(Field.Contacts.phone(), "555-0199")
    body.set_data([record])
    updated = outcomes(contacts.update_record(int(record_id), body))
    got = contacts.get_record(int(record_id)).get_object()
    phones = [r.get_key_value("Phone") for r in got.get_data()] if isinstance(got, ResponseWrapper) else []
    expect(updated[0][0] == "SUCCESS" and phones == ["555-0199"], f"update by id changes the phone: {updated[0][0]}, {phones}")

    # Insert three more, then list two per page to the end.
    body = BodyWrapper()
    body.set_data([contact(f"Pager{i}", f"pager{i}-{uuid.uuid4().hex[:8]}@example.com") for i in range(3)])
    inserted = outcomes(contacts.create_records(body))
    expect([o[0] for o in inserted] == ["SUCCESS"] * 3, f"insert of three contacts: {[o[0] for o in inserted]}")
    seen, page = set(), 1
    while True:
        params = ParameterMap()
        params.add(GetRecordsParam.fields, "Last_Name,Email")
        params.add(GetRecordsParam.per_page, 2)
        params.add(GetRecordsParam.page, page)
        listed = contacts.get_records(params).get_object()
        if not isinstance(listed, ResponseWrapper):
            expect(False, f"list page {page}: {listed.get_code().get_value()}")
            break
        seen.update(str(r.get_id()) for r in listed.get_data())
        if not listed.get_info().get_more_records():
            break
        page += 1
    expect(page >= 2 and str(record_id) in seen and len(seen) >= 4, f"list follows info.more_records over {page} pages, {len(seen)} records")

    if failures:
        print(f"{len(failures)} failed; the SDK's log is {os.path.join(work, 'sdk.log')}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
