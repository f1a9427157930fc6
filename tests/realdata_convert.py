"""Converters from the raw real-world files in LP_REAL_DATA (see each folder's
SOURCE.md) to linchpin's input CSVs, for tests/test_realdata.py.

Written from the file formats alone (UCINET DL, Pajek .net/.paj, the W3C and
SNAP text files); nothing here uses linchpin. Each `convert_<name>(folder)`
returns a Dataset: nodes in input order as (id, type, revenue), edge rows as
(source, target, weight[, type]), the role options for `linchpin analyze`,
and expected values quoted from SOURCE.md that the caller checks against the
converted graph before trusting it. Nothing is written into the repository:
write_csvs() writes into a directory the caller chooses (a temporary one).
"""
import csv
import os
import re
from collections import Counter


class ConvertError(Exception):
    """The raw file is not what SOURCE.md describes."""


class Dataset:
    def __init__(self, name, nodes, edges, anchor, person, account, edge_types=False):
        self.name = name
        self.nodes = nodes  # [(id, type, revenue)] in input order
        self.edges = edges  # [(source, target, weight)] or with a 4th field: type
        self.anchor = anchor  # lists of type names
        self.person = person
        self.account = account
        self.edge_types = edge_types
        self.sanity = []  # [(what, expected, got)] from SOURCE.md, filled by the converter
        self.extra = {}  # dataset-specific facts for the test

    def cli_args(self):
        return ["--anchor", ",".join(self.anchor), "--person", ",".join(self.person),
                "--account", ",".join(self.account)]

    def expect(self, what, expected, got):
        self.sanity.append((what, expected, got))


def write_csvs(ds, directory):
    """Write nodes.csv and edges.csv with Python's csv module (RFC 4180:
    QUOTE_MINIMAL, "" escapes, CRLF). Returns (nodes_path, edges_path)."""
    npath = os.path.join(directory, "nodes.csv")
    epath = os.path.join(directory, "edges.csv")
    with open(npath, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "type", "revenue"])
        for nid, typ, rev in ds.nodes:
            w.writerow([nid, typ, repr(rev)])
    with open(epath, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["source", "target", "weight", "type"] if ds.edge_types
                   else ["source", "target", "weight"])
        for row in ds.edges:
            w.writerow([row[0], row[1], repr(row[2])] + list(row[3:]))
    return npath, epath


# ---- UCINET DL ------------------------------------------------------------

def parse_dl(path):
    """UCINET DL, FORMAT = FULLMATRIX (DIAGONAL PRESENT) only. Returns
    {'nr', 'nc', 'nm', 'row_labels', 'col_labels', 'levels', 'matrices'}:
    matrices is a list of nm row-major lists of floats (nr x nc)."""
    with open(path, encoding="ascii") as f:
        lines = [ln.strip() for ln in f.read().splitlines()]
    if not lines or lines[0].upper() != "DL":
        raise ConvertError(f"{path}: not a UCINET DL file (first line {lines[:1]})")
    info = {"row_labels": None, "col_labels": None, "levels": None}
    dims = {}
    i = 1
    section = None
    labels = {"ROW LABELS:": [], "COLUMN LABELS:": [], "LEVEL LABELS:": [], "LABELS:": []}
    while i < len(lines):
        ln = lines[i]
        up = ln.upper()
        i += 1
        if not ln:
            continue
        if up == "DATA:":
            break
        if up in labels:
            section = up
            continue
        if up.startswith("FORMAT"):
            fmt = up.split("=", 1)[1].split()
            if fmt[0] != "FULLMATRIX" or ("DIAGONAL" in fmt and "PRESENT" not in fmt):
                raise ConvertError(f"{path}: unsupported format {ln!r}")
            section = None
            continue
        if re.match(r"^(N|NR|NC|NM)\s*=", up):
            for k, v in re.findall(r"(N|NR|NC|NM)\s*=\s*(\d+)", up):
                dims[k] = int(v)
            section = None
            continue
        if section is None:
            raise ConvertError(f"{path}:{i}: unexpected header line {ln!r}")
        labels[section].append(ln)
    nr = dims.get("NR", dims.get("N"))
    nc = dims.get("NC", dims.get("N"))
    nm = dims.get("NM", 1)
    if nr is None or nc is None:
        raise ConvertError(f"{path}: no N= or NR=/NC= in the header")
    tokens = " ".join(lines[i:]).split()
    if len(tokens) != nm * nr * nc:
        raise ConvertError(f"{path}: {len(tokens)} data values, expected {nm}*{nr}*{nc}")
    vals = [float(t) for t in tokens]
    row_labels = labels["ROW LABELS:"] or labels["LABELS:"] or None
    col_labels = labels["COLUMN LABELS:"] or labels["LABELS:"] or None
    for what, lab, want in (("row", row_labels, nr), ("column", col_labels, nc)):
        if lab is not None and len(lab) != want:
            raise ConvertError(f"{path}: {len(lab)} {what} labels, expected {want}")
    levels = labels["LEVEL LABELS:"] or None
    if levels is not None and len(levels) != nm:
        raise ConvertError(f"{path}: {len(levels)} level labels, expected {nm}")
    mats = [vals[k * nr * nc:(k + 1) * nr * nc] for k in range(nm)]
    return {"nr": nr, "nc": nc, "nm": nm, "row_labels": row_labels, "col_labels": col_labels,
            "levels": levels, "matrices": mats}


