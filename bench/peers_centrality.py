#!/usr/bin/python3
"""Peer timings for bench_centrality: graph-tool and NetworkX on the same graph.

    /usr/bin/python3 bench/peers_centrality.py nodes.csv edges.csv [--runs R]
        [--threads T] [--compare DIR] [--bc-max-edges M] [--nx-max-edges M]
        [--nx-limit-s S] [--nx-bc-sources K]

The graph is built as linchpin builds it (bench/peers.py read_graph: one
vertex per row of nodes.csv, self-loops dropped, duplicates merged with their
weights summed). Reading and building are timed once and not compared.
Timed, median of R runs:

  gt_betweenness    graph_tool.centrality.betweenness(g, norm=False), OpenMP
                    threads set with graph_tool.openmp_set_num_threads(T);
                    only when m <= --bc-max-edges (default 100,000)
  gt_pagerank       graph_tool.centrality.pagerank, damping 0.85, weight = the
                    merged edge weights, epsilon 1e-12 (its L1-change
                    threshold, the same as lp_pagerank's tolerance)
  gt_pagerank_1e-6  the same with graph-tool's default epsilon 1e-6
  nx_pagerank       networkx.pagerank, weight="weight", tol = 1e-12 / n
                    (NetworkX stops when the L1 change is below n * tol, so
                    this is the same criterion), max_iter 10000; and
                    nx_pagerank_default with its defaults (tol 1e-6, i.e. an
                    L1 change below n * 1e-6). Up to 3 runs, stopped after
                    the first when that took more than --nx-limit-s (60 s);
                    skipped above --nx-max-edges (2,000,000)
  nx_betweenness    networkx.betweenness_centrality(k=K, seed=1,
                    normalized=False) from K sampled sources
                    (--nx-bc-sources, 200): the exact run is out of reach, so
                    the line gives the K-source time and extrapolated_s =
                    time * n / K (Brandes costs the same per source); only
                    when m <= --bc-max-edges

--compare DIR reads DIR/betweenness.f64 and DIR/pagerank.f64 written by
bench_centrality --dump and prints how far the peers' vectors are from
ours (max relative difference for betweenness, L1 for PageRank), outside
the timed part. Every PageRank line also gives l1_err, the L1 distance to a
reference computed untimed with graph-tool at epsilon 1e-15 (the
pagerank_reference line gives ours), so the accuracies can be compared. Never part of the tests.
"""
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import base_parser, emit, gt_graph, read_timed, timed  # noqa: E402


def line(phase, runs, med, threads=None, **extra):
    emit("peers_centrality", phase, ARGS.threads if threads is None else threads, N, M, runs,
         med, **extra)


def ours(name):
    """Our vector from bench_centrality --dump, or None."""
    if not ARGS.compare:
        return None
    path = os.path.join(ARGS.compare, name)
    if not os.path.exists(path):
        return None
    x = np.fromfile(path, dtype=np.float64)
    return x if len(x) == N else None


def max_rel_diff(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1.0)))


def main():
    global ARGS, N, M
    p = base_parser(__doc__)
    p.add_argument("--compare", metavar="DIR")
    p.add_argument("--bc-max-edges", type=int, default=100_000)
    p.add_argument("--nx-max-edges", type=int, default=2_000_000)
    p.add_argument("--nx-limit-s", type=float, default=60.0)
    p.add_argument("--nx-bc-sources", type=int, default=200)
    ARGS = p.parse_args()

    N, edges, weights, secs = read_timed(ARGS)
    M = len(edges)
    line("read_csv", 1, secs)

    import graph_tool
    import graph_tool.centrality as gtc

    gt_version = graph_tool.__version__.split()[0]
    t0 = time.perf_counter()
    g, _ = gt_graph(N, edges, ARGS.threads)
    w = g.new_edge_property("double")
    w.a = weights  # edge i is row i of edges
    line("gt_build", 1, time.perf_counter() - t0)  # with the weight map

    if M <= ARGS.bc_max_edges:
        med, (vb, _) = timed(lambda: gtc.betweenness(g, norm=False), ARGS.runs)
        extra = {}
        mine = ours("betweenness.f64")
        if mine is not None:
            extra["max_rel_diff_ours"] = f"{max_rel_diff(vb.a, mine):.3g}"
        line("gt_betweenness", ARGS.runs, med, graph_tool=gt_version, **extra)
    else:
        line("gt_betweenness", 0, None, note=f"skipped:m>{ARGS.bc_max_edges}")

    # accuracy reference, untimed: graph-tool run to an L1 change below 1e-15
    ref = gtc.pagerank(g, damping=0.85, weight=w, epsilon=1e-15, max_iter=100000).a.copy()
    pr_ours = ours("pagerank.f64")
    if pr_ours is not None:
        line("pagerank_reference", 0, None, epsilon=1e-15,
             l1_err_ours=f"{np.abs(pr_ours - ref).sum():.3g}")
    for phase, eps in (("gt_pagerank", 1e-12), ("gt_pagerank_1e-6", 1e-6)):
        med, (pr, iters) = timed(
            lambda e=eps: gtc.pagerank(g, damping=0.85, weight=w, epsilon=e, ret_iter=True),
            ARGS.runs)
        extra = {"epsilon": eps, "iterations": iters, "sum": f"{pr.a.sum():.15f}",
                 "l1_err": f"{np.abs(pr.a - ref).sum():.3g}"}
        if pr_ours is not None:
            extra["l1_diff_ours"] = f"{np.abs(pr.a - pr_ours).sum():.3g}"
        line(phase, ARGS.runs, med, graph_tool=gt_version, **extra)
    del g, w  # ref stays: the NetworkX results are measured against it too

    import networkx as nx

    if M > ARGS.nx_max_edges:
        line("nx_pagerank", 0, None, threads=1, note=f"skipped:m>{ARGS.nx_max_edges}")
        return 0
    t0 = time.perf_counter()
    h = nx.Graph()
    h.add_nodes_from(range(N))
    h.add_weighted_edges_from(zip(edges[:, 0].tolist(), edges[:, 1].tolist(), weights.tolist()))
    line("nx_build", 1, time.perf_counter() - t0, threads=1)

    for phase, tol in (("nx_pagerank", 1e-12 / N), ("nx_pagerank_default", 1e-6)):
        times, pr = [], None
        for _ in range(min(ARGS.runs, 3)):
            t0 = time.perf_counter()
            pr = nx.pagerank(h, alpha=0.85, weight="weight", tol=tol, max_iter=10000)
            times.append(time.perf_counter() - t0)
            if times[-1] > ARGS.nx_limit_s:
                break
        x = np.fromiter((pr[v] for v in range(N)), dtype=np.float64, count=N)
        extra = {"tol": f"{tol:.3g}", "l1_err": f"{np.abs(x - ref).sum():.3g}",
                 "networkx": nx.__version__}
        if pr_ours is not None:
            extra["l1_diff_ours"] = f"{np.abs(x - pr_ours).sum():.3g}"
        line(phase, len(times), statistics.median(times), threads=1, **extra)

    if M <= ARGS.bc_max_edges:
        k = min(ARGS.nx_bc_sources, N)
        med, _ = timed(lambda: nx.betweenness_centrality(h, k=k, normalized=False, seed=1), 1)
        line("nx_betweenness", 1, med, threads=1, sources=k,
             extrapolated_s=f"{med * N / k:.1f}", networkx=nx.__version__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
