#!/bin/sh
# bench/run.sh — generate enterprise graphs at fixed sizes and seeds, time the
# key-person analysis against igraph (C, same process), graph-tool and
# NetworkX (bench/peers.py), record peak memory with /usr/bin/time -v, and
# print a Markdown table. Before each driver it waits (up to 10 minutes) for
# the 1-minute load average to fall to 0.5 and records the load it ran at.
# Never part of the tests.
#
#   bench/run.sh [--build DIR] [--work DIR] [--sizes "1m 10m"] [--runs R] [--threads T]
#
# Sizes (seed 1, employees = accounts/8 + 1, compact ids):
#   100k   20 000 accounts  (~80 thousand edges)
#   1m    200 000 accounts  (~0.8 million edges after merging)
#   10m  2 000 000 accounts (~8 million edges after merging)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build-bench"
WORK="${TMPDIR:-/tmp}/linchpin-bench"
SIZES="1m"
RUNS=5
THREADS=$(nproc)
PY=/usr/bin/python3

while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

accounts_for() {
    case "$1" in
    100k) echo 20000 ;;
    1m) echo 200000 ;;
    10m) echo 2000000 ;;
    *) echo "run.sh: unknown size '$1' (100k, 1m, 10m)" >&2; exit 2 ;;
    esac
}

. "$ROOT/bench/bench_lib.sh"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" -j "$(nproc)" --target bench_generate bench_keyperson >/dev/null
mkdir -p "$WORK"

machine_line "$PY"
bt=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are only comparable on an otherwise idle machine)"
echo "threads $THREADS, runs $RUNS (median), build ${bt:-RelWithDebInfo (default)}; speedup = peer's time / key-person time"
echo

ROWS=""
for size in $SIZES; do
    acc=$(accounts_for "$size")
    dir="$WORK/$size-seed1"
    "$BUILD/bench/bench_generate" --accounts "$acc" --seed 1 --out "$dir" | tee "$WORK/$size.gen.out" >&2
    wait_quiet
    la=$(load1)
    /usr/bin/time -v -o "$WORK/$size.kp.time" "$BUILD/bench/bench_keyperson" \
        "$dir/nodes.csv" "$dir/edges.csv" --runs "$RUNS" --threads "$THREADS" \
        >"$WORK/$size.kp.out" || echo "run.sh: bench_keyperson failed ($size)" >&2
    cat "$WORK/$size.kp.out" >&2
    wait_quiet
    la="$la / $(load1)"
    /usr/bin/time -v -o "$WORK/$size.peers.time" $PY "$ROOT/bench/peers.py" \
        "$dir/nodes.csv" "$dir/edges.csv" --runs "$RUNS" --threads "$THREADS" \
        >"$WORK/$size.peers.out" || echo "run.sh: peers.py failed ($size)" >&2
    cat "$WORK/$size.peers.out" >&2

    k="$WORK/$size.kp.out"
    p="$WORK/$size.peers.out"
    n=$(kv "$k" load n); m=$(kv "$k" load m)
    load=$(kv "$k" load median_s)
    kpt=$(kv "$k" keyperson median_s)
    ap=$(kv "$k" igraph_ap median_s)
    bcc=$(kv "$k" igraph_bcc median_s)
    gt=$(kv "$p" gt_bcc median_s)
    nx=$(kv "$p" nx_ap median_s)
    # the four cut-vertex sets must agree (ours ignoring anchors; counts for the peers)
    agree=no
    a_ig=$(kv "$k" igraph_ap articulation)
    a_nx=$(kv "$p" nx_ap articulation)
    if [ "$(kv "$k" keyperson ap_agree)" = 1 ] && [ "$a_ig" = "$(kv "$p" gt_bcc articulation)" ] &&
        { [ "$a_nx" = NA ] || [ "$a_nx" = "$a_ig" ]; }; then agree=yes; fi
    ROWS="$ROWS| $size | $n | $m | $la | $(secs "$load") | $(secs "$kpt") | $(secs "$ap") | $(secs "$bcc") | $(secs "$gt") | $(secs "$nx") | $(ratio "$ap" "$kpt") | $(ratio "$bcc" "$kpt") | $(ratio "$gt" "$kpt") | $(ratio "$nx" "$kpt") | $(awk -v x="$(kv "$k" memory peak_rss_mb_keyperson)" 'BEGIN { printf "%.0f", x }') | $(rss_mb "$WORK/$size.kp.time") | $(rss_mb "$WORK/$size.peers.time") | $agree |
"
done

echo "| graph | n | m | load avg (kp / peers) | load s | key-person s | igraph AP s | igraph BCC s | graph-tool BCC s | NetworkX AP s | speedup vs igraph AP | vs igraph BCC | vs graph-tool | vs NetworkX | peak MB load+kp | peak MB bench_keyperson | peak MB peers.py | AP agree |"
echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s' "$ROWS"