def dl_matrix(dl, level):
    if dl["levels"] is None or level not in dl["levels"]:
        raise ConvertError(f"no level {level!r} (levels: {dl['levels']})")
    return dl["matrices"][dl["levels"].index(level)]


def _symmetric_check(mat, n, what):
    for i in range(n):
        for j in range(n):
            if mat[i * n + j] != mat[j * n + i]:
                raise ConvertError(f"{what} is not symmetric at ({i + 1},{j + 1})")


# ---- Pajek ----------------------------------------------------------------

_VERTEX_RE = re.compile(r'\s*(\d+)\s+(?:"([^"]*)"|(\S+))')


def parse_pajek(path):
    """Pajek .net / .paj: the first *Vertices list, every *Arcs/*Edges list
    (relation number and name kept), *Partition and *Vector blocks. Returns
    {'labels': [label of vertex 1..n], 'lines': [(kind, relation, u, v, w)],
    'partitions': {name: [int]}, 'vectors': {name: [float]}}."""
    with open(path, encoding="ascii") as f:
        lines = f.read().splitlines()
    labels = None
    out_lines = []
    partitions, vectors = {}, {}
    mode, rel, block, block_name, block_n = None, None, None, None, None
    for no, raw in enumerate(lines, 1):
        ln = raw.strip()
        if not ln or ln.startswith("%"):
            continue
        if ln.startswith("*"):
            head = ln.split(None, 1)
            key = head[0].lower()
            rest = head[1] if len(head) > 1 else ""
            if key == "*network":
                mode = None
            elif key == "*vertices":
                n = int(rest.split()[0])
                if mode in ("partition", "vector"):
                    block_n = n
                    block = []
                    (partitions if mode == "partition" else vectors)[block_name] = block
                elif labels is None:
                    labels = [None] * n
                    mode = "vertices"
                else:
                    raise ConvertError(f"{path}:{no}: second network (*Vertices) not supported")
            elif key in ("*arcs", "*edges"):
                mode = key[1:]
                m = re.match(r':(\d+)\s*(?:"([^"]*)")?', rest)
                rel = (int(m.group(1)), m.group(2)) if m else (None, None)
            elif key in ("*partition", "*vector"):
                mode = key[1:]
                block_name = rest.strip()
                block = None
            else:
                raise ConvertError(f"{path}:{no}: unsupported section {head[0]}")
            continue
        if mode == "vertices":
            m = _VERTEX_RE.match(ln)
            if not m:
                raise ConvertError(f"{path}:{no}: bad vertex line {ln!r}")
            k = int(m.group(1))
            if not 1 <= k <= len(labels) or labels[k - 1] is not None:
                raise ConvertError(f"{path}:{no}: vertex number {k} out of range or repeated")
            labels[k - 1] = m.group(2) if m.group(2) is not None else m.group(3)
        elif mode in ("arcs", "edges"):
            t = ln.split()
            u, v = int(t[0]), int(t[1])
            w = float(t[2]) if len(t) > 2 else 1.0
            if not (1 <= u <= len(labels) and 1 <= v <= len(labels)):
                raise ConvertError(f"{path}:{no}: vertex out of range in {ln!r}")
            out_lines.append((mode, rel, u, v, w))
        elif mode in ("partition", "vector"):
            if block is None:
                raise ConvertError(f"{path}:{no}: {mode} values before *Vertices")
            block.append(int(ln) if mode == "partition" else float(ln))
        else:
            raise ConvertError(f"{path}:{no}: data outside a section: {ln!r}")
    if labels is None or None in labels:
        raise ConvertError(f"{path}: missing or incomplete *Vertices")
    for name, vals in list(partitions.items()) + list(vectors.items()):
        if len(vals) != len(labels):
            raise ConvertError(f"{path}: {name}: {len(vals)} values for {len(labels)} vertices")
    return {"labels": labels, "lines": out_lines, "partitions": partitions, "vectors": vectors}


