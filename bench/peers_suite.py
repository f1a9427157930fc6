#!/usr/bin/python3
"""graph-tool and NetworkX peers of bench_suite, on the same graph.

    /usr/bin/python3 bench/peers_suite.py NODES.csv EDGES.csv --dump DIR
        [--runs R] [--threads T] [--work DIR] [--budget S] [--limit S]
        [--nx-max-edges M]

DIR holds what `bench_suite --dump DIR` wrote from the same CSV files: the
merged edge list (edges_src.i32, edges_dst.i32, edges_w.f64: linchpin's
graph, self-loops dropped, duplicates merged, weights summed, vertex = row
of nodes.csv) and our answers. The peers' graphs are built from that edge
list (untimed), so vertex ids line up and every answer can be checked
against ours, outside the timed part. Timed, median of R runs, at most R
runs and no new run once one took longer than --limit seconds (default
120); graph-tool with T OpenMP threads, NetworkX serial:

  load          gt: graph_tool.load_graph_from_csv(EDGES.csv, hashed ids,
                weight column); nx: networkx.read_edgelist on the CSV rows
  load_store    gt: graph_tool.load_graph of its binary .gt file (ids,
                types, revenue, weights; saved untimed); nx: pickle.load of
                the NetworkX graph with the same attributes
  keyperson     gt: label_biconnected_components; nx: articulation_points
  brokerage     nx: betweenness_centrality_subset on G + R, source R,
                targets the connected accounts (x 2: NetworkX halves
                undirected pairs)
  betweenness   gt: betweenness(norm=False), exact when bench_suite ran
                exact (n <= its --exact-max-nodes), and from sampled pivots
                extrapolated by n / pivots; nx: betweenness_centrality from
                k sampled sources, extrapolated by n / k
  pagerank      gt: pagerank, damping 0.85, weighted, epsilon 1e-12 (its
                L1-change stop, as ours); nx: pagerank, tol 1e-12 / n (the
                same L1 criterion), max_iter 10000. Also, for the record,
                both at their default tolerance (gt_default: epsilon 1e-6,
                nx_default: tol 1e-6, i.e. an L1 change below n * 1e-6),
                and every PageRank's L1 error (l1_err) against a reference
                computed untimed by graph-tool to epsilon 1e-15

NetworkX runs only when the graph has at most --nx-max-edges edges
(default 2,000,000); above, its lines say skipped. Checks (check=PASS or
FAIL): load, the graph after dropping loops and parallel edges has our edge
count and degree sequence; load_store, the graph read back equals the one
saved; keyperson, cut vertices equal ours (anchors aside); brokerage and
exact betweenness 1e-9 relative per vertex; PageRank L1 distance <= 1e-9.
Peak memory per phase: the resident high-water mark is reset before the
phase's runs (/proc/self/clear_refs) and read after them (rss_mb).
One line per measurement, key=value, as bench_suite. Never part of the tests.
"""
import argparse
import csv
import os
import pickle
import platform
import re
import statistics
import sys
import time

import numpy as np

ARGS = None
N = M = 0


def hwm_reset():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def hwm_mb():
    with open("/proc/self/status") as f:
        m = re.search(r"VmHWM:\s+(\d+)", f.read())
    return int(m.group(1)) / 1024.0 if m else -1.0


def cpu_now():
    """(machine busy CPU seconds from /proc/stat, this process's CPU seconds,
    wall seconds)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    tck = os.sysconf("SC_CLK_TCK")
    t = os.times()
    return (sum(v) - v[3] - v[4]) / tck, t.user + t.system, time.perf_counter()


def others(a, b):
    """Share of the machine's CPU other processes used between cpu_now()
    snapshots a and b; None below half a second."""
    wall = b[2] - a[2]
    if wall < 0.5:
        return None
    return min(1.0, max(0.0, ((b[0] - a[0]) - (b[1] - a[1])) / (wall * os.cpu_count())))


def emit(phase, impl, threads, runs, med, rss=None, busy=None, **extra):
    """One measurement line in bench_suite's format."""
    fields = [
        "bench=peers", f"phase={phase}", f"machine={platform.machine()}",
        f"nproc={os.cpu_count()}", f"threads={threads}", f"n={N}", f"m={M}", f"runs={runs}",
        f"median_s={med:.6f}" if med is not None else "median_s=NA", f"impl={impl}",
    ]
    if rss is not None:
        fields.append(f"rss_mb={rss:.1f}")
    if busy is not None:
        fields.append(f"others_cpu={busy:.2f}")
    fields += [f"{k}={v}" for k, v in extra.items()]
    print(" ".join(fields), flush=True)


