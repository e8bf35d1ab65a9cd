#!/usr/bin/env python3
"""PostgreSQL restarted during a load of signed webhooks: every delivery that got a 2xx is in the
database afterwards, deliveries during the outage are refused (never acknowledged), and the same
server process accepts deliveries again once PostgreSQL is back, with no restart of its own.
Needs CLEARLINE_BIN, DATABASE_URL, CLEARLINE_PG_DIR and CLEARLINE_PG_PORT (scripts/test sets
them); starts its own `clearline serve` on a free port."""
import os
import subprocess
import sys
import time

from intake_load import Load, endpoint, free_port, missing, ready, start_server, wait_for

PG_DIR = os.environ["CLEARLINE_PG_DIR"]
PG_PORT = os.environ["CLEARLINE_PG_PORT"]


def pg_ctl(*args):
    """pg_ctl as the cluster's owner: PostgreSQL refuses root, so scripts/lib/common.sh runs it
    as a system user when we are root."""
    version = sorted(os.listdir("/usr/lib/postgresql"))[-1]
    command = [f"/usr/lib/postgresql/{version}/bin/pg_ctl", "-D", os.path.join(PG_DIR, "data"), *args]
    if os.getuid() == 0:
        command = ["runuser", "-u", "clearline-pg", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


port = free_port()
server = start_server(port, "restart-postgres.log")
tenant, endpoint_id, secret = endpoint(port, "restart-postgres")
load = Load(port, endpoint_id, secret, "pg")
load.start()
wait_for(lambda: load.count() >= 500, 60, "the load got no acknowledgements before the restart")

# A fast shutdown ends every session mid-transaction, as a crash or failover would.
pg_ctl("-m", "fast", "-w", "stop")
down_since = time.monotonic()
acked_before = load.count()
time.sleep(1)  # an outage long enough for requests to meet it
with load.lock:
    acked_during = [e for (t, e) in load.acknowledged if t > down_since + 0.5]
pg_ctl("-o", f"-p {PG_PORT}", "-l", os.path.join(PG_DIR, "postgres.log"), "-w", "-t", "60", "start")
up_since = time.monotonic()

# The same server process takes deliveries again, and says it is ready.
wait_for(lambda: load.count() >= acked_before + 500 and any(t > up_since for (t, _) in list(load.acknowledged)), 60,
         "the server did not acknowledge deliveries again after PostgreSQL came back")
wait_for(lambda: ready(port), 30, "the server did not report ready again")
load.stop()
if server.poll() is not None:
    sys.exit(f"FAIL: the server exited ({server.returncode}) during the restart")
server.terminate()
if server.wait(timeout=30) != 0:
    sys.exit(f"FAIL: the server exited with {server.returncode} on SIGTERM after the restart")

lost, _ = missing(load, tenant)
if acked_during:
    sys.exit(f"FAIL: {len(acked_during)} deliveries were acknowledged while PostgreSQL was down, e.g. {acked_during[:3]}")
if lost:
    sys.exit(f"FAIL: {len(lost)} of {len(load.acknowledged)} acknowledged deliveries are not in the database, e.g. {lost[:3]}")
if not load.refusals:
    sys.exit("FAIL: no delivery met the outage (nothing tested)")
print(f"ok: PostgreSQL restarted under intake: {len(load.acknowledged)} deliveries acknowledged, all stored; "
      f"refused while it was down: {dict(sorted(load.refusals.items()))}; the same server took deliveries again")
