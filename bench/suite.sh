#!/bin/sh
# bench/suite.sh — the benchmark suite in one command: builds (Release) if
# needed, generates enterprise graphs with `linchpin generate` at fixed
# seeds, and for each size runs bench_suite (ours and igraph's C functions,
# same process) and peers_suite.py (graph-tool, NetworkX) under
# /usr/bin/time -v, each once the machine is quiet; then writes a Markdown
# report (bench/SUITE.md explains it). Never part of the tests.
#
#   bench/suite.sh [--sizes "S M L"] [--xl] [--runs R] [--threads T]
#                  [--build DIR] [--work DIR] [--out FILE] [--budget S]
#                  [--growth] [--growth-only] [--growth-sizes "1 4 16 64"]
#                  [--growth-runs R] [--no-wait] [--quiet-load L]
#                  [--quiet-max S] [--keep]
#
# Sizes (targets; the account counts are calibrated on a small graph of the
# same generator, seed 1, so they stay on target if the generator changes):
#   S   ~20 000 nodes        M   ~1M edges        L   ~10M edges
#   XL  ~75M edges (only with --xl)
# --growth adds the growth table: the whole `linchpin analyze --betweenness
# sampled` at ~1M, 4M, 16M and 64M edges (--growth-sizes, millions of
# edges), time per phase from /summary/timings and peak RSS, per edge; a
# size whose estimated memory exceeds what is available is skipped and says
# so. --growth-only skips the per-size tables. --budget S: seconds for each
# sampled peer or check (default 60). Before each driver it waits until the
# 1-minute load average is at most L (default 0.5) for at most S seconds
# (default 600; then it measures anyway and says so); --no-wait does not
# wait. When GAPBS's source is beside the repository (../shared/peers/gapbs,
# or GAPBS_SRC), it is built once in WORK/gapbs (never in the repo) and its
# pr, bfs, cc and bc kernels run on each size's graph, converted once from
# our graph store (the merged graph ours analyses) to GAPBS's .sg; never
# gating anything. Defaults: runs 3, threads = nproc,
# build build-suite, work $TMPDIR/linchpin-bench/suite, report to
# WORK/report.md (and stdout). Graphs are deleted afterwards unless --keep.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMD="bench/suite.sh $*"
BUILD="$ROOT/build-suite"
WORK="${TMPDIR:-/tmp}/linchpin-bench/suite"
SIZES="S M L"
XL=0
RUNS=3
THREADS=$(nproc)
BUDGET=60
GROWTH=0
GROWTH_ONLY=0
GROWTH_SIZES="1 4 16 64"
GROWTH_RUNS=""
WAIT=1
QUIET_LOAD=0.5
QUIET_MAX=600
KEEP=0
OUT=""
PY=/usr/bin/python3

while [ $# -gt 0 ]; do
    case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --xl) XL=1; shift ;;
    --runs) RUNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --budget) BUDGET=$2; shift 2 ;;
    --growth) GROWTH=1; shift ;;
    --growth-only) GROWTH=1; GROWTH_ONLY=1; shift ;;
    --growth-sizes) GROWTH_SIZES=$2; shift 2 ;;
    --growth-runs) GROWTH_RUNS=$2; shift 2 ;;
    --no-wait) WAIT=0; shift ;;
    --quiet-load) QUIET_LOAD=$2; shift 2 ;;
    --quiet-max) QUIET_MAX=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "suite.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[ "$XL" = 1 ] && SIZES="$SIZES XL"
[ "$GROWTH_ONLY" = 1 ] && SIZES=""
: "${GROWTH_RUNS:=$RUNS}"

. "$ROOT/bench/bench_lib.sh"
quiet() { if [ "$WAIT" = 1 ]; then wait_quiet "$QUIET_LOAD" "$QUIET_MAX"; fi; }
log() { echo "suite.sh: $*" >&2; }

