"""Shared helpers for linchpin's Python tests (run with /usr/bin/python3)."""
import csv
import os
import subprocess
import sys

SKIP = 77


def linchpin():
    path = os.environ.get("LINCHPIN")
    if not path or not os.path.exists(path):
        print("LINCHPIN is not set to the built binary", file=sys.stderr)
        sys.exit(1)
    return path


def run(args, **kw):
    """Run linchpin with args; returns CompletedProcess (text mode)."""
    return subprocess.run([linchpin()] + list(args), capture_output=True, text=True, **kw)


def write_csv(path, header, rows, newline="\n"):
    """Write rows with Python's csv module (an independent writer)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)


class Checker:
    def __init__(self, name):
        self.name = name
        self.failures = 0

    def check(self, cond, msg):
        if not cond:
            self.failures += 1
            print(f"FAIL {self.name}: {msg}", file=sys.stderr)
        return cond

    def done(self):
        if self.failures:
            print(f"{self.name}: {self.failures} failures", file=sys.stderr)
            sys.exit(1)
        print(f"{self.name}: all checks passed")
        sys.exit(0)


def bus_factor(GR, a, persons, root, cap):
    """Bus factor of account a by max flow from a to the virtual root on the
    node-split digraph of GR (NetworkX): persons (other than a) have
    capacity 1, every other node and every edge is unlimited (no capacity
    attribute = infinite); min(flow, cap); 0 without a path."""
    import networkx as nx
    if not nx.has_path(GR, a, root):
        return 0
    D = nx.DiGraph()
    for v in GR.nodes:
        if v in persons and v != a:
            D.add_edge((v, "in"), (v, "out"), capacity=1)
        else:
            D.add_edge((v, "in"), (v, "out"))
    for u, v in GR.edges():
        D.add_edge((u, "out"), (v, "in"))
        D.add_edge((v, "out"), (u, "in"))
    try:
        flow = nx.maximum_flow_value(D, (a, "out"), (root, "in"))
    except nx.NetworkXUnbounded:
        return cap
    return int(min(flow, cap))


def damaged_input_env():
    """Environment for running linchpin on damaged HDF5 files: under the
    sanitizers, HDF5 1.10's own leak on its error path (a partly loaded
    object header, see tests/fuzz/lsan.supp) is suppressed; nothing of
    linchpin's is. Same as the process environment otherwise."""
    env = dict(os.environ)
    src = os.environ.get("LP_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
    supp = os.path.join(src, "tests", "fuzz", "lsan.supp")
    if os.path.exists(supp):
        opts = env.get("LSAN_OPTIONS", "")
        env["LSAN_OPTIONS"] = (opts + ":" if opts else "") + \
            f"suppressions={supp}:fast_unwind_on_malloc=0:print_suppressions=0"
        for sym in ("/usr/bin/llvm-symbolizer", "/usr/bin/llvm-symbolizer-15"):
            if os.path.exists(sym):
                env.setdefault("ASAN_SYMBOLIZER_PATH", sym)
                break
    return env