# ---- simple-graph helpers used only for the SOURCE.md sanity checks -------

def simple_edges(edges):
    """Undirected simple edge set of edge rows (loops dropped)."""
    return {frozenset((r[0], r[1])) for r in edges if r[0] != r[1]}


def nx_graph(ds):
    import networkx as nx
    g = nx.Graph()
    g.add_nodes_from(n[0] for n in ds.nodes)
    g.add_edges_from(tuple(e) for e in simple_edges(ds.edges))
    return g


# ---- the datasets ---------------------------------------------------------

def convert_karate(folder):
    """Zachary.DAT: ZACHE gives the edges (upper triangle, each once), ZACHC
    (same zero pattern, values 1-7) gives the weight. Ids "1".."34"."""
    import networkx as nx
    dl = parse_dl(os.path.join(folder, "Zachary.DAT"))
    n = dl["nr"]
    e, c = dl_matrix(dl, "ZACHE"), dl_matrix(dl, "ZACHC")
    _symmetric_check(e, n, "ZACHE")
    _symmetric_check(c, n, "ZACHC")
    edges, deg = [], Counter()
    for i in range(n):
        for j in range(i + 1, n):
            if e[i * n + j] not in (0.0, 1.0):
                raise ConvertError(f"ZACHE is not binary at ({i + 1},{j + 1})")
            if (e[i * n + j] != 0) != (c[i * n + j] != 0):
                raise ConvertError(f"ZACHE and ZACHC zero patterns differ at ({i + 1},{j + 1})")
            if e[i * n + j]:
                edges.append((str(i + 1), str(j + 1), c[i * n + j]))
                deg[i + 1] += 1
                deg[j + 1] += 1
    nodes = []
    for v in range(1, n + 1):
        if v in (1, 34):
            nodes.append((str(v), "company", 0))
        elif deg[v] <= 2:
            nodes.append((str(v), "account", 100 * v))
        else:
            nodes.append((str(v), "employee", 0))
    ds = Dataset("zachary-karate", nodes, edges, ["company"], ["employee"], ["account"])
    g = nx_graph(ds)
    ds.expect("nodes", 34, g.number_of_nodes())
    ds.expect("edges", 78, g.number_of_edges())
    ds.expect("connected", True, nx.is_connected(g))
    ds.expect("articulation points of G", {"1"}, set(nx.articulation_points(g)))
    ds.expect("same edge set as networkx.karate_club_graph()",
              {frozenset((u + 1, v + 1)) for u, v in nx.karate_club_graph().edges()},
              {frozenset((int(a), int(b))) for a, b, _ in edges})
    return ds


