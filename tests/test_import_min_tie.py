"""`linchpin import --min-tie W` (issue 13): the store records W (root
attribute min_tie) and keeps every edge; `analyze` and `whatif` of the store
drop the ties weaker than W as their own --min-tie would, unless given one.
The number dropped is checked against a count made here from the CSV (ties:
person to a node that is neither a person nor an anchor; docs/model.md),
and the analysis of the store against `analyze NODES.csv EDGES.csv
--min-tie W`. Bad values are usage errors (exit 2) with analyze's message
and nothing written; the CRM route records it too."""
import json
import os
import random
import tempfile

import h5py
import numpy as np

from lptest import Checker, run, write_csv

C = Checker("import_min_tie")
SRC = os.environ.get("LP_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))


def graph(d):
    rnd = random.Random(11)
    nodes = [["hq", "company", ""]]
    edges = []
    persons = [f"e{i}" for i in range(25)]
    accounts = [f"a{i}" for i in range(60)]
    for p in persons:
        nodes.append([p, "employee", ""])
        edges.append([p, "hq", 1])
    for a in accounts:
        nodes.append([a, "account", str(rnd.randint(1, 9) * 1000)])
    for i in range(40):
        nodes.append([f"c{i}", "contact", ""])
        edges.append([f"c{i}", rnd.choice(accounts), 1])
    seen = set()
    for a in accounts:
        for p in rnd.sample(persons, rnd.randint(1, 3)):
            seen.add((p, a))
            edges.append([p, a, rnd.choice([0.25, 0.5, 1, 2, 3.5])])
    for i in range(40):  # some ties to contacts
        p, c = rnd.choice(persons), f"c{i}"
        if (p, c) not in seen:
            seen.add((p, c))
            edges.append([p, c, rnd.choice([0.5, 1.5, 4])])
    n, e = os.path.join(d, "nodes.csv"), os.path.join(d, "edges.csv")
    write_csv(n, ["id", "type", "revenue"], nodes)
    write_csv(e, ["source", "target", "weight"], edges)
    kind = {r[0]: r[1] for r in nodes}
    return n, e, kind, edges


def weak_ties(kind, edges, w):
    """Ties (person - neither person nor anchor) of weight below w."""
    count = 0
    for s, t, x in edges:
        ks, kt = kind[s], kind[t]
        if (ks == "employee") != (kt == "employee") and "company" not in (ks, kt) and x < w:
            count += 1
    return count


def summary(path):
    with h5py.File(path, "r") as f:
        return (int(f["summary"].attrs["weak_ties_dropped"]),
                json.loads(f.attrs["parameters"])["min_tie"],
                {k: f["accounts"][k][...] for k in f["accounts"]})


def same(x, y):
    """Equal arrays, NaN equal to NaN (dominant share of an account without ties)."""
    if x.dtype.kind == "f":
        return x.shape == y.shape and np.array_equal(x, y, equal_nan=True)
    return np.array_equal(x, y)


def main():
    with tempfile.TemporaryDirectory() as d:
        n, e, kind, edges = graph(d)
        store = os.path.join(d, "g.h5")
        p = run(["import", n, e, "-o", store, "--min-tie", "2"])
        C.check(p.returncode == 0, f"import --min-tie 2: {p.returncode} {p.stderr}")
        with h5py.File(store, "r") as f:
            C.check(float(f.attrs.get("min_tie", -1)) == 2.0, "store: min_tie attribute")
            C.check(len(f["csr"]["targets"]) == 2 * len(edges), "store: every edge kept")
        want = weak_ties(kind, edges, 2)
        C.check(want > 10, f"the graph has only {want} weak ties")

        r_store, r_csv = os.path.join(d, "rs.h5"), os.path.join(d, "rc.h5")
        p = run(["analyze", store, "-o", r_store, "--betweenness", "off", "--quiet"])
        C.check(p.returncode == 0, f"analyze store: {p.stderr}")
        p = run(["analyze", n, e, "-o", r_csv, "--betweenness", "off", "--quiet",
                 "--min-tie", "2"])
        C.check(p.returncode == 0, f"analyze csv: {p.stderr}")
        dropped, mt, acc = summary(r_store)
        dropped_csv, mt_csv, acc_csv = summary(r_csv)
        C.check(dropped == want, f"store: {dropped} weak ties dropped, want {want}")
        C.check(mt == 2.0, f"store: parameters min_tie {mt}")
        C.check(dropped_csv == want and mt_csv == 2.0, f"csv: {dropped_csv} {mt_csv}")
        for k in acc_csv:
            C.check(same(acc[k], acc_csv[k]), f"/accounts/{k} differs from the CSV route")

        # the command's own --min-tie replaces the store's
        r0 = os.path.join(d, "r0.h5")
        p = run(["analyze", store, "-o", r0, "--betweenness", "off", "--quiet", "--min-tie", "0"])
        C.check(p.returncode == 0, f"analyze --min-tie 0: {p.stderr}")
        dropped, mt, _ = summary(r0)
        C.check(dropped == 0 and mt == 0, f"--min-tie 0 on the store: {dropped} dropped, {mt}")
        r1 = os.path.join(d, "r1.h5")
        p = run(["analyze", store, "-o", r1, "--betweenness", "off", "--quiet", "--min-tie", "1"])
        dropped, _, _ = summary(r1)
        C.check(dropped == weak_ties(kind, edges, 1), f"--min-tie 1 on the store: {dropped}")

        # whatif of the store applies it too
        rw = os.path.join(d, "rw.h5")
        p = run(["whatif", store, "--leave", "e3", "-o", rw, "--quiet"])
        C.check(p.returncode == 0, f"whatif store: {p.stderr}")
        if p.returncode == 0:
            dropped, mt, _ = summary(rw)
            C.check(dropped == want and mt == 2.0, f"whatif store: {dropped} dropped, {mt}")

        # a store imported without it records nothing
        plain = os.path.join(d, "plain.h5")
        run(["import", n, e, "-o", plain])
        with h5py.File(plain, "r") as f:
            C.check("min_tie" not in f.attrs, "store without --min-tie: has min_tie")

        # bad values: analyze's message, exit 2, nothing written
        for bad in ["-1", "abc", "inf", "nan", "", "1e999"]:
            out = os.path.join(d, "bad.h5")
            p = run(["import", n, e, "-o", out, "--min-tie", bad])
            C.check(p.returncode == 2, f"--min-tie '{bad}': exit {p.returncode}")
            C.check(f"--min-tie: expected a non-negative finite number, got '{bad}'" in p.stderr,
                    f"--min-tie '{bad}': {p.stderr!r}")
            C.check(not os.path.exists(out), f"--min-tie '{bad}': wrote {out}")
            pa = run(["analyze", n, e, "--min-tie", bad])
            C.check(pa.stderr == p.stderr.replace("import", "analyze") or pa.returncode == 2,
                    f"analyze --min-tie '{bad}': {pa.stderr!r}")

        # the CRM route records it as well, and the analysis equals --min-tie on analyze
        sf = os.path.join(SRC, "data", "crm-sample", "salesforce")
        s1, s0 = os.path.join(d, "sf1.h5"), os.path.join(d, "sf0.h5")
        p = run(["import", "--crm", "salesforce", sf, "-o", s1, "--min-tie", "0.5"])
        C.check(p.returncode == 0, f"import --crm --min-tie: {p.stderr}")
        p = run(["import", "--crm", "salesforce", sf, "-o", s0])
        C.check(p.returncode == 0, f"import --crm: {p.stderr}")
        with h5py.File(s1, "r") as f:
            C.check(float(f.attrs.get("min_tie", -1)) == 0.5, "crm store: min_tie attribute")
        ra, rb = os.path.join(d, "sfa.h5"), os.path.join(d, "sfb.h5")
        run(["analyze", s1, "-o", ra, "--betweenness", "off", "--quiet"])
        run(["analyze", s0, "-o", rb, "--betweenness", "off", "--quiet", "--min-tie", "0.5"])
        da, _, aa = summary(ra)
        db, _, ab = summary(rb)
        C.check(da == db and da > 0, f"crm: {da} dropped from the store, {db} by analyze")
        for k in ab:
            C.check(same(aa[k], ab[k]), f"crm: /accounts/{k} differs")
        p = run(["import", "--crm", "salesforce", sf, "-o", os.path.join(d, "x.h5"),
                 "--min-tie", "-2"])
        C.check(p.returncode == 2 and "--min-tie: expected a non-negative finite number, got '-2'"
                in p.stderr, f"import --crm --min-tie -2: {p.returncode} {p.stderr!r}")
    C.done()


if __name__ == "__main__":
    main()
