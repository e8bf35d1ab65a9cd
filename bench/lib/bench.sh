# Sourced by every bench right after it makes `$work`: on exit, failure or interrupt it stops
# what the bench started (the processes in `pids`, the PostgreSQL cluster in $work/pg) and
# removes $work, so no bench leaves a server running or a folder behind.
pids=()

# stop_process PID: TERM, up to 10 s to go, then KILL.
stop_process() {
  local pid=$1 state
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [ -z "$state" ] || [[ $state == Z* ]] && break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  for pid in "${pids[@]}"; do stop_process "$pid"; done
  [ -d "$work/pg" ] && stop_cluster "$work/pg"
  # To look into a run afterwards: its logs and figures, copied out before the folder goes.
  if [ -n "${CLEARLINE_BENCH_KEEP_LOGS:-}" ]; then
    mkdir -p "$CLEARLINE_BENCH_KEEP_LOGS" && find "$work" -maxdepth 1 -type f \( -name '*.log' -o -name '*.txt' -o -name 'pgb*' \) -exec cp {} "$CLEARLINE_BENCH_KEEP_LOGS" \;
  fi
  rm -rf "$work"
  exit "$status"
}
trap bench_cleanup EXIT
# An interrupt ends the bench through the EXIT trap, with the usual 128+signal status.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# bench_binary: the release `clearline` to measure: $CLEARLINE_BENCH_BIN when set (bench/all
# builds once; an older commit's binary for a before-and-after), else a fresh release build.
bench_binary() {
  if [ -n "${CLEARLINE_BENCH_BIN:-}" ]; then
    echo "$CLEARLINE_BENCH_BIN"
    return
  fi
  log "building Clearline (release)" >&2
  swift build -c release --product clearline >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; die "build failed"; }
  echo "$(swift build -c release --show-bin-path)/clearline"
}

# bench_row NAME FIGURE UNIT [YARDSTICK_NAME YARDSTICK_FIGURE [lower]]: one row of bench/all's
# table (when it runs this bench). "lower" marks a figure where less is better (latency, memory):
# its ratio is still figure / yardstick, read as "at most".
bench_row() {
  [ -n "${CLEARLINE_BENCH_TABLE:-}" ] || return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" "${5:-}" "${6:-}" >>"$CLEARLINE_BENCH_TABLE"
}

# With CLEARLINE_BENCH_STATEMENTS=1 a bench's cluster loads pg_stat_statements, and
# top_statements PG_DIR PG_PORT prints the statements that took the database's time: where to
# look first when a bench is slow.
if [ "${CLEARLINE_BENCH_STATEMENTS:-}" = 1 ]; then
  export CLEARLINE_PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track_planning = on"
fi
top_statements() {
  [ "${CLEARLINE_BENCH_STATEMENTS:-}" = 1 ] || return 0
  local psql=(pg_run psql -XAq -h "$1/socket" -p "$2" -U postgres -d clearline -F ' | ')
  "${psql[@]}" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  "${psql[@]}" -c "SELECT calls, plans, round(total_exec_time::numeric, 0) AS exec_ms, round(total_plan_time::numeric, 0) AS plan_ms,
      round((total_exec_time / nullif(calls, 0))::numeric, 3) AS ms_per_call, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 25"
}

# peak_rss_mb PID: the process's peak resident memory so far (VmHWM), in MB; read it before
# stopping the process.
peak_rss_mb() { awk '/^VmHWM/ {printf "%.1f\n", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

# start_pg_baseline SOURCE_DIR PG_PORT PASSWORD: builds ../shared/bench/baseline's C server and
# starts it in its PostgreSQL-insert mode (pool 16, prepared, its own database on the bench's
# cluster), the yardstick for intake and authenticated reads. Sets pg_baseline_port.
start_pg_baseline() {
  local src=$1 pg_port=$2 password=$3
  [ -x "$work/mhd_baseline" ] \
    || gcc -O2 -Wall -o "$work/mhd_baseline" "$src/mhd_baseline.c" $(pkg-config --cflags --libs libmicrohttpd) -I"$(pg_config --includedir)" -lpq -lpthread
  PGPASSWORD=$password psql -XAq -h 127.0.0.1 -p "$pg_port" -U clearline -d clearline -c "CREATE DATABASE baseline"
  PGPASSWORD=$password psql -XAq -h 127.0.0.1 -p "$pg_port" -U clearline -d baseline -f "$src/schema.sql"
  pg_baseline_port=$(free_port)
  "$work/mhd_baseline" pool 16 "$pg_baseline_port" --pg "host=127.0.0.1 port=$pg_port user=clearline password=$password dbname=baseline" --prepared \
    2>"$work/baseline-pg.log" & pids+=($!)
  wait_http "http://127.0.0.1:$pg_baseline_port/" 10 || die "the baseline did not start"
}
