#!/usr/bin/python3
"""Markdown report of bench/suite.sh from the files it leaves in its work
directory (the key=value lines of bench_suite and peers_suite.py, the
/usr/bin/time -v reports, the growth runs).

    /usr/bin/python3 bench/suite_report.py report WORK      > report.md
    /usr/bin/python3 bench/suite_report.py timings RESULTS.h5
    /usr/bin/python3 bench/suite_report.py gapbs_el GRAPH.h5 OUT.el

`gapbs_el` writes a graph store's edges (each once, as node rows) as the
edge list GAPBS's converter reads, and prints the row of the first anchor
(first `company` node) for the kernels started from R.

`timings` prints /summary/timings of a result file (and its node and edge
counts) as one key=value line, for the growth runs. Never part of the tests.
"""
import os
import statistics
import sys

# rows of the per-size table: key, label
ROWS = [
    ("load", "load (CSV)"),
    ("load_store", "load (graph store)"),
    ("keyperson", "key persons"),
    ("busfactor", "bus factor (cap 3)"),
    ("dominant_share", "dominant share"),
    ("scenarios", "scenarios (whatif)"),
    ("brokerage", "brokerage"),
    ("betweenness", "betweenness, exact"),
    ("betweenness_sampled", "betweenness, sampled ε 0.01 δ 0.1"),
    ("pagerank", "PageRank (L1 1e-12)"),
    ("write", "HDF5 write"),
]
# which impl fills the C-peer, graph-tool and NetworkX columns, in order of preference
C_PEER = ["igraph", "hdf5", "igraph_sources"]
GT_PEER = ["gt", "gt_sources"]
NX_PEER = ["nx", "nx_sources"]
GROWTH_PHASES = ["load", "keyperson", "busfactor", "brokerage", "betweenness", "pagerank", "write"]


def parse_kv(path):
    """Lines of key=value pairs -> list of dicts (missing file: [])."""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="utf-8", errors="replace"):
        d = {}
        for tok in line.split():
            if "=" in tok:
                k, v = tok.split("=", 1)
                d[k] = v
        if d:
            out.append(d)
    return out


def time_v(path):
    """(peak RSS MB, wall seconds) of a /usr/bin/time -v report."""
    rss = wall = None
    if os.path.exists(path):
        for line in open(path):
            if "Maximum resident set size" in line:
                rss = int(line.rsplit(":", 1)[1]) / 1024.0
            elif "Elapsed (wall clock)" in line:
                parts = [float(x) for x in line.rsplit(" ", 1)[1].split(":")]
                wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return rss, wall


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def fmt_s(x):
    """Seconds with 3 significant digits."""
    if x is None:
        return "–"
    if x >= 1000:
        return f"{x:,.0f}".replace(",", " ")
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def fmt_ratio(r):
    if r is None:
        return ""
    if r >= 100:
        return f"{r:,.0f}×".replace(",", " ")
    return f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def fmt_mb(x):
    return "–" if x is None else f"{x:,.0f}".replace(",", " ")


def fmt_int(x):
    return f"{int(x):,}".replace(",", " ")


class Size:
    def __init__(self, work, name):
        self.name = name
        d = os.path.join(work, name)
        self.lines = (parse_kv(os.path.join(d, "suite.out")) + parse_kv(os.path.join(d, "peers.out"))
                      + parse_kv(os.path.join(d, "gapbs.out")))
        self.gen = dict(kv.split("=", 1) for kv in open(os.path.join(d, "gen.txt")).read().split()) \
            if os.path.exists(os.path.join(d, "gen.txt")) else {}
        self.load = dict(kv.split("=", 1) for kv in open(os.path.join(d, "load.txt")).read().split()) \
            if os.path.exists(os.path.join(d, "load.txt")) else {}
        self.suite_rss, self.suite_wall = time_v(os.path.join(d, "suite.time"))
        self.peers_rss, self.peers_wall = time_v(os.path.join(d, "peers.time"))

    def get(self, phase, impl):
        for d in self.lines:
            if d.get("phase") == phase and d.get("impl") == impl:
                return d
        return None

    def checks(self, phase):
        return [d for d in self.lines if d.get("phase") == phase and "check" in d]

    def first(self, key):
        for d in self.lines:
            if key in d:
                return d[key]
        return None


BUSY_FLAG = 0.15  # others_cpu above this: the figure shared its cores


def busy(d):
    """' ⚠' when other processes used more than BUSY_FLAG of the machine
    during the runs behind line d."""
    x = num(d.get("others_cpu")) if d else None
    return " ⚠" if x is not None and x > BUSY_FLAG else ""


