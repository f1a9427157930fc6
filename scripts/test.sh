#!/bin/sh
# The whole test suite: a release build (-Werror) and an AddressSanitizer +
# UndefinedBehaviorSanitizer build, each built and run with ctest, and the
# MPI build's test (py_mpi) between them.
# Tests that need ../shared/data/real skip (not fail) when it is absent.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

./scripts/build.sh
ctest --test-dir build/release --output-on-failure -j "$jobs"

# The MPI build (-DLP_MPI=ON, docs/mpi.md): only the command is built, and
# only py_mpi runs (mpirun -np 1..4 against build/release's files, about
# 1.5 minutes). Skipped when Open MPI is not installed.
if command -v mpicc >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1; then
    cmake -S . -B build/mpi -DCMAKE_BUILD_TYPE=Release -DLP_WERROR=ON -DLP_MPI=ON \
        -DLP_BUILD_TESTS=ON -DLP_BUILD_BENCH=OFF >/dev/null
    cmake --build build/mpi -j "$jobs" --target linchpin
    ctest --test-dir build/mpi --output-on-failure -R '^py_mpi$'
else
    echo "linchpin: Open MPI not installed (scripts/setup.sh installs it): MPI tests skipped"
fi

cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DLP_WERROR=ON -DLP_SANITIZE=ON \
    -DLP_BUILD_TESTS=ON -DLP_BUILD_BENCH=ON >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs"
echo "linchpin: all tests passed (release and ASan+UBSan)"