# ---- build -----------------------------------------------------------------
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
mkdir -p "$WORK"
LP="$BUILD/cli/linchpin"
BUILD_NOTE=""
if ! cmake --build "$BUILD" -j "$(nproc)" --target linchpin bench_suite >"$WORK/build.log" 2>&1; then
    # a shared tree may be mid-edit: measure the last good build, and say so
    if [ -x "$LP" ] && [ -x "$BUILD/bench/bench_suite" ]; then
        BUILD_NOTE="; THE BUILD FAILED (see $WORK/build.log): binaries of $(date -u -r "$LP" '+%Y-%m-%d %H:%M UTC') used"
        log "build failed (see $WORK/build.log); using the existing binaries"
    else
        cat "$WORK/build.log" >&2
        exit 1
    fi
fi

# ---- GAPBS (the GAP Benchmark Suite), when its source is beside the repo ----
GAPBS_SRC="${GAPBS_SRC:-$ROOT/../shared/peers/gapbs}"
GAPBS=""
if [ -f "$GAPBS_SRC/src/pr.cc" ]; then
    GAPBS="$WORK/gapbs"
    rm -rf "$GAPBS"
    mkdir -p "$GAPBS"
    cp -r "$GAPBS_SRC/src" "$GAPBS/"
    for k in pr bfs cc bc converter; do
        if ! g++ -std=c++11 -O3 -Wall -fopenmp "$GAPBS/src/$k.cc" -o "$GAPBS/$k" \
            >>"$GAPBS/build.log" 2>&1; then
            log "GAPBS: building $k failed (see $GAPBS/build.log); no GAPBS rows"
            GAPBS=""
            break
        fi
    done
fi
# gapbs_size DIR: GAPBS's kernels on DIR/graph, converted once, into DIR/gapbs.out
gapbs_size() {
    sd=$1
    gd="$sd/gapbs"
    mkdir -p "$gd"
    "$LP" import "$sd/graph/nodes.csv" "$sd/graph/edges.csv" -o "$gd/graph.h5" \
        >"$gd/import.log" 2>&1 || { log "GAPBS: import failed (see $gd/import.log)"; return 0; }
    root=$($PY "$ROOT/bench/suite_report.py" gapbs_el "$gd/graph.h5" "$gd/graph.el") || return 0
    "$GAPBS/converter" -f "$gd/graph.el" -s -b "$gd/graph.sg" >"$gd/convert.log" 2>&1 ||
        { log "GAPBS: converter failed (see $gd/convert.log)"; return 0; }
    rm -f "$gd/graph.el" "$gd/graph.h5"
    : >"$sd/gapbs.out"
    # kernel phase arguments: pr to our tolerance; bfs and bc from R's first anchor
    for run in "pr pagerank -i 1000 -t 1e-12" "bfs brokerage -r $root" "cc keyperson" \
        "bc betweenness_sampled -r $root -i 1"; do
        set -- $run
        k=$1 phase=$2
        shift 2
        quiet
        lg=$(load1)
        OMP_NUM_THREADS="$THREADS" "$GAPBS/$k" -f "$gd/graph.sg" -n "$RUNS" "$@" >"$gd/$k.log" 2>&1 ||
            log "GAPBS: $k exited with status $? (see $gd/$k.log)"
        its=""
        if [ "$k" = pr ]; then # iterations, from one more (untimed) run that logs them
            OMP_NUM_THREADS="$THREADS" "$GAPBS/pr" -f "$gd/graph.sg" -n 1 -l "$@" >"$gd/pr_iter.log" 2>&1 || :
            its=" iterations=$(awk 'NF == 2 && $1 ~ /^[0-9]+$/ { n++ } END { print n + 0 }' "$gd/pr_iter.log")"
        fi
        echo "bench=gapbs phase=$phase impl=gapbs kernel=$k args=$(echo "$*" | tr ' ' '_') load=$lg$its $(awk '/Trial Time/ { t[n++] = $NF } END { if (!n) { print "median_s=NA"; exit } for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x } printf "median_s=%.6f runs=%d", (n % 2 ? t[int(n / 2)] : (t[n / 2 - 1] + t[n / 2]) / 2), n }' "$gd/$k.log")" >>"$sd/gapbs.out"
    done
    rm -f "$gd/graph.sg"
}

# ---- sizes: accounts for a target, calibrated on 20 000 accounts -----------
cal="$WORK/calibrate"
"$LP" generate --accounts 20000 --seed 1 -o "$cal" >/dev/null
CAL_NODES=$(($(wc -l <"$cal/nodes.csv") - 1))
CAL_EDGES=$(($(wc -l <"$cal/edges.csv") - 1))
rm -rf "$cal"