def verdict(phase, impl, ok, **extra):
    print(" ".join([f"bench=peers phase={phase} impl=check_{impl} check={'PASS' if ok else 'FAIL'}"]
                   + [f"{k}={v}" for k, v in extra.items()]), flush=True)


BUSY = None  # others() over the last timed() or per_source_plan()


def timed(fn, runs=None):
    """(median seconds, runs done, last result, peak RSS MB): at most `runs`
    runs, none started after one that took longer than --limit. Sets BUSY."""
    global BUSY
    runs = runs or ARGS.runs
    hwm_reset()
    c0 = cpu_now()
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        if times[-1] > ARGS.limit:
            break
    BUSY = others(c0, cpu_now())
    return statistics.median(times), len(times), result, hwm_mb()


def ours(name, dtype):
    path = os.path.join(ARGS.dump, name)
    return np.fromfile(path, dtype=dtype) if os.path.exists(path) else None


def max_rel_diff(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1.0))) if len(a) else 0.0


def sorted_nonzero(deg):
    deg = np.asarray(deg)
    return np.sort(deg[deg > 0])


def csv_columns(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f))


def read_nodes(path):
    """ids, types, revenue of nodes.csv in row order (csv module, untimed)."""
    ids, types, rev = [], [], []
    with open(path, newline="", encoding="utf-8-sig") as f:
        r = csv.reader(f)
        h = next(r)
        ci, ct = h.index("id"), h.index("type")
        cr = h.index("revenue") if "revenue" in h else None
        for row in r:
            if row:
                ids.append(row[ci])
                types.append(row[ct])
                rev.append(float(row[cr]) if cr is not None and row[cr] else 0.0)
    return ids, types, np.asarray(rev, dtype=np.float64)


def sample_sources(k, seed):
    return np.random.default_rng(seed).choice(N, size=min(k, N), replace=False)


def per_source_plan(run_k, start):
    """Time run_k(start) once, then pick k filling about half the budget
    (at least `start`, at most 400) and time run_k(k): (k, seconds, rss)."""
    t0 = time.perf_counter()
    run_k(start)
    t1 = max(time.perf_counter() - t0, 1e-6)
    k = int(min(400, max(start, start * ARGS.budget / 2 / t1)))
    k = min(k, N)
    global BUSY
    hwm_reset()
    c0 = cpu_now()
    t0 = time.perf_counter()
    run_k(k)
    secs = time.perf_counter() - t0
    BUSY = others(c0, cpu_now())
    return k, secs, hwm_mb()


# ---- graph-tool ---------------------------------------------------------

