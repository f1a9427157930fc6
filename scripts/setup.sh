#!/bin/sh
# Install linchpin's build and test dependencies from Debian's packages.
# Idempotent; run as root (or with sudo available).
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
    build-essential cmake pkg-config \
    libigraph-dev libhdf5-dev zlib1g-dev libcjson-dev \
    python3 python3-networkx python3-scipy python3-h5py python3-numpy python3-igraph \
    python3-pandas clang-15 libfuzzer-15-dev llvm \
    chromium \
    openmpi-bin libopenmpi-dev
if [ "${LINCHPIN_BENCH:-0}" = "1" ]; then
    $SUDO apt-get install -y --no-install-recommends python3-graph-tool hyperfine time
fi
