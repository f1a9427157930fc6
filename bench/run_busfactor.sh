#!/bin/sh
# bench/run_busfactor.sh — time the bus factor and dominant share of every
# account (bench_busfactor, graph generated in process) beside
# igraph_st_vertex_connectivity per account (sampled, extrapolated), under
# /usr/bin/time -v, once the 1-minute load average is at most 0.5, and print
# the figures of the "Bus factor, dominant share and departure scenarios"
# issue (target: every account of a ~10M-edge graph in < 10 s). Never part
# of the tests.
#
#   bench/run_busfactor.sh [--build DIR] [--work DIR] [--runs R] [--threads T]
#                          [--accounts N] [--peer-sample K] [--check-sample K]
#
# Defaults: 2 450 000 accounts (~5.8M nodes / ~10.1M edges), seed 1, 3 runs,
# 20 accounts for igraph, 10 for the max-flow check (each igraph call is a
# whole-graph flow: ~10 s at this size).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build-bench"
WORK="${TMPDIR:-/tmp}/linchpin-bench"
RUNS=3
THREADS=$(nproc)
ACCOUNTS=2450000
PEER=20
CHECK=10

while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --accounts) ACCOUNTS=$2; shift 2 ;;
    --peer-sample) PEER=$2; shift 2 ;;
    --check-sample) CHECK=$2; shift 2 ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run_busfactor.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

. "$ROOT/bench/bench_lib.sh"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" -j "$(nproc)" --target bench_busfactor >/dev/null
mkdir -p "$WORK"

O="$WORK/bf.out"
wait_quiet
load="$(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v -o "$WORK/bf.time" "$BUILD/bench/bench_busfactor" --accounts "$ACCOUNTS" \
    --seed 1 --runs "$RUNS" --threads "$THREADS" --peer-sample "$PEER" --check-sample "$CHECK" \
    >"$O" || echo "run_busfactor.sh: bench_busfactor failed" >&2
cat "$O" >&2

bf=$(kv "$O" bus_factor median_s); bf1=$(kv "$O" bus_factor_1t median_s)
ig=$(kv "$O" igraph_st_vertex_connectivity extrapolated_s)
below() { awk -v x="$1" -v t="$2" 'BEGIN { if (x == "NA") print "NA"; else print (x + 0 < t ? "met" : "not met") }'; }
bt=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")

echo "machine: $(uname -m), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo); igraph $(pkg-config --modversion igraph)"
echo "threads $THREADS, runs $RUNS (median), build ${bt:-RelWithDebInfo (default)}, load average at start $load"
echo "graph: $ACCOUNTS accounts, n = $(kv "$O" build n), m = $(kv "$O" build m); generate $(secs "$(kv "$O" generate median_s)") s, build $(secs "$(kv "$O" build median_s)") s, key-person $(secs "$(kv "$O" keyperson median_s)") s (one run each, not part of the figure)"
echo
echo "| kernel | threads | s | note |"
echo "|---|---:|---:|---|"
echo "| lp_bus_factor (cap $(kv "$O" bus_factor cap)), every account | $THREADS | $(secs "$bf") | histogram 0/1/2/3+: $(kv "$O" bus_factor hist_0) / $(kv "$O" bus_factor hist_1) / $(kv "$O" bus_factor hist_2) / $(kv "$O" bus_factor hist_3plus) |"
echo "| lp_bus_factor, every account | 1 | $(secs "$bf1") | identical to $THREADS threads: $(kv "$O" bus_factor_1t identical); speedup $(ratio "$bf1" "$bf") |"
echo "| lp_dominant_share, every account | $THREADS | $(secs "$(kv "$O" dominant_share median_s)") | NaN (no person): $(kv "$O" dominant_share nan) |"
echo "| igraph_st_vertex_connectivity, per account ($(kv "$O" igraph_st_vertex_connectivity sample) sampled) | 1 | $(kv "$O" igraph_st_vertex_connectivity per_account_s) | all vertices removable: not the same quantity |"
echo "| igraph_st_vertex_connectivity, extrapolated to all accounts | 1 | $ig | ratio to ours: $(ratio "$ig" "$bf") |"
echo
echo "target < 10 s on $THREADS threads: $(below "$bf" 10) ($(secs "$bf") s)"
echo "check (min(cap, max flow) on the node-split digraph, $(kv "$O" check sample) accounts): agree=$(kv "$O" check agree)"
echo "peak MB: $(rss_mb "$WORK/bf.time") (time -v, includes igraph's graphs), $(kv "$O" memory peak_rss_mb) after our kernels"
