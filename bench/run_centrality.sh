#!/bin/sh
# bench/run_centrality.sh — time the centrality kernels against igraph (C,
# same process), graph-tool and NetworkX (bench/peers_centrality.py) on
# generated enterprise graphs, record peak memory with /usr/bin/time -v, and
# print a Markdown table of the four targets of the "Parallel centrality"
# issue. Before each driver it waits (up to 10 minutes) for the 1-minute load
# average to fall to 0.5 and records the load it ran at. Never part of the
# tests.
#
#   bench/run_centrality.sh [--build DIR] [--work DIR] [--runs R] [--threads T]
#                           [--bc-accounts N] [--pr-accounts N] [--sampled-accounts N]
#
# Graphs (seed 1, employees = accounts/8 + 1, compact ids):
#   bc        7 000 accounts: 16 489 nodes / 28 545 edges, the nearest to
#             17k / 27k on a 100-account grid (sum of relative deviations)
#   pr      200 000 accounts: ~0.47M nodes / ~0.82M edges (CSV)
#   sampled 2 000 000 accounts: ~4.7M nodes / ~8.2M edges, generated in
#             process by bench_sampled (no CSV)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build-bench"
WORK="${TMPDIR:-/tmp}/linchpin-bench"
RUNS=5
THREADS=$(nproc)
BC_ACCOUNTS=7000
PR_ACCOUNTS=200000
SAMPLED_ACCOUNTS=2000000
PY=/usr/bin/python3

while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --bc-accounts) BC_ACCOUNTS=$2; shift 2 ;;
    --pr-accounts) PR_ACCOUNTS=$2; shift 2 ;;
    --sampled-accounts) SAMPLED_ACCOUNTS=$2; shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run_centrality.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

. "$ROOT/bench/bench_lib.sh"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" -j "$(nproc)" --target bench_generate bench_centrality bench_sampled >/dev/null
mkdir -p "$WORK"

# run_timed NAME CMD...: run CMD under /usr/bin/time -v once the machine is
# quiet; stdout to $WORK/NAME.out (echoed to stderr), the report to NAME.time,
# the 1-minute load it started at to NAME.load
run_timed() {
    name=$1
    shift
    wait_quiet
    load1 >"$WORK/$name.load"
    /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" ||
        echo "run_centrality.sh: $name failed" >&2
    cat "$WORK/$name.out" >&2
}

bc_dir="$WORK/bc-$BC_ACCOUNTS-seed1"
pr_dir="$WORK/pr-$PR_ACCOUNTS-seed1"
"$BUILD/bench/bench_generate" --accounts "$BC_ACCOUNTS" --seed 1 --out "$bc_dir" >&2
"$BUILD/bench/bench_generate" --accounts "$PR_ACCOUNTS" --seed 1 --out "$pr_dir" >&2

run_timed c_bc "$BUILD/bench/bench_centrality" "$bc_dir/nodes.csv" "$bc_dir/edges.csv" \
    --runs "$RUNS" --threads "$THREADS" --dump "$bc_dir"
run_timed p_bc $PY "$ROOT/bench/peers_centrality.py" "$bc_dir/nodes.csv" "$bc_dir/edges.csv" \
    --runs "$RUNS" --threads "$THREADS" --compare "$bc_dir"
run_timed c_pr "$BUILD/bench/bench_centrality" "$pr_dir/nodes.csv" "$pr_dir/edges.csv" \
    --runs "$RUNS" --threads "$THREADS" --skip-betweenness --dump "$pr_dir"
run_timed p_pr $PY "$ROOT/bench/peers_centrality.py" "$pr_dir/nodes.csv" "$pr_dir/edges.csv" \
    --runs "$RUNS" --threads "$THREADS" --compare "$pr_dir"
run_timed s "$BUILD/bench/bench_sampled" --accounts "$SAMPLED_ACCOUNTS" --seed 1 \
    --runs "$(( RUNS < 3 ? RUNS : 3 ))" --threads "$THREADS"

C="$WORK/c_bc.out"; P="$WORK/p_bc.out"; CP="$WORK/c_pr.out"; PP="$WORK/p_pr.out"; S="$WORK/s.out"
met() { awk -v r="$1" -v t="$2" 'BEGIN { if (r == "NA") print "NA"; else print (r + 0 >= t ? "met" : "not met") }'; }
met_below() { awk -v x="$1" -v t="$2" 'BEGIN { if (x == "NA") print "NA"; else print (x + 0 < t ? "met" : "not met") }'; }

bc_n=$(kv "$C" load n); bc_m=$(kv "$C" load m)
pr_n=$(kv "$CP" load n); pr_m=$(kv "$CP" load m)
s_n=$(kv "$S" sampled n); s_m=$(kv "$S" sampled m)
bc=$(kv "$C" betweenness median_s); bc1=$(kv "$C" betweenness_1t median_s)
ibc=$(kv "$C" igraph_betweenness median_s)
gbc=$(kv "$P" gt_betweenness median_s)
nxbc=$(kv "$P" nx_betweenness extrapolated_s)
pr=$(kv "$CP" pagerank median_s); pr1=$(kv "$CP" pagerank_1t median_s)
ipr=$(kv "$CP" igraph_pagerank median_s)
gpr=$(kv "$PP" gt_pagerank median_s); gpr6=$(kv "$PP" gt_pagerank_1e-6 median_s)
nxpr=$(kv "$PP" nx_pagerank median_s); nxpr6=$(kv "$PP" nx_pagerank_default median_s)
brk=$(kv "$CP" brokerage median_s)
sam=$(kv "$S" sampled median_s)
r_gbc=$(ratio "$gbc" "$bc"); r_thr=$(ratio "$bc1" "$bc"); r_gpr=$(ratio "$gpr" "$pr")