def peer_cell(sz, phase, impls, ours_t):
    """'seconds (ratio)' of the first impl present; ≈ marks an extrapolation."""
    for impl in impls:
        d = sz.get(phase, impl)
        if d is None:
            continue
        t = num(d.get("median_s"))
        if t is None:
            note = d.get("note", "")
            return ("skipped" if note.startswith("skipped") else "–"), None, d
        approx = "≈ " if d.get("extrapolated") == "1" else ""
        r = t / ours_t if ours_t else None
        return (f"{approx}{fmt_s(t)}" + (f" ({fmt_ratio(r)})" if r else "") + busy(d),
                num(d.get("rss_mb")), d)
    return "–", None, None


def gapbs_cell(sz, key, ours_t):
    """GAPBS's kernel nearest to the phase: pr beside PageRank (same tolerance),
    bfs (from R's first anchor) beside brokerage, cc beside key persons, one
    bc source beside sampled betweenness (time per source, no ratio)."""
    d = sz.get(key, "gapbs")
    if d is None:
        return "–"
    t = num(d.get("median_s"))
    if t is None:
        return "failed"
    if key == "betweenness_sampled":
        return f"bc: {fmt_s(t)} per source"
    r = t / ours_t if ours_t else None
    its = f", {d['iterations']} it." if "iterations" in d else ""
    return f"{d.get('kernel', '?')}: {fmt_s(t)}" + (f" ({fmt_ratio(r)})" if r else "") + its


