#!/usr/bin/env python3
"""Kill -9 of the server during a load of signed webhooks: every delivery that got a 2xx must be
in the database afterwards. The load generator records what was acknowledged; after the kill
the test reads the events table and compares. Needs CLEARLINE_BIN, DATABASE_URL and the master
key settings (scripts/test sets them); starts its own `clearline serve` on a free port."""
import signal
import sys

from intake_load import Load, endpoint, free_port, missing, start_server, wait_for

port = free_port()
server = start_server(port, "kill-server.log")
tenant, endpoint_id, secret = endpoint(port, "kill-server")
load = Load(port, endpoint_id, secret, "load")
load.start()
wait_for(lambda: load.count() >= 200, 60, "no delivery was acknowledged before the kill (nothing tested)")
server.send_signal(signal.SIGKILL)
server.wait()
load.stop()

lost, stored = missing(load, tenant)
if lost:
    sys.exit(f"FAIL: {len(lost)} of {len(load.acknowledged)} acknowledged deliveries are not in the database, e.g. {lost[:3]}")
print(f"ok: kill -9 during intake: {len(load.acknowledged)} deliveries acknowledged, all {len(load.acknowledged)} stored "
      f"({len(stored) - len(load.acknowledged)} more committed whose answer the kill cut off)")
