"""`linchpin generate` through the command line: --help names every option,
usage errors exit 2 and create nothing, an unwritable output exits 4, reruns
are byte-identical whatever OMP_NUM_THREADS, and the files (read here with
Python's csv module, an independent reader) hold what the command says it
wrote: node counts per type, duplicate rows, self-loops, CRLF line ends, a
BOM, odd ids; `linchpin analyze` of the awkward output reports the same
merged duplicates, dropped self-loops, orphan accounts and key-person
accounts (= single-threaded accounts) as the generator."""
import csv
import hashlib
import os
import re
import tempfile

import h5py

from lptest import Checker, run

C = Checker("generate")

OPTIONS = ["--accounts", "--employees", "--seed", "--names", "--single-threaded", "--partners",
           "--former-employees", "--rep-alpha", "--awkward", "--crlf", "-o"]
TYPES = ["company", "division", "team", "employee", "partner", "account", "contact",
         "former_employee"]


def digest(d):
    h = hashlib.sha256()
    for name in ("nodes.csv", "edges.csv"):
        with open(os.path.join(d, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def stats(stdout):
    """The counts the command printed."""
    s = {}
    m = re.search(r"\((\d+) nodes\) and .*\((\d+) edge rows\)", stdout)
    s["nodes"], s["edge_rows"] = int(m.group(1)), int(m.group(2))
    for t in TYPES:
        m = re.search(r"\b%s (\d+)" % t, stdout)
        s[t] = int(m.group(1)) if m else None
    for key, pat in [("single", r"(\d+) single-threaded"), ("orphans", r"(\d+) orphans"),
                     ("dups", r"(\d+) duplicate edge rows"), ("loops", r"(\d+) self-loops"),
                     ("odd", r"(\d+) odd ids")]:
        m = re.search(pat, stdout)
        s[key] = int(m.group(1)) if m else 0
    return s


def read(d):
    with open(os.path.join(d, "nodes.csv"), newline="", encoding="utf-8-sig") as f:
        nodes = list(csv.reader(f))
    with open(os.path.join(d, "edges.csv"), newline="", encoding="utf-8-sig") as f:
        edges = list(csv.reader(f))
    return nodes, edges


def check_files(d, s, what, awkward):
    nodes, edges = read(d)
    C.check(nodes[0] == ["id", "type", "revenue"] and edges[0] == ["source", "target", "weight"],
            f"{what}: headers {nodes[0]} {edges[0]}")
    nodes, edges = nodes[1:], edges[1:]
    C.check(len(nodes) == s["nodes"] and len(edges) == s["edge_rows"],
            f"{what}: {len(nodes)} nodes, {len(edges)} edge rows; printed {s}")
    ids = {}
    for row in nodes:
        ids[row[0]] = row
    C.check(len(ids) == len(nodes), f"{what}: duplicate node ids")
    for t in TYPES:
        k = sum(1 for r in nodes if r[1] == t)
        C.check(k == s[t], f"{what}: {k} nodes of type {t}, printed {s[t]}")
    bad_rev = [r for r in nodes if (r[1] == "account" and not float(r[2]) > 0)
               or (r[1] != "account" and r[2] not in ("", "0"))]
    C.check(not bad_rev, f"{what}: bad revenue rows {bad_rev[:3]}")
    seen, dups, loops, bad = set(), 0, 0, 0
    for src, dst, w in edges:
        bad += src not in ids or dst not in ids or not (w == "" or (w.isdigit() and int(w) > 0))
        if src == dst:
            loops += 1
            continue
        key = (min(src, dst), max(src, dst))
        dups += key in seen
        seen.add(key)
    C.check(bad == 0, f"{what}: {bad} edge rows with unknown ids or bad weights")
    C.check(dups == s["dups"] and loops == s["loops"],
            f"{what}: {dups} duplicate rows, {loops} self-loops; printed {s['dups']}, {s['loops']}")
    with open(os.path.join(d, "edges.csv"), "rb") as f:
        raw = f.read()
    if awkward:
        C.check(raw.startswith(b"\xef\xbb\xbfsource,target,weight\r\n"), f"{what}: no BOM/CRLF")
        odd = [i for i in ids if "«" in i]
        C.check(len(odd) == s["odd"] and s["odd"] > 0, f"{what}: {len(odd)} odd ids, printed {s['odd']}")
        C.check(any("," in i for i in ids) and any('"' in i for i in ids)
                and any("\n" in i for i in ids) and any(i.startswith(" ") for i in ids),
                f"{what}: odd ids lack commas, quotes, line breaks or blanks")
        C.check(any(w == "" for _, _, w in edges), f"{what}: no empty weight")
    else:
        C.check(b"\r" not in raw and not raw.startswith(b"\xef"), f"{what}: CR or BOM in clean output")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        p = run(["generate", "--help"])
        C.check(p.returncode == 0, f"generate --help exit {p.returncode}")
        for opt in OPTIONS:
            C.check(opt in p.stdout, f"generate --help does not mention {opt}")

        out = os.path.join(tmp, "never")
        for args in [[], ["--accounts", "10"], ["-o", out], ["--accounts", "0", "-o", out],
                     ["--accounts", "abc", "-o", out], ["--accounts", "100000001", "-o", out],
                     ["--accounts", "10", "--employees", "1", "-o", out],
                     ["--accounts", "10", "--single-threaded", "1.5", "-o", out],
                     ["--accounts", "10", "--single-threaded", "x", "-o", out],
                     ["--accounts", "10", "--former-employees", "-0.5", "-o", out],
                     ["--accounts", "10", "--rep-alpha", "1", "-o", out],
                     ["--accounts", "10", "--partners", "-1", "-o", out],
                     ["--accounts", "10", "--seed", "-1", "-o", out],
                     ["--accounts", "10", "--frobnicate", "-o", out],
                     ["--accounts", "10", "-o"], ["--accounts", "10", "--output="]]:
            p = run(["generate"] + args)
            C.check(p.returncode == 2 and p.stderr.startswith("linchpin: "),
                    f"generate {args}: exit {p.returncode}, stderr {p.stderr!r}")
        C.check(not os.path.exists(out), "a usage error created the output directory")

        blocker = os.path.join(tmp, "file")
        open(blocker, "w").close()
        p = run(["generate", "--accounts", "10", "-o", os.path.join(blocker, "sub")])
        C.check(p.returncode == 4 and "file/sub" in p.stderr,
                f"unwritable output: exit {p.returncode}, {p.stderr!r}")

        # all or nothing: when edges.csv cannot be replaced (a directory),
        # nodes.csv keeps its old bytes and no temporary file is left
        both = os.path.join(tmp, "both")
        C.check(run(["generate", "--accounts", "10", "-o", both]).returncode == 0, "generate")
        with open(os.path.join(both, "nodes.csv"), "rb") as f:
            old_nodes = f.read()
        os.remove(os.path.join(both, "edges.csv"))
        os.mkdir(os.path.join(both, "edges.csv"))
        p = run(["generate", "--accounts", "20", "-o", both])
        C.check(p.returncode == 4 and "edges.csv: is a directory" in p.stderr,
                f"edges.csv a directory: exit {p.returncode}, {p.stderr!r}")
        with open(os.path.join(both, "nodes.csv"), "rb") as f:
            C.check(f.read() == old_nodes, "a failed generate replaced nodes.csv")
        C.check(sorted(os.listdir(both)) == ["edges.csv", "nodes.csv"],
                f"litter after a failed generate: {sorted(os.listdir(both))}")

        # byte-identical reruns, whatever the thread count; another seed differs
        base = ["generate", "--accounts", "2000", "--names", "--awkward", "--seed", "5"]
        d1, d2, d3 = (os.path.join(tmp, x) for x in ("a", "b", "c"))
        p1 = run(base + ["-o", d1], env=dict(os.environ, OMP_NUM_THREADS="1"))
        p2 = run(base + ["-o", d2], env=dict(os.environ, OMP_NUM_THREADS="2"))
        p3 = run(base[:-1] + ["6", "-o", d3])
        ok = all(p.returncode == 0 for p in (p1, p2, p3))
        C.check(ok, f"generate failed: {p1.stderr} {p2.stderr} {p3.stderr}")
        if not ok:
            C.done()
        C.check(digest(d1) == digest(d2), "reruns are not byte-identical")
        C.check(digest(d1) != digest(d3), "seeds 5 and 6 give the same files")
        s = stats(p1.stdout)
        check_files(d1, s, "awkward names", True)

        # the loader and the analysis find what the generator says it made
        h5 = os.path.join(tmp, "r.h5")
        p = run(["analyze", os.path.join(d1, "nodes.csv"), os.path.join(d1, "edges.csv"),
                 "-o", h5, "--quiet", "--betweenness", "off"])
        C.check(p.returncode == 0, f"analyze of awkward output: {p.returncode} {p.stderr}")
        if p.returncode == 0:
            with h5py.File(h5, "r") as f:
                a = f["/summary"].attrs
                C.check(a["nodes"] == s["nodes"], f"nodes {a['nodes']} vs {s['nodes']}")
                C.check(a["merged_duplicates"] == s["dups"] and s["dups"] > 0,
                        f"merged duplicates {a['merged_duplicates']} vs {s['dups']}")
                C.check(a["dropped_self_loops"] == s["loops"] and s["loops"] > 0,
                        f"dropped self-loops {a['dropped_self_loops']} vs {s['loops']}")
                C.check(a["orphan_accounts"] == s["orphans"] and s["orphans"] > 0,
                        f"orphan accounts {a['orphan_accounts']} vs {s['orphans']}")
                C.check(a["accounts_with_key_person"] == s["single"],
                        f"key-person accounts {a['accounts_with_key_person']} vs single-threaded {s['single']}")

        # clean compact output, CRLF on its own
        d4 = os.path.join(tmp, "clean")
        p = run(["generate", "--accounts", "2000", "--single-threaded", "0.25", "--partners", "0",
                 "--former-employees", "0", "-o", d4])
        C.check(p.returncode == 0, f"clean: {p.stderr}")
        s = stats(p.stdout)
        C.check(s["partner"] == 0 and s["former_employee"] == 0, f"clean: options ignored {s}")
        check_files(d4, s, "clean", False)
        d5 = os.path.join(tmp, "crlf")
        p = run(["generate", "--accounts", "50", "--crlf", "-o", d5])
        with open(os.path.join(d5, "nodes.csv"), "rb") as f:
            raw = f.read()
        C.check(p.returncode == 0 and raw.startswith(b"id,type,revenue\r\n")
                and raw.count(b"\n") == raw.count(b"\r\n"), "--crlf")
        C.check(sorted(os.listdir(d5)) == ["edges.csv", "nodes.csv"], "temporary files left")
    C.done()


if __name__ == "__main__":
    main()