# accounts_for KIND TARGET: accounts giving ~TARGET nodes (KIND n) or edge
# rows (KIND m), rounded to 100
accounts_for() {
    awk -v k="$1" -v t="$2" -v cn="$CAL_NODES" -v ce="$CAL_EDGES" 'BEGIN {
        per = (k == "n" ? cn : ce) / 20000; a = int(t / per / 100 + 0.5) * 100
        if (a < 100) a = 100; print a }'
}
size_accounts() {
    case "$1" in
    S) accounts_for n 20000 ;;
    M) accounts_for m 1000000 ;;
    L) accounts_for m 10000000 ;;
    XL) accounts_for m 75000000 ;;
    *) echo "suite.sh: unknown size '$1' (S, M, L, XL)" >&2; exit 2 ;;
    esac
}

gen() { # gen DIR ACCOUNTS: generate, record what was made in DIR/gen.txt
    mkdir -p "$1"
    "$LP" generate --accounts "$2" --seed 1 -o "$1" >"$1/gen.log"
    echo "accounts=$2 seed=1 node_rows=$(($(wc -l <"$1/nodes.csv") - 1)) edge_rows=$(($(wc -l <"$1/edges.csv") - 1))" >"$1/gen.txt"
}

mem_avail_mb() { awk '/MemAvailable/ { printf "%d", $2 / 1024 }' /proc/meminfo; }

# busy CPU seconds of the whole machine so far (/proc/stat: all but idle, iowait)
machine_busy() {
    awk -v tck="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / tck; exit }' /proc/stat
}
# others_cpu BUSY0 BUSY1 TIMEFILE: share of the machine other processes used
# while the command timed in TIMEFILE (/usr/bin/time -v) ran
others_cpu() {
    awk -v b0="$1" -v b1="$2" -v np="$(nproc)" '
        /User time/ { u = $NF } /System time/ { s = $NF }
        /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        END { x = (w > 0.5) ? ((b1 - b0) - u - s) / (w * np) : -1
              if (x > 1) x = 1; if (x < 0 && x != -1) x = 0; printf "%.2f", x }' "$3"
}

# ---- metadata ---------------------------------------------------------------
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit + uncommitted changes"
fi
{
    echo "command: $CMD"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $commit"
    echo "machine: $(uname -m), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)), Linux $(uname -r)"
    echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "versions: igraph $(pkg-config --modversion igraph), HDF5 $(pkg-config --modversion hdf5-serial 2>/dev/null || echo ?), graph-tool $($PY -c 'import graph_tool; print(graph_tool.__version__.split()[0])' 2>/dev/null || echo missing), NetworkX $($PY -c 'import networkx; print(networkx.__version__)' 2>/dev/null || echo missing), $(gcc --version | head -n 1)"
    echo "build: $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt") ($BUILD)$BUILD_NOTE"
    echo "threads: $THREADS"
    echo "runs: $RUNS (median); growth runs: $GROWTH_RUNS"
    echo "budget: $BUDGET s per sampled peer or check"
    echo "sizes: $SIZES"
    [ "$GROWTH" = 1 ] && echo "growth: $(for g in $GROWTH_SIZES; do printf '%sM ' "$g"; done)"
    echo "calibration: 20000 accounts -> $CAL_NODES nodes, $CAL_EDGES edge rows"
    [ -n "$GAPBS" ] && echo "gapbs: $(head -c 12 "$GAPBS_SRC/COMMIT" 2>/dev/null || echo '?') (built with $(g++ --version | head -n 1), -O3 -fopenmp)"
} >"$WORK/meta.txt"

