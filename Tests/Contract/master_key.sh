#!/usr/bin/env bash
# The vault's master key, end to end with the real binary, against the database the suites filled
# (it holds data keys): a wrong key stops `clearline serve` with a clear message; `clearline keys
# rotate` re-wraps every data key while a server runs, and a fresh start opens all of them.
set -euo pipefail
: "${CLEARLINE_URL:?}" "${CLEARLINE_BIN:?}" "${CLEARLINE_MASTER_KEY_FILE:?}" "${CLEARLINE_TEST_WORK:?}"
source "$(dirname "$0")/../../scripts/lib/common.sh"

wrong="$CLEARLINE_TEST_WORK/wrong.key"
python3 -c 'import base64, secrets; print("1 " + base64.b64encode(secrets.token_bytes(32)).decode())' > "$wrong"
set +e
output=$(CLEARLINE_MASTER_KEY_FILE="$wrong" CLEARLINE_HTTP_PORT=0 timeout 60 "$CLEARLINE_BIN" serve 2>&1)
status=$?
set -e
[ "$status" -ne 0 ] && [ "$status" -ne 124 ] || { echo "serve with a wrong master key did not stop (exit $status)"; exit 1; }
grep -q "cannot open the data key" <<<"$output" || { echo "no clear message: $output" | tail -n 3; exit 1; }
echo "wrong master key: refused with: $(grep -o 'cannot start: .*' <<<"$output" | head -n 1 | cut -c1-120)"

token=$("$CLEARLINE_BIN" admin create-token --name rotation)
before=$(python3 - "$CLEARLINE_MASTER_KEY_FILE" <<'PY'
import sys; print(max(int(l.split()[0]) for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")))
PY
)
"$CLEARLINE_BIN" keys rotate
after=$(python3 - "$CLEARLINE_MASTER_KEY_FILE" <<'PY'
import sys; print(max(int(l.split()[0]) for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")))
PY
)
[ "$after" -eq $((before + 1)) ] || { echo "key file did not gain a version"; exit 1; }
# The running server still works with the vault: a new tenant's first secret gets a data key.
tenant=$(curl -sf -X POST "$CLEARLINE_URL/v1/tenants" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d "{\"name\":\"After rotation\",\"slug\":\"after-rotation-$RANDOM\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf -o /dev/null -X POST "$CLEARLINE_URL/v1/tenants/$tenant/environments/dev/connections" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"kind":"sage_pro","name":"Agent"}'
# A fresh server opens every data key under the rotated file.
port=$(free_port)
CLEARLINE_HTTP_PORT=$port "$CLEARLINE_BIN" serve 2>"$CLEARLINE_TEST_WORK/rotated-serve.log" &
pid=$!
ok=0
wait_http "http://127.0.0.1:$port/readyz" 60 && ok=1
kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
[ "$ok" = 1 ] || { tail -n 5 "$CLEARLINE_TEST_WORK/rotated-serve.log"; exit 1; }
echo "keys rotate: master key version $before -> $after; a fresh server opened every data key"