def convert_padgett(folder):
    """PADGETT.DAT marriage layer PADGM, written as every non-zero of the full
    symmetric matrix (both directions: each tie arrives as two rows, so the
    loader must merge 20 duplicates). WEALTH joined from PADGW.DAT by label."""
    import networkx as nx
    dl = parse_dl(os.path.join(folder, "PADGETT.DAT"))
    w = parse_dl(os.path.join(folder, "PADGW.DAT"))
    n = dl["nr"]
    labels = dl["row_labels"]
    if labels != dl["col_labels"]:
        raise ConvertError("PADGETT.DAT row and column labels differ")
    m = dl_matrix(dl, "PADGM")
    _symmetric_check(m, n, "PADGM")
    if w["col_labels"] is None or "WEALTH" not in w["col_labels"]:
        raise ConvertError("PADGW.DAT has no WEALTH column")
    wc = w["col_labels"].index("WEALTH")
    wealth = {lab: w["matrices"][0][r * w["nc"] + wc] for r, lab in enumerate(w["row_labels"])}
    if set(wealth) != set(labels):
        raise ConvertError(f"PADGW.DAT labels differ from PADGETT.DAT: {set(wealth) ^ set(labels)}")
    edges = []
    for i in range(n):
        for j in range(n):
            if m[i * n + j]:
                edges.append((labels[i], labels[j], 1))
    nodes = []
    for lab in labels:
        if lab == "MEDICI":
            nodes.append((lab, "company", 0))
        elif wealth[lab] < 40:
            nodes.append((lab, "account", wealth[lab]))
        else:
            nodes.append((lab, "employee", 0))
    ds = Dataset("padgett-florentine", nodes, edges, ["company"], ["employee"], ["account"])
    g = nx_graph(ds)
    ds.expect("nodes", 16, g.number_of_nodes())
    ds.expect("edges", 20, g.number_of_edges())
    ds.expect("components", 2, nx.number_connected_components(g))
    ds.expect("PUCCI isolated", 0, g.degree("PUCCI"))
    ds.expect("articulation points of G", {"ALBIZZI", "GUADAGNI", "MEDICI", "SALVIATI"},
              set(nx.articulation_points(g)))
    ds.expect("bridges", 5, len(list(nx.bridges(g))))
    # The row-order trap of SOURCE.md: PADGW.DAT lists RIDOLFI third.
    ds.expect("PADGW.DAT row 3 is RIDOLFI (join by label)", "RIDOLFI", w["row_labels"][2])
    ds.expect("WEALTH of STROZZI (PADGW row 4)", 146.0, wealth["STROZZI"])
    ds.extra["orphan"] = "PUCCI"
    return ds


def convert_sawmill(folder):
    """Sawmill.net: "Owner" is the company, Y-* the yard, the rest employees;
    analysed with --person employee,yard --account yard."""
    import networkx as nx
    pj = parse_pajek(os.path.join(folder, "Sawmill.net"))
    labels = pj["labels"]
    if "Owner" not in labels:
        raise ConvertError(f"Sawmill.net has no vertex labelled 'Owner': {labels}")
    nodes = []
    for lab in labels:
        if lab == "Owner":
            nodes.append((lab, "company", 0))
        elif lab.startswith("Y-"):
            nodes.append((lab, "yard", 1000 * int(lab[2:])))
        else:
            nodes.append((lab, "employee", 0))
    edges = [(labels[u - 1], labels[v - 1], w) for _, _, u, v, w in pj["lines"]]
    ds = Dataset("sawmill", nodes, edges, ["company"], ["employee", "yard"], ["yard"])
    g = nx_graph(ds)
    ds.expect("nodes", 36, g.number_of_nodes())
    ds.expect("edges", 62, g.number_of_edges())
    ds.expect("edge lines", 62, len(edges))
    ds.expect("connected", True, nx.is_connected(g))
    ds.expect("articulation points of G", {"HP-2", "HP-4", "HM-9", "EM-3", "Y-1"},
              set(nx.articulation_points(g)))
    ds.expect("bridges", 5, len(list(nx.bridges(g))))
    ds.expect("vertex 12 label", "HM-1 (Juan)", labels[11])
    ds.expect("yard vertices", ["Y-1", "Y-2"], [l for l in labels if l.startswith("Y-")])
    return ds


