"""`linchpin export`, `summary --format` and the README's dashboard lines.

Reference: the result file read with h5py (an independent reader), joined
by hand (rows of /nodes and /accounts turned into ids and names). Checked:
accounts, persons, scenarios and scenario_losses read back with the csv
module and with pandas equal the h5py reads, value for value; the JSON-lines
export holds the same records; names with commas, quotes, newlines and ';'
survive; the README "For dashboards" block runs exactly as written on an
export of the bundled sample and gives what h5py gives; summary --format
json agrees with h5py counts (single-threaded, covered on paper only, top
accounts at risk), markdown is a table, text is the default. Bad inputs (a
graph store, a missing, damaged or truncated file, another format_version)
are one line on stderr, exit 3, and DIR is not created. The same values in
other layouts (type strings as a blob, space-padded or not chunked; node-row
columns not chunked) export the same bytes.
"""
import csv
import json
import os
import re
import shutil
import sys
import tempfile

import h5py
import numpy as np

from lptest import Checker, damaged_input_env, run, write_csv

C = Checker("export")
SRC = os.environ.get("LP_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))


def h5str(f, path):
    """A string column in either layout, as a list of str."""
    if path in f:
        return list(f[path].asstr()[...])
    if path + "_bytes" in f:
        b = f[path + "_bytes"][...].tobytes()
        off = f[path + "_offsets"][...]
        return [b[off[i]:off[i + 1] - 1].decode("utf-8") for i in range(len(off) - 1)]
    return None


def h5list(f, opath, vpath, ids):
    if opath not in f:
        return None
    off, val = f[opath][...], f[vpath][...]
    return [[ids[v] for v in val[off[i]:off[i + 1]]] for i in range(len(off) - 1)]


def reference(h5):
    """The expected tables, from h5py."""
    with h5py.File(h5, "r") as f:
        ids, types = h5str(f, "/nodes/id"), h5str(f, "/nodes/type")
        names = h5str(f, "/nodes/name")
        node = f["/accounts/node"][...]
        acc = {
            "id": [ids[v] for v in node],
            "name": [names[v] for v in node] if names else None,
            "revenue": list(f["/accounts/revenue"][...]),
            "connected": list(f["/accounts/connected"][...]),
            "bus_factor": list(f["/accounts/bus_factor"][...]),
            "threads": list(f["/accounts/threads"][...]) if "/accounts/threads" in f else None,
            "dominant_share": list(f["/accounts/dominant_share"][...]),
            "key_persons": h5list(f, "/accounts/key_persons_offsets", "/accounts/key_persons", ids),
            "key_person_names": h5list(f, "/accounts/key_persons_offsets", "/accounts/key_persons",
                                       names) if names else None,
            "second_links": h5list(f, "/accounts/second_link_offsets", "/accounts/second_link", ids),
        }
        person_types = json.loads(f.attrs["parameters"])["person"].split(",")
        rows = [i for i, t in enumerate(types) if t in person_types]
        col = lambda p: list(f[p][...][rows]) if p in f else None  # noqa: E731
        per = {
            "id": [ids[i] for i in rows],
            "name": [names[i] for i in rows] if names else None,
            "type": [types[i] for i in rows],
            "accounts_at_risk": col("/nodes/accounts_at_risk"),
            "revenue_at_risk": col("/nodes/revenue_at_risk"),
            "brokerage": col("/nodes/brokerage"),
            "betweenness": col("/nodes/betweenness"),
            "pagerank": col("/nodes/pagerank"),
        }
        sc = loss = None
        if "/scenarios" in f:
            sname = h5str(f, "/scenarios/name")
            sc = {
                "scenario": sname,
                "leaving_ids": h5list(f, "/scenarios/leave_offsets", "/scenarios/leave", ids),
                "lost_accounts": list(f["/scenarios/lost_accounts"][...]),
                "lost_revenue": list(f["/scenarios/lost_revenue"][...]),
                "newly_bus_factor_1": list(f["/scenarios/newly_bus_factor_1"][...]),
                "newly_at_risk_revenue": list(f["/scenarios/newly_at_risk_revenue"][...]),
            }
            sc["leaving"] = [len(x) for x in sc["leaving_ids"]]
            aid = acc["id"]
            rev = acc["revenue"]
            loss = []
            for j, s in enumerate(sname):
                for kind, o, v in (("lost_path", "/scenarios/lost_offsets", "/scenarios/lost"),
                                   ("fell_to_1", "/scenarios/newly_offsets", "/scenarios/newly")):
                    off, val = f[o][...], f[v][...]
                    for a in val[off[j]:off[j + 1]]:
                        loss.append((s, kind, aid[a], acc["name"][a] if names else "", rev[a]))
    return acc, per, sc, loss


def cell_value(kind, text):
    """A CSV cell parsed as the reference holds it (None = empty; a list
    stays its ';'-joined text: an item may hold ';', docs/export.md)."""
    if text == "":
        return None if kind != "list" else ""
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    return text


ACC_KINDS = {"id": "str", "name": "str", "revenue": "float", "connected": "int",
             "bus_factor": "int", "threads": "int", "dominant_share": "float",
             "key_persons": "list", "key_person_names": "list", "second_links": "list"}
PER_KINDS = {"id": "str", "name": "str", "type": "str", "accounts_at_risk": "int",
             "revenue_at_risk": "float", "brokerage": "float", "betweenness": "float",
             "pagerank": "float"}


def compare_table(label, path, kinds, ref):
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        header = next(rd)
        rows = list(rd)
    C.check(header == list(kinds), f"{label}: header {header}")
    n = len(ref["id"])
    C.check(len(rows) == n, f"{label}: {len(rows)} rows, h5py {n}")
    for col, kind in kinds.items():
        k = header.index(col)
        want = ref[col]
        for i, r in enumerate(rows[:n]):
            got = cell_value(kind, r[k])
            w = None if want is None else want[i]
            if kind == "list":
                w = "" if w is None else ";".join(w)
            if kind == "str" and w == "" and got is None:
                got = ""  # an empty name: the same empty field as no name
            if kind in ("int", "float") and w is not None:
                w = int(w) if kind == "int" else float(w)
            if not C.check(got == w, f"{label} row {i} {col}: csv {got!r}, h5py {w!r}"):
                return rows, header
    return rows, header


def check_pandas(label, path, ref, cols):
    import pandas as pd
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    C.check(len(df) == len(ref["id"]), f"{label} pandas rows {len(df)}")
    for col in cols:
        if ref[col] is None:
            C.check(df[col].isna().all(), f"{label} pandas {col}: not all empty")
            continue
        got = list(df[col])
        want = ref[col]
        # pandas' default float parser may be off in the last bits (the csv-module
        # comparison above checks the text reads back exactly)
        ok = all(g == w if isinstance(w, str) else bool(np.isclose(g, w, rtol=1e-13, atol=0))
                 for g, w in zip(got, want))
        C.check(ok, f"{label} pandas {col}: {got[:3]} vs {want[:3]}")


def check_jsonl(label, csv_path, jsonl_path, kinds):
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(jsonl_path, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    C.check(len(rows) == len(recs), f"{label}: jsonl {len(recs)} records, csv {len(rows)}")
    for i, (r, j) in enumerate(zip(rows, recs)):
        C.check(list(j) == list(kinds), f"{label} jsonl keys {list(j)}")
        for col, kind in kinds.items():
            c = cell_value(kind, r[col])
            v = j[col]
            if kind == "list":
                v = "" if v is None else ";".join(v)
            if kind == "str" and v == "" and c is None:
                c = ""
            if not C.check(c == v, f"{label} jsonl row {i} {col}: {v!r} vs csv {c!r}"):
                return


def check_export(tmp, h5, tag):
    acc, per, sc, loss = reference(h5)
    out = os.path.join(tmp, f"exp_{tag}")
    p = run(["export", h5, "-o", out])
    if not C.check(p.returncode == 0, f"{tag}: export exit {p.returncode}: {p.stderr}"):
        return
    compare_table(f"{tag} accounts", os.path.join(out, "accounts.csv"), ACC_KINDS, acc)
    compare_table(f"{tag} persons", os.path.join(out, "persons.csv"), PER_KINDS, per)
    check_pandas(f"{tag} accounts", os.path.join(out, "accounts.csv"), acc,
                 ["id", "revenue", "bus_factor", "dominant_share", "connected"])
    check_pandas(f"{tag} persons", os.path.join(out, "persons.csv"), per,
                 ["id", "type", "accounts_at_risk", "revenue_at_risk", "pagerank"])
    if sc is not None:
        kinds = {"scenario": "str", "leaving": "int", "leaving_ids": "list",
                 "lost_accounts": "int", "lost_revenue": "float", "newly_bus_factor_1": "int",
                 "newly_at_risk_revenue": "float"}
        sc["id"] = sc["scenario"]
        compare_table(f"{tag} scenarios", os.path.join(out, "scenarios.csv"), kinds, sc)
        with open(os.path.join(out, "scenario_losses.csv"), newline="", encoding="utf-8") as f:
            rd = csv.reader(f)
            C.check(next(rd) == ["scenario", "change", "id", "name", "revenue"], "losses header")
            got = [(r[0], r[1], r[2], r[3], float(r[4])) for r in rd]
        C.check(got == loss, f"{tag} scenario_losses: {got[:3]} vs {loss[:3]}")
        C.check(len(loss) > 0, f"{tag}: the fixture's scenarios lose nothing")
    else:
        C.check(not os.path.exists(os.path.join(out, "scenarios.csv")), "scenarios.csv without scenarios")
    outj = os.path.join(tmp, f"expj_{tag}")
    p = run(["export", h5, "-o", outj, "--format", "jsonl"])
    C.check(p.returncode == 0, f"{tag}: jsonl export: {p.stderr}")
    check_jsonl(f"{tag} accounts", os.path.join(out, "accounts.csv"),
                os.path.join(outj, "accounts.jsonl"), ACC_KINDS)
    check_jsonl(f"{tag} persons", os.path.join(out, "persons.csv"),
                os.path.join(outj, "persons.jsonl"), PER_KINDS)
    C.check(not [x for x in os.listdir(out) if ".tmp" in x], "temporary files left in DIR")
    return out


def named_fixture(tmp):
    """A small enterprise whose names and ids need quoting."""
    nodes = [("HQ", "company", 0, "Head, \"Quarters\""),
             ("E1", "employee", 0, "Ana; Lima"), ("E2", "employee", 0, "Bo\nLine"),
             ("E3", "employee", 0, "Zoë Ünal"), ("NA", "employee", 0, "NA"),
             ("A1", "account", 100.5, "Acme, Inc."), ("A2", "account", 2000, "\"Q\" Ltd"),
             ("A3", "account", 0.1, "東京 KK"), ("A4", "account", 7, ""),
             ("C1", "contact", 0, "Cy")]
    edges = [("HQ", "E1", 1), ("HQ", "E2", 1), ("HQ", "E3", 1), ("HQ", "NA", 1),
             ("E1", "A1", 5), ("E1", "A2", 1), ("E2", "A2", 3), ("E3", "C1", 1), ("C1", "A3", 1),
             ("NA", "A3", 2), ("E3", "A4", 1)]
    nf, ef = os.path.join(tmp, "n_nodes.csv"), os.path.join(tmp, "n_edges.csv")
    write_csv(nf, ["id", "type", "revenue", "name"], nodes)
    write_csv(ef, ["source", "target", "weight"], edges)
    scen = os.path.join(tmp, "scen.csv")
    with open(scen, "w", encoding="utf-8") as f:
        f.write("\"e1, out\",E1\nboth,E1,E3\n")
    h5 = os.path.join(tmp, "named.h5")
    p = run(["analyze", nf, ef, "-o", h5, "--quiet", "--scenarios", scen])
    C.check(p.returncode == 0, f"analyze named: {p.stderr}")
    return h5, nf, ef


def check_readme(tmp, sample_h5):
    """The README block, run exactly as written, in a directory with export/."""
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"#+ For dashboards\n.*?```python\n(.*?)```", text, re.S)
    if not C.check(m, "README has no 'For dashboards' python block"):
        return
    work = os.path.join(tmp, "readme")
    os.mkdir(work)
    p = run(["export", sample_h5, "-o", os.path.join(work, "export")])
    C.check(p.returncode == 0, f"export sample: {p.stderr}")
    acc, per, _, _ = reference(sample_h5)
    cwd = os.getcwd()
    ns = {}
    try:
        os.chdir(work)
        exec(compile(m.group(1), "README.md", "exec"), ns)
    finally:
        os.chdir(cwd)
    C.check(len(ns["accounts"]) == len(acc["id"]), "README: accounts rows")
    C.check(list(ns["persons"]["id"]) == per["id"], "README: persons ids")
    order = sorted((i for i in range(len(acc["id"])) if acc["bus_factor"][i] == 1),
                   key=lambda i: -acc["revenue"][i])
    want = [(acc["id"][i], acc["revenue"][i], ";".join(acc["key_persons"][i])) for i in order]
    got = ns["at_risk"]
    C.check(len(got) == 10 and all(g == w for g, w in zip(got, want)),
            f"README: at_risk {got[:2]} vs {want[:2]}")
    C.check([g[1] for g in got] == [w[1] for w in want[:10]], "README: at_risk revenue order")


def check_summary(h5):
    p = run(["summary", h5, "--format", "json", "--top", "5"])
    if not C.check(p.returncode == 0, f"summary json: {p.stderr}"):
        return
    j = json.loads(p.stdout)
    acc, _, _, _ = reference(h5)
    bf, ds, rev = acc["bus_factor"], acc["dominant_share"], acc["revenue"]
    paper = [i for i in range(len(bf)) if bf[i] >= 2 and ds[i] >= 0.8]
    C.check(j["covered_on_paper_only"]["accounts"] == len(paper),
            f"paper only: {j['covered_on_paper_only']} vs {len(paper)}")
    C.check(abs(j["covered_on_paper_only"]["revenue"] - sum(rev[i] for i in paper)) < 1e-6,
            "paper only revenue")
    if acc["threads"] is not None:
        single = [i for i, t in enumerate(acc["threads"]) if t == 1]
        C.check(j["single_threaded"]["accounts"] == len(single), "single-threaded count")
    else:
        C.check("single_threaded" not in j, "single_threaded without /accounts/threads")
    C.check(j["accounts"] == len(bf), "json accounts")
    risk = sorted((i for i in range(len(bf)) if acc["key_persons"][i]),
                  key=lambda i: (-rev[i], i))[:5]
    C.check([a["account"]["id"] for a in j["top_accounts_at_risk"]] == [acc["id"][i] for i in risk],
            f"top accounts at risk {[a['account']['id'] for a in j['top_accounts_at_risk']]}")
    C.check([a["key_person"]["id"] for a in j["top_accounts_at_risk"]] ==
            [acc["key_persons"][i][0] for i in risk], "first key person of the top accounts")
    md = run(["summary", h5, "--format", "markdown"])
    C.check(md.returncode == 0 and "| rank | person |" in md.stdout, "markdown table")
    t1, t2 = run(["summary", h5]), run(["summary", h5, "--format", "text"])
    C.check(t1.stdout == t2.stdout and "covered on paper only" in t1.stdout, "text is the default")
    p = run(["summary", h5, "--format", "xml"])
    C.check(p.returncode == 2, "unknown --format: usage error")


def check_bad(tmp, h5, nf, ef):
    store = os.path.join(tmp, "g.h5")
    C.check(run(["import", nf, ef, "-o", store]).returncode == 0, "import")
    v1 = os.path.join(tmp, "v1.h5")
    shutil.copy(h5, v1)
    with h5py.File(v1, "r+") as f:
        f.attrs["format_version"] = np.int32(1)
    # a second link 2^32 below a valid row would wrap onto it when narrowed
    wrap = os.path.join(tmp, "wrap.h5")
    shutil.copy(h5, wrap)
    with h5py.File(wrap, "r+") as f:
        sl = f["/accounts/second_link"]
        C.check(len(sl) > 0, "the damaged file has second links")
        if len(sl):
            sl[-1] = 2 ** 40  # a later bad row: the message names the first
            sl[0] = sl[0] - 2 ** 32
    trunc = os.path.join(tmp, "t.h5")
    with open(h5, "rb") as f, open(trunc, "wb") as g:
        g.write(f.read()[: os.path.getsize(h5) // 2])
    for label, path, msg in [("store", store, "graph store"), ("version", v1, "format_version 1"),
                             ("missing", os.path.join(tmp, "none.h5"), "cannot open"),
                             ("truncated", trunc, "t.h5"), ("csv", nf, "not a linchpin result"),
                             ("link_wrap", wrap, "/accounts/second_link[0] = ")]:
        out = os.path.join(tmp, f"bad_{label}")
        p = run(["export", path, "-o", out], env=damaged_input_env())
        C.check(p.returncode == 3, f"{label}: exit {p.returncode} ({p.stderr.strip()})")
        C.check(len(p.stderr.strip().splitlines()) == 1 and msg in p.stderr,
                f"{label}: stderr {p.stderr!r}")
        C.check(not os.path.exists(out), f"{label}: DIR created")
        p = run(["summary", path, "--format", "json"], env=damaged_input_env())
        C.check(p.returncode == 3 and p.stdout == "", f"summary {label}: {p.returncode}")
    # all or nothing: persons.csv cannot be replaced (a directory), so
    # accounts.csv keeps the bytes of the last export and nothing is left over
    out = os.path.join(tmp, "blocked")
    C.check(run(["export", h5, "-o", out]).returncode == 0, "export")
    with open(os.path.join(out, "accounts.csv"), "rb") as f:
        before = f.read()
    names = sorted(os.listdir(out))
    os.remove(os.path.join(out, "persons.csv"))
    os.mkdir(os.path.join(out, "persons.csv"))
    os.truncate(os.path.join(out, "accounts.csv"), len(before) - 1)  # tell the files apart
    p = run(["export", h5, "-o", out])
    C.check(p.returncode == 4 and "persons.csv: is a directory" in p.stderr,
            f"persons.csv a directory: exit {p.returncode}, {p.stderr!r}")
    with open(os.path.join(out, "accounts.csv"), "rb") as f:
        C.check(f.read() == before[:-1], "a failed export replaced accounts.csv")
    C.check(sorted(os.listdir(out)) == names, f"litter after a failed export: {sorted(os.listdir(out))}")


def rewrite(h5, out, path, make):
    """A copy of h5 with the dataset `path` replaced by make(f, name, values)."""
    shutil.copy(h5, out)
    with h5py.File(out, "r+") as f:
        vals = f[path][...]
        del f[path]
        make(f, path, vals)


def files_equal(a, b):
    with open(a, "rb") as x, open(b, "rb") as y:
        return x.read() == y.read()


def check_layouts(tmp, h5, tag):
    """The person rows come from /nodes/type compared chunk by chunk, and
    node-row columns are read from their raw chunks; every other layout of
    the same values (blob strings, no chunks or filters, space padding, a
    wider type) takes the other paths and must export the same bytes."""
    ref = os.path.join(tmp, f"lay_{tag}_ref")
    C.check(run(["export", h5, "-o", ref]).returncode == 0, f"{tag}: export")

    def blob(f, path, vals):
        b = b"".join(bytes(v) + b"\0" for v in vals)
        off = np.cumsum([0] + [len(bytes(v)) + 1 for v in vals]).astype(np.int64)
        f.create_dataset(path + "_bytes", data=np.frombuffer(b, dtype=np.uint8), chunks=True,
                         compression="gzip", fletcher32=True)
        f.create_dataset(path + "_offsets", data=off, chunks=True, compression="gzip",
                         fletcher32=True)

    def plain(f, path, vals):  # contiguous: no raw chunks to take
        f.create_dataset(path, data=vals)

    def spacepad(f, path, vals):  # wider than needed, blank-padded, in chunks of 3
        w = max(len(bytes(v)) for v in vals) + 5
        tid = h5py.h5t.C_S1.copy()
        tid.set_size(w)
        tid.set_strpad(h5py.h5t.STR_SPACEPAD)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((3,))
        dcpl.set_deflate(4)
        dcpl.set_fletcher32()
        space = h5py.h5s.create_simple((len(vals),))
        d = h5py.h5d.create(f.id, path.encode(), tid, space, dcpl=dcpl)
        d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([bytes(v).ljust(w) for v in vals],
                                                   dtype=f"S{w}"), mtype=tid)

    for label, path, make in [("type_blob", "/nodes/type", blob),
                              ("type_plain", "/nodes/type", plain),
                              ("type_spacepad", "/nodes/type", spacepad),
                              ("node_plain", "/accounts/node", plain),
                              ("keyp_plain", "/accounts/key_persons", plain)]:
        var = os.path.join(tmp, f"lay_{tag}_{label}.h5")
        rewrite(h5, var, path, make)
        if path == "/accounts/node" or path == "/accounts/key_persons":
            with h5py.File(var, "r+") as f:
                f[path].attrs["rows_of"] = np.bytes_(b"/nodes")
        out = os.path.join(tmp, f"lay_{tag}_{label}")
        p = run(["export", var, "-o", out])
        if not C.check(p.returncode == 0, f"{tag} {label}: export exit {p.returncode}: {p.stderr}"):
            continue
        for t in ("accounts.csv", "persons.csv"):
            C.check(files_equal(os.path.join(ref, t), os.path.join(out, t)),
                    f"{tag} {label}: {t} differs from the export of the file as written")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        h5, nf, ef = named_fixture(tmp)
        check_export(tmp, h5, "named")
        check_layouts(tmp, h5, "named")
        # two person types: the type column of persons.csv holds both
        h5p = os.path.join(tmp, "persons2.h5")
        p = run(["analyze", nf, ef, "-o", h5p, "--quiet", "--person", "contact,employee"])
        C.check(p.returncode == 0, f"analyze --person contact,employee: {p.stderr}")
        check_export(tmp, h5p, "persons2")
        check_layouts(tmp, h5p, "persons2")
        sample = os.path.join(SRC, "data", "sample")
        sample_h5 = os.path.join(tmp, "sample.h5")
        p = run(["analyze", os.path.join(sample, "nodes.csv"), os.path.join(sample, "edges.csv"),
                 "-o", sample_h5, "--quiet"])
        C.check(p.returncode == 0, f"analyze sample: {p.stderr}")
        check_export(tmp, sample_h5, "sample")
        # an export without scenarios over one with them: no stale scenario tables
        p = run(["export", sample_h5, "-o", os.path.join(tmp, "exp_named")])
        C.check(p.returncode == 0 and not os.path.exists(os.path.join(tmp, "exp_named", "scenarios.csv"))
                and not os.path.exists(os.path.join(tmp, "exp_named", "scenario_losses.csv")),
                "stale scenario tables left in DIR")
        check_readme(tmp, sample_h5)
        check_summary(sample_h5)
        check_summary(h5)
        check_bad(tmp, h5, nf, ef)
    C.done()


if __name__ == "__main__":
    main()
