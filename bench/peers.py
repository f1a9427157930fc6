#!/usr/bin/python3
"""Peer timings for bench_keyperson: graph-tool and NetworkX on the same graph.

    /usr/bin/python3 bench/peers.py nodes.csv edges.csv [--runs R] [--threads T]
                                    [--nx-max-edges M]

The graph is built exactly as linchpin builds it: one vertex per row of
nodes.csv (input order), self-loops dropped, duplicate edges merged. Reading
the CSV and building the peer's graph are timed separately and are not part
of any comparison. Timed, median of R runs:

  gt_bcc     graph_tool.topology.label_biconnected_components (edge labels of
             the biconnected components + articulation points), OpenMP
             threads set with graph_tool.openmp_set_num_threads(T)
  nx_ap      networkx.articulation_points, materialised with list(); skipped
             with a note when the graph has more than --nx-max-edges edges
             (default 2,000,000)

One line per measurement, key=value, in the format of bench_keyperson.
Never part of the tests.
"""
import argparse
import csv
import os
import platform
import statistics
import sys
import time

import numpy as np


def emit(bench, phase, threads, n, m, runs, med, **extra):
    """Print one measurement, key=value, in the format of the C drivers."""
    fields = [
        f"bench={bench}",
        f"phase={phase}",
        f"machine={platform.machine()}",
        f"nproc={os.cpu_count()}",
        f"threads={threads}",
        f"n={n}",
        f"m={m}",
        f"runs={runs}",
        f"median_s={med:.6f}" if med is not None else "median_s=NA",
    ]
    fields += [f"{k}={v}" for k, v in extra.items()]
    print(" ".join(fields), flush=True)


def line(phase, runs, med, **extra):
    emit("peers", phase, ARGS.threads, N, M, runs, med, **extra)


def read_graph(nodes_path, edges_path):
    """Return (n, edges, weights): the merged, loop-free pairs as an (m, 2)
    int64 array (smaller endpoint first, sorted) and their summed weights
    (1 per row when edges.csv has no weight column), as linchpin merges them."""
    with open(nodes_path, newline="", encoding="utf-8-sig") as f:
        r = csv.reader(f)
        header = next(r)
        col = header.index("id")
        index = {}
        for row in r:
            if row:
                index[row[col]] = len(index)
    n = len(index)
    src, dst, wgt = [], [], []
    with open(edges_path, newline="", encoding="utf-8-sig") as f:
        r = csv.reader(f)
        header = next(r)
        cs, ct = header.index("source"), header.index("target")
        cw = header.index("weight") if "weight" in header else None
        for row in r:
            if row:
                src.append(index[row[cs]])
                dst.append(index[row[ct]])
                wgt.append(row[cw] if cw is not None else 1)
    s = np.asarray(src, dtype=np.int64)
    t = np.asarray(dst, dtype=np.int64)
    w = np.asarray(wgt, dtype=np.float64)
    keep = s != t
    lo = np.minimum(s[keep], t[keep])
    hi = np.maximum(s[keep], t[keep])
    key, inverse = np.unique(lo * n + hi, return_inverse=True)
    weights = np.bincount(inverse, weights=w[keep], minlength=len(key))
    return n, np.stack([key // n, key % n], axis=1), weights


def timed(fn, runs):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def base_parser(doc):
    """Argument parser with the options every peer script takes."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("nodes")
    p.add_argument("edges")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    return p


def read_timed(args):
    """read_graph on args.nodes / args.edges; returns (n, edges, weights, seconds)."""
    t0 = time.perf_counter()
    n, edges, weights = read_graph(args.nodes, args.edges)
    return n, edges, weights, time.perf_counter() - t0


def gt_graph(n, edges, threads):
    """An undirected graph-tool graph with n vertices and the given edges (edge
    i = row i), graph-tool's OpenMP set to `threads`; returns (graph, seconds)."""
    import graph_tool

    graph_tool.openmp_set_num_threads(threads)
    t0 = time.perf_counter()
    g = graph_tool.Graph(directed=False)
    g.add_vertex(n)
    g.add_edge_list(edges)
    return g, time.perf_counter() - t0


def main():
    global ARGS, N, M
    p = base_parser(__doc__)
    p.add_argument("--nx-max-edges", type=int, default=2_000_000)
    ARGS = p.parse_args()

    N, edges, _, secs = read_timed(ARGS)
    M = len(edges)
    line("read_csv", 1, secs)

    import graph_tool
    import graph_tool.topology as gtt

    g, secs = gt_graph(N, edges, ARGS.threads)
    line("gt_build", 1, secs)

    med, (_, art, hist) = timed(lambda: gtt.label_biconnected_components(g), ARGS.runs)
    # graph-tool 2.45 returns the histogram of component labels, older ones the count
    ncomp = len(hist) if hasattr(hist, "__len__") else int(hist)
    line("gt_bcc", ARGS.runs, med, articulation=int(art.a.sum()), components=ncomp,
         graph_tool=graph_tool.__version__.split()[0])
    del g

    import networkx as nx

    if M > ARGS.nx_max_edges:
        line("nx_ap", 0, None, note=f"skipped:m>{ARGS.nx_max_edges}")
    else:
        t0 = time.perf_counter()
        h = nx.Graph()
        h.add_nodes_from(range(N))
        h.add_edges_from(edges.tolist())
        line("nx_build", 1, time.perf_counter() - t0)
        runs = min(ARGS.runs, 3)
        med, aps = timed(lambda: list(nx.articulation_points(h)), runs)
        line("nx_ap", runs, med, articulation=len(set(aps)), networkx=nx.__version__)


if __name__ == "__main__":
    sys.exit(main())
