"""linchpin subgraph: the H-hop neighbourhood as GraphML (igraph's writer)
read back with python-igraph and NetworkX, and as DOT, against the
neighbourhood computed here from the CSV files and the result columns read
with h5py. Unknown ids and a results file of another graph: exit 3, nothing
written."""
import collections
import csv
import math
import os
import re
import shutil
import tempfile
import warnings

import h5py
import igraph
import networkx as nx

from lptest import Checker, run, write_csv

C = Checker("subgraph")
SRC = os.environ.get("LP_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
SAMPLE = os.path.join(SRC, "data", "sample")


def read_graph(nodes_csv, edges_csv):
    """Nodes (id -> (type, revenue)) and merged undirected edges."""
    nodes = {}
    with open(nodes_csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rev = row.get("revenue") or "0"
            nodes[row["id"]] = (row["type"], float(rev))
    adj = collections.defaultdict(dict)
    with open(edges_csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            a, b = row["source"], row["target"]
            if a == b:
                continue
            w = float(row.get("weight") or 1)
            adj[a][b] = adj[a].get(b, 0.0) + w
            adj[b][a] = adj[b].get(a, 0.0) + w
    return nodes, adj


def neighbourhood(adj, seeds, hops):
    dist = {s: 0 for s in seeds}
    frontier = list(seeds)
    for h in range(hops):
        nxt = []
        for u in frontier:
            for v in adj[u]:
                if v not in dist:
                    dist[v] = h + 1
                    nxt.append(v)
        frontier = nxt
    keep = set(dist)
    edges = {frozenset((u, v)): w for u in keep for v, w in adj[u].items() if v in keep}
    return keep, edges


def results_columns(path):
    with h5py.File(path, "r") as f:
        ids = [x.decode() for x in f["nodes/id"][...]]
        node = {}
        for col in ("accounts_at_risk", "revenue_at_risk", "is_articulation", "betweenness",
                    "pagerank", "brokerage"):
            if f"nodes/{col}" in f:
                vals = f[f"nodes/{col}"][...]
                for i, x in enumerate(ids):
                    node.setdefault(x, {})[col] = (bool(vals[i]) if col == "is_articulation"
                                                   else float(vals[i]))
        acc = f["accounts"]
        for j, row in enumerate(acc["node"][...]):
            for col in ("bus_factor", "dominant_share", "threads"):
                if col in acc:
                    node[ids[row]][col] = float(acc[col][j])
    return node


def close(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def check_graphml(tag, path, nodes, keep, edges, res):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "already an 'id' vertex attribute": ours
        gi = igraph.Graph.Read_GraphML(path)
    gn = nx.read_graphml(path)
    # python-igraph
    ids = gi.vs["id"]
    C.check(set(ids) == keep and len(ids) == len(keep), f"{tag}: igraph nodes differ")
    got = {frozenset((ids[e.source], ids[e.target])): e["weight"] for e in gi.es}
    C.check(set(got) == set(edges) and gi.ecount() == len(edges), f"{tag}: igraph edges differ")
    C.check(all(close(got[k], edges[k]) for k in got if k in edges), f"{tag}: igraph weights")
    for v in gi.vs:
        t, rev = nodes[v["id"]]
        C.check(v["type"] == t and close(v["revenue"], rev), f"{tag}: igraph type/revenue")
    # NetworkX
    by_id = {d["id"]: d for _, d in gn.nodes(data=True)}
    C.check(set(by_id) == keep and gn.number_of_nodes() == len(keep), f"{tag}: networkx nodes")
    nid = {n: d["id"] for n, d in gn.nodes(data=True)}
    got = {frozenset((nid[a], nid[b])): d["weight"] for a, b, d in gn.edges(data=True)}
    C.check(set(got) == set(edges), f"{tag}: networkx edges differ")
    C.check(all(close(got[k], edges[k]) for k in got if k in edges), f"{tag}: networkx weights")
    for x, d in by_id.items():
        t, rev = nodes[x]
        C.check(d["type"] == t and close(d["revenue"], rev), f"{tag}: networkx type/revenue {x}")
        if res is None:
            C.check("bus_factor" not in d and "revenue_at_risk" not in d,
                    f"{tag}: result attributes without --results")
            continue
        want = res[x]
        for col, val in want.items():
            C.check(col in d and close(d[col], val), f"{tag}: {x} {col} {d.get(col)} vs {val}")
        for col in ("bus_factor", "dominant_share", "threads"):
            if col not in want:
                C.check(col not in d, f"{tag}: {col} on non-account {x}")


DOT_NODE = re.compile(r'^  ("(?:[^"\\]|\\.)*") \[(.*)\];$')
DOT_EDGE = re.compile(r'^  ("(?:[^"\\]|\\.)*") -- ("(?:[^"\\]|\\.)*") \[weight="([^"]*)"\];$')


def unquote(q):
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), q[1:-1])


def check_dot(tag, path, nodes, keep, edges):
    lines = open(path, encoding="utf-8").read().splitlines()
    C.check(lines[0] == "graph linchpin {" and lines[-1] == "}", f"{tag}: DOT frame")
    seen, got = set(), {}
    for line in lines[1:-1]:
        m = DOT_EDGE.match(line)
        if m:
            got[frozenset((unquote(m.group(1)), unquote(m.group(2))))] = float(m.group(3))
            continue
        m = DOT_NODE.match(line)
        if C.check(m is not None, f"{tag}: DOT line not understood: {line!r}"):
            x = unquote(m.group(1))
            seen.add(x)
            t = re.search(r'type=("(?:[^"\\]|\\.)*")', m.group(2))
            C.check(t is not None and unquote(t.group(1)) == nodes[x][0], f"{tag}: DOT type of {x}")
    C.check(seen == keep, f"{tag}: DOT nodes differ")
    C.check(set(got) == set(edges), f"{tag}: DOT edges differ")
    C.check(all(close(got[k], edges[k]) for k in got if k in edges), f"{tag}: DOT weights")


def main():
    work = tempfile.mkdtemp(prefix="lp-subgraph-")
    try:
        nodes_csv = os.path.join(SAMPLE, "nodes.csv")
        edges_csv = os.path.join(SAMPLE, "edges.csv")
        nodes, adj = read_graph(nodes_csv, edges_csv)
        res_path = os.path.join(work, "r.h5")
        C.check(run(["analyze", nodes_csv, edges_csv, "-o", res_path, "--quiet"]).returncode == 0,
                "analyze")
        res = results_columns(res_path)
        store = os.path.join(work, "g.h5")
        C.check(run(["import", nodes_csv, edges_csv, "-o", store]).returncode == 0, "import")
        # seeds: an account, and an id with a comma (CSV-quoted in --around)
        account = next(x for x, (t, _) in nodes.items() if t == "account")
        comma = next((x for x in nodes if "," in x), None)
        seeds = [account] + ([comma] if comma else [])
        around = ",".join('"' + s.replace('"', '""') + '"' if "," in s or '"' in s else s
                          for s in seeds)
        for hops in (0, 1, 2, 3):
            keep, edges = neighbourhood(adj, seeds, hops)
            out = os.path.join(work, f"h{hops}.graphml")
            p = run(["subgraph", nodes_csv, edges_csv, "--around", around, "--hops", str(hops),
                     "--results", res_path, "-o", out])
            if C.check(p.returncode == 0, f"hops {hops}: {p.stderr}"):
                check_graphml(f"hops {hops}", out, nodes, keep, edges, res)
        keep, edges = neighbourhood(adj, seeds, 2)
        # default hops 2, without --results, from the store: same graph
        out = os.path.join(work, "plain.graphml")
        p = run(["subgraph", store, "--around", around, "-o", out])
        if C.check(p.returncode == 0, f"store: {p.stderr}"):
            check_graphml("store", out, nodes, keep, edges, None)
        out2 = os.path.join(work, "plain2.graphml")
        run(["subgraph", nodes_csv, edges_csv, "--around", around, "-o", out2])
        C.check(open(out, "rb").read() == open(out2, "rb").read(), "store and CSV differ")
        # DOT
        out = os.path.join(work, "n.dot")
        p = run(["subgraph", nodes_csv, edges_csv, "--around", around, "--format", "dot",
                 "--results", res_path, "-o", out])
        if C.check(p.returncode == 0, f"dot: {p.stderr}"):
            check_dot("dot", out, nodes, keep, edges)
        # DOT quoting of hostile ids
        hn = os.path.join(work, "hn.csv")
        he = os.path.join(work, "he.csv")
        ids = ["HQ", 'a "quoted" id', "back\\slash", "semi;colon {x}", "acct, Inc."]
        write_csv(hn, ["id", "type", "revenue"], [["HQ", "company", 0], [ids[1], "employee", 0],
                                                  [ids[2], "employee", 0], [ids[3], "contact", 0],
                                                  [ids[4], "account", 5]])
        write_csv(he, ["source", "target", "weight"], [["HQ", ids[1], 1], [ids[1], ids[3], 2],
                                                      [ids[2], ids[3], 1], [ids[3], ids[4], 3]])
        hnodes, hadj = read_graph(hn, he)
        hkeep, hedges = neighbourhood(hadj, [ids[4]], 5)
        out = os.path.join(work, "h.dot")
        p = run(["subgraph", hn, he, "--around", '"acct, Inc."', "--hops", "5", "--format", "dot",
                 "-o", out])
        if C.check(p.returncode == 0, f"hostile dot: {p.stderr}"):
            check_dot("hostile dot", out, hnodes, hkeep, hedges)
        out = os.path.join(work, "h.graphml")
        p = run(["subgraph", hn, he, "--around", '"acct, Inc."', "--hops", "5", "-o", out])
        if C.check(p.returncode == 0, f"hostile graphml: {p.stderr}"):
            check_graphml("hostile graphml", out, hnodes, hkeep, hedges, None)
        # unknown id: exit 3 naming it, nothing written
        bad = os.path.join(work, "bad.graphml")
        p = run(["subgraph", nodes_csv, edges_csv, "--around", f"{account},no-such-node",
                 "-o", bad])
        C.check(p.returncode == 3 and "no-such-node" in p.stderr, f"unknown id: {p.returncode}")
        C.check(not os.path.exists(bad), "written despite an unknown id")
        # results of another graph: exit 3, nothing written
        p = run(["subgraph", hn, he, "--around", "HQ", "--results", res_path, "-o", bad])
        C.check(p.returncode == 3 and not os.path.exists(bad), f"mismatch: {p.returncode}")
        p = run(["subgraph", nodes_csv, edges_csv, "--around", "HQ", "--format", "svg",
                 "-o", bad])
        C.check(p.returncode == 2 and not os.path.exists(bad), "bad --format is a usage error")
        left = [x for x in os.listdir(work) if ".tmp-" in x]
        C.check(not left, f"temporary files left: {left}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    C.done()


if __name__ == "__main__":
    main()
