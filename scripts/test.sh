#!/bin/sh
# The whole test suite: a release build (-Werror) and an AddressSanitizer +
# UndefinedBehaviorSanitizer build, each built and run with ctest.
# Tests that need ../shared/data/real skip (not fail) when it is absent.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

./scripts/build.sh
ctest --test-dir build/release --output-on-failure -j "$jobs"

cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DLP_WERROR=ON -DLP_SANITIZE=ON \
    -DLP_BUILD_TESTS=ON -DLP_BUILD_BENCH=ON >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs"
echo "linchpin: all tests passed (release and ASan+UBSan)"
