"""Hard limits and hard stops through the command (issue 15 items 5 and 8):
- `ulimit -f` (RLIMIT_FSIZE) smaller than the output: analyze and import exit
  4 with "cannot write <path>: File too large" on one line, no temporary
  file, no output (before: killed by SIGXFSZ, no message, a .tmp file left);
- kill -9 of an import at a random moment: the earlier store at the target
  is intact or replaced by a complete one, and after the next run no
  temporary file is left (tests/test_faults.c covers SIGINT/SIGTERM, the
  named fallback and ENOSPC).
"""
import os
import random
import resource
import signal
import subprocess
import tempfile
import time

from lptest import Checker, linchpin, run

C = Checker("faults_cli")


def temps(d):
    return [f for f in os.listdir(d) if f.startswith(".") and ".tmp-" in f]


def limit_fsize():
    resource.setrlimit(resource.RLIMIT_FSIZE, (128 * 1024, 128 * 1024))


with tempfile.TemporaryDirectory() as d:
    g = os.path.join(d, "g")
    p = run(["generate", "--accounts", "20000", "-o", g])
    C.check(p.returncode == 0, f"generate: {p.stderr}")
    n, e = os.path.join(g, "nodes.csv"), os.path.join(g, "edges.csv")
    for cmd, out in (("analyze", os.path.join(d, "r.h5")), ("import", os.path.join(d, "s.h5"))):
        args = [cmd, n, e, "-o", out] + (["--quiet", "--betweenness", "off"] if cmd == "analyze" else [])
        p = subprocess.run([linchpin()] + args, capture_output=True, text=True,
                           preexec_fn=limit_fsize)
        C.check(p.returncode == 4 and p.stderr == f"linchpin: cannot write {out}: File too large\n",
                f"{cmd} under ulimit -f: exit {p.returncode}, stderr {p.stderr!r}")
        C.check(not os.path.exists(out) and not temps(d), f"{cmd} under ulimit -f: litter {temps(d)}")

    store = os.path.join(d, "s.h5")
    p = run(["import", n, e, "-o", store])
    C.check(p.returncode == 0, f"import: {p.stderr}")
    with open(store, "rb") as f:
        old = f.read()
    rng = random.Random(int(time.time()))
    for k in range(3):
        proc = subprocess.Popen([linchpin(), "import", n, e, "-o", store],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open(store, "rb") as f:
            now = f.read()
        if now != old:
            p = run(["analyze", store, "-o", os.path.join(d, "check.h5"), "--quiet",
                     "--betweenness", "off"])
            C.check(p.returncode == 0, f"kill -9 #{k}: store damaged: {p.stderr}")
            old = now
        left = temps(d)
        if left:
            time.sleep(3)  # stale after LP_H5W_STALE_SECONDS
        p = run(["import", n, e, "-o", store])
        C.check(p.returncode == 0 and not temps(d),
                f"kill -9 #{k}: after the next run: exit {p.returncode}, litter {temps(d)}")
        with open(store, "rb") as f:
            old = f.read()

C.done()
