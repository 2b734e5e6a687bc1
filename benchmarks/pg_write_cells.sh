#!/bin/bash
# The paced write cell of speed_bench.sh on PostgreSQL, for A/B pairs of trees with one server
# process each (h-pgtail): both servers run side by side on one board and the cells alternate
# between them (A B B A ...), so the machine's noise hits both alike.
#   export PG_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/wb_x REDIS_URL=redis://127.0.0.1:6379/N \
#     DATA=/tmp/x/data OUT=/tmp/x/runs            # DATA: with the snapshot of `webboard duplicates rebuild`
#   bash benchmarks/pg_write_cells.sh start A /tmp/x/base 8601   # [TRACE=file]: WEBBOARD_TAIL_TRACE of that server
#   bash benchmarks/pg_write_cells.sh start B "$PWD" 8602
#   ORDER="A B B A" ROUNDS=3 [SECS=15] [PACE_MS=500] [THREAD_EVERY=10] bash benchmarks/pg_write_cells.sh cells
#   bash benchmarks/pg_write_cells.sh stop A; bash benchmarks/pg_write_cells.sh stop B
# Each cell: 16 posters (wrk + write_post.lua) for SECS, one line in $OUT/results.txt with the wrk
# figures and the server's and every postgres process's CPU ms per submit. Before each cell this
# run's posts (ids above the seeded board's, FIRST_NEW_ID) are aged by two hours: write_post.lua gives
# the new threads to the same tenth of the members, whose allowance (10 threads an hour) would
# otherwise answer 429 after a few cells.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:?results dir}; mkdir -p "$OUT"
source "${SRC:-/tmp/webboard-bench}/urls.txt"
ticks_of() { local total=0 pid; for pid in "$@"; do
  total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$total"; }
case $1 in
start)
  LAB=$2 TREE=$3 PORT=$4
  [ -n "${TRACE:-}" ] && export WEBBOARD_TAIL_TRACE=$TRACE
  export DATABASE_URL=${PG_URL:?} REDIS_URL=${REDIS_URL:?} WEBBOARD_PAGE_CACHE_PREFIX=pg-write-cells-$LAB \
    WEBBOARD_DATA_DIR=${DATA:?} PYTHONPATH=$TREE
  cd "$TREE" || exit 1
  setsid "${VENV:-$ROOT/.venv}/bin/webboard" serve --port "$PORT" --workers 1 > "$OUT/server-$LAB.log" 2>&1 < /dev/null &
  echo $! > "$OUT/pid-$LAB"  # the server itself (its worker is its child): the cells' CPU ticks, `stop`
  echo "$PORT" > "$OUT/port-$LAB"
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
  "${VENV:-$ROOT/.venv}/bin/python" "$ROOT/benchmarks/write_prep.py" --base "http://127.0.0.1:$PORT" --members 200 \
    --out "$OUT/sessions-$LAB.txt";;
stop)
  kill -INT "$(cat "$OUT/pid-$2")";;
cells)
  DB=${PG_URL##*/}; SECS=${SECS:-15}
  cell() { # label
    local pid port s0 s1 d0 d1 f line posts
    pid=$(cat "$OUT/pid-$1"); port=$(cat "$OUT/port-$1"); f=$OUT/wrk-$1-$(date +%H%M%S).txt
    psql -h 127.0.0.1 -U postgres -d "$DB" -qc "UPDATE posts SET created_at = created_at - interval '2 hours'
      WHERE id > ${FIRST_NEW_ID:-1100000} AND created_at > now() - interval '90 minutes'"
    sleep 2
    s0=$(ticks_of "$pid" $(pgrep -P "$pid")); d0=$(ticks_of $(pgrep -x postgres))
    SESSIONS=$OUT/sessions-$1.txt THREADS=100000 CATEGORY=${FIRST_PAGE#/c/} PACE_MS=${PACE_MS:-500} \
      THREAD_EVERY=${THREAD_EVERY:-10} timeout -k 5 $((SECS + 60)) wrk -t2 -c16 -d"${SECS}s" --timeout 20s \
      -s "$ROOT/benchmarks/write_post.lua" "http://127.0.0.1:$port" > "$f" 2>&1
    s1=$(ticks_of "$pid" $(pgrep -P "$pid")); d1=$(ticks_of $(pgrep -x postgres))
    line=$(grep '^WRITE' "$f"); posts=$(echo "$line" | sed 's/.*posts=\([0-9]*\).*/\1/')
    echo "$(date +%H:%M:%S) $1 $line server_ms_per_submit=$(echo "scale=1; $((s1 - s0)) * 10 / $posts" | bc)" \
      "db_ms_per_submit=$(echo "scale=1; $((d1 - d0)) * 10 / $posts" | bc) load=$(cut -d' ' -f1-3 /proc/loadavg)" \
      | tee -a "$OUT/results.txt"
  }
  for _ in $(seq 1 "${ROUNDS:-2}"); do for lab in ${ORDER:-A B B A}; do cell "$lab"; sleep 1; done; done;;
*) echo "usage: $0 start LABEL TREE PORT | cells | stop LABEL" >&2; exit 2;;
esac