def size_table(sz, threads):
    out = []
    has_gapbs = any(d.get("impl") == "gapbs" for d in sz.lines)
    out.append(f"| phase | ours, {threads} thr. (s) | ours, 1 thr. (s) | 1 → {threads} thr. | "
               "igraph C (s, ratio) | graph-tool (s, ratio) | NetworkX (s, ratio) | "
               + ("GAPBS (s, ratio) | " if has_gapbs else "")
               + "peak MB ours | peak MB igraph / gt / nx | check |")
    out.append("|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if has_gapbs else "") + "---:|---:|---|")
    for key, label in ROWS:
        o = sz.get(key, "ours")
        o1 = sz.get(key, "ours_1t")
        t = num(o.get("median_s")) if o else None
        t1 = num(o1.get("median_s")) if o1 else None
        if o and o.get("note", "").startswith("not_available"):
            ours = "not available"
        elif o and o.get("note", "").startswith("skipped_above_exact_max_nodes"):
            ours = f"not run (n > {fmt_int(o['note'].rsplit('=', 1)[1])})"
        elif o and o.get("note", "").startswith("skipped"):
            ours = "not run"
        else:
            ours = fmt_s(t) + busy(o)
        lab = label
        if key == "scenarios" and o and "scenarios" in o:
            lab = f"scenarios: {o['scenarios']} departures"
        if key == "write" and o:
            lab = f"HDF5 write ({o.get('betweenness', '?')} betweenness)"
        c_cell, c_rss, c_d = peer_cell(sz, key, C_PEER, t)
        if c_d is not None and c_d.get("impl") == "hdf5":
            c_cell += " †"
        if key == "busfactor" and c_d is not None and num(c_d.get("median_s")):
            c_cell += " ‡"
        g_cell, g_rss, _ = peer_cell(sz, key, GT_PEER, t)
        n_cell, n_rss, _ = peer_cell(sz, key, NX_PEER, t)
        if key == "betweenness_sampled":
            c_cell = g_cell = n_cell = "– §"
        scale = fmt_ratio(t1 / t) if t and t1 else "–"
        checks = sz.checks(key)
        if not checks:
            verdict = "–"
        else:
            bad = [c for c in checks if c["check"] != "PASS"]
            verdict = "PASS" if not bad else "FAIL (" + ", ".join(c["impl"] for c in bad) + ")"
            verdict += f" ({len(checks)})" if len(checks) > 1 else ""
        peers_mb = " / ".join(fmt_mb(x) for x in (c_rss, g_rss, n_rss))
        gp = f"{gapbs_cell(sz, key, t)} | " if has_gapbs else ""
        out.append(f"| {lab} | {ours} | {fmt_s(t1)}{busy(o1)} | {scale} | {c_cell} | {g_cell} | {n_cell} | "
                   f"{gp}{fmt_mb(num(o.get('rss_mb')) if o else None)} | {peers_mb} | {verdict} |")
    return "\n".join(out)


def details(sz):
    """Bullets: the sampled and extrapolated peers, and every check line."""
    out = []
    for d in sz.lines:
        if d.get("extrapolated") == "1":
            unit = d.get("per_account_s") or d.get("per_scenario_s") or d.get("per_source_s")
            what = ("accounts" if "per_account_s" in d else "scenarios" if "per_scenario_s" in d
                    else "sources")
            out.append(f"- {d['phase']} / {d['impl']} (`{d.get('call', '')}`): "
                       f"{d.get('sample', d.get('sources'))} {what} timed, {unit} s each, "
                       f"extrapolated to {fmt_s(num(d['median_s']))} s")
    for d in sz.lines:
        if d.get("phase") == "pagerank" and ("l1_err" in d or "l1_err_ours" in d):
            if d["impl"] == "reference":
                out.append(f"- pagerank: L1 error of ours against a graph-tool reference at "
                           f"epsilon 1e-15 (untimed): {d['l1_err_ours']}")
            else:
                tol = d.get("epsilon", d.get("tol", "?"))
                it = f"{d['iterations']} iterations, " if "iterations" in d else ""
                out.append(f"- pagerank / {d['impl']} (tolerance {tol}): "
                           f"{fmt_s(num(d['median_s']))} s, {it}L1 error {d['l1_err']}")
    bcc = sz.get("keyperson", "igraph_bcc")
    if bcc:
        out.append(f"- keyperson / igraph_biconnected_components (blocks too, as graph-tool): "
                   f"{fmt_s(num(bcc['median_s']))} s")
    for key, _ in ROWS:
        for c in sz.checks(key):
            rest = " ".join(f"{k}={v}" for k, v in c.items()
                            if k not in ("bench", "phase", "impl", "check"))
            out.append(f"- check {key} ({c['impl']}): **{c['check']}** {rest}")
    return "\n".join(out)


def growth_table(work, sizes):
    rows, per = [], []
    for g in sizes:
        d = os.path.join(work, "growth", g)
        runs = parse_kv(os.path.join(d, "timings.txt"))
        info = parse_kv(os.path.join(d, "info.txt"))
        info = info[0] if info else {}
        if not runs:
            note = info.get("note", "not run")
            rows.append(f"| {g} | {info.get('accounts', '–')} | – | – | "
                        + " | ".join("–" for _ in GROWTH_PHASES) + f" | – | – | {note} |")
            continue
        n, m = int(runs[0]["nodes"]), int(runs[0]["edges"])
        med = {p: statistics.median(float(r[p]) for r in runs if p in r) for p in GROWTH_PHASES
               if any(p in r for r in runs)}
        total = sum(med.values())
        rss = max(time_v(os.path.join(d, f"run{i + 1}.time"))[0] or 0 for i in range(len(runs)))
        la = ", ".join(f"{r.get('load_start', '?')}–{r.get('load_end', '?')}" for r in runs)
        oc = max((num(r.get("others_cpu")) or 0) for r in runs)
        la += f"; others_cpu ≤ {oc:.2f}" + (" ⚠" if oc > BUSY_FLAG else "")
        rows.append(f"| {g} | {info.get('accounts', '–')} | {fmt_int(n)} | {fmt_int(m)} | "
                    + " | ".join(fmt_s(med.get(p)) for p in GROWTH_PHASES)
                    + f" | {fmt_s(total)} | {fmt_mb(rss)} | {len(runs)} run(s); load {la} |")
        per.append(f"| {g} | {fmt_int(m)} | "
                   + " | ".join(f"{med[p] / m * 1e9:.0f}" if p in med else "–"
                                for p in GROWTH_PHASES)
                   + f" | {total / m * 1e9:.0f} | {rss * 1048576 / m:.0f} |")
    head = ("| target edges | accounts | n | m | " + " | ".join(GROWTH_PHASES)
            + " | total s | peak MB | note |")
    out = [head, "|---|---:|---:|---:|" + "---:|" * len(GROWTH_PHASES) + "---:|---:|---|"] + rows
    out += ["", "Per edge (ns per edge for each phase; peak RSS in bytes per edge):", "",
            "| target edges | m | " + " | ".join(f"{p} ns/e" for p in GROWTH_PHASES)
            + " | total ns/e | peak B/e |",
            "|---|---:|" + "---:|" * len(GROWTH_PHASES) + "---:|---:|"] + per
    return "\n".join(out)


def report(work):
    meta = {}
    for line in open(os.path.join(work, "meta.txt"), encoding="utf-8"):
        if ": " in line:
            k, v = line.rstrip("\n").split(": ", 1)
            meta[k] = v
    threads = meta.get("threads", "?")
    out = ["# linchpin benchmark suite — results", ""]
    for k in ("command", "date", "commit", "machine", "memory", "versions", "build", "threads",
              "runs", "budget"):
        if k in meta:
            out.append(f"- {k}: {'`' + meta[k] + '`' if k == 'command' else meta[k]}")
    out.append("")
    for name in meta.get("sizes", "").split():
        sz = Size(work, name)
        if not sz.lines:
            out += [f"## {name}", "", "not run", ""]
            continue
        n, m = sz.first("n"), sz.first("m")
        out.append(f"## {name}: {fmt_int(n)} nodes, {fmt_int(m)} edges")
        out.append("")
        gen = sz.gen
        out.append(f"`linchpin generate --accounts {gen.get('accounts', '?')} --seed "
                   f"{gen.get('seed', '?')}`: {gen.get('node_rows', '?')} node rows, "
                   f"{gen.get('edge_rows', '?')} edge rows. 1-minute load average at the start "
                   f"(and end): bench_suite {sz.load.get('suite', '?')} "
                   f"({sz.load.get('suite_end', '?')}), peers_suite.py {sz.load.get('peers', '?')} "
                   f"({sz.load.get('peers_end', '?')}). Whole-process peak RSS (time -v): bench_suite "
                   f"{fmt_mb(sz.suite_rss)} MB ({fmt_s(sz.suite_wall)} s wall), peers_suite.py "
                   f"{fmt_mb(sz.peers_rss)} MB ({fmt_s(sz.peers_wall)} s wall).")
        out.append("")
        out.append(size_table(sz, threads))
        out.append("")
        out.append("Ratio = peer's seconds / ours at "
                   f"{threads} threads (above 1: we are faster). ≈ = extrapolated from a timed "
                   "sample (see below). † plain HDF5 C API writing the same node and account "
                   "columns. ‡ `igraph_st_vertex_connectivity` answers another question (every "
                   "vertex removable), time only. § no peer has a sampler with an (ε, δ) "
                   "guarantee; the exact row gives what exact betweenness costs them. ⚠ other "
                   f"processes used more than {BUSY_FLAG:.0%} of the machine's CPU during these "
                   "runs (others_cpu in the raw output): the figure shared its cores."
                   + (" GAPBS: its kernel nearest to the phase on the same graph (converted once "
                      "from our graph store), time of the kernel only: pr to the same L1 change "
                      "(unweighted, float, Gauss-Seidel), bfs from R's first anchor beside "
                      "brokerage, cc (connected components) beside key persons, bc for one "
                      "source beside sampled betweenness." if any(d.get("impl") == "gapbs" for d in sz.lines) else ""))
        out.append("")
        out.append("<details><summary>samples, extrapolations and checks</summary>")
        out.append("")
        out.append(details(sz))
        out.append("")
        out.append("</details>")
        out.append("")
    if meta.get("growth"):
        out.append("## Growth: `linchpin analyze --betweenness sampled`")
        out.append("")
        out.append(growth_table(work, meta["growth"].split()))
        out.append("")
    return "\n".join(out)


def timings(path):
    import h5py

    with h5py.File(path, "r") as f:
        t = dict(f["/summary/timings"].attrs)
        s = f["/summary"].attrs
        print(" ".join([f"nodes={int(s['nodes'])}", f"edges={int(s['edges'])}"]
                       + [f"{k}={float(v):.6f}" for k, v in t.items()]))


def gapbs_el(store, out):
    import h5py
    import numpy as np

    with h5py.File(store, "r") as f:
        off = f["csr/offsets"][:]
        tgt = f["csr/targets"][:]
        types = [bytes(f["types/name_bytes"][a:b - 1]).decode() for a, b in
                 zip(f["types/name_offsets"][:-1], f["types/name_offsets"][1:])]
        node_type = f["nodes/type"][:]
    src = np.repeat(np.arange(len(off) - 1, dtype=np.int64), np.diff(off))
    keep = src < tgt
    np.savetxt(out, np.stack([src[keep], tgt[keep]], 1), fmt="%d")
    anchors = np.flatnonzero(node_type == types.index("company")) if "company" in types else []
    print(int(anchors[0]) if len(anchors) else 0)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "report":
        print(report(sys.argv[2]))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "gapbs_el":
        gapbs_el(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "timings":
        timings(sys.argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
