#!/usr/bin/env python3
"""A schedule across real processes: three `clearline work` processes share one PostgreSQL; a
schedule that collects due Zoho Books invoices fires two slots, each once whichever process's
housekeeping sees it first. Its first run reads 450 due invoices in three pages of Books' list,
each page's payment requests committed with the next page's job; the process running a page is
killed with SIGKILL in the middle of it (the sandbox's Zoho answers slowly meanwhile), and
another process resumes that page once the lease expires. Every invoice ends with exactly one
payment request, one PayTrace charge and one Books payment. Needs CLEARLINE_BIN, CLEARLINE_URL,
CLEARLINE_SANDBOX_URL and the database settings (scripts/test sets them)."""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "lib"))
from sandbox_collection import CollectingTenant, call  # noqa: E402

BIN = os.environ["CLEARLINE_BIN"]
URL = os.environ["CLEARLINE_URL"]
SANDBOX = os.environ["CLEARLINE_SANDBOX_URL"]
DATABASE_URL = os.environ["DATABASE_URL"]
LOGS = os.environ.get("CLEARLINE_TEST_WORK", "/tmp")
INVOICES = 450


def sql(query):
    """One query as the platform (row-level security's scope for Clearline's own housekeeping)."""
    out = subprocess.run(["psql", "-XAtq", DATABASE_URL, "-F", " ", "-c", "SET clearline.scope = 'platform'", "-c", query],
                         capture_output=True, text=True, check=True).stdout.strip()
    return out


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    sys.exit(f"FAIL: {what} (waited {seconds} s)")


token = subprocess.run([BIN, "admin", "create-token", "--name", "schedule-processes"], capture_output=True, text=True, check=True).stdout.strip()
tenant = CollectingTenant(URL, token, SANDBOX, "Scheduled collection")
invoices = tenant.due_invoices(tenant.customers(20), INVOICES)
schedule = tenant.collecting_schedule()

# A lease longer than a page takes on a loaded machine (a job that outlives its lease is run again,
# its effects rolled back), short enough that the killed page is taken over soon.
env = dict(os.environ, CLEARLINE_WORKERS="4", CLEARLINE_LOG_LEVEL="warning", CLEARLINE_JOB_LEASE_SECONDS="15", CLEARLINE_JOB_REAP_MS="200")
processes = [subprocess.Popen([BIN, "work"], env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(LOGS, f"schedule-work-{i}.log"), "w"))
             for i in range(3)]
killed = None
try:
    # The Books calls of the first page answer 0.3 s late, so that it is still running when killed.
    call("POST", SANDBOX + "/_sandbox/faults", {"service": "zoho", "mode": "slow", "seconds": 0.3, "count": 12})
    # A slot comes: the schedule is due now (as its cron's next time would make it).
    sql(f"UPDATE schedules SET next_run_at = now() WHERE id = '{schedule}'")
    running = {}

    def page_running():
        row = sql(f"SELECT worker, payload::text FROM jobs WHERE tenant_id = '{tenant.id}' AND kind = 'invoices.collect_due' AND state = 'running'")
        if row:
            running["worker"], running["payload"] = row.split(" ", 1)
        return bool(row)
    wait_for(page_running, 60, "the scan's first page never ran")
    pid = int(re.search(r":(\d+)", running["worker"]).group(1))
    killed = next(p for p in processes if p.pid == pid)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    page = json.loads(running["payload"])["page"]
    print(f"killed process {pid} (SIGKILL) while it read page {page} of the scan")

    # The sandbox has one Books organization for every tenant: only this check's invoices count.
    mine = f"invoice_id = ANY('{{{','.join(invoices)}}}'::text[])"

    def settled():
        counts = sql(f"""SELECT count(*), count(DISTINCT invoice_id), count(*) FILTER (WHERE invoice_payment_id IS NOT NULL)
                         FROM payment_requests WHERE tenant_id = '{tenant.id}' AND {mine}""").split()
        queued = sql(f"SELECT count(*) FROM jobs WHERE tenant_id = '{tenant.id}'")
        return counts == [str(INVOICES)] * 3 and queued == "0"
    wait_for(settled, 240, "every due invoice charged once and paid once")

    # The second slot: everything is paid, so it makes nothing.
    sql(f"UPDATE schedules SET next_run_at = now() WHERE id = '{schedule}'")
    wait_for(lambda: sql(f"SELECT fired FROM schedules WHERE id = '{schedule}'") == "2"
             and sql(f"SELECT count(*) FROM jobs WHERE tenant_id = '{tenant.id}'") == "0", 60, "the second slot fired and its scan ended")

    fired = sql(f"SELECT fired FROM schedules WHERE id = '{schedule}'")
    events = sql(f"SELECT count(*) FROM events WHERE tenant_id = '{tenant.id}' AND source = 'schedule'")
    requests = sql(f"SELECT count(*), count(DISTINCT invoice_id) FROM payment_requests WHERE tenant_id = '{tenant.id}' AND {mine}").split()
    lost = sql(f"""SELECT count(*) FROM job_attempts a JOIN job_history h ON h.id = a.job_id
                   WHERE a.tenant_id = '{tenant.id}' AND h.kind = 'invoices.collect_due' AND a.outcome = 'lost'""")
    assert fired == "2" and events == "2", f"slots fired {fired}, schedule events {events}: each slot must fire once"
    assert requests == [str(INVOICES), str(INVOICES)], f"payment requests {requests}: one per invoice"
    items = [item for item in tenant.payment_requests() if (item.get("invoice") or {}).get("invoice_id") in set(invoices)]
    assert len({item["reference"] for item in items}) == INVOICES and all(item["status"] == "approved" for item in items), "every request approved"
    payments = [len(tenant.books("GET", f"invoices/{i}/payments")["payments"]) for i in invoices]
    assert payments == [1] * INVOICES, f"invoices without exactly one Books payment: {sum(1 for p in payments if p != 1)}"
    print(f"ok: 3 processes, 2 slots fired once each ({events} schedule events); {INVOICES} due invoices in 3 pages, the process on page {page} "
          f"killed mid-run ({lost} lost attempt of the scan resumed after the lease): {requests[0]} payment requests, one per invoice, "
          f"each approved and paid once in Books")
finally:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)
