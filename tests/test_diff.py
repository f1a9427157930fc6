"""`linchpin diff` against an independent oracle.

Two runs on random enterprise graphs differ by removed ties (and by one
account removed and one added). The oracle computes, with NetworkX on the
CSV files and nothing of linchpin's, each account's bus factor (max flow on
the node-split graph: persons have capacity 1, every other node is
unremovable; capped at K) and key persons (persons whose removal alone cuts
the account from R), then classifies each account by DESIGN.md's rules.
DIFF.csv must list exactly those changes, with ids, bus factors, key-person
sets and revenue; the printed counts per kind must agree. Also: diff of a
file with itself (exit 0, header only), and every bad input (a graph store,
a different format_version, different bus-factor caps, a damaged file, a
missing file, an index out of range): one line on stderr, exit 3, no
DIFF.csv written.
"""
import csv
import os
import random
import shutil
import tempfile

import h5py
import networkx as nx

from lptest import Checker, damaged_input_env, run, write_csv

C = Checker("diff")
CAP = 3
R = "__R__"


def make_graph(rng, n_emp, n_acc):
    nodes = [("HQ", "company", 0)]
    edges = []
    emps = [f"E{i}" for i in range(n_emp)]
    for e in emps:
        nodes.append((e, "employee", 0))
        if rng.random() < 0.85:
            edges.append(("HQ", e, 1))
    for i in range(n_acc):
        a = f"A{i}"
        nodes.append((a, "account", rng.choice([1000, 2500, 4000, 12345.5, 7.25])))
        for e in rng.sample(emps, rng.choice([1, 1, 2, 2, 3])):
            edges.append((e, a, rng.randint(1, 5)))
        if rng.random() < 0.4:
            c = f"K{i}"
            nodes.append((c, "contact", 0))
            edges.append((c, a, 1))
            edges.append((rng.choice(emps), c, 2))
    for _ in range(n_emp // 3):  # a few person-person ties (teammates)
        x, y = rng.sample(emps, 2)
        edges.append((x, y, 1))
    return nodes, edges


def oracle(nodes, edges):
    """{account id: (bus_factor, frozenset(key persons), revenue)}."""
    types = {v: t for v, t, _ in nodes}
    rev = {v: r for v, t, r in nodes if t == "account"}
    g = nx.Graph()
    g.add_nodes_from(types)
    g.add_node(R)
    for s, t, _ in edges:
        if s != t:
            g.add_edge(s, t)
    for v, t in types.items():
        if t == "company":
            g.add_edge(R, v)
    # node-split digraph: v_in -> v_out (capacity 1 for persons, unbounded else)
    d = nx.DiGraph()
    for v in g.nodes:
        if types.get(v) == "employee":
            d.add_edge((v, "in"), (v, "out"), capacity=1)
        else:
            d.add_edge((v, "in"), (v, "out"))
    for x, y in g.edges:
        d.add_edge((x, "out"), (y, "in"))
        d.add_edge((y, "out"), (x, "in"))
    out = {}
    for a in rev:
        if not nx.has_path(g, a, R):
            out[a] = (0, frozenset(), rev[a])
            continue
        flow = nx.maximum_flow_value(d, (a, "out"), (R, "in"))
        bf = CAP if flow >= CAP else int(flow)
        kp = set()
        for p in types:
            if types[p] != "employee" or p not in g:
                continue
            h = g.copy()
            h.remove_node(p)
            if not nx.has_path(h, a, R):
                kp.add(p)
        out[a] = (bf, frozenset(kp), rev[a])
    return out


def expected_changes(old, new):
    rows = {}
    for a, (nb, nk, r) in new.items():
        if a not in old:
            rows[a] = ("added", None, nb, None, nk, r)
            continue
        ob, ok, _ = old[a]
        if ob == nb and ok == nk:
            continue
        if nb == 0 and ob >= 1:
            kind = "lost_path"
        elif ob >= 2 and nb == 1:
            kind = "fell_to_1"
        elif ob <= 1 and nb >= 2:
            kind = "recovered"
        elif ob == 0 and nb == 1:
            kind = "regained_path"
        elif ob == 1 and nb == 1:
            kind = "key_persons_changed"
        else:
            kind = "bus_factor_changed"
        rows[a] = (kind, ob, nb, ok, nk, r)
    for a, (ob, ok, r) in old.items():
        if a not in new:
            rows[a] = ("removed", ob, None, ok, None, r)
    return rows


def read_diff_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        header = next(rd)
        rows = {}
        for rec in rd:
            r = dict(zip(header, rec))

            def num(s):
                return None if s == "" else int(s)

            def ks(s, present):
                return None if not present else frozenset(x for x in s.split(";") if x)

            rows[r["id"]] = (r["change"], num(r["old_bus_factor"]), num(r["new_bus_factor"]),
                             ks(r["old_key_persons"], r["old_bus_factor"] != ""),
                             ks(r["new_key_persons"], r["new_bus_factor"] != ""),
                             float(r["revenue"]))
    return header, rows


def analyze(tmp, tag, nodes, edges, *extra):
    nf, ef = os.path.join(tmp, f"{tag}_nodes.csv"), os.path.join(tmp, f"{tag}_edges.csv")
    write_csv(nf, ["id", "type", "revenue"], nodes)
    write_csv(ef, ["source", "target", "weight"], edges)
    out = os.path.join(tmp, f"{tag}.h5")
    p = run(["analyze", nf, ef, "-o", out, "--quiet", "--betweenness", "off", *extra])
    C.check(p.returncode == 0, f"analyze {tag}: {p.returncode} {p.stderr}")
    return out, nf, ef


def check_oracle(tmp, seed):
    rng = random.Random(seed)
    nodes, edges = make_graph(rng, 12, 30)
    # NEW: some ties removed, account A0 removed, account N1 added
    ties = [i for i, (s, t, _) in enumerate(edges) if s.startswith("E") and not t.startswith("E")]
    drop = set(rng.sample(ties, len(ties) // 5))
    new_edges = [e for i, e in enumerate(edges) if i not in drop and "A0" not in e[:2]]
    new_nodes = [n for n in nodes if n[0] != "A0"] + [("N1", "account", 99.5)]
    new_edges.append(("E1", "N1", 1))
    old_h5, _, _ = analyze(tmp, f"old{seed}", nodes, edges)
    new_h5, _, _ = analyze(tmp, f"new{seed}", new_nodes, new_edges)
    out = os.path.join(tmp, f"diff{seed}.csv")
    p = run(["diff", old_h5, new_h5, "-o", out])
    if not C.check(p.returncode == 0, f"seed {seed}: diff exit {p.returncode}: {p.stderr}"):
        return
    header, got = read_diff_csv(out)
    C.check(header == ["change", "id", "name", "old_bus_factor", "new_bus_factor",
                       "old_key_persons", "new_key_persons", "revenue"], f"header {header}")
    want = expected_changes(oracle(nodes, edges), oracle(new_nodes, new_edges))
    C.check(set(got) == set(want),
            f"seed {seed}: changed accounts differ: only linchpin {sorted(set(got) - set(want))}, "
            f"only oracle {sorted(set(want) - set(got))}")
    for a in set(got) & set(want):
        C.check(got[a] == want[a], f"seed {seed}: account {a}: linchpin {got[a]} oracle {want[a]}")
    C.check("added" in {w[0] for w in want.values()} and "removed" in {w[0] for w in want.values()},
            f"seed {seed}: the fixture must add and remove an account")
    # the printed counts per kind
    counts = {}
    for w in want.values():
        counts[w[0]] = counts.get(w[0], 0) + 1
    for kind, k in counts.items():
        line = [ln for ln in p.stdout.splitlines() if ln.startswith(kind + " ")]
        C.check(line and int(line[0].split()[1]) == k,
                f"seed {seed}: printed count of {kind}: {line} (want {k})")
    return old_h5, new_h5


def check_identical(tmp, h5):
    out = os.path.join(tmp, "same.csv")
    p = run(["diff", h5, h5, "-o", out])
    C.check(p.returncode == 0, f"diff with itself: exit {p.returncode} {p.stderr}")
    C.check("no account changed" in p.stdout, f"diff with itself says: {p.stdout[:200]}")
    with open(out, encoding="utf-8") as f:
        C.check(len(f.read().splitlines()) == 1, "diff with itself: DIFF.csv is not header only")


def bad(tmp, label, old, new, want_in_msg):
    out = os.path.join(tmp, f"bad_{label}.csv")
    p = run(["diff", old, new, "-o", out], env=damaged_input_env())
    lines = p.stderr.strip().splitlines()
    C.check(p.returncode == 3, f"{label}: exit {p.returncode}, want 3 ({p.stderr.strip()})")
    C.check(len(lines) == 1 and want_in_msg in lines[0], f"{label}: stderr {p.stderr!r}")
    C.check(not os.path.exists(out), f"{label}: DIFF.csv written")
    C.check(not [f for f in os.listdir(tmp) if ".tmp" in f], f"{label}: temporary file left")
    C.check("Traceback" not in p.stderr and "ERROR" not in p.stderr, f"{label}: {p.stderr}")


def check_bad_inputs(tmp, old_h5, new_h5, nf, ef):
    store = os.path.join(tmp, "graph.h5")
    p = run(["import", nf, ef, "-o", store])
    C.check(p.returncode == 0, f"import: {p.stderr}")
    bad(tmp, "store_old", store, new_h5, "graph store")
    bad(tmp, "store_new", old_h5, store, "graph store")
    v3 = os.path.join(tmp, "v3.h5")
    shutil.copy(new_h5, v3)
    with h5py.File(v3, "r+") as f:
        f.attrs["format_version"] = 3
    bad(tmp, "version", old_h5, v3, "format_version 3")
    cap, _, _ = analyze(tmp, "cap4", *read_back(nf, ef), "--bus-factor-cap", "4")
    bad(tmp, "caps", old_h5, cap, "bus factor capped at 3 and 4")
    bad(tmp, "missing", old_h5, os.path.join(tmp, "nope.h5"), "cannot open")
    # damaged: bytes overwritten in the object header of a column diff reads
    # (/accounts/bus_factor), wherever the writer put it (the middle of the
    # file may hold a column diff never opens, e.g. /nodes/degree)
    dmg = os.path.join(tmp, "damaged.h5")
    shutil.copy(new_h5, dmg)
    size = os.path.getsize(dmg)
    with h5py.File(dmg, "r") as f:
        at = h5py.h5o.get_info(f["/accounts/bus_factor"].id).addr
    with open(dmg, "r+b") as f:
        f.seek(at)
        f.write(b"\xff" * 64)
    p = run(["diff", old_h5, dmg], env=damaged_input_env())
    C.check(p.returncode == 3 and len(p.stderr.strip().splitlines()) == 1,
            f"damaged: exit {p.returncode}, stderr {p.stderr!r}")
    trunc = os.path.join(tmp, "trunc.h5")
    with open(new_h5, "rb") as f, open(trunc, "wb") as g:
        g.write(f.read()[: size // 3])
    bad(tmp, "truncated", old_h5, trunc, "trunc.h5")
    # consistent HDF5, inconsistent content: the reader's own checks
    for label, edit, msg in [
        ("kp_range", lambda f: f["/accounts/key_persons"].__setitem__(0, 10 ** 9), "not a row of /nodes"),
        ("node_range", lambda f: f["/accounts/node"].__setitem__(0, -1), "not a row of /nodes"),
        # rows are int64 in the file and lp_vid (32 bits) in memory: a value
        # that would wrap to a valid row when narrowed is refused, not narrowed
        ("kp_wrap", lambda f: f["/accounts/key_persons"].__setitem__(0, f["/accounts/key_persons"][0] + 2 ** 32),
         "not a row of /nodes"),
        ("node_wrap", lambda f: f["/accounts/node"].__setitem__(0, f["/accounts/node"][0] + 2 ** 32),
         "not a row of /nodes"),
        # (second links: diff does not read them; test_export checks their wrap)
        ("offsets", lambda f: f["/accounts/key_persons_offsets"].__setitem__(1, 10 ** 6), "key_persons_offsets"),
        ("bf_cap", lambda f: f["/accounts/bus_factor"].__setitem__(0, 9), "outside 0..3"),
        ("rows_of", lambda f: f["/accounts/key_persons"].attrs.__setitem__("rows_of", "/accounts"), "rows_of"),
        ("acc_twice", lambda f: f["/accounts/node"].__setitem__(1, f["/accounts/node"][0]), "listed twice"),
        ("nan_revenue", lambda f: f["/accounts/revenue"].__setitem__(0, float("nan")), "not finite"),
    ]:
        path = os.path.join(tmp, f"{label}.h5")
        shutil.copy(new_h5, path)
        with h5py.File(path, "r+") as f:
            edit(f)
        bad(tmp, label, old_h5, path, msg)


def read_back(nf, ef):
    with open(nf, newline="", encoding="utf-8") as f:
        nodes = [tuple(r) for r in list(csv.reader(f))[1:]]
    with open(ef, newline="", encoding="utf-8") as f:
        edges = [tuple(r) for r in list(csv.reader(f))[1:]]
    return nodes, edges


def main():
    with tempfile.TemporaryDirectory() as tmp:
        first = None
        for seed in (1, 2, 3, 4):
            got = check_oracle(tmp, seed)
            first = first or got
        old_h5, new_h5 = first
        check_identical(tmp, new_h5)
        check_bad_inputs(tmp, old_h5, new_h5, os.path.join(tmp, "new1_nodes.csv"),
                         os.path.join(tmp, "new1_edges.csv"))
        p = run(["diff", old_h5])
        C.check(p.returncode == 2, f"one file: exit {p.returncode}")
    C.done()


if __name__ == "__main__":
    main()
