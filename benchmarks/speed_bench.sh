#!/usr/bin/env bash
# Issue 16: guest and member pages beside the bare Litestar + SQLite page, the write path, and
# the same with more server processes. One command, re-runnable; loopback only; every wrk run bounded.
#
#   bash benchmarks/speed_bench.sh                                  # SQLite, 2 workers (as served)
#   DB=postgres WORKERS="1 2 4" bash benchmarks/speed_bench.sh     # PostgreSQL + Redis sessions, scale-out
#
# Environment: ROUNDS (3), BUSY_ROUNDS (3: idle/busy pairs of the readers-while-posting cells), DURATION (10 s per cell), WARMUP (3), CONNS (16), WRITE_SECONDS (10),
# PACE_MS (500: think time of each of the 16 paced posters), MEMBERS (200 logged-in posters),
# CEILING=0 to skip the bare page (the ratio columns need it), OUT (/tmp/speed-bench-results).
# Seeded databases are cached: /tmp/webboard-bench (SQLite, benchmarks/seed_board.py) and the
# PostgreSQL database wb_speed_bench (benchmarks/seed_postgres.py copies the SQLite one); RESEED=1 redoes them.
# The write cells add posts to the board: point BENCH_DATA_DIR at a copy when the board is shared.
# REDIS (redis://127.0.0.1:6379/0) holds the PostgreSQL run's sessions and page cache; PG_URL, PORT.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# The bare page's scripts live beside the main checkout (../shared/perf), also when run from a worktree.
MAIN=$(dirname "$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo "$ROOT/.git")")
PERF=${PERF:-$MAIN/../shared/perf}
DATA=${BENCH_DATA_DIR:-/tmp/webboard-bench}
THREADS=${THREADS:-100000}
PORT=${PORT:-8031}
DB=${DB:-sqlite}
WORKERS=${WORKERS:-2}
ROUNDS=${ROUNDS:-3}
BUSY_ROUNDS=${BUSY_ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-16}
WRITE_SECONDS=${WRITE_SECONDS:-10}
PACE_MS=${PACE_MS:-500}
MEMBERS=${MEMBERS:-200}
CEILING=${CEILING:-1}
PG_URL=${PG_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/wb_speed_bench}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
OUT=${OUT:-/tmp/speed-bench-results}
PY=$ROOT/.venv/bin/python
mkdir -p "$OUT"
RESULTS=$OUT/results-$DB.txt
: > "$RESULTS"

if [ "${RESEED:-0}" = 1 ] || [ ! -s "$DATA/urls.txt" ]; then
  rm -rf "$DATA"
  "$PY" "$ROOT/benchmarks/seed_board.py" --data-dir "$DATA" --threads "$THREADS" > "$DATA.urls.tmp"
  mkdir -p "$DATA" && mv "$DATA.urls.tmp" "$DATA/urls.txt"
fi
# shellcheck disable=SC1090
source "$DATA/urls.txt"
# The board's data dir (sessions, page-cache generations, the duplicate index snapshot, which
# names its database: one dir per database, kept between runs so later starts load the snapshot).
if [ "$DB" = postgres ]; then
  # (threads written by earlier runs' posters stay: the seeded ones are ids 1..THREADS)
  if [ "${RESEED:-0}" = 1 ] || ! psql -h 127.0.0.1 -U postgres -d "${PG_URL##*/}" -tAc "SELECT count(*) FROM threads WHERE id <= $THREADS" 2>/dev/null | grep -q "^$THREADS$"; then
    "$PY" "$ROOT/benchmarks/seed_postgres.py" --sqlite "$DATA/webboard.db" --url "$PG_URL"
  fi
  export DATABASE_URL=$PG_URL REDIS_URL=$REDIS WEBBOARD_PAGE_CACHE_PREFIX=speed-bench-$$ WEBBOARD_DATA_DIR=$DATA-pg
else
  export DATABASE_URL=sqlite+aiosqlite:///$DATA/webboard.db WEBBOARD_DATA_DIR=$DATA
  unset REDIS_URL