def gt_phases(src, dst, w, deg_ours, nodes):
    import graph_tool
    import graph_tool.centrality as gtc
    import graph_tool.stats as gts
    import graph_tool.topology as gtt

    T = ARGS.threads
    graph_tool.openmp_set_num_threads(T)
    ver = graph_tool.__version__.split()[0]

    # load: its CSV reader on the same edges.csv
    cols = csv_columns(ARGS.edges)
    if cols[:2] == ["source", "target"]:
        extra = cols[2:]
        types = ["double" if c == "weight" else "string" for c in extra]
        eprops = {"eprop_types": types, "eprop_names": extra} if extra else {}
        med, runs, g0, rss = timed(lambda: graph_tool.load_graph_from_csv(
            ARGS.edges, directed=False, hashed=True, skip_first=True, **eprops))
        emit("load", "gt", T, runs, med, rss, BUSY, call="load_graph_from_csv", graph_tool=ver)
        rows = g0.num_edges()
        gts.remove_parallel_edges(g0)
        gts.remove_self_loops(g0)
        same = g0.num_edges() == M and np.array_equal(
            sorted_nonzero(g0.get_out_degrees(g0.get_vertices())), sorted_nonzero(deg_ours))
        verdict("load", "gt", same, rows=rows, simplified_m=g0.num_edges(),
                same_degree_sequence=int(same))
        del g0
    else:
        emit("load", "gt", T, 0, None, note="skipped:unexpected_columns")

    g = graph_tool.Graph(directed=False)
    g.add_vertex(N)
    g.add_edge_list(np.stack([src, dst], axis=1))
    wp = g.new_edge_property("double")
    wp.a = w

    # load_store: graph-tool's own binary format
    if nodes is not None:
        ids, types, rev = nodes
        h = g.copy()
        h.ep["weight"] = h.new_edge_property("double", vals=w)
        h.vp["id"] = h.new_vertex_property("string", vals=ids)
        h.vp["type"] = h.new_vertex_property("string", vals=types)
        h.vp["revenue"] = h.new_vertex_property("double", vals=rev)
        path = os.path.join(ARGS.work, "peers-graph.gt")
        h.save(path)
        del h
        med, runs, h2, rss = timed(lambda: graph_tool.load_graph(path))
        size = os.path.getsize(path)
        os.remove(path)
        emit("load_store", "gt", T, runs, med, rss, BUSY, call="load_graph(.gt)", bytes=size)
        ok = (h2.num_vertices() == N and h2.num_edges() == M
              and np.array_equal(h2.ep["weight"].a, w) and np.array_equal(h2.vp["revenue"].a, rev)
              and list(h2.vp["id"]) == ids)
        verdict("load_store", "gt", ok)
        del h2

    # keyperson
    med, runs, res, rss = timed(lambda: gtt.label_biconnected_components(g))
    art = np.asarray(res[1].a, dtype=np.uint8)
    emit("keyperson", "gt", T, runs, med, rss, BUSY, call="label_biconnected_components",
         articulation=int(art.sum()))
    mine, role = ours("is_articulation.u8", np.uint8), ours("role.u8", np.uint8)
    keep = (role & 1) == 0
    differ = int(np.sum(art[keep] != mine[keep]))
    verdict("keyperson", "gt", differ == 0, cut_vertices_differing=differ)

    # betweenness: exact where bench_suite ran exact, and from sampled pivots
    exact = ours("betweenness.f64", np.float64)
    if exact is not None:
        med, runs, res, rss = timed(lambda: gtc.betweenness(g, norm=False))
        emit("betweenness", "gt", T, runs, med, rss, BUSY, call="betweenness")
        rel = max_rel_diff(res[0].a, exact)
        verdict("betweenness", "gt", rel <= 1e-9, max_rel_diff=f"{rel:.3g}")
    k, secs, rss = per_source_plan(
        lambda k: gtc.betweenness(g, pivots=sample_sources(k, 7), norm=False), 4 * T)
    emit("betweenness", "gt_sources", T, 1, secs / k * N, rss, BUSY, call="betweenness(pivots)",
         extrapolated=1, sources=k, per_source_s=f"{secs / k:.6f}")

    # pagerank; accuracy against a reference run untimed to epsilon 1e-15
    mine = ours("pagerank.f64", np.float64)
    ref = gtc.pagerank(g, damping=0.85, weight=wp, epsilon=1e-15, max_iter=100000).a.copy()
    np.save(os.path.join(ARGS.work, "peers-pagerank-ref.npy"), ref)
    emit("pagerank", "reference", T, 0, None, epsilon=1e-15,
         l1_err_ours=f"{np.abs(mine - ref).sum():.3g}")
    med, runs, res, rss = timed(
        lambda: gtc.pagerank(g, damping=0.85, weight=wp, epsilon=1e-12, ret_iter=True))
    l1 = float(np.abs(res[0].a - mine).sum())
    emit("pagerank", "gt", T, runs, med, rss, BUSY, call="pagerank", epsilon=1e-12,
         iterations=res[1],
         l1_err=f"{np.abs(res[0].a - ref).sum():.3g}")
    verdict("pagerank", "gt", l1 <= 1e-9, l1_diff=f"{l1:.3g}")
    med, runs, res, rss = timed(
        lambda: gtc.pagerank(g, damping=0.85, weight=wp, ret_iter=True))
    emit("pagerank", "gt_default", T, runs, med, rss, BUSY, call="pagerank", epsilon=1e-6,
         iterations=res[1], l1_err=f"{np.abs(res[0].a - ref).sum():.3g}")


