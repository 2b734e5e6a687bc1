#!/bin/bash
# The write cells of benchmarks/speed_bench.sh, per kind of submit, on a fresh copy of a seeded board, for
# before/after pairs of two trees (h-submit5). Usage:
#   [VENV=.venv] SRC=/tmp/webboard-bench D=/tmp/me/run SNAP=/tmp/me/dupsnap [CELLS="saturated mixed replies threads"] \
#     [PORT=8611] [SECS=10] [PYSPY=1 SPYARGS=--gil] bash benchmarks/write_cells.sh TREE LABEL
# SNAP: a copy of D/duplicates made after `webboard duplicates rebuild` on D (the snapshot names its
# database by path, so D must stay the same). Starts `webboard serve --workers 2` from TREE (PYTHONPATH),
# logs 200 members in, then runs each cell (16 posters, wrk + write_post.lua; mixed: a new thread
# every tenth submit, replies: none, threads: only new threads, saturated: mixed without think time)
# and prints posts/s, latency and server CPU ms per submit (/proc ticks of the server and its workers).
set -u
TREE=$1; LABEL=$2; PORT=${PORT:-8611}; SECS=${SECS:-10}
OUT=${OUTDIR:-/tmp/write-cells}/$LABEL; mkdir -p $OUT
D=${D:?board copy dir}; SRC=${SRC:-/tmp/webboard-bench}; SNAP=${SNAP:?snapshot dir}
rm -rf $D/duplicates $D/sessions $D/webboard.db*
cp $SRC/webboard.db $D/webboard.db
cp -a $SNAP $D/duplicates
source $SRC/urls.txt
export DATABASE_URL=sqlite+aiosqlite:///$D/webboard.db WEBBOARD_DATA_DIR=$D PYTHONPATH=$TREE
unset REDIS_URL
cd $TREE
${VENV:-$TREE/.venv}/bin/webboard serve --port $PORT --workers 2 > $OUT/server.log 2>&1 &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
ticks_of() { local total=0 pid; for pid in "$@"; do
  total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$total"; }
server_pids() { echo "$SERVER" $(pgrep -P "$SERVER" 2>/dev/null); }
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
for _ in $(seq 1 200); do b=$(ticks_of $(server_pids)); sleep 3; a=$(ticks_of $(server_pids)); [ $((a - b)) -lt 60 ] && break; done
${VENV:-$TREE/.venv}/bin/python $TREE/benchmarks/write_prep.py --base http://127.0.0.1:$PORT --members 200 --out $OUT/sessions.txt 2>>$OUT/prep.log
sleep 2
s0=$(ticks_of $(server_pids)); sleep 5; s1=$(ticks_of $(server_pids))
echo "$LABEL idle5s server_ticks=$((s1 - s0)) load=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/results.txt
cell() { # name thread_every pace
  local s0 s1
  s0=$(ticks_of $(server_pids))
  if [ -n "${PYSPY:-}" ]; then for w in $(pgrep -P $SERVER); do
    ${VENV:-$TREE/.venv}/bin/py-spy record ${SPYARGS:-} -r 250 -d $((SECS)) -f raw -o $OUT/spy-$1-$w.txt --pid $w > /dev/null 2>&1 & done; fi
  SESSIONS=$OUT/sessions.txt THREADS=100000 CATEGORY=${FIRST_PAGE#/c/} PACE_MS=$3 THREAD_EVERY=$2 \
    timeout -k 5 $((SECS + 60)) wrk -t2 -c16 -d${SECS}s --timeout 20s -s $TREE/benchmarks/write_post.lua \
    http://127.0.0.1:$PORT > $OUT/wrk-$1.txt 2>&1
  s1=$(ticks_of $(server_pids))
  [ -n "${PYSPY:-}" ] && sleep 3
  local line posts; line=$(grep '^WRITE' $OUT/wrk-$1.txt); posts=$(echo "$line" | sed 's/.*posts=\([0-9]*\).*/\1/')
  echo "$LABEL $1 $line server_ticks=$((s1 - s0)) cpu_ms_per_submit=$(echo "scale=1; $((s1 - s0)) * 10 / $posts" | bc) load=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/results.txt
}
for c in ${CELLS:-mixed replies threads}; do
  case $c in
    mixed) cell mixed 10 500;;
    replies) cell replies 0 500;;
    threads) cell threads 1 500;;
    saturated) cell saturated 10 0;;
  esac
done
