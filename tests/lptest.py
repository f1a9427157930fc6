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
