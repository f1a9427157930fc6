"""Block (biconnected component) statistics of a graph store, for the
exact-betweenness cost model of bench/README.md ("MPI"): the per-source
cost of a block B is |B| + 2|E_B| (vertices and arcs a Brandes pass
visits), the whole run costs sum over blocks of 3+ vertices of
|B| (|B| + 2|E_B|), and a measured seconds-per-unit turns that into time.
Independent of linchpin's own decomposition (python-igraph's
biconnected_components). Usage: mpi_blocks.py GRAPH.h5"""
import sys
import time

import h5py
import igraph as ig
import numpy as np

t0 = time.time()
with h5py.File(sys.argv[1], "r") as f:
    off = f["csr/offsets"][()]
    tgt = f["csr/targets"][()]
n = len(off) - 1
src = np.repeat(np.arange(n, dtype=np.int64), np.diff(off))
keep = src < tgt
g = ig.Graph(n=n, edges=np.column_stack([src[keep], tgt[keep]]).tolist())
m = g.ecount()
comps = g.biconnected_components()
sizes = np.array([len(c) for c in comps])
big = [i for i in np.argsort(-sizes)[:5]]
# edges of a block: an edge lies in the block holding both its ends; for the
# few largest blocks count them with a membership mask
edges = {}
el = np.array(g.get_edgelist())
for i in big:
    mask = np.zeros(n, dtype=bool)
    mask[list(comps[i])] = True
    edges[i] = int(np.count_nonzero(mask[el[:, 0]] & mask[el[:, 1]]))
# blocks outside the top 5: |E_B| between |B| - 1 (tree) and |B|(|B|-1)/2; take
# the upper bound min(|B|(|B|-1)/2, 3|B|) for the cost (they are small)
cost = 0.0
local = 0
for i, s in enumerate(sizes):
    if s < 3:
        continue
    local += s
    e = edges.get(i, min(s * (s - 1) // 2, 3 * s))
    cost += float(s) * (s + 2 * e)
top = [(int(sizes[i]), edges[i]) for i in big]
share = top[0][0] * (top[0][0] + 2 * top[0][1]) / cost
print(f"{sys.argv[1]}: n {n}, m {m}, blocks of 3+ vertices {int((sizes >= 3).sum())}, "
      f"local vertices {local}")
print(f"  largest blocks (vertices, edges): {top}")
print(f"  cost sum |B|(|B|+2|E_B|) = {cost:.4g} (largest block {100 * share:.1f}%)")
print(f"  ({time.time() - t0:.0f} s)")
