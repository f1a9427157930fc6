"""test_h5schema_selfcheck — the schema checker (tests/h5schema.py) against
the C writer, and against broken files.

1. `test_results_h5 --write DIR` writes four sample files with the real
   writer (io/h5results.c); check_results must accept each, with the values
   the C test put in.
2. Copies of the full sample are damaged one way each with h5py (an
   independent writer); check_results must reject every one, naming the
   object. A few legitimate edits must still be accepted.
Exit 77 (skipped) when the test_results_h5 binary is not built.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from h5schema import check_results

failures = []

# igraph's PageRank of the sample graph, as tests/test_results_h5.c writes it.
PAGERANK = [0.19192976533085768, 0.24155314825482382, 0.10434686074931412, 0.06545427910575907,
            0.1419048690446425, 0.23042083361216373, 0.024390243902439022]


def expect_ok(path, expect=None):
    try:
        return check_results(path, expect)
    except AssertionError as e:
        failures.append("unexpected rejection: %s" % e)
        return None


def expect_fail(label, path, part, expect=None):
    try:
        check_results(path, expect)
    except AssertionError as e:
        if part not in str(e):
            failures.append("%s: message %r lacks %r" % (label, str(e), part))
        return
    failures.append("%s: accepted a broken file" % label)


def main():
    binary = os.path.join(os.environ.get("LP_BINARY_DIR", ""), "tests", "test_results_h5")
    if not os.path.exists(binary):
        print("skip: %s not built" % binary)
        return 77
    tmp = tempfile.mkdtemp(prefix="lp_h5schema_")
    try:
        return run(binary, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(binary, tmp):
    subprocess.run([binary, "--write", tmp], check=True)
    full = os.path.join(tmp, "full.h5")

    ids = ["ACME", "alice", "bob", 'Zo\u00eb "Z", Ltd.', "globex", "carol@globex", "orphan-co"]
    res = expect_ok(full, {
        "nodes": 7, "edges": 6, "accounts": 3, "orphan_accounts": 1,
        "accounts_with_key_person": 1, "articulation_points": 3,
        "merged_duplicates": 1, "dropped_self_loops": 1, "skipped_rows": 2,
        "revenue_total": 157.75, "revenue_with_key_person": 100.5, "revenue_orphan": 7.25,
        "threads": 4, "format_version": 1,
        "command_line": "linchpin analyze nodes.csv edges.csv -o out.h5 --threads 4",
        "parameters": {"anchor": ["company"], "bus_factor_cap": 3},
        "input_files": [
            {"path": 'dir/nodes "q"\\.csv\n', "size": 123, "crc32": "0a1b2c3d"},
            {"path": "edges.csv", "size": 0, "crc32": "ffffffff"},
            {"path": "bad\ufffd\u0001.csv", "size": 7, "crc32": "00000000"},
        ],
        "timings": ["load", "keyperson", "write"],
        "/nodes/id": ids,
        "/nodes/type": ["company", "employee", "employee", "account", "account", "contact",
                        "account"],
        "/nodes/degree": [2, 3, 2, 1, 1, 3, 0],
        "/nodes/strength": [4, 5, 2, 1, 3, 5, 0],
        "/nodes/is_articulation": [1, 1, 0, 0, 0, 1, 0],
        "/nodes/accounts_at_risk": [0, 1, 0, 0, 0, 0, 0],
        "/nodes/revenue_at_risk": [0, 100.5, 0, 0, 0, 0, 0],
        "/accounts/node": [3, 4, 6],
        "/accounts/revenue": [100.5, 50, 7.25],
        "/accounts/connected": [1, 1, 0],
        "/accounts/key_persons_offsets": [0, 1, 1, 1],
        "/accounts/key_persons": [1],
        "/summary/top_persons": [1],
        "/nodes/pagerank": PAGERANK,
        "/nodes/pagerank@iterations": 31,
        "/nodes/betweenness": [1, 5, 1, 0, 0, 5, 0],
        "/nodes/betweenness@method": "exact",
        "/nodes/betweenness@samples": 0,
        "/nodes/betweenness@epsilon": 0.0,
        "/nodes/betweenness@delta": 0.0,
        "/nodes/betweenness@seed": 0,
        "/nodes/betweenness@vertex_diameter": None,
        "/nodes/brokerage": [2, 1.5, 0.5, 0, 0, 1, 0],
        "/summary/top_brokers": [0, 1, 5, 2],
        "/summary/top_betweenness": [1, 5, 0, 2],
        "/accounts/bus_factor": None,
    })
    if res is not None:
        if res["betweenness"] != {"method": "exact", "samples": 0, "epsilon": 0.0, "delta": 0.0,
                                  "seed": 0}:
            failures.append("returned betweenness attributes: %r" % res["betweenness"])
        if list(res["top_brokers"]) != [0, 1, 5, 2]:
            failures.append("returned top_brokers: %r" % res["top_brokers"])
        if res["timings"]["load"] != 0.25 or res["nodes"]["id"].dtype != object:
            failures.append("returned dict: %r" % res["timings"])
        if res["n"] != 7 or res["a"] != 3:
            failures.append("returned n, a = %r, %r" % (res["n"], res["a"]))

    expect_ok(os.path.join(tmp, "empty_accounts.h5"), {
        "accounts": 0, "orphan_accounts": 0, "revenue_total": 0.0,
        "/accounts/node": [], "/accounts/key_persons": [], "/accounts/key_persons_offsets": [0],
        "/summary/top_persons": [], "/nodes/degree": None,
    })
    res = expect_ok(os.path.join(tmp, "no_kp.h5"), {
        "nodes": 7, "accounts": None, "/accounts/node": None,
        "/nodes/is_articulation": None, "/summary/top_persons": None,
        "/nodes/degree": [2, 3, 2, 1, 1, 3, 0],
        "/nodes/pagerank": None, "/nodes/betweenness": None, "/nodes/brokerage": None,
        "/summary/top_brokers": None, "/summary/top_betweenness": None,
    })
    if res is not None and (res["a"] is not None or res["accounts"] != {}):
        failures.append("no_kp: accounts reported %r" % res["accounts"])
    if res is not None and (res["betweenness"] is not None or res["top_brokers"] is not None):
        failures.append("no_kp: centrality reported %r" % res["betweenness"])
    sampled = os.path.join(tmp, "sampled.h5")
    res = expect_ok(sampled, {
        "accounts": None, "/summary/top_persons": None,
        "/nodes/betweenness": [0.9, 3.6, 1.2, 0, 0, 3.3, 0],
        "/nodes/betweenness@method": "sampled",
        "/nodes/betweenness@samples": 700,
        "/nodes/betweenness@epsilon": 0.05,
        "/nodes/betweenness@delta": 0.1,
        "/nodes/betweenness@seed": 0xdeadbeefcafef00d,
        "/nodes/betweenness@vertex_diameter": 5,
        "/summary/top_betweenness": [1, 5, 2, 0],
        "/summary/top_brokers": [0, 1, 5, 2],
    })
    if res is not None and res["betweenness"].get("vertex_diameter") != 5:
        failures.append("sampled: returned %r" % res["betweenness"])

    # ---- broken copies ------------------------------------------------
    def replace(f, path, data, **kw):
        """New values for a dataset; its attributes are kept."""
        attrs = [(k, f[path].attrs.get_id(k).dtype, f[path].attrs[k]) for k in f[path].attrs]
        del f[path]
        opts = dict(chunks=(max(len(data), 1),), compression="gzip", shuffle=True)
        opts.update(kw)
        ds = f.create_dataset(path, data=data, **opts)
        for k, dt, v in attrs:
            ds.attrs.create(k, v, dtype=dt)

    def vstr(f, path, values):
        del f[path]
        f.create_dataset(path, data=values, dtype=h5py.string_dtype(), chunks=(len(values),),
                         compression="gzip")

    cases = [
        ("format", "format is", lambda f: f.attrs.__setitem__("format", "linchpin-graph")),
        ("version", "format_version is 2",
         lambda f: f.attrs.__setitem__("format_version", np.int32(2))),
        ("fixed-length attr", "fixed-length",
         lambda f: f.attrs.__setitem__("command_line", np.bytes_(b"linchpin"))),
        ("created", "created", lambda f: f.attrs.__setitem__("created", "23.11.2026")),
        ("params", "parameters is not JSON", lambda f: f.attrs.__setitem__("parameters", "{x")),
        ("crc", "crc32", lambda f: f.attrs.__setitem__(
            "input_files", '[{"path":"a","size":1,"crc32":"XYZ"}]')),
        ("missing attr", "missing attribute 'threads'", lambda f: f.attrs.__delitem__("threads")),
        ("degree dtype", "/nodes/degree: dtype <i4",
         lambda f: replace(f, "nodes/degree", np.array([2, 3, 2, 1, 1, 3, 0], dtype="<i4"))),
        ("short column", "/nodes/strength: has 6 rows",
         lambda f: replace(f, "nodes/strength", np.ones(6))),
        ("2-D", "/nodes/strength: is 2-D",
         lambda f: replace(f, "nodes/strength", np.ones((7, 1)), chunks=(7, 1))),
        ("uncompressed", "compression None",
         lambda f: replace(f, "nodes/strength", np.array([4., 5, 2, 1, 3, 5, 0]),
                           compression=None, shuffle=False)),
        ("no shuffle", "shuffle",
         lambda f: replace(f, "nodes/strength", np.array([4., 5, 2, 1, 3, 5, 0]), shuffle=False)),
        ("contiguous", "not chunked",
         lambda f: replace(f, "nodes/strength", np.array([4., 5, 2, 1, 3, 5, 0]), chunks=None,
                           compression=None, shuffle=False)),
        ("fixed strings", "fixed-length strings",
         lambda f: replace(f, "nodes/type", np.array([b"x"] * 7, dtype="S1"), shuffle=False)),
        ("articulation", "articulation_points is 3",
         lambda f: replace(f, "nodes/is_articulation", np.array([1, 1, 1, 0, 0, 1, 0], "u1"))),
        ("orphans", "orphan_accounts is 5",
         lambda f: f["summary"].attrs.__setitem__("orphan_accounts", np.int64(5))),
        ("int32 count", "dtype <i4",
         lambda f: f["summary"].attrs.__setitem__("edges", np.int32(6))),
        ("revenue", "revenue_total is",
         lambda f: f["summary"].attrs.__setitem__("revenue_total", 1.0)),
        ("edges", "but /nodes/degree sums to 12",
         lambda f: f["summary"].attrs.__setitem__("edges", np.int64(5))),
        ("offsets", "not monotone",
         lambda f: replace(f, "accounts/key_persons_offsets", np.array([0, 1, 0, 1], "<i8"))),
        ("offsets end", "ends at 1",
         lambda f: replace(f, "accounts/key_persons", np.array([1, 2], "<i8"))),
        ("kp range", "row out of range",
         lambda f: replace(f, "accounts/key_persons", np.array([9], "<i8"))),
        ("kp not articulation", "not an articulation point",
         lambda f: replace(f, "accounts/key_persons", np.array([2], "<i8"))),
        ("account range", "/accounts/node: row out of range",
         lambda f: replace(f, "accounts/node", np.array([3, 4, 7], "<i8"))),
        ("at risk", "/nodes/accounts_at_risk",
         lambda f: replace(f, "nodes/accounts_at_risk", np.array([0, 2, 0, 0, 0, 0, 0], "<i8"))),
        ("revenue at risk", "/nodes/revenue_at_risk",
         lambda f: replace(f, "nodes/revenue_at_risk", np.array([0, 99, 0, 0, 0, 0, 0.]))),
        ("kp without /accounts", "present without /accounts",
         lambda f: f.__delitem__("accounts")),
        ("top order", "/summary/top_persons: lists a node",
         lambda f: replace(f, "summary/top_persons", np.array([1, 2], "<i8"))),
        ("no write timing", "missing 'write'",
         lambda f: f["summary/timings"].attrs.__delitem__("write")),
        ("negative timing", "load is negative",
         lambda f: f["summary/timings"].attrs.__setitem__("load", -1.0)),
        ("write not last", "'write' is not the last",
         lambda f: f["summary/timings"].attrs.__setitem__("zz_late", 1.0)),
        ("bad utf-8", "invalid UTF-8",
         lambda f: vstr(f, "nodes/type", [b"\xff"] * 7)),
        ("extra column length", "/accounts/extra: has 2 rows",
         lambda f: f.create_dataset("accounts/extra", data=np.ones(2), chunks=(2,),
                                    compression="gzip", shuffle=True)),
    ]
    def setattr_(path, name, value):
        return lambda f: f[path].attrs.__setitem__(name, value)

    def delattr_(path, name):
        return lambda f: f[path].attrs.__delitem__(name)

    def both(*fns):
        def run_all(f):
            for fn in fns:
                fn(f)
        return run_all

    bw = "nodes/betweenness"
    pr = np.array(PAGERANK)
    cases += [
        ("pagerank sum", "/nodes/pagerank: sums to",
         lambda f: replace(f, "nodes/pagerank", pr * (1 + 1e-8))),
        ("pagerank zero", "/nodes/pagerank: not positive at row 6",
         lambda f: replace(f, "nodes/pagerank",
                           np.concatenate([pr[:5], [pr[5] + pr[6], 0.0]]))),
        ("pagerank iterations", "/nodes/pagerank: missing attribute 'iterations'",
         delattr_("nodes/pagerank", "iterations")),
        ("pagerank iterations dtype", "attribute 'iterations' has dtype <i4",
         setattr_("nodes/pagerank", "iterations", np.int32(31))),
        ("pagerank length", "/nodes/pagerank: has 6 rows",
         lambda f: replace(f, "nodes/pagerank", pr[:6] / pr[:6].sum())),
        ("betweenness negative", "/nodes/betweenness: negative or non-finite",
         lambda f: replace(f, bw, np.array([1., 5, 1, 0, -1, 5, 0]))),
        ("betweenness nan", "/nodes/betweenness: negative or non-finite",
         lambda f: replace(f, bw, np.array([1., 5, 1, 0, np.nan, 5, 0]))),
        ("betweenness bound", "exceeds 15.0",
         lambda f: replace(f, bw, np.array([1., 5, 1, 0, 0, 16, 0]))),
        ("betweenness dtype", "/nodes/betweenness: dtype <f4",
         lambda f: replace(f, bw, np.array([1, 5, 1, 0, 0, 5, 0], "<f4"))),
        ("method", "method is 'approx'", setattr_(bw, "method", "approx")),
        ("method missing", "missing attribute 'method'", delattr_(bw, "method")),
        ("seed missing", "missing attribute 'seed'", delattr_(bw, "seed")),
        ("seed signed", "attribute 'seed' has dtype <i8", setattr_(bw, "seed", np.int64(0))),
        ("samples dtype", "attribute 'samples' has dtype <i4",
         setattr_(bw, "samples", np.int32(0))),
        ("exact samples", "exact, but samples is 5", setattr_(bw, "samples", np.int64(5))),
        ("exact epsilon", "exact, but epsilon is 0.1", setattr_(bw, "epsilon", 0.1)),
        ("exact vertex_diameter", "exact, but has attribute 'vertex_diameter'",
         setattr_(bw, "vertex_diameter", np.int64(4))),
        ("sampled no vertex_diameter", "missing attribute 'vertex_diameter'",
         both(setattr_(bw, "method", "sampled"), setattr_(bw, "samples", np.int64(9)),
              setattr_(bw, "epsilon", 0.1), setattr_(bw, "delta", 0.1))),
        ("sampled epsilon", "epsilon is 1.5",
         both(setattr_(bw, "method", "sampled"), setattr_(bw, "samples", np.int64(9)),
              setattr_(bw, "epsilon", 1.5), setattr_(bw, "delta", 0.1),
              setattr_(bw, "vertex_diameter", np.int64(4)))),
        ("sampled delta", "delta is 0.0",
         both(setattr_(bw, "method", "sampled"), setattr_(bw, "samples", np.int64(9)),
              setattr_(bw, "epsilon", 0.1), setattr_(bw, "vertex_diameter", np.int64(4)))),
        ("sampled no samples", "samples is 0, but vertex_diameter is 4",
         both(setattr_(bw, "method", "sampled"), setattr_(bw, "epsilon", 0.1),
              setattr_(bw, "delta", 0.1), setattr_(bw, "vertex_diameter", np.int64(4)))),
        ("sampled no samples, values", "samples is 0, but values are not all 0",
         both(setattr_(bw, "method", "sampled"), setattr_(bw, "epsilon", 0.1),
              setattr_(bw, "delta", 0.1), setattr_(bw, "vertex_diameter", np.int64(2)))),
        ("brokerage negative", "/nodes/brokerage: negative or non-finite",
         lambda f: replace(f, "nodes/brokerage", np.array([2, 1.5, 0.5, 0, 0, -1, 0]))),
        ("brokerage above accounts", "exceeds 2, the number of accounts",
         lambda f: replace(f, "nodes/brokerage", np.array([2.5, 1.5, 0.5, 0, 0, 1, 0]))),
        ("brokerage below key person", "row 1 is 0.5, below its accounts_at_risk 1",
         lambda f: replace(f, "nodes/brokerage", np.array([2, 0.5, 0.5, 0, 0, 1, 0]))),
        ("top_brokers order", "/summary/top_brokers: not ordered by brokerage desc",
         lambda f: replace(f, "summary/top_brokers", np.array([0, 5, 1, 2], "<i8"))),
        ("top_betweenness tie", "/summary/top_betweenness: not ordered by betweenness desc, "
         "then row asc (positions 0 and 1)",
         lambda f: replace(f, "summary/top_betweenness", np.array([5, 1, 0, 2], "<i8"))),
        ("top_brokers zero", "lists row 3 whose brokerage is 0.0",
         lambda f: replace(f, "summary/top_brokers", np.array([0, 1, 5, 2, 3], "<i8"))),
        ("top_brokers twice", "not ordered",
         lambda f: replace(f, "summary/top_brokers", np.array([0, 0], "<i8"))),
        ("top_brokers range", "/summary/top_brokers: row out of range",
         lambda f: replace(f, "summary/top_brokers", np.array([0, 7], "<i8"))),
        ("top_brokers skips", "not the top 2 by brokerage: position 1 is row 5, but row 1",
         lambda f: replace(f, "summary/top_brokers", np.array([0, 5], "<i8"))),
        ("top_brokers dtype", "/summary/top_brokers: dtype <i4",
         lambda f: replace(f, "summary/top_brokers", np.array([0, 1, 5, 2], "<i4"))),
        ("top_betweenness alone", "/summary/top_betweenness: present without /nodes/betweenness",
         lambda f: f.__delitem__(bw)),
    ]
    for label, part, damage in cases:
        path = os.path.join(tmp, "broken.h5")
        shutil.copyfile(full, path)
        with h5py.File(path, "r+") as f:
            damage(f)
        expect_fail(label, path, part)

    # Accepted edits: nothing sampled (vertex_diameter < 3, all values 0), a
    # shorter prefix of the ranking, an empty ranking.
    accepted = [
        ("sampled nothing", sampled, both(
            setattr_(bw, "samples", np.int64(0)), setattr_(bw, "vertex_diameter", np.int64(2)),
            lambda f: replace(f, bw, np.zeros(7)),
            lambda f: f.__delitem__("summary/top_betweenness"))),
        ("top prefix", full, lambda f: replace(f, "summary/top_betweenness",
                                               np.array([1, 5], "<i8"))),
        ("top empty", full, lambda f: replace(f, "summary/top_brokers", np.zeros(0, "<i8"),
                                              chunks=(1,), maxshape=(None,))),
    ]
    for label, src, edit in accepted:
        path = os.path.join(tmp, "edited.h5")
        shutil.copyfile(src, path)
        with h5py.File(path, "r+") as f:
            edit(f)
        try:
            check_results(path)
        except AssertionError as e:
            failures.append("%s: rejected: %s" % (label, e))

    expect_fail("expect mismatch", full, "/summary nodes: is 7, expected 8", {"nodes": 8})
    expect_fail("expect absent", full, "present, expected absent", {"/nodes/degree": None})
    expect_fail("expect values", full, "/nodes/degree: is", {"/nodes/degree": [0] * 7})
    expect_fail("not hdf5", os.path.join(tmp, "nothing.h5"), "cannot open as HDF5")

    for msg in failures:
        print("FAIL:", msg)
    print("test_h5schema_selfcheck: %s (%d cases, %d failures)"
          % ("FAIL" if failures else "ok", len(cases) + len(accepted) + 4, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
