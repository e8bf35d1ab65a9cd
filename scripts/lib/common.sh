# Shared by scripts/run, scripts/test and bench/*: installs what is missing and runs a
# private PostgreSQL cluster on a loopback port, as a non-root user.
# shellcheck shell=bash

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ensure_apt PKG...: installs the Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_build_deps() {
  ensure_apt libmicrohttpd-dev libpq-dev libssl-dev postgresql pkg-config python3
  command -v swift >/dev/null || die "swift is not on PATH (expected the Swift 6 toolchain, e.g. /opt/swift/usr/bin)"
}

# ensure_pip PKG...: installs Python packages that are not importable yet.
ensure_pip() {
  local missing=()
  # A spec may name its import after a colon, where it differs: zohocrmsdk8-0:zohocrmsdk.
  for spec in "$@"; do
    local package=${spec%%:*} module
    if [[ $spec == *:* ]]; then module=${spec#*:}; else module=${package%%=*}; module=${module//-/_}; fi
    python3 -c "import ${module}" 2>/dev/null || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Python packages ${missing[*]}"
  python3 -m pip install -q "${missing[@]}" >/dev/null
}

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  echo "$d"
}

# PostgreSQL refuses to run as root: when we are root, a system user runs it.
PG_OS_USER=clearline-pg
pg_run() {
  if [ "$(id -u)" = 0 ]; then
    id "$PG_OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
    runuser -u "$PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

# ensure_master_key FILE: the vault's key-encryption key file, made once (mode 0600).
ensure_master_key() {
  local file=$1
  if [ ! -f "$file" ]; then
    (umask 077; python3 -c 'import base64, secrets; print("1 " + base64.b64encode(secrets.token_bytes(32)).decode())' > "$file")
  fi
  export CLEARLINE_MASTER_KEY_FILE=$file
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_cluster DIR PORT APP_PASSWORD: initialises DIR on first use, starts the server on
# 127.0.0.1:PORT, and makes the non-superuser role and database `clearline` (the role owns the
# tables, and row-level security binds it). Prints nothing; sets DATABASE_URL.
start_cluster() {
  local dir=$1 port=$2 password=$3 bin
  bin=$(pg_bindir)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then pg_run true; chown "$PG_OS_USER" "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_run "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    mkdir -p "$dir/socket" 2>/dev/null || pg_run mkdir -p "$dir/socket"
    [ "$(id -u)" = 0 ] && chown "$PG_OS_USER" "$dir/socket"
    cat <<CONF | pg_run tee -a "$dir/data/postgresql.conf" >/dev/null
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/socket'
max_connections = 300
shared_buffers = 256MB
max_wal_size = 2GB
# New WAL files are made sparse, not zero-filled: filling 16 MB inside a commit stalled every
# commit behind it (intake's p99 on a fresh cluster was 56-59 ms with it, 14.5-14.7 ms without;
# the C yardstick's 24-49 ms and 19-22 ms). A private cluster; a production one is its operator's.
wal_init_zero = off
log_min_messages = warning
${CLEARLINE_PG_EXTRA_CONF:-}
CONF
  fi
  pg_run "$bin/pg_ctl" -D "$dir/data" -o "-p $port" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$dir/postgres.log" >&2; die "PostgreSQL did not start (log: $dir/postgres.log)"; }
  local psql=(pg_run psql -X -q -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$port" -U postgres -d postgres)
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'clearline'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE clearline LOGIN CREATEDB PASSWORD '$password'"
    "${psql[@]}" -c "CREATE DATABASE clearline OWNER clearline"
  fi
  export DATABASE_URL="postgresql://clearline:${password}@127.0.0.1:${port}/clearline"
  export CLEARLINE_PG_DIR=$dir CLEARLINE_PG_PORT=$port
  # The cluster's superuser over its socket: what the tests use to show that `serve` refuses a
  # role that switches off row-level security.
  export CLEARLINE_TEST_SUPERUSER_URL="postgresql://postgres@/clearline?host=$dir/socket&port=$port"
}

stop_cluster() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] && pg_run "$(pg_bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# wait_http URL SECONDS: waits until URL answers 200.
wait_http() {
  local url=$1 limit=${2:-60} i
  for ((i = 0; i < limit * 10; i++)); do
    python3 - "$url" <<'PY' 2>/dev/null && return 0
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=1).read()
PY
    sleep 0.1
  done
  return 1
}

# build_progress: reads `swift build` output on stdin and shows how far it is: one line updated
# in place on a terminal, a line per tenth otherwise (a log file, CI).
build_progress() {
  local line done total percent shown=-1
  while IFS= read -r line; do
    [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]] || continue
    done=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
    percent=$((done * 100 / total))
    if [ -t 2 ]; then
      printf '\r    %3d%%  step %d of %d' "$percent" "$done" "$total" >&2
    elif [ $((percent / 10)) -gt "$shown" ]; then
      shown=$((percent / 10))
      printf '    %3d%%  step %d of %d\n' "$percent" "$done" "$total" >&2
    fi
  done
  [ -t 2 ] && printf '\n' >&2
  return 0
}
