#!/usr/bin/env bash
# Page speed of the real board beside the bare Litestar + SQLite ceiling, measured in one run.
#   bash benchmarks/board_bench.sh            # seed (once), serve both with Granian x2, wrk, stop
# Environment: THREADS (100000), DURATION (20), WARMUP (5), CONNS ("16 64"), ROUNDS (2),
# RESEED=1 to reseed. Rounds alternate ceiling and board so both see the same machine; the
# summary gives each cell's median over the rounds and the ratio to the ceiling.
# Loopback only; every wrk run is bounded by ../shared/perf/bench.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERF=${PERF:-$ROOT/../shared/perf}
DATA=${BENCH_DATA_DIR:-/tmp/webboard-bench}
THREADS=${THREADS:-100000}
PORT=${PORT:-8031}
ROUNDS=${ROUNDS:-2}
export DURATION=${DURATION:-20} WARMUP=${WARMUP:-5} CONNS=${CONNS:-"16 64"} REPEAT=1
OUT=${OUT:-/tmp/webboard-bench-results}
rm -rf "$OUT" && mkdir -p "$OUT"

if [ "${RESEED:-0}" = 1 ] || [ ! -s "$DATA/urls.txt" ]; then
  rm -rf "$DATA"
  "$ROOT/.venv/bin/python" "$ROOT/benchmarks/seed_board.py" --data-dir "$DATA" --threads "$THREADS" > "$DATA.urls.tmp"
  mkdir -p "$DATA" && mv "$DATA.urls.tmp" "$DATA/urls.txt"
fi
# shellcheck disable=SC1090
source "$DATA/urls.txt"

# The board, served as `webboard serve` does (Granian, two workers). The first start on a new
# database builds the duplicate index snapshot (about a minute at 100,000 threads); later
# starts load it in about a second.
WEBBOARD_DATA_DIR="$DATA" "$ROOT/.venv/bin/webboard" serve --port "$PORT" --workers 2 > "$OUT/board-server.log" 2>&1 &
SERVER=$!
trap 'pkill -f "webboard serve --port $PORT" 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
cpu_ticks() { local total=0 pid; for pid in $(pgrep -f "webboard serve --port $PORT"); do
  total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$total"; }
for _ in $(seq 1 200); do
  before=$(cpu_ticks); sleep 3; after=$(cpu_ticks)
  [ $((after - before)) -lt 30 ] && break
done
echo "board idle after start-up work; measuring" >&2

for round in $(seq 1 "$ROUNDS"); do
  # The ceiling app at the same scale (100k topics x 10 posts) and page sizes (20 threads, 20 posts).
  CEILING_DB=${CEILING_DB:-/tmp/perf-ceiling/ceiling100k.sqlite} TOPICS=$THREADS REP_BASE=$((round - 1)) \
    CEILING_TOPICS_PER_PAGE=20 CEILING_POSTS_PER_PAGE=20 LABEL=ceiling OUTDIR="$OUT/ceiling-$round" \
    bash "$PERF/run_ceiling.sh" | tee -a "$OUT/ceiling.txt"
  REP_BASE=$((round - 1)) LABEL=board-list OUTDIR="$OUT/board-list-$round" \
    bash "$PERF/bench.sh" "http://127.0.0.1:$PORT" "$FIRST_PAGE" "$PAGE_1000" | tee -a "$OUT/board.txt"
  REP_BASE=$((round - 1)) LABEL=board-thread OUTDIR="$OUT/board-thread-$round" \
    bash "$PERF/bench.sh" "http://127.0.0.1:$PORT" "$THREAD_PAGE" "/" | tee -a "$OUT/board.txt"
done
"$ROOT/.venv/bin/python" "$ROOT/benchmarks/board_summary.py" "$OUT/ceiling.txt" "$OUT/board.txt" | tee "$OUT/summary.md"
echo "results in $OUT"
