#!/bin/sh
# Build linchpin and run the main job on the bundled sample enterprise.
set -eu
cd "$(dirname "$0")/.."
./scripts/build.sh
./build/release/cli/linchpin analyze data/sample/nodes.csv data/sample/edges.csv \
    -o sample-results.h5 "$@"
