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
# CELLS=readers (h-submit6): the guest category and thread pages and the Silver category page read by
# wrk (16 connections, SECS each after 2 s of warm-up), idle and then beside 16 paced posters, as in
# speed_bench.sh's busy cells; prints req/s, p99 and the ratio to idle, and the server's CPU ms over
# each reader's idle and busy SECS (h-readers: the busy figure includes the posters' submits meanwhile).
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
reader() { # label path [cookie]: req/s over SECS after 2 s of warm-up
  local args=(-t1 -c16 --timeout 10s --latency)
  [ -n "${3:-}" ] && args+=(-H "Cookie: $3")
  timeout -k 5 30 wrk "${args[@]}" -d2s "http://127.0.0.1:$PORT$2" > /dev/null 2>&1
  local t0 t1; t0=$(ticks_of $(server_pids))
  timeout -k 5 $((SECS + 30)) wrk "${args[@]}" -d${SECS}s "http://127.0.0.1:$PORT$2" > $OUT/wrk-$1.txt 2>&1
  t1=$(ticks_of $(server_pids)); echo "$((t1 - t0))" > $OUT/ticks-$1.txt
  awk -v l="$1" '/Requests\/sec/ {r=$2} / 99%/ {p=$2} END {print r, p}' $OUT/wrk-$1.txt
}
readers() {
  local silver; silver=$(head -1 $OUT/sessions.txt | cut -d' ' -f1)
  local -A idle
  local name path cookie r
  for spec in "guest-category|$FIRST_PAGE|" "guest-thread|$THREAD_PAGE|" "silver-category|$FIRST_PAGE|$silver"; do
    IFS='|' read -r name path cookie <<< "$spec"
    r=$(reader idle-$name $path "$cookie"); idle[$name]=${r%% *}
  done
  SESSIONS=$OUT/sessions.txt THREADS=100000 CATEGORY=${FIRST_PAGE#/c/} PACE_MS=500 THREAD_EVERY=10 \
    timeout -k 5 $((3 * (SECS + 2) + 60)) wrk -t2 -c16 -d$((3 * (SECS + 2) + 6))s --timeout 20s \
    -s $TREE/benchmarks/write_post.lua http://127.0.0.1:$PORT > $OUT/wrk-posters-readers.txt 2>&1 &
  local posters=$!
  sleep 3
  for spec in "guest-category|$FIRST_PAGE|" "guest-thread|$THREAD_PAGE|" "silver-category|$FIRST_PAGE|$silver"; do
    IFS='|' read -r name path cookie <<< "$spec"
    r=$(reader busy-$name $path "$cookie")
    echo "$LABEL readers $name idle=${idle[$name]} busy=${r%% *} ratio=$(echo "scale=3; ${r%% *} / ${idle[$name]}" | bc) busy_p99=${r#* } server_cpu_ms idle=$(($(cat $OUT/ticks-idle-$name.txt) * 10)) busy=$(($(cat $OUT/ticks-busy-$name.txt) * 10)) load=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/results.txt
  done
  wait $posters
  echo "$LABEL readers posters $(grep '^WRITE' $OUT/wrk-posters-readers.txt)" | tee -a $OUT/results.txt
}
for c in ${CELLS:-mixed replies threads}; do
  case $c in
    mixed) cell mixed 10 500;;
    replies) cell replies 0 500;;
    threads) cell threads 1 500;;
    saturated) cell saturated 10 0;;
    readers) readers;;
  esac
done