# ---- NetworkX -----------------------------------------------------------

def nx_phases(src, dst, w, deg_ours, nodes):
    import networkx as nx

    ver = nx.__version__
    if M > ARGS.nx_max_edges:
        for phase in ("load", "load_store", "keyperson", "brokerage", "betweenness", "pagerank"):
            emit(phase, "nx", 1, 0, None, note=f"skipped:m>{ARGS.nx_max_edges}")
        return

    # load: read_edgelist on the CSV rows (header skipped)
    cols = csv_columns(ARGS.edges)
    if cols[:2] == ["source", "target"] and cols[2:3] in ([], ["weight"]):
        def load():
            with open(ARGS.edges, encoding="utf-8-sig") as f:
                next(f)
                data = (("weight", float),) if len(cols) > 2 else False
                return nx.read_edgelist(f, delimiter=",", nodetype=str, data=data)
        med, runs, h0, rss = timed(load)
        emit("load", "nx", 1, runs, med, rss, BUSY, call="read_edgelist", networkx=ver)
        h0.remove_edges_from(list(nx.selfloop_edges(h0)))
        same = h0.number_of_edges() == M and np.array_equal(
            sorted_nonzero([d for _, d in h0.degree()]), sorted_nonzero(deg_ours))
        verdict("load", "nx", same, simplified_m=h0.number_of_edges(),
                same_degree_sequence=int(same))
        del h0
    else:
        emit("load", "nx", 1, 0, None, note="skipped:unexpected_columns")

    h = nx.Graph()
    h.add_nodes_from(range(N))
    h.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), w.tolist()))

    # load_store: a pickled NetworkX graph with the same attributes
    if nodes is not None:
        ids, types, rev = nodes
        hs = h.copy()
        for v in range(N):
            hs.nodes[v].update(id=ids[v], type=types[v], revenue=float(rev[v]))
        path = os.path.join(ARGS.work, "peers-graph.pickle")
        with open(path, "wb") as f:
            pickle.dump(hs, f, protocol=pickle.HIGHEST_PROTOCOL)

        def unpickle():
            with open(path, "rb") as f:
                return pickle.load(f)
        med, runs, h2, rss = timed(unpickle)
        size = os.path.getsize(path)
        os.remove(path)
        emit("load_store", "nx", 1, runs, med, rss, BUSY, call="pickle.load", bytes=size)
        verdict("load_store", "nx", nx.utils.graphs_equal(h2, hs))
        del hs, h2

    # keyperson
    med, runs, aps, rss = timed(lambda: list(nx.articulation_points(h)))
    emit("keyperson", "nx", 1, runs, med, rss, BUSY, call="articulation_points",
         articulation=len(aps))
    mine, role = ours("is_articulation.u8", np.uint8), ours("role.u8", np.uint8)
    theirs = np.zeros(N, dtype=np.uint8)
    theirs[list(aps)] = 1
    keep = (role & 1) == 0
    differ = int(np.sum(theirs[keep] != mine[keep]))
    verdict("keyperson", "nx", differ == 0, cut_vertices_differing=differ)

    # brokerage: subset betweenness from R on G + R
    acc, conn = ours("account_node.i32", np.int32), ours("account_connected.u8", np.uint8)
    targets = acc[conn == 1].tolist()
    R = N
    hr = h.copy()
    hr.add_edges_from((R, int(v)) for v in np.nonzero(role & 1)[0])
    med, runs, res, rss = timed(
        lambda: nx.betweenness_centrality_subset(hr, [R], targets, normalized=False))
    emit("brokerage", "nx", 1, runs, med, rss, BUSY, call="betweenness_centrality_subset")
    theirs = 2.0 * np.fromiter((res[v] for v in range(N)), dtype=np.float64, count=N)
    rel = max_rel_diff(theirs, ours("brokerage.f64", np.float64))
    verdict("brokerage", "nx", rel <= 1e-9, max_rel_diff=f"{rel:.3g}")
    del hr

    # betweenness from k sampled sources, extrapolated
    k, secs, rss = per_source_plan(
        lambda k: nx.betweenness_centrality(h, k=k, normalized=False, seed=1), 2)
    emit("betweenness", "nx_sources", 1, 1, secs / k * N, rss, BUSY,
         call="betweenness_centrality(k)",
         extrapolated=1, sources=k, per_source_s=f"{secs / k:.6f}")

    # pagerank (accuracy against gt_phases' reference, when it ran)
    path = os.path.join(ARGS.work, "peers-pagerank-ref.npy")
    ref = np.load(path) if os.path.exists(path) else None
    for impl, tol in (("nx", 1e-12 / N), ("nx_default", 1e-6)):
        med, runs, pr, rss = timed(
            lambda t=tol: nx.pagerank(h, alpha=0.85, weight="weight", tol=t, max_iter=10000))
        x = np.fromiter((pr[v] for v in range(N)), dtype=np.float64, count=N)
        err = {} if ref is None else {"l1_err": f"{np.abs(x - ref).sum():.3g}"}
        emit("pagerank", impl, 1, runs, med, rss, BUSY, call="pagerank", tol=f"{tol:.3g}", **err)
        if impl == "nx":
            l1 = float(np.abs(x - ours("pagerank.f64", np.float64)).sum())
            verdict("pagerank", "nx", l1 <= 1e-9, l1_diff=f"{l1:.3g}")