def convert_w3c(folder):
    """W3C email: one edge row per email line (sender, recipient, 1), so the
    124,303 rows carry duplicates and self-loops. Ids are the addresses.
    Core addresses (core-email-W3C.txt) with '-' in the local part (before the
    last '@') are "team" (the anchors: lists), other core ones "employee";
    external addresses are "account", revenue = email lines touching them."""
    import networkx as nx
    addr = {}
    with open(os.path.join(folder, "addresses-email-W3C.txt"), encoding="utf-8", newline="\n") as f:
        for no, ln in enumerate(f, 1):
            ln = ln.rstrip("\n")
            k, a = ln.split(" ", 1)
            if int(k) in addr:
                raise ConvertError(f"addresses-email-W3C.txt:{no}: repeated id {k}")
            addr[int(k)] = a
    with open(os.path.join(folder, "core-email-W3C.txt"), encoding="ascii") as f:
        core = {int(x) for x in f.read().split()}
    rows = []
    touch = Counter()
    with open(os.path.join(folder, "email-W3C.txt"), encoding="ascii") as f:
        for no, ln in enumerate(f, 1):
            t = ln.split()
            if len(t) != 3:
                raise ConvertError(f"email-W3C.txt:{no}: expected 'sender recipient time'")
            s, r = int(t[0]), int(t[1])
            if s not in addr or r not in addr:
                raise ConvertError(f"email-W3C.txt:{no}: unknown address id")
            rows.append((addr[s], addr[r], 1))
            touch[s] += 1
            if r != s:
                touch[r] += 1
    ids = sorted(addr)
    nodes = []
    n_team = 0
    for k in ids:
        a = addr[k]
        if k in core:
            local = a.rsplit("@", 1)[0]
            typ = "team" if "-" in local else "employee"
            n_team += typ == "team"
            nodes.append((a, typ, 0))
        else:
            nodes.append((a, "account", touch[k]))
    ds = Dataset("w3c-email", nodes, rows, ["team"], ["employee"], ["account"])
    ds.expect("addresses", 20082, len(addr))
    ds.expect("address ids 1..20082", list(range(1, 20083)), ids)
    ds.expect("distinct addresses", 20082, len(set(addr.values())))
    ds.expect("core addresses", 1995, len(core))
    ds.expect("core == addresses whose domain contains w3.org",
              core, {k for k, a in addr.items() if "w3.org" in a.rsplit("@", 1)[1]})
    ds.expect("email lines", 124303, len(rows))
    ds.expect("self-loop lines", 328, sum(1 for s, r, _ in rows if s == r))
    ds.expect("distinct directed pairs", 33409, len({(s, r) for s, r, _ in rows}))
    ds.expect("all addresses used", 20082, len(touch))
    g = nx_graph(ds)
    ds.expect("undirected simple edges", 31874, g.number_of_edges())
    ds.expect("addresses occurring only in a self-loop", 1,
              sum(1 for v in g if g.degree(v) == 0))
    # 359 components over the 20,081 nodes with an edge, plus the loop-only one.
    ds.expect("components (incl. the loop-only address)", 360, nx.number_connected_components(g))
    ds.expect("articulation points of G", 640, len(list(nx.articulation_points(g))))
    is_core = {addr[k] for k in core}
    kinds = Counter((u in is_core) + (v in is_core) for u, v in g.edges())
    ds.expect("core-core / core-external / external-external edges",
              (1777, 30097, 0), (kinds[2], kinds[1], kinds[0]))
    ds.extra["teams"] = n_team
    return ds


def convert_krackhardt(folder):
    """HighTech.paj, relation 3 "reports_to" only (the org chart, a tree),
    with an edge `type` column. v7 (Level 1, CEO) is the company, the VPs
    (Level 2) employees, the managers (Level 3) accounts with revenue =
    Tenure (fractional years)."""
    import networkx as nx
    pj = parse_pajek(os.path.join(folder, "HighTech.paj"))
    labels = pj["labels"]
    level = pj["partitions"]["Level"]
    tenure = pj["vectors"]["Tenure"]
    nodes = []
    for i, lab in enumerate(labels):
        if level[i] == 1:
            nodes.append((lab, "company", 0))
        elif level[i] == 2:
            nodes.append((lab, "employee", 0))
        else:
            nodes.append((lab, "account", tenure[i]))
    edges = [(labels[u - 1], labels[v - 1], w, "reports_to")
             for kind, rel, u, v, w in pj["lines"] if rel[1] == "reports_to"]
    ds = Dataset("krackhardt-hightech", nodes, edges, ["company"], ["employee"], ["account"],
                 edge_types=True)
    g = nx_graph(ds)
    rels = Counter(rel[1] for _, rel, _, _, _ in pj["lines"])
    ds.expect("arcs per relation", {"gives_advice_to": 190, "is_friend_of": 102, "reports_to": 20},
              dict(rels))
    ds.expect("reports_to is a tree on 21 nodes", (21, 20, True),
              (g.number_of_nodes(), g.number_of_edges(), nx.is_tree(g)))
    ds.expect("articulation points of G", {"v2", "v7", "v14", "v18", "v21"},
              set(nx.articulation_points(g)))
    ds.expect("CEO / VPs", ("v7", {"v2", "v14", "v18", "v21"}),
              (labels[level.index(1)], {labels[i] for i in range(21) if level[i] == 2}))
    return ds


