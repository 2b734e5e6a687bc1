#!/usr/bin/env bash
# Counts, not speeds: what the page caches do for one reader page while 16 paced posters post through the
# real server (benchmarks/write_post.lua, as speed_bench.sh's busy cells), on PostgreSQL + Redis.
# One server run per call; prints the readers' and posters' wrk lines, each process's cache counters
# (WEBBOARD_PAGE_CACHE_STATS: hits, misses, renders stored, readers that waited for a render) and, from
# WEBBOARD_TAIL_TRACE, the single-flight waits and a guest render's phases (forum/tail_trace.py).
#
#   PG_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/wb_x REDIS=redis://127.0.0.1:6379/9 DATA=/tmp/x/data-pg \
#     bash benchmarks/busy_cache_counts.sh LABEL /c/maintenance guest|silver
#
# DATA is the board's data dir (its duplicate-index snapshot made by `webboard duplicates rebuild`);
# WORKERS (1), PORT (8790), OUT (/tmp/busy-cache-counts), POSTERS=0 for the readers alone, SECONDS_READ (10).
# The posters add posts to the board: use a copy. CODE=<checkout> runs another checkout's code.
set -uo pipefail
LABEL=$1 PAGE=$2 VIEWER=$3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/busy-cache-counts}/$LABEL
PORT=${PORT:-8790} WORKERS=${WORKERS:-1} POSTERS=${POSTERS:-1} SECONDS_READ=${SECONDS_READ:-10}
rm -rf "$OUT"; mkdir -p "$OUT"
export DATABASE_URL=$PG_URL REDIS_URL=$REDIS WEBBOARD_DATA_DIR=$DATA WEBBOARD_PAGE_CACHE_PREFIX=busy-counts-$LABEL-$$
export WEBBOARD_PAGE_CACHE_STATS=$OUT/stats.jsonl WEBBOARD_TAIL_TRACE=$OUT/trace
[ -n "${CODE:-}" ] && export PYTHONPATH=$CODE
nice -n 10 "$ROOT/.venv/bin/webboard" serve --port "$PORT" --workers "$WORKERS" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
sleep 4
"$ROOT/.venv/bin/python" "$ROOT/benchmarks/write_prep.py" --base "http://127.0.0.1:$PORT" --members 100 \
  --out "$OUT/sessions.txt" --staff-out "$OUT/staff.txt" > "$OUT/prep.log" 2>&1
COOKIE=()
[ "$VIEWER" = silver ] && COOKIE=(-H "Cookie: $(head -1 "$OUT/sessions.txt" | cut -d' ' -f1)")
nice -n 10 timeout 20 wrk -t1 -c16 -d2s "${COOKIE[@]}" "http://127.0.0.1:$PORT$PAGE" > /dev/null 2>&1
if [ "$POSTERS" = 1 ]; then
  SESSIONS=$OUT/sessions.txt THREADS=100000 CATEGORY=maintenance PACE_MS=500 nice -n 10 timeout $((SECONDS_READ + 40)) \
    wrk -t1 -c16 -d$((SECONDS_READ + 5))s --timeout 20s -s "$ROOT/benchmarks/write_post.lua" "http://127.0.0.1:$PORT" \
    > "$OUT/posters.txt" 2>&1 &
  POSTING=$!
  sleep 3
fi
nice -n 10 timeout $((SECONDS_READ + 20)) wrk -t1 -c16 -d"${SECONDS_READ}s" --latency "${COOKIE[@]}" \
  "http://127.0.0.1:$PORT$PAGE" > "$OUT/readers.txt" 2>&1
[ "$POSTERS" = 1 ] && wait "$POSTING"
kill -INT $SERVER; wait $SERVER 2>/dev/null; trap - EXIT
echo "== $LABEL $PAGE $VIEWER workers=$WORKERS posters=$POSTERS"
grep -E "requests in" "$OUT/readers.txt"
grep WRITE "$OUT/posters.txt" 2>/dev/null
cat "$OUT/stats.jsonl"
cat "$OUT"/trace.* | awk '$2 == "wait" || $2 == "xwait" || $2 == "lag" || $2 ~ /^lead_/ {n[$2]++; s[$2] += $3}
  END {for (k in n) printf "%s n=%d mean=%.2f ms total=%.0f ms\n", k, n[k], s[k] / n[k], s[k]}' | sort