def main():
    global ARGS, N, M
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("nodes")
    p.add_argument("edges")
    p.add_argument("--dump", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--work", default="/tmp")
    p.add_argument("--budget", type=float, default=60.0)
    p.add_argument("--limit", type=float, default=120.0)
    p.add_argument("--nx-max-edges", type=int, default=2_000_000)
    p.add_argument("--only", choices=("gt", "nx"), help="run one peer only")
    ARGS = p.parse_args()

    with open(os.path.join(ARGS.dump, "meta.txt")) as f:
        meta = dict(line.split("=", 1) for line in f.read().split())
    N, M = int(meta["n"]), int(meta["m"])
    src = ours("edges_src.i32", np.int32).astype(np.int64)
    dst = ours("edges_dst.i32", np.int32).astype(np.int64)
    w = ours("edges_w.f64", np.float64)
    deg = np.bincount(src, minlength=N) + np.bincount(dst, minlength=N)
    nodes = read_nodes(ARGS.nodes)
    if len(nodes[0]) != N:
        print(f"peers_suite: {ARGS.nodes} has {len(nodes[0])} rows, the dump {N}", file=sys.stderr)
        return 1
    if ARGS.only != "nx":
        try:
            import graph_tool  # noqa: F401 (python3-graph-tool: LINCHPIN_BENCH=1 setup only)
        except ImportError:
            print("peers_suite: graph-tool is not installed: no graph-tool rows", file=sys.stderr)
        else:
            gt_phases(src, dst, w, deg, nodes)
    if ARGS.only != "gt":
        nx_phases(src, dst, w, deg, nodes)
    ref = os.path.join(ARGS.work, "peers-pagerank-ref.npy")
    if os.path.exists(ref):
        os.remove(ref)
    return 0


if __name__ == "__main__":
    sys.exit(main())