bt=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")
machine_line "$PY"
echo "threads $THREADS, runs $RUNS (median; sampled: at most 3), build ${bt:-RelWithDebInfo (default)}"
echo "1-minute load at the start of each driver: bench_centrality $(cat "$WORK/c_bc.load") / $(cat "$WORK/c_pr.load"), peers_centrality.py $(cat "$WORK/p_bc.load") / $(cat "$WORK/p_pr.load"), bench_sampled $(cat "$WORK/s.load")"
echo
echo "| # | target | graph (n / m) | ours s | peer | peer s | ratio | goal | result |"
echo "|---|---|---|---:|---|---:|---:|---:|---|"
echo "| 1 | exact betweenness, $THREADS threads | $bc_n / $bc_m | $(secs "$bc") | graph-tool, $THREADS threads | $(secs "$gbc") | $r_gbc | ≥ 10 | $(met "$r_gbc" 10) |"
echo "| 2 | betweenness 1 → $THREADS threads | $bc_n / $bc_m | $(secs "$bc") | ours, 1 thread | $(secs "$bc1") | $r_thr | ≥ 1.8 | $(met "$r_thr" 1.8) |"
echo "| 3 | sampled betweenness (ε 0.01, δ 0.1), $THREADS threads | $s_n / $s_m | $(secs "$sam") | – | – | – | < 60 s | $(met_below "$sam" 60) |"
echo "| 4 | PageRank (L1 1e-12), $THREADS threads | $pr_n / $pr_m | $(secs "$pr") | graph-tool ε 1e-12, $THREADS threads | $(secs "$gpr") | $r_gpr | ≥ 2 | $(met "$r_gpr" 2) |"
echo
echo "| kernel | graph (n / m) | ours s | reference | reference s | ratio | agree |"
echo "|---|---|---:|---|---:|---:|---|"
echo "| exact betweenness | $bc_n / $bc_m | $(secs "$bc") | igraph_betweenness (C, 1 thread) | $(secs "$ibc") | $(ratio "$ibc" "$bc") | $(kv "$C" betweenness agree) (max rel $(kv "$C" betweenness max_rel_diff_igraph); graph-tool $(kv "$P" gt_betweenness max_rel_diff_ours)) |"
echo "| exact betweenness | $bc_n / $bc_m | $(secs "$bc") | NetworkX, extrapolated from $(kv "$P" nx_betweenness sources) sources | $nxbc | $(ratio "$nxbc" "$bc") | – |"
echo "| PageRank | $pr_n / $pr_m | $(secs "$pr") | igraph PRPACK (C, 1 thread) | $(secs "$ipr") | $(ratio "$ipr" "$pr") | $(kv "$CP" pagerank agree) (L1 $(kv "$CP" pagerank l1_diff_igraph)) |"
echo "| PageRank | $pr_n / $pr_m | $(secs "$pr") | graph-tool ε 1e-6 (default) | $(secs "$gpr6") | $(ratio "$gpr6" "$pr") | L1 error $(kv "$PP" gt_pagerank_1e-6 l1_err) (ours $(kv "$PP" pagerank_reference l1_err_ours), graph-tool ε 1e-12 $(kv "$PP" gt_pagerank l1_err)) |"
echo "| PageRank | $pr_n / $pr_m | $(secs "$pr") | NetworkX, tol 1e-12/n | $(secs "$nxpr") | $(ratio "$nxpr" "$pr") | L1 error $(kv "$PP" nx_pagerank l1_err) |"
echo "| PageRank | $pr_n / $pr_m | $(secs "$pr") | NetworkX, default tol 1e-6 | $(secs "$nxpr6") | $(ratio "$nxpr6" "$pr") | L1 error $(kv "$PP" nx_pagerank_default l1_err) |"
echo "| PageRank 1 → $THREADS threads | $pr_n / $pr_m | $(secs "$pr") | ours, 1 thread | $(secs "$pr1") | $(ratio "$pr1" "$pr") | L1 $(kv "$CP" pagerank_1t l1_diff_threads) |"
echo "| brokerage (1 BFS, serial) | $pr_n / $pr_m | $(secs "$brk") | – | – | – | – |"
echo
echo "sampled: samples $(kv "$S" sampled samples), vertex-diameter bound $(kv "$S" sampled vertex_diameter_bound), runs identical $(kv "$S" sampled identical); generate $(secs "$(kv "$S" generate median_s)") s, build $(secs "$(kv "$S" build median_s)") s (one run each, not part of the figure)"
echo
echo "| driver | graph | peak MB (time -v) | peak MB after our kernels |"
echo "|---|---|---:|---:|"
echo "| bench_centrality | $bc_n / $bc_m | $(rss_mb "$WORK/c_bc.time") | $(kv "$C" memory peak_rss_mb_ours) |"
echo "| peers_centrality.py | $bc_n / $bc_m | $(rss_mb "$WORK/p_bc.time") | – |"
echo "| bench_centrality | $pr_n / $pr_m | $(rss_mb "$WORK/c_pr.time") | $(kv "$CP" memory peak_rss_mb_ours) |"
echo "| peers_centrality.py | $pr_n / $pr_m | $(rss_mb "$WORK/p_pr.time") | – |"
echo "| bench_sampled | $s_n / $s_m | $(rss_mb "$WORK/s.time") | $(kv "$S" memory peak_rss_mb) |"
