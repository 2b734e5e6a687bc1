#!/usr/bin/env bash
# Readers of the busiest page while members post: the category page for a guest and a Silver member,
# idle and beside 16 paced posters, with the server's CPU per request. A small, quick A/B of the page
# caches' herd behaviour (the full issue-16 run is speed_bench.sh). Every wrk run is bounded.
#
#   bash benchmarks/busy_readers_bench.sh                       # this checkout, SQLite, Granian x2
#   CODE=/work/main bash benchmarks/busy_readers_bench.sh       # another checkout's code (its .venv), same board
#   DB=postgres PG_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/wb_x REDIS=redis://127.0.0.1:6379/5 bash ...
#
# Environment: SEED (a seeded data dir, benchmarks/seed_board.py --threads 5000; copied fresh for each
# run so every run starts from the same board), DURATION (12 s per cell), CONNS (16), PACE_MS (500),
# MEMBERS (100), WORKERS (2), PORT (8047), OUT, PAGES (the pages read, "/c/maintenance" by default;
# e.g. PAGES="/c/maintenance /t/2500" adds the thread page's cells).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CODE=${CODE:-$ROOT}
SEED=${SEED:-/tmp/busy-bench-seed}
DB=${DB:-sqlite}
DURATION=${DURATION:-12}
CONNS=${CONNS:-16}
PACE_MS=${PACE_MS:-500}
MEMBERS=${MEMBERS:-100}
WORKERS=${WORKERS:-2}
PORT=${PORT:-8047}
OUT=${OUT:-/tmp/busy-bench}
THREADS=${THREADS:-5000}
PAGES=${PAGES:-/c/maintenance}
PY=$ROOT/.venv/bin/python
mkdir -p "$OUT"
if [ ! -s "$SEED/webboard.db" ]; then
  "$PY" "$ROOT/benchmarks/seed_board.py" --data-dir "$SEED" --threads "$THREADS" > /dev/null || true
fi
DATA=$OUT/data
rm -rf "$DATA" && mkdir -p "$DATA" && cp "$SEED/webboard.db" "$DATA/"
export WEBBOARD_DATA_DIR=$DATA WEBBOARD_PAGE_CACHE_PREFIX=busy-bench-$$
if [ "$DB" = postgres ]; then
  "$PY" "$ROOT/benchmarks/seed_postgres.py" --sqlite "$DATA/webboard.db" --url "$PG_URL" > /dev/null
  export DATABASE_URL=$PG_URL REDIS_URL=$REDIS
else
  export DATABASE_URL=sqlite+aiosqlite:///$DATA/webboard.db
  unset REDIS_URL
fi
"$CODE/.venv/bin/webboard" duplicates rebuild > /dev/null 2>&1

ticks_of() { local total=0 pid; for pid in "$@"; do
  total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$total"; }
SERVER=
stop_server() { if [ -n "$SERVER" ]; then kill -INT "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi; }
trap stop_server EXIT
"$CODE/.venv/bin/webboard" serve --port "$PORT" --workers "$WORKERS" > "$OUT/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
server_pids() { echo "$SERVER" $(pgrep -P "$SERVER" 2>/dev/null); }
"$PY" "$ROOT/benchmarks/write_prep.py" --base "http://127.0.0.1:$PORT" --members "$MEMBERS" --out "$OUT/sessions.txt"
SILVER=$(head -1 "$OUT/sessions.txt" | cut -d' ' -f1)

cell() {  # label path [cookie]: req/s, p50/p99 and server CPU ms per request over the cell
  local label=$1 path=$2 cookie=${3:-} s0 s1 args=(-t1 -c"$CONNS" --timeout 10s --latency)
  [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
  timeout -k 5 5 wrk "${args[@]}" -d2s "http://127.0.0.1:$PORT$path" > /dev/null 2>&1 || true
  s0=$(ticks_of $(server_pids))
  timeout -k 5 $((DURATION + 20)) wrk "${args[@]}" -d"${DURATION}s" "http://127.0.0.1:$PORT$path" > "$OUT/wrk-${label//\//_}.txt" 2>&1 || true
  s1=$(ticks_of $(server_pids))
  awk -v label="$label" -v ticks=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec/ {rps=$2} /requests in/ {n=$1} / 50%/ {p50=$2} / 99%/ {p99=$2}
    END {printf "%s req/s=%s p50=%s p99=%s requests=%s server_cpu_ms=%d cpu_ms/req=%.3f\n", label, rps, p50, p99, n, ticks*1000/hz, ticks*1000/hz/(n>0?n:1)}' \
    "$OUT/wrk-${label//\//_}.txt" | tee -a "$OUT/results.txt"
}
posters() {  # seconds
  SESSIONS=$OUT/sessions.txt THREADS=$THREADS CATEGORY=maintenance PACE_MS=$PACE_MS \
    timeout -k 5 $(($1 + 30)) wrk -t1 -c16 -d"$1s" --timeout 20s -s "$ROOT/benchmarks/write_post.lua" \
    "http://127.0.0.1:$PORT" > "$OUT/wrk-posters-$1.txt" 2>&1
}
: > "$OUT/results.txt"
for page in $PAGES; do
  cell "idle-guest$page" "$page"
  cell "idle-silver$page" "$page" "$SILVER"
done
s0=$(ticks_of $(server_pids)); posters 8; s1=$(ticks_of $(server_pids))  # the posters alone: their CPU
echo "posters-alone $(grep '^WRITE' "$OUT/wrk-posters-8.txt") server_cpu_ms=$(( (s1 - s0) * 1000 / $(getconf CLK_TCK) ))" | tee -a "$OUT/results.txt"
BUSY=$(( $(echo $PAGES | wc -w) * 2 * (DURATION + 2) + 6 ))
posters "$BUSY" &
POSTERS=$!
sleep 3
for page in $PAGES; do
  cell "busy-guest$page" "$page"
  cell "busy-silver$page" "$page" "$SILVER"
done
wait "$POSTERS" || true
echo "posters-with-readers $(grep '^WRITE' "$OUT/wrk-posters-$BUSY.txt")" | tee -a "$OUT/results.txt"