def convert_email_eu(folder):
    """SNAP email-Eu-core: every directed line is an edge row (weight 1), so
    reciprocal pairs arrive as duplicates and the 642 self-loops are kept in
    the input. Ids are the SNAP numbers as strings, in label-file order. The
    largest department (ties: lowest number) is "company"; other members of
    undirected simple degree <= 2 are "account" (revenue 10 + id; the 19
    loop-only members are orphans), the rest "employee"."""
    import networkx as nx
    with open(os.path.join(folder, "email-Eu-core-department-labels.txt"), encoding="ascii") as f:
        dept = [tuple(int(x) for x in ln.split()) for ln in f.read().splitlines() if ln.strip()]
    with open(os.path.join(folder, "email-Eu-core.txt"), encoding="ascii") as f:
        arcs = [tuple(ln.split()) for ln in f.read().splitlines() if ln.strip()]
    order = [str(v) for v, _ in dept]
    dep = {str(v): d for v, d in dept}
    sizes = Counter(dep.values())
    big = min(sizes, key=lambda d: (-sizes[d], d))
    rows = [(u, v, 1) for u, v in arcs]
    deg = Counter()
    for e in simple_edges(rows):
        for x in e:
            deg[x] += 1
    nodes = []
    for v in order:
        if dep[v] == big:
            nodes.append((v, "company", 0))
        elif deg[v] <= 2:
            nodes.append((v, "account", 10 + int(v)))
        else:
            nodes.append((v, "employee", 0))
    ds = Dataset("email-eu-core", nodes, rows, ["company"], ["employee"], ["account"])
    g = nx_graph(ds)
    ds.expect("label lines / node ids 0..1004", [str(i) for i in range(1005)], order)
    ds.expect("edge lines", 25571, len(rows))
    ds.expect("distinct edge lines", 25571, len(set(arcs)))
    ds.expect("self-loop lines", 642, sum(1 for u, v in arcs if u == v))
    ds.expect("departments / largest", (42, 109), (len(sizes), sizes[big]))
    ds.expect("undirected simple edges", 16064, g.number_of_edges())
    ds.expect("components", 20, nx.number_connected_components(g))
    ds.expect("articulation points of G", 73, len(list(nx.articulation_points(g))))
    ds.expect("bridges", 95, len(list(nx.bridges(g))))
    return ds


def convert_padgett_accounts_leave(folder):
    """Padgett as above, run with --person employee,account: the three cut
    families other than MEDICI (ALBIZZI, GUADAGNI, SALVIATI) are accounts, so
    under the default roles Padgett has no key person at all; counting
    account-side departures too gives it some."""
    ds = convert_padgett(folder)
    ds.name = "padgett-florentine[--person employee,account]"
    ds.person = ["employee", "account"]
    return ds


# (folder, converter, required): required datasets fail the test when their
# folder is missing; optional ones are skipped with a note.
DATASETS = [
    ("zachary-karate", convert_karate, True),
    ("padgett-florentine", convert_padgett, True),
    ("padgett-florentine", convert_padgett_accounts_leave, True),
    ("sawmill", convert_sawmill, True),
    ("w3c-email", convert_w3c, True),
    ("krackhardt-hightech", convert_krackhardt, False),
    ("email-eu-core", convert_email_eu, False),
]
