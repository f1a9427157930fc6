"""Real-world datasets through `linchpin analyze`, every written column checked
against an independent NetworkX / brute-force recomputation.

Run by ctest (py_realdata) with /usr/bin/python3 and the environment
LINCHPIN (the binary), LP_REAL_DATA (the read-only folder of raw datasets,
../shared/data/real), LP_SOURCE_DIR, PYTHONPATH=tests/. Exit 77 (skip) when
LP_REAL_DATA is unset, missing or empty; exit 1 with a message per mismatch.

The raw files are converted at test time (tests/realdata_convert.py, our own
parsers for UCINET DL, Pajek and the W3C/SNAP text files) into nodes.csv and
edges.csv written with Python's csv module inside a TemporaryDirectory;
nothing is copied into the repository. Before a converted graph is trusted,
the counts and articulation points quoted in the folder's SOURCE.md are
checked against it.

Role mappings (types written to nodes.csv; revenue 0 for non-accounts):
- zachary-karate (Zachary.DAT, ZACHE edges, each once, weight = the ZACHC
  value 1-7): vertices 1 and 34 "company"; vertices of degree <= 2
  "account", revenue = 100 * vertex number; the rest "employee". Default
  roles. SOURCE.md: 34 nodes, 78 edges, articulation points {1}.
- padgett-florentine (PADGETT.DAT, marriage layer PADGM, every non-zero of
  the symmetric matrix written, i.e. each tie as two rows -> 20 merged
  duplicates): MEDICI "company"; families with WEALTH < 40 (PADGW.DAT,
  joined by label) "account", revenue = WEALTH; the rest "employee".
  SOURCE.md: 20 edges, APs {ALBIZZI, GUADAGNI, MEDICI, SALVIATI}; PUCCI is
  isolated and an account, so it must come out as an orphan account.
- sawmill (Sawmill.net): "Owner" "company"; Y-* "yard" (revenue 1000 * the
  number); the rest "employee"; run with --person employee,yard --account
  yard (overlapping roles: a yard is both person and account; an account is
  never its own key person). SOURCE.md: 36 nodes, 62 edges, APs {HP-2, HP-4,
  HM-9, EM-3, Y-1}; Y-1 must be a key person of at least one yard account.
- w3c-email (email-W3C.txt): one edge row per email line (sender, recipient,
  weight 1: 124,303 rows with duplicates and 328 self-loops); all 20,082
  addresses are node ids (real UTF-8 and '"' in ids, quoted by the csv
  module); core addresses with '-' in the local part "team", other core
  addresses "employee", external addresses "account" with revenue = number
  of email lines touching them; run with --anchor team. SOURCE.md: 31,874
  edges, 328 self-loops, 640 APs of G; the file's summary must say nodes
  20082, edges 31874, dropped_self_loops 328, merged_duplicates 124303 - 328
  - 31874.
- krackhardt-hightech (optional; HighTech.paj, reports_to relation, an edge
  `type` column): v7 (CEO) "company", VPs "employee", managers "account"
  with revenue = Tenure (fractional).
- email-eu-core (optional; every directed line an edge row): the largest
  department "company", other members of degree <= 2 "account" (revenue
  10 + id), the rest "employee".

Checked for every dataset, on every output, at --threads 1, 2 and 8:
- exit status 0 and no file left beside the result (atomic write);
- /nodes/id and /nodes/type equal the input, in input order;
- /nodes/degree and /nodes/strength equal the simple graph without R after
  merging duplicate rows (weights summed) and dropping self-loops;
- /nodes/is_articulation equals nx.articulation_points(G + R) minus R;
- /accounts/node, /accounts/revenue, /accounts/connected (path to R);
- key persons by brute force: for every person p among the articulation
  points of G + R (no other node can disconnect anything), the components of
  G + R - p (one pure-Python traversal per p; cross-checked against
  nx.node_connected_component on the smaller graphs) give the accounts that
  lose every path to R. /accounts/key_persons per account equals that set,
  without repeats, and is ordered nearest first: removing k_i leaves the
  account with no path to k_{i+1};
- /nodes/accounts_at_risk and /nodes/revenue_at_risk equal the brute-force
  counts and revenue sums (0 for non-persons; floats to 1e-9 relative);
- /summary attributes (nodes, edges, accounts, orphan_accounts,
  merged_duplicates, dropped_self_loops, skipped_rows, articulation_points,
  accounts_with_key_person, revenue_total, revenue_with_key_person,
  revenue_orphan) and /summary/top_persons if written;
- dtypes of the columns (docs/results-format.md);
- the three thread counts give identical files (integers and strings equal,
  floats within 1e-9 relative, same datasets and /summary attributes);
  root attributes format, format_version, threads (the count asked for)
  and parameters (the roles passed); /summary/timings phase names and
  non-negative seconds;
- tests/h5schema.py's check_results(path), when that module exists.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from array import array

SKIP = 77
THREADS = (1, 2, 8)
REL = 1e-9
MAX_REPORT = 8  # mismatches printed per check before summarising

t_start = time.time()


def die(msg, code=1):
    print(msg, file=sys.stderr if code else sys.stdout)
    sys.exit(code)


# ---- environment ----------------------------------------------------------

DATA = os.environ.get("LP_REAL_DATA", "")
if not DATA or not os.path.isdir(DATA) or not os.listdir(DATA):
    die(f"SKIP: LP_REAL_DATA ({DATA!r}) is unset, missing or empty; "
        "no real-world datasets to test", SKIP)
LINCHPIN = os.environ.get("LINCHPIN", "")
if not LINCHPIN or not os.access(LINCHPIN, os.X_OK):
    die(f"FAIL: LINCHPIN ({LINCHPIN!r}) is not set to the built linchpin binary")

try:
    import h5py
    import networkx as nx
    import numpy as np
except ImportError as e:  # Debian's python3-h5py/networkx/numpy are required
    die(f"FAIL: {e} (run with /usr/bin/python3 and Debian's python3-networkx, -h5py, -numpy)")

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realdata_convert as rc  # noqa: E402


# ---- checking -------------------------------------------------------------

class Failures:
    def __init__(self):
        self.count = 0

    def fail(self, where, msg):
        self.count += 1
        print(f"FAIL {where}: {msg}", file=sys.stderr)

    def expect_eq(self, where, got, want):
        if got != want:
            self.fail(where, f"got {short(got)}, expected {short(want)}")
            return False
        return True

    def columnwise(self, where, pairs, eq, names=None):
        """pairs: iterable of (index, got, want); report the first few."""
        bad = [(i, g, w) for i, g, w in pairs if not eq(g, w)]
        for i, g, w in bad[:MAX_REPORT]:
            label = f"[{i}]" if names is None else f"[{i}] {names[i]!r}"
            self.fail(where, f"{label}: got {short(g)}, expected {short(w)}")
        if len(bad) > MAX_REPORT:
            self.fail(where, f"... {len(bad)} mismatches in all")
        return not bad


F = Failures()


def short(x, limit=300):
    s = repr(sorted(x) if isinstance(x, (set, frozenset)) else x)
    return s if len(s) <= limit else s[:limit] + "..."


def close(a, b):
    a, b = float(a), float(b)
    return a == b or abs(a - b) <= REL * max(abs(a), abs(b))


# ---- the independent recomputation ----------------------------------------

def components_without(adj, nv, p):
    """Component label of every vertex of the graph adj (lists of ints over
    nv vertices) with vertex p removed; p gets -2. Iterative traversal."""
    lab = [-1] * nv
    lab[p] = -2
    c = 0
    for s in range(nv):
        if lab[s] != -1:
            continue
        lab[s] = c
        stack = [s]
        pop, push = stack.pop, stack.append
        while stack:
            u = pop()
            for w in adj[u]:
                if lab[w] == -1:
                    lab[w] = c
                    push(w)
        c += 1
    return array("i", lab)


class Oracle:
    """Everything linchpin writes, recomputed from the converted rows."""

    def __init__(self, ds):
        t0 = time.time()
        self.ids = [n[0] for n in ds.nodes]
        self.types = [n[1] for n in ds.nodes]
        self.revenue = [float(n[2]) for n in ds.nodes]
        n = self.n = len(self.ids)
        index = {v: i for i, v in enumerate(self.ids)}
        if len(index) != n:
            raise rc.ConvertError(f"{ds.name}: duplicate node ids in the conversion")
        weight, loops = {}, 0
        for row in ds.edges:
            s, t, w = index[row[0]], index[row[1]], float(row[2])
            if s == t:
                loops += 1
                continue
            key = (s, t) if s < t else (t, s)
            weight.setdefault(key, []).append(w)
        self.m = len(weight)
        self.loops = loops
        self.merged = len(ds.edges) - loops - self.m
        parts = [[] for _ in range(n)]
        R = self.R = n
        adj = [[] for _ in range(n + 1)]
        for (s, t), ws in weight.items():
            w = math.fsum(ws)
            parts[s].append(w)
            parts[t].append(w)
            adj[s].append(t)
            adj[t].append(s)
        self.weights = {k: math.fsum(ws) for k, ws in weight.items()}
        self.degree = [len(p) for p in parts]
        self.strength = [math.fsum(p) for p in parts]
        anchor, person, account = set(ds.anchor), set(ds.person), set(ds.account)
        self.anchors = [v for v in range(n) if self.types[v] in anchor]
        self.is_person = [t in person for t in self.types]
        for a in self.anchors:
            adj[a].append(R)
            adj[R].append(a)
        self.adj = adj

        GR = nx.Graph()
        GR.add_nodes_from(range(n + 1))
        GR.add_edges_from(weight)
        GR.add_edges_from((R, a) for a in self.anchors)
        self.GR = GR
        aps = set(nx.articulation_points(GR))
        aps.discard(R)
        self.is_art = [v in aps for v in range(n)]
        reach_r = nx.node_connected_component(GR, R)
        self.accounts = [v for v in range(n) if self.types[v] in account]
        self.connected = [a in reach_r for a in self.accounts]

        # Brute force: what each articulation person disconnects from R.
        self.labels = {}
        self.lost = {}
        is_acc = bytearray(n + 1)
        for a, c in zip(self.accounts, self.connected):
            is_acc[a] = 1 if c else 0
        for p in sorted(v for v in aps if self.is_person[v]):
            lab = components_without(adj, n + 1, p)
            r = lab[R]
            self.labels[p] = lab
            self.lost[p] = [a for a in self.accounts if is_acc[a] and a != p and lab[a] != r]
        self.keyset = {a: set() for a in self.accounts}
        for p, acc in self.lost.items():
            for a in acc:
                self.keyset[a].add(p)
        self.at_risk = [0] * n
        self.rev_at_risk = [0.0] * n
        for p, acc in self.lost.items():
            self.at_risk[p] = len(acc)
            self.rev_at_risk[p] = math.fsum(self.revenue[a] for a in acc)
        self.seconds = time.time() - t0

    def centrality(self):
        """Betweenness of G (NetworkX; python-igraph above 5000 nodes, where
        NetworkX would take minutes), brokerage (NetworkX subset betweenness
        from R to the reachable accounts on the mutual directed G+R, so each
        R->account path counts once), weighted PageRank (NetworkX)."""
        if hasattr(self, "bw"):
            return
        G = self.GR.copy()
        G.remove_node(self.R)
        for (s, t) in G.edges():
            G[s][t]["weight"] = self.weights[(s, t) if s < t else (t, s)]
        if self.n <= 5000:
            bw = nx.betweenness_centrality(G, normalized=False)
            self.bw = [bw[v] for v in range(self.n)]
        else:
            import igraph
            ig = igraph.Graph(n=self.n, edges=list(G.edges()))
            self.bw = ig.betweenness(directed=False)
        targets = [a for a, c in zip(self.accounts, self.connected) if c]
        brk = nx.betweenness_centrality_subset(self.GR.to_directed(), [self.R], targets,
                                               normalized=False)
        self.brk = [brk[v] for v in range(self.n)]
        pr = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-14, max_iter=10000)
        self.pr = [pr[v] for v in range(self.n)]

    def crosscheck_nx(self):
        """The pure-Python traversal against networkx itself (small graphs)."""
        for p, lost in self.lost.items():
            comp = nx.node_connected_component(nx.restricted_view(self.GR, [p], []), self.R)
            want = [a for a, c in zip(self.accounts, self.connected)
                    if c and a != p and a not in comp]
            if want != lost:
                F.fail("oracle self-check", f"traversal and networkx disagree for p={p}")

    def summary(self):
        acc_rev = [self.revenue[a] for a in self.accounts]
        orphan = [r for r, c in zip(acc_rev, self.connected) if not c]
        with_kp = [self.revenue[a] for a in self.accounts if self.keyset[a]]
        return {
            "nodes": self.n, "edges": self.m, "merged_duplicates": self.merged,
            "dropped_self_loops": self.loops, "skipped_rows": 0,
            "accounts": len(self.accounts), "orphan_accounts": len(orphan),
            "accounts_with_key_person": len(with_kp),
            "articulation_points": sum(self.is_art),
            "revenue_total": math.fsum(acc_rev), "revenue_with_key_person": math.fsum(with_kp),
            "revenue_orphan": math.fsum(orphan),
        }


# ---- reading a result file ------------------------------------------------

def read_results(path):
    out = {"data": {}, "dtype": {}, "attrs": {}}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out["dtype"][name] = obj.dtype
                if h5py.check_string_dtype(obj.dtype) is not None:
                    out["data"][name] = list(obj.asstr()[()]) if obj.shape != () else obj.asstr()[()]
                else:
                    out["data"][name] = obj[()]
            attrs = {}
            for k, v in obj.attrs.items():
                attrs[k] = v.decode("utf-8") if isinstance(v, bytes) else v
            out["attrs"][name] = attrs
        f.visititems(visit)
        out["attrs"]["/"] = {k: (v.decode("utf-8") if isinstance(v, bytes) else v)
                             for k, v in f.attrs.items()}
    # a string column too wasteful at fixed length is a blob pair X_bytes +
    # X_offsets (docs/results-format.md): rebuild X from it
    for name in [k for k in out["data"] if k.endswith("_bytes")]:
        base = name[:-len("_bytes")]
        off = out["data"].get(base + "_offsets")
        if off is None or base in out["data"]:
            continue
        blob = bytes(out["data"][name])
        out["data"][base] = [blob[off[i]:off[i + 1] - 1].decode("utf-8") for i in range(len(off) - 1)]
    return out


EXPECTED_DTYPES = {
    "nodes/degree": "int64", "nodes/strength": "float64", "nodes/is_articulation": "uint8",
    "nodes/accounts_at_risk": "int64", "nodes/revenue_at_risk": "float64",
    "accounts/node": "int64", "accounts/revenue": "float64", "accounts/connected": "uint8",
    "accounts/key_persons_offsets": "int64", "accounts/key_persons": "int64",
    "summary/top_persons": "int64",
}
REQUIRED = ["nodes/id", "nodes/type", "nodes/degree", "nodes/strength", "nodes/is_articulation",
            "nodes/accounts_at_risk", "nodes/revenue_at_risk", "accounts/node",
            "accounts/revenue", "accounts/connected", "accounts/key_persons_offsets",
            "accounts/key_persons"]


CENTRALITY = {"nodes/betweenness", "nodes/brokerage", "nodes/pagerank",
              "summary/top_brokers", "summary/top_betweenness", "accounts/bus_factor",
              "accounts/dominant_share", "summary/bus_factor_histogram"}


def check_file(where, res, o, ds):
    """Every written column of one result file against the oracle."""
    d = res["data"]
    missing = [k for k in REQUIRED if k not in d]
    if missing:
        F.fail(where, f"datasets missing: {missing}")
        return
    for k, dt in EXPECTED_DTYPES.items():
        if k in res["dtype"] and res["dtype"][k] != np.dtype(dt):
            F.fail(where, f"/{k} has dtype {res['dtype'][k]}, expected {dt}")
    n, A = o.n, len(o.accounts)
    for k in REQUIRED:
        want = A + 1 if k == "accounts/key_persons_offsets" else (
            None if k == "accounts/key_persons" else (A if k.startswith("accounts/") else n))
        if want is not None and len(d[k]) != want:
            F.fail(where, f"/{k} has length {len(d[k])}, expected {want}")
            return
    names = o.ids
    F.columnwise(f"{where} /nodes/id", ((i, g, w) for i, (g, w) in enumerate(zip(d["nodes/id"], o.ids))),
                 lambda g, w: g == w)
    F.columnwise(f"{where} /nodes/type",
                 ((i, g, w) for i, (g, w) in enumerate(zip(d["nodes/type"], o.types))),
                 lambda g, w: g == w, names)
    F.columnwise(f"{where} /nodes/degree",
                 ((i, int(g), w) for i, (g, w) in enumerate(zip(d["nodes/degree"], o.degree))),
                 lambda g, w: g == w, names)
    F.columnwise(f"{where} /nodes/strength",
                 ((i, float(g), w) for i, (g, w) in enumerate(zip(d["nodes/strength"], o.strength))),
                 close, names)
    F.columnwise(f"{where} /nodes/is_articulation",
                 ((i, int(g), int(w)) for i, (g, w) in
                  enumerate(zip(d["nodes/is_articulation"], o.is_art))),
                 lambda g, w: g == w, names)
    F.columnwise(f"{where} /nodes/accounts_at_risk",
                 ((i, int(g), w) for i, (g, w) in
                  enumerate(zip(d["nodes/accounts_at_risk"], o.at_risk))),
                 lambda g, w: g == w, names)
    F.columnwise(f"{where} /nodes/revenue_at_risk",
                 ((i, float(g), w) for i, (g, w) in
                  enumerate(zip(d["nodes/revenue_at_risk"], o.rev_at_risk))),
                 close, names)
    anames = [names[a] for a in o.accounts]
    if not F.columnwise(f"{where} /accounts/node",
                        ((j, int(g), w) for j, (g, w) in enumerate(zip(d["accounts/node"], o.accounts))),
                        lambda g, w: g == w, anames):
        return  # the per-account columns below would all be misaligned
    F.columnwise(f"{where} /accounts/revenue",
                 ((j, float(g), o.revenue[a]) for j, (g, a) in
                  enumerate(zip(d["accounts/revenue"], o.accounts))),
                 close, anames)
    F.columnwise(f"{where} /accounts/connected",
                 ((j, int(g), int(w)) for j, (g, w) in
                  enumerate(zip(d["accounts/connected"], o.connected))),
                 lambda g, w: g == w, anames)

    # key persons: CSR shape, set, no repeats, nearest first
    off = [int(x) for x in d["accounts/key_persons_offsets"]]
    kp = [int(x) for x in d["accounts/key_persons"]]
    if off[0] != 0 or off[-1] != len(kp) or any(off[j] > off[j + 1] for j in range(A)):
        F.fail(where, f"/accounts/key_persons_offsets is not a CSR index into {len(kp)} "
                      f"entries: starts {off[:5]}, ends {off[-3:]}")
        return
    bad_set, bad_order, bad_rows = [], [], []
    for j, a in enumerate(o.accounts):
        lst = kp[off[j]:off[j + 1]]
        if any(not 0 <= k < n for k in lst) or len(set(lst)) != len(lst):
            bad_rows.append((j, lst))
            continue
        if set(lst) != o.keyset[a]:
            bad_set.append((j, lst))
            continue
        for x, y in zip(lst, lst[1:]):
            lab = o.labels[x]
            if lab[a] == lab[y]:  # removing x leaves a path from a to y: y is nearer
                bad_order.append((j, lst, x, y))
                break
    for j, lst in bad_rows[:MAX_REPORT]:
        F.fail(f"{where} /accounts/key_persons", f"account {anames[j]!r}: rows out of range or "
               f"repeated: {lst}")
    for j, lst in bad_set[:MAX_REPORT]:
        a = o.accounts[j]
        F.fail(f"{where} /accounts/key_persons",
               f"account {anames[j]!r} (row {a}): got {[names[k] for k in lst]}, brute force "
               f"says {sorted(names[k] for k in o.keyset[a])}")
    for j, lst, x, y in bad_order[:MAX_REPORT]:
        F.fail(f"{where} /accounts/key_persons",
               f"account {anames[j]!r}: order {[names[k] for k in lst]} is not nearest first: "
               f"without {names[x]!r} the account still reaches {names[y]!r}")
    total = len(bad_rows) + len(bad_set) + len(bad_order)
    if total > MAX_REPORT:
        F.fail(f"{where} /accounts/key_persons", f"... {total} accounts wrong in all")

    # /summary
    s = res["attrs"].get("summary")
    if s is None:
        F.fail(where, "/summary group missing")
    else:
        for k, want in o.summary().items():
            if k not in s:
                F.fail(where, f"/summary attribute '{k}' missing")
            elif isinstance(want, float):
                if not close(s[k], want):
                    F.fail(where, f"/summary {k} = {s[k]!r}, expected {want!r}")
            elif int(s[k]) != want:
                F.fail(where, f"/summary {k} = {s[k]!r}, expected {want!r}")
        if "summary/top_persons" in d:
            # Ordered by revenue_at_risk desc, accounts_at_risk desc, row asc
            # (io/lp_keyperson.h), among persons at risk; --top default 20.
            # The values were checked above; sort by the file's own values so
            # a last-ulp difference in the sums cannot reorder ties.
            rv, ac = d["nodes/revenue_at_risk"], d["nodes/accounts_at_risk"]
            cand = sorted((v for v in range(n) if o.is_person[v] and ac[v] > 0),
                          key=lambda v: (-rv[v], -ac[v], v))[:20]
            F.expect_eq(f"{where} /summary/top_persons", [int(x) for x in d["summary/top_persons"]],
                        cand)


PHASES = {"load", "keyperson", "busfactor", "secondlinks", "brokerage", "betweenness",
          "pagerank", "scenarios", "write"}


def check_root(where, res, ds, threads):
    """Root attributes that depend on this run, and /summary/timings."""
    root = res["attrs"]["/"]
    F.expect_eq(f"{where} root format", root.get("format"), "linchpin-results")
    F.expect_eq(f"{where} root format_version", int(root.get("format_version", -1)), 2)
    thr = root.get("threads")
    F.expect_eq(f"{where} root threads", None if thr is None else int(thr), threads)
    try:
        params = json.loads(root.get("parameters", ""))
    except ValueError as e:
        F.fail(where, f"root attribute parameters is not JSON: {e}")
    else:
        for role in ("anchor", "person", "account"):
            F.expect_eq(f"{where} parameters {role}", params.get(role),
                        ",".join(getattr(ds, role)))
    tim = res["attrs"].get("summary/timings")
    if tim is None:
        F.fail(where, "/summary/timings missing")
        return
    if not set(tim) <= PHASES or "write" not in tim or "load" not in tim:
        F.fail(where, f"/summary/timings phases {sorted(tim)}: expected load and write, "
                      f"all of them among {sorted(PHASES)}")
    for k, v in tim.items():
        if not (isinstance(v, (float, np.floating)) and math.isfinite(v) and v >= 0):
            F.fail(where, f"/summary/timings {k} = {v!r}, expected seconds >= 0")


def compare_runs(where, base, other):
    """Two result files of the same input at different thread counts."""
    a, b = base["data"], other["data"]
    if set(a) != set(b):
        F.fail(where, f"different datasets: {sorted(set(a) ^ set(b))}")
    for k in sorted(set(a) & set(b)):
        x, y = a[k], b[k]
        if base["dtype"].get(k) != other["dtype"].get(k):
            F.fail(where, f"/{k}: dtype {base['dtype'].get(k)} vs {other['dtype'].get(k)}")
            continue
        # every dataset bitwise identical at any thread count (floats too)
        if isinstance(x, list):
            same = list(x) == list(y)
        else:
            x, y = np.asarray(x), np.asarray(y)
            same = x.shape == y.shape and x.tobytes() == y.tobytes()
        if not same:
            F.fail(where, f"/{k} differs between thread counts")
    for grp in sorted(set(base["attrs"]) | set(other["attrs"])):
        if grp in ("/", "summary/timings"):
            continue
        x, y = base["attrs"].get(grp, {}), other["attrs"].get(grp, {})
        if set(x) != set(y):
            F.fail(where, f"attributes of {grp}: {sorted(set(x) ^ set(y))} in one file only")
        for k in set(x) & set(y):
            vx, vy = x[k], y[k]
            if isinstance(vx, (float, np.floating)):
                ok = close(vx, vy)
            else:
                ok = np.array_equal(np.asarray(vx), np.asarray(vy))
            if not ok:
                F.fail(where, f"attribute {grp}:{k} = {vx!r} vs {vy!r}")


_schema = []


def schema_module():
    """tests/h5schema.py, imported on first use (it is written separately and
    may not exist yet): the module, or None with a note printed once."""
    if not _schema:
        try:
            import h5schema
        except ImportError as e:
            if getattr(e, "name", None) != "h5schema":
                F.fail("h5schema", f"importing tests/h5schema.py failed: {e}")
            else:
                print("note: tests/h5schema.py not found; its check_results() was not run")
            h5schema = None
        except Exception as e:
            F.fail("h5schema", f"importing tests/h5schema.py failed: {type(e).__name__}: {e}")
            h5schema = None
        _schema.append(h5schema)
    return _schema[0]


def run_schema_check(where, path):
    h5schema = schema_module()
    if h5schema is None:
        return
    try:
        r = h5schema.check_results(path)
    except Exception as e:  # a schema violation or a crash of the checker
        F.fail(where, f"h5schema.check_results: {type(e).__name__}: {e}")
        return
    if r is False or (isinstance(r, (list, tuple, str)) and r):
        F.fail(where, f"h5schema.check_results: {short(r, 1000)}")


# ---- per dataset ----------------------------------------------------------

def dataset_checks(ds, o):
    """Facts of the brief/SOURCE.md that must hold in the linchpin output
    (checked through the oracle, which the output must equal)."""
    where = f"{ds.name} expectations"
    if ds.name.startswith("padgett-florentine"):
        orphan = ds.extra["orphan"]
        j = [o.ids[a] for a in o.accounts].index(orphan)
        F.expect_eq(f"{where}: {orphan} is an orphan account", o.connected[j], False)
        F.expect_eq(f"{where}: merged duplicates (each tie written twice)", o.merged, 20)
    if ds.name == "sawmill":
        y1 = o.ids.index("Y-1")
        F.expect_eq(f"{where}: Y-1 is a key person of a yard account", o.at_risk[y1] >= 1, True)
    if ds.name == "w3c-email":
        F.expect_eq(f"{where}: nodes", o.n, 20082)
        F.expect_eq(f"{where}: edges", o.m, 31874)
        F.expect_eq(f"{where}: dropped_self_loops", o.loops, 328)
        F.expect_eq(f"{where}: merged_duplicates", o.merged, 124303 - 328 - 31874)


def expect_in_file(ds, res):
    """The same facts read straight from a result file (not via the oracle)."""
    s = res["attrs"].get("summary", {})
    d = res["data"]
    where = f"{ds.name} file"
    if ds.name == "w3c-email":
        for k, want in (("nodes", 20082), ("edges", 31874), ("dropped_self_loops", 328),
                        ("merged_duplicates", 124303 - 328 - 31874)):
            F.expect_eq(f"{where} /summary {k}", int(s.get(k, -1)), want)
    if ds.name == "sawmill" and "nodes/id" in d and "accounts/key_persons" in d:
        y1 = d["nodes/id"].index("Y-1")
        F.expect_eq(f"{where}: Y-1 listed as a key person of some yard account",
                    y1 in [int(x) for x in d["accounts/key_persons"]], True)
    if ds.name.startswith("padgett-florentine") and "accounts/connected" in d:
        rows = [int(x) for x in d["accounts/node"]]
        pucci = d["nodes/id"].index("PUCCI")
        if pucci in rows:
            F.expect_eq(f"{where}: PUCCI connected", int(d["accounts/connected"][rows.index(pucci)]), 0)
        else:
            F.fail(where, "PUCCI is not among /accounts/node")


# Betweenness reference values quoted in the datasets' SOURCE.md files
# (measured there with networkx), by node id.
SOURCE_BETWEENNESS = {
    "zachary-karate": {"1": 231.0714, "34": 160.5516, "33": 76.6905, "3": 75.8508},
    "sawmill": {"HM-1 (Juan)": 353.81, "EM-1": 127.13, "HP-5": 119.07},
    "padgett-florentine": {"MEDICI": 47.5, "GUADAGNI": 23.17, "ALBIZZI": 19.33},
}


def check_centrality(where, res, o, ds):
    """/nodes/betweenness, brokerage and pagerank against the oracle."""
    d = res["data"]
    for k in ("nodes/betweenness", "nodes/brokerage", "nodes/pagerank"):
        if k not in d:
            F.fail(where, f"/{k} missing")
            return
    o.centrality()
    method = res["attrs"].get("nodes/betweenness", {}).get("method")
    F.expect_eq(f"{where} betweenness method (graph under the exact threshold)", method, "exact")
    for col, want, tol in (("nodes/betweenness", o.bw, 1e-9), ("nodes/brokerage", o.brk, 1e-9)):
        got = d[col]
        bad = [v for v in range(o.n) if abs(got[v] - want[v]) > tol * max(1.0, abs(want[v]))]
        if bad:
            v = bad[0]
            F.fail(where, f"/{col} differs at {len(bad)} nodes, e.g. {o.ids[v]!r}: "
                          f"{got[v]!r} vs {want[v]!r}")
    err = max((abs(a - b) for a, b in zip(d["nodes/pagerank"], o.pr)), default=0.0)
    if err > 1e-7:
        F.fail(where, f"/nodes/pagerank differs from NetworkX by {err:g}")
    base = ds.name.split(" ")[0]
    for key, ref in SOURCE_BETWEENNESS.items():
        if base.startswith(key):
            for node, value in ref.items():
                got = d["nodes/betweenness"][d["nodes/id"].index(node)]
                if abs(got - value) > 0.01:
                    F.fail(where, f"betweenness of {node} = {got:.4f}, SOURCE.md says {value}")


def busfactor_oracle(o, ds):
    """Bus factor of up to 150 accounts (all on small graphs) by python-igraph
    max flow on an explicitly built node-split digraph (persons capacity 1,
    everything else unlimited, the account itself unlimited), and the
    dominant share of every account by its own region walk."""
    if hasattr(o, "bf_want"):
        return
    import igraph
    n, R_ = o.n, 2 * o.n
    big = 1e9
    edges, caps = [], []
    person = set(ds.person)
    is_person = [t in person for t in o.types]
    is_anchor = [False] * n
    for a in o.anchors:
        is_anchor[a] = True
    for v in range(n):
        edges.append((2 * v, 2 * v + 1))
        caps.append(1.0 if is_person[v] else big)
    for (s_, t), w in o.weights.items():
        edges += [(2 * s_ + 1, 2 * t), (2 * t + 1, 2 * s_)]
        caps += [big, big]
    for a in o.anchors:
        edges.append((2 * a + 1, R_))
        caps.append(big)
    G = igraph.Graph(n=2 * n + 1, edges=edges, directed=True)
    step = max(1, len(o.accounts) // 150)
    o.bf_want = {}
    for i in range(0, len(o.accounts), step):
        a, conn = o.accounts[i], o.connected[i]
        if not conn:
            o.bf_want[i] = 0
            continue
        c = list(caps)
        c[a] = big  # the account's own in->out edge (edge index a)
        o.bf_want[i] = G.maxflow_value(2 * a + 1, R_, capacity=c)
    o.dom_want = []
    for a in o.accounts:
        region, stack = {a}, [a]
        while stack:
            v = stack.pop()
            for w in o.adj[v]:
                if w < n and w not in region and not is_person[w] and not is_anchor[w]:
                    region.add(w)
                    stack.append(w)
        per = {}
        for v in region:
            for w in o.adj[v]:
                if w < n and is_person[w] and w != a:
                    per[w] = per.get(w, 0.0) + o.weights[(v, w) if v < w else (w, v)]
        o.dom_want.append(max(per.values()) / math.fsum(per.values()) if per else float("nan"))


def check_busfactor(where, res, o, ds):
    d = res["data"]
    if "accounts/bus_factor" not in d or "accounts/dominant_share" not in d:
        F.fail(where, "/accounts/bus_factor or /accounts/dominant_share missing")
        return
    busfactor_oracle(o, ds)
    cap = int(res["attrs"]["accounts/bus_factor"]["cap"])
    bf = d["accounts/bus_factor"]
    bad = [(o.ids[o.accounts[i]], int(bf[i]), w) for i, w in o.bf_want.items()
           if int(bf[i]) != int(min(round(w), cap))]
    if bad:
        F.fail(where, f"/accounts/bus_factor differs from igraph max flow at {len(bad)} of "
                      f"{len(o.bf_want)} accounts, e.g. {bad[:3]}")
    got = d["accounts/dominant_share"]
    bad = [i for i, w in enumerate(o.dom_want)
           if not ((got[i] != got[i] and w != w) or abs(got[i] - w) <= 1e-12 * max(1.0, abs(w)))]
    if bad:
        i = bad[0]
        F.fail(where, f"/accounts/dominant_share differs at {len(bad)} accounts, e.g. "
                      f"{o.ids[o.accounts[i]]!r}: {got[i]!r} vs {o.dom_want[i]!r}")


def run_linchpin(ds, npath, epath, outdir, threads):
    os.makedirs(outdir)
    out = os.path.join(outdir, "results.h5")
    cmd = [LINCHPIN, "analyze", npath, epath, "-o", out, "--threads", str(threads), "--quiet"] \
        + ds.cli_args()
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    dt = time.time() - t0
    where = f"{ds.name} --threads {threads}"
    if p.returncode != 0:
        F.fail(where, f"exit status {p.returncode}: {' '.join(cmd)}\n{p.stderr.strip()}")
        return None, dt
    if p.stderr.strip():
        print(f"note {where}: stderr: {p.stderr.strip()[:500]}")
        if "warning" in p.stderr:
            F.fail(where, "linchpin warned (every role type used here matches nodes)")
    left = sorted(os.listdir(outdir))
    if left != ["results.h5"]:
        F.fail(where, f"output directory holds {left}, expected only results.h5")
    return out, dt


def test_dataset(folder_name, convert, tmp):
    folder = os.path.join(DATA, folder_name)
    t0 = time.time()
    try:
        ds = convert(folder)
    except (rc.ConvertError, OSError, ValueError, KeyError) as e:
        F.fail(folder_name, f"conversion failed: {type(e).__name__}: {e}")
        return
    name = ds.name
    for what, want, got in ds.sanity:
        if want != got:
            F.fail(f"{name} converter vs SOURCE.md", f"{what}: got {short(got)}, expected {short(want)}")
    work = tempfile.mkdtemp(prefix=folder_name + "_", dir=tmp)
    npath, epath = rc.write_csvs(ds, work)
    t_conv = time.time() - t0

    o = Oracle(ds)
    if o.n <= 1100:
        o.crosscheck_nx()
    dataset_checks(ds, o)

    results, t_runs = {}, []
    for th in THREADS:
        path, dt = run_linchpin(ds, npath, epath, os.path.join(work, f"t{th}"), th)
        t_runs.append(dt)
        if path is None:
            continue
        where = f"{name} --threads {th}"
        try:
            res = read_results(path)
        except Exception as e:
            F.fail(where, f"cannot read {path}: {type(e).__name__}: {e}")
            continue
        results[th] = res
        unverified = sorted(set(res["data"]) - set(REQUIRED) - CENTRALITY
                            - {"summary/top_persons"})
        if unverified and th == THREADS[0]:
            print(f"note {name}: no oracle here for {unverified} "
                  f"(only compared across thread counts)")
        check_file(where, res, o, ds)
        check_centrality(where, res, o, ds)
        check_busfactor(where, res, o, ds)
        expect_in_file(ds, res)
        check_root(where, res, ds, th)
        run_schema_check(where, path)
    base = results.get(THREADS[0])
    for th in THREADS[1:]:
        if base is not None and th in results:
            compare_runs(f"{name} --threads {THREADS[0]} vs {th}", base, results[th])

    with_kp = sum(1 for a in o.accounts if o.keyset[a])
    longest = max((len(o.keyset[a]) for a in o.accounts), default=0)
    print(f"{name}: {o.n} nodes, {len(ds.edges)} edge rows -> {o.m} edges "
          f"({o.merged} merged, {o.loops} loops); {len(o.accounts)} accounts "
          f"({sum(not c for c in o.connected)} orphan, {with_kp} with a key person, "
          f"up to {longest}); "
          f"{sum(o.is_art)} cut vertices of G+R, {len(o.lost)} of them persons | "
          f"convert {t_conv:.2f} s, oracle {o.seconds:.2f} s, linchpin "
          + ", ".join(f"{th}t {t:.2f} s" for th, t in zip(THREADS, t_runs)))


def main():
    before = F.count
    with tempfile.TemporaryDirectory(prefix="lp_realdata_") as tmp:
        for name, convert, required in rc.DATASETS:
            if not os.path.isdir(os.path.join(DATA, name)):
                if required:
                    F.fail(name, f"dataset folder {os.path.join(DATA, name)} is missing")
                else:
                    print(f"note: optional dataset {name} absent, not tested")
                continue
            test_dataset(name, convert, tmp)
    elapsed = time.time() - t_start
    if F.count > before:
        die(f"test_realdata: {F.count} failures ({elapsed:.1f} s)")
    print(f"test_realdata: all checks passed ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
