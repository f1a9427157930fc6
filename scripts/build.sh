#!/bin/sh
# Configure and build linchpin (release, warnings as errors) into build/release.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DLP_WERROR=ON >/dev/null
cmake --build build/release -j "$(nproc)"
