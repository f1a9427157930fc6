#!/bin/sh
# Strong scaling under MPI (bench/README.md "MPI"): the same analysis at 1
# and 2 ranks x 1 thread, side by side, RUNS times each (alternating), with
# LINCHPIN_MPI_STATS for each rank's compute and wait before every
# reduction (the balance). Prints the phase timings of every run.
#   bench/run_mpi.sh BUILD_MPI GRAPH.h5 RUNS [analyze options...]
# e.g. bench/run_mpi.sh build/mpi /tmp/S.h5 3 --betweenness exact
set -eu
bin=$1/cli/linchpin
graph=$2
runs=$3
shift 3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
    for p in 1 2; do
        echo "== run $i, $p rank(s) x 1 thread"
        LINCHPIN_MPI_STATS=1 /usr/bin/time -f "wall %e s, CPU of all ranks %U s user + %S s system, peak RSS of the largest rank %M kB" \
            mpirun --oversubscribe --bind-to none -np "$p" -x OMP_NUM_THREADS -x LINCHPIN_MPI_STATS \
            "$bin" analyze "$graph" -o "$out/r$p.h5" --threads 1 --quiet --progress always "$@" 2>&1 |
            tr '\r' '\n' | grep -E "timings|reductions|wall"
    done
    cmp -s "$out/r1.h5" "$out/r2.h5" || echo "(files differ in attributes only; datasets are compared by tests/test_mpi.py)"
    i=$((i + 1))
done
