#!/bin/sh
# Build only the `linchpin` command (not the tests or benchmarks) and run the
# main job on the bundled sample enterprise.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DLP_WERROR=ON >/dev/null
cmake --build build/release --target linchpin -j "$(nproc)"
./build/release/cli/linchpin analyze data/sample/nodes.csv data/sample/edges.csv \
    -o sample-results.h5 "$@"
echo
echo "linchpin is built at $(pwd)/build/release/cli/linchpin"
echo "results: $(pwd)/sample-results.h5 (linchpin summary sample-results.h5; man -l docs/linchpin.1)"