# ---- per-size tables --------------------------------------------------------
for size in $SIZES; do
    acc=$(size_accounts "$size")
    d="$WORK/$size"
    rm -rf "$d"
    log "$size: generating $acc accounts"
    gen "$d/graph" "$acc"
    cp "$d/graph/gen.txt" "$d/gen.txt"
    mkdir -p "$d/dump"
    quiet
    l_suite=$(load1)
    log "$size: bench_suite (load $l_suite)"
    /usr/bin/time -v -o "$d/suite.time" "$BUILD/bench/bench_suite" "$d/graph/nodes.csv" \
        "$d/graph/edges.csv" --runs "$RUNS" --threads "$THREADS" --budget "$BUDGET" \
        --work "$d" --dump "$d/dump" >"$d/suite.out" 2>"$d/suite.err" ||
        log "$size: bench_suite exited with status $? (see $d/suite.err)"
    e_suite=$(load1)
    quiet
    l_peers=$(load1)
    log "$size: peers_suite.py (load $l_peers)"
    /usr/bin/time -v -o "$d/peers.time" $PY "$ROOT/bench/peers_suite.py" "$d/graph/nodes.csv" \
        "$d/graph/edges.csv" --dump "$d/dump" --runs "$RUNS" --threads "$THREADS" \
        --budget "$BUDGET" --work "$d" >"$d/peers.out" 2>"$d/peers.err" ||
        log "$size: peers_suite.py exited with status $? (see $d/peers.err)"
    echo "suite=$l_suite suite_end=$e_suite peers=$l_peers peers_end=$(load1)" >"$d/load.txt"
    if [ -n "$GAPBS" ]; then
        log "$size: GAPBS pr, bfs, cc, bc"
        gapbs_size "$d"
    fi
    [ "$KEEP" = 1 ] || rm -rf "$d/graph" "$d/dump"
done

# ---- growth -------------------------------------------------------------------
if [ "$GROWTH" = 1 ]; then
    per_edge_b=250 # first guess at the peak bytes per edge of analyze, then measured
    for g in $GROWTH_SIZES; do
        name="${g}M"
        d="$WORK/growth/$name"
        rm -rf "$d"
        mkdir -p "$d"
        acc=$(accounts_for m "$((g * 1000000))")
        need=$(awk -v b="$per_edge_b" -v g="$g" 'BEGIN { printf "%d", b * g * 1.3 }') # MB
        avail=$(mem_avail_mb)
        if [ "$need" -gt "$avail" ]; then
            echo "accounts=$acc note=skipped:needs_~${need}MB,_${avail}MB_available" >"$d/info.txt"
            log "growth $name: skipped (needs ~$need MB, $avail MB available)"
            continue
        fi
        log "growth $name: generating $acc accounts"
        gen "$d/graph" "$acc"
        quiet
        la=$(load1)
        echo "accounts=$acc load=$la" >"$d/info.txt"
        i=1
        while [ "$i" -le "$GROWTH_RUNS" ]; do
            [ "$i" -gt 1 ] && quiet
            lr=$(load1)
            log "growth $name: analyze run $i (load $lr)"
            b0=$(machine_busy)
            if /usr/bin/time -v -o "$d/run$i.time" "$LP" analyze "$d/graph/nodes.csv" \
                "$d/graph/edges.csv" -o "$d/results.h5" --betweenness sampled \
                --threads "$THREADS" --progress never --quiet 2>"$d/run$i.err"; then
                oc=$(others_cpu "$b0" "$(machine_busy)" "$d/run$i.time")
                echo "$($PY "$ROOT/bench/suite_report.py" timings "$d/results.h5") load_start=$lr load_end=$(load1) others_cpu=$oc" >>"$d/timings.txt"
            else
                log "growth $name: analyze failed (see $d/run$i.err)"
                echo "accounts=$acc load=$la note=analyze_failed" >"$d/info.txt"
                break
            fi
            rm -f "$d/results.h5"
            i=$((i + 1))
        done
        rss_kb=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$d/run1.time" 2>/dev/null || echo 0)
        if [ -n "$rss_kb" ] && [ "$rss_kb" -gt 0 ]; then
            per_edge_b=$(awk -v k="$rss_kb" -v g="$g" 'BEGIN { printf "%d", k * 1024 / (g * 1000000) + 1 }')
        fi
        [ "$KEEP" = 1 ] || rm -rf "$d/graph"
    done
fi

# ---- report -------------------------------------------------------------------
report="${OUT:-$WORK/report.md}"
$PY "$ROOT/bench/suite_report.py" report "$WORK" >"$report"
cat "$report"
log "report written to $report"
