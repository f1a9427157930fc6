#!/bin/sh
# Configure and build linchpin (release, warnings as errors) into build/release,
# with the tests and benchmarks (scripts/demo.sh builds only the command).
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DLP_WERROR=ON \
    -DLP_BUILD_TESTS=ON -DLP_BUILD_BENCH=ON >/dev/null
cmake --build build/release -j "$(nproc)"