fi
mkdir -p "$WEBBOARD_DATA_DIR"
# The duplicate index snapshot of this database, once (a server process would otherwise build it
# in the background at its first start: minutes of CPU on 100,000 threads, inside the cells).
if ! ls "$WEBBOARD_DATA_DIR"/duplicates/index-*.bin > /dev/null 2>&1; then
  "$ROOT/.venv/bin/webboard" duplicates rebuild
fi

SERVER=
stop_server() {
  if [ -n "$SERVER" ]; then kill -INT "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi
}
trap stop_server EXIT
ticks_of() { local total=0 pid; for pid in "$@"; do
  total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$total"; }
server_pids() { echo "$SERVER" $(pgrep -P "$SERVER" 2>/dev/null); }
db_pids() { if [ "$DB" = postgres ]; then pgrep -x postgres; fi; }

start_server() {  # workers
  "$ROOT/.venv/bin/webboard" serve --port "$PORT" --workers "$1" > "$OUT/server-$DB-$1.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
  for _ in $(seq 1 200); do  # until the start-up work (duplicate index) is done
    local before after; before=$(ticks_of $(server_pids)); sleep 3; after=$(ticks_of $(server_pids))
    [ $((after - before)) -lt $((30 * $1)) ] && break
  done
}

cell() {  # label path [cookie]: one wrk run, one summary line (with server and database CPU ticks)
  local label=$1 path=$2 cookie=${3:-} out="$OUT/wrk-$1.txt" s0 d0 s1 d1
  local args=(-t1 -c"$CONNS" --timeout 10s --latency)
  [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
  [ "$WARMUP" -gt 0 ] && timeout -k 5 $((WARMUP + 30)) wrk "${args[@]}" -d"${WARMUP}s" "http://127.0.0.1:$PORT$path" > /dev/null 2>&1 || true
  s0=$(ticks_of $(server_pids)); d0=$(ticks_of $(db_pids))
  timeout -k 5 $((DURATION + 30)) wrk "${args[@]}" -d"${DURATION}s" "http://127.0.0.1:$PORT$path" > "$out" 2>&1 || true
  s1=$(ticks_of $(server_pids)); d1=$(ticks_of $(db_pids))
  "$PY" "$ROOT/benchmarks/speed_summary.py" wrkline "$label" "$path" "$out" $((s1 - s0)) $((d1 - d0)) | tee -a "$RESULTS"
}

write_run() {  # label pace_ms seconds: 16 posters through the real server
  local label=$1 pace=$2 secs=$3 s0 d0 s1 d1
  s0=$(ticks_of $(server_pids)); d0=$(ticks_of $(db_pids))
  SESSIONS=$OUT/sessions.txt THREADS=$THREADS CATEGORY=${FIRST_PAGE#/c/} PACE_MS=$pace \
    timeout -k 5 $((secs + 60)) wrk -t2 -c16 -d"${secs}s" --timeout 20s -s "$ROOT/benchmarks/write_post.lua" \
    "http://127.0.0.1:$PORT" > "$OUT/wrk-$label.txt" 2>&1 || true
  s1=$(ticks_of $(server_pids)); d1=$(ticks_of $(db_pids))
  echo "$label $(grep '^WRITE' "$OUT/wrk-$label.txt") server_ticks=$((s1 - s0)) db_ticks=$((d1 - d0))" | tee -a "$RESULTS"
}

for workers in $WORKERS; do
  if [ "$DB" = postgres ]; then
    # A served board runs autovacuum; a test server may not (this machine's has it off), and the
    # posters of earlier cells leave dead row versions and a coin ledger the statistics never saw.
    psql -h 127.0.0.1 -U postgres -d "${PG_URL##*/}" -qc "VACUUM ANALYZE"
  fi
  start_server "$workers"
  "$PY" "$ROOT/benchmarks/write_prep.py" --base "http://127.0.0.1:$PORT" --members "$MEMBERS" \
    --out "$OUT/sessions.txt" --staff-out "$OUT/staff.txt"
  SILVER=$(head -1 "$OUT/sessions.txt" | cut -d' ' -f1)
  GURU=$(sed -n 1p "$OUT/staff.txt" | cut -d' ' -f1)
  ADMIN=$(sed -n 2p "$OUT/staff.txt" | cut -d' ' -f1)
  W="$DB-w$workers"
  for round in $(seq 1 "$ROUNDS"); do
    if [ "$CEILING" = 1 ] && [ "$workers" = "${WORKERS%% *}" ]; then
      stop_server  # the bare page alone on the machine, as the board is below
      CEILING_DB=${CEILING_DB:-/tmp/perf-ceiling/ceiling100k.sqlite} TOPICS=$THREADS REP_BASE=$((round - 1)) REPEAT=1 \
        CONNS=$CONNS DURATION=$DURATION WARMUP=$WARMUP CEILING_TOPICS_PER_PAGE=20 CEILING_POSTS_PER_PAGE=20 \
        LABEL=ceiling OUTDIR="$OUT/ceiling-$round" bash "$PERF/run_ceiling.sh" | grep '^ceiling ' | tee -a "$RESULTS"
      start_server "$workers"
    fi
    cell "$W|r$round|guest|thread" "$THREAD_PAGE"
    cell "$W|r$round|guest|category" "$FIRST_PAGE"
    cell "$W|r$round|guest|page1000" "$PAGE_1000"
    cell "$W|r$round|silver|thread" "$THREAD_PAGE" "$SILVER"
    cell "$W|r$round|guru|thread" "$THREAD_PAGE" "$GURU"
    cell "$W|r$round|admin|thread" "$THREAD_PAGE" "$ADMIN"
    cell "$W|r$round|silver|category" "$FIRST_PAGE" "$SILVER"
  done
  # The write path: 16 posters as fast as the server takes them, then 16 paced posters alone,
  # then the reader pages in BUSY_ROUNDS pairs: each page idle, then again while 16 paced posters
  # post, back to back, so that each ratio compares two runs a minute apart (the machine drifts).
  write_run "$W|write|saturated" 0 "$WRITE_SECONDS"
  write_run "$W|write|paced" "$PACE_MS" "$WRITE_SECONDS"
  for round in $(seq 1 "$BUSY_ROUNDS"); do
    cell "$W|i$round|guest|thread" "$THREAD_PAGE"
    cell "$W|i$round|guest|category" "$FIRST_PAGE"
    cell "$W|i$round|silver|thread" "$THREAD_PAGE" "$SILVER"
    cell "$W|i$round|silver|category" "$FIRST_PAGE" "$SILVER"
    SESSIONS=$OUT/sessions.txt THREADS=$THREADS CATEGORY=${FIRST_PAGE#/c/} PACE_MS=$PACE_MS \
      timeout -k 5 $((4 * (DURATION + WARMUP) + 90)) wrk -t1 -c16 -d"$((4 * (DURATION + WARMUP) + 10))s" --timeout 20s \
      -s "$ROOT/benchmarks/write_post.lua" "http://127.0.0.1:$PORT" > "$OUT/wrk-$W-write-paced-$round.txt" 2>&1 &
    POSTERS=$!
    sleep 3
    cell "$W|b$round|guest|thread" "$THREAD_PAGE"
    cell "$W|b$round|guest|category" "$FIRST_PAGE"
    cell "$W|b$round|silver|thread" "$THREAD_PAGE" "$SILVER"
    cell "$W|b$round|silver|category" "$FIRST_PAGE" "$SILVER"
    wait "$POSTERS" || true
    echo "$W|write|pacedreaders $(grep '^WRITE' "$OUT/wrk-$W-write-paced-$round.txt")" | tee -a "$RESULTS"
  done
  stop_server
done
"$PY" "$ROOT/benchmarks/speed_summary.py" report "$RESULTS" | tee "$OUT/summary-$DB.md"
echo "results in $OUT" >&2
