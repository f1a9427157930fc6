#!/bin/sh
# The report at L (~10M edges): time and size of `linchpin report` (with and
# without --graph) on the result file of `analyze --betweenness off`.
# usage: bench/run_report.sh [BUILD_DIR] [WORK_DIR]   (default build/release, /tmp/rep)
set -eu
B=${1:-build/release}
W=${2:-/tmp/rep}
L=$(cd "$B" && pwd)/cli/linchpin
mkdir -p "$W"
cd "$W"
[ -f L/edges.csv ] || "$L" generate --accounts 1926500 --seed 1 -o L
[ -f L.h5 ] || "$L" import L/nodes.csv L/edges.csv -o L.h5
[ -f Lres.h5 ] || "$L" analyze L.h5 -o Lres.h5 --betweenness off --quiet
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
    /usr/bin/time -f "report: %e s wall, %M KB peak" "$L" report Lres.h5 -o L.html
done
ls -l L.html
for run in 1 2 3; do
    /usr/bin/time -f "report --graph: %e s wall, %M KB peak" "$L" report Lres.h5 --graph L.h5 -o Lg.html
done
ls -l Lg.html
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
