"""End-to-end oracle: a generated enterprise with quoted and UTF-8 ids,
duplicate edge rows, self-loops and orphan accounts goes through
`linchpin analyze`; every column written is recomputed independently with
NetworkX and compared. Run at 1, 2 and 8 threads: identical output."""
import os
import random
import tempfile

import h5py
import networkx as nx
import numpy as np

from lptest import bus_factor, Checker, run, write_csv

C = Checker("oracle_networkx")
R = ("__R__",)  # virtual root, cannot clash with a string id


def make_enterprise(seed):
    rnd = random.Random(seed)
    nodes = []  # (id, type, revenue or "")
    nodes.append(("Acme, Inc. \"HQ\"", "company", ""))
    nodes.append(("Acme Europe", "company", ""))
    emps = [f"Émilie Dupont-{i}" if i % 3 == 0 else f"emp {i}" for i in range(40)]
    emps[5] = "Jürgen \"JJ\" Müller, Sales"
    emps[7] = "李小龙"
    emps[9] = "line\nbreak person"
    for e in emps:
        nodes.append((e, "employee", ""))
    accts = [f"Account {i}, Ltd." if i % 4 == 0 else f"acct-{i}" for i in range(120)]
    accts[3] = "Müller & Söhne GmbH"
    accts[8] = "\"Big\" Co"
    for a in accts:
        nodes.append((a, "account", f"{rnd.randint(0, 500000) / 4:.2f}"))
    contacts = [f"contact {i}" for i in range(150)]
    for c in contacts:
        nodes.append((c, "contact", ""))
    partners = [f"partner {i}" for i in range(6)]
    for p in partners:
        nodes.append((p, "partner", ""))
    edges = []

    def e(a, b, w=None):
        edges.append((a, b, w if w is not None else rnd.choice(["", "1", "2.5", "3"])))

    for i, emp in enumerate(emps):
        if i < 10:
            e(nodes[i % 2][0], emp)
        if i >= 30:  # juniors hang on one mentor: chains of key persons
            e(emp, emps[10 + i % 20])
            continue
        for _ in range(rnd.randint(1, 3)):
            e(emp, rnd.choice(emps[:30]))  # may be a self-loop
    for i, a in enumerate(accts):
        if i % 37 == 36:
            e(a, rnd.choice(contacts))  # likely orphan: only a contact
            continue
        k = 1 if rnd.random() < 0.5 else rnd.randint(2, 3)
        for emp in rnd.sample(emps if k == 1 else emps[:30], k):
            e(emp, a)
        if rnd.random() < 0.3:
            c = rnd.choice(contacts)
            e(c, a)
            e(c, rnd.choice(emps[:30]))
        if rnd.random() < 0.1:
            e(rnd.choice(partners), a)
    for p in partners:
        e(p, rnd.choice(emps))
    # duplicates (both orientations) and self-loops
    for _ in range(40):
        a, b, _w = rnd.choice(edges)
        edges.append((b, a, "1.5") if rnd.random() < 0.5 else (a, b, ""))
    for _ in range(10):
        x = rnd.choice(nodes)[0]
        edges.append((x, x, "2"))
    rnd.shuffle(edges)
    return nodes, edges


CAP = 3  # the default --bus-factor-cap


def dominant_share(G, a, persons, anchors):
    """Region: a plus the non-person, non-anchor nodes reachable from a
    without passing a person or an anchor; share of the largest person in
    the edge weight between the region and the persons touching it, and the
    number of those persons (threads)."""
    region, stack = {a}, [a]
    while stack:
        v = stack.pop()
        for w in G[v]:
            if w not in region and w not in persons and w not in anchors:
                region.add(w)
                stack.append(w)
    per = {}
    for v in region:
        for p in G[v]:
            if p in persons and p != a:
                per[p] = per.get(p, 0.0) + G[v][p]["weight"]
    return (max(per.values()) / sum(per.values()) if per else float("nan")), len(per)


def expected(nodes, edges, anchor_types, person_types, account_types, min_tie=0.0):
    ids = [n[0] for n in nodes]
    row = {x: i for i, x in enumerate(ids)}
    typ = {n[0]: n[1] for n in nodes}
    rev = {n[0]: float(n[2]) if n[2] != "" else 0.0 for n in nodes}
    G = nx.Graph()
    G.add_nodes_from(ids)
    loops = dups = 0
    for a, b, w in edges:
        w = float(w) if w != "" else 1.0
        if a == b:
            loops += 1
        elif G.has_edge(a, b):
            G[a][b]["weight"] += w
            dups += 1
        else:
            G.add_edge(a, b, weight=w)
    # --min-tie: ties (person to a node neither person nor anchor) of merged
    # weight below it are dropped before everything else
    weak = [(a, b) for a, b, w in G.edges(data="weight")
            if w < min_tie and ((typ[a] in person_types and typ[b] not in person_types | anchor_types)
                                or (typ[b] in person_types and typ[a] not in person_types | anchor_types))]
    G.remove_edges_from(weak)
    GR = G.copy()
    anchors = [x for x in ids if typ[x] in anchor_types]
    GR.add_edges_from((R, x) for x in anchors)
    persons = {x for x in ids if typ[x] in person_types}
    accounts = [x for x in ids if typ[x] in account_types]
    reach = nx.node_connected_component(GR, R)
    ap = set(nx.articulation_points(GR)) - {R}
    kp = {a: [] for a in accounts}
    at_risk = {x: 0 for x in ids}
    rev_risk = {x: 0.0 for x in ids}
    for p in sorted(ap & persons, key=lambda x: row[x]):
        H = GR.copy()
        H.remove_node(p)
        still = nx.node_connected_component(H, R)
        for a in accounts:
            if a != p and a in reach and a not in still:
                kp[a].append(p)
                at_risk[p] += 1
                rev_risk[p] += rev[a]

    # nearest first: k separates the account from every key person after it
    def separated(a, k, other):
        H = GR.copy()
        H.remove_node(k)
        return not nx.has_path(H, a, other)

    for a, ks in kp.items():
        others = list(ks)  # (the list being sorted reads as empty during the sort)
        ks.sort(key=lambda k: -sum(separated(a, k, o) for o in others if o != k))
    # centrality: betweenness of G (igraph's convention: unordered pairs once);
    # brokerage = subset betweenness from R to the reachable accounts, on the
    # mutual directed graph so that each R->account path counts once;
    # weighted PageRank of G.
    bw = nx.betweenness_centrality(G, normalized=False)
    targets = [a for a in accounts if a in reach]
    brk = nx.betweenness_centrality_subset(GR.to_directed(), [R], targets, normalized=False)
    pr = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-14, max_iter=10000)
    bus = {a: bus_factor(GR, a, persons, R, CAP) if a in reach else 0 for a in accounts}
    dt = {a: dominant_share(G, a, persons, set(anchors)) for a in accounts}
    dom = {a: x[0] for a, x in dt.items()}
    thr = {a: x[1] for a, x in dt.items()}
    return dict(G=G, GR=GR, ids=ids, row=row, typ=typ, rev=rev, ap=ap, kp=kp, at_risk=at_risk,
                rev_risk=rev_risk, accounts=accounts, reach=reach, loops=loops, dups=dups,
                bw=bw, brk=brk, pr=pr, bus=bus, dom=dom, thr=thr, weak=len(weak),
                persons=persons, anchors=anchors)


def read(path):
    with h5py.File(path, "r") as f:
        out = {k: f[k][()] for k in ["nodes/id", "nodes/type", "nodes/degree", "nodes/strength",
                                      "nodes/is_articulation", "nodes/accounts_at_risk",
                                      "nodes/revenue_at_risk", "accounts/node", "accounts/revenue",
                                      "accounts/connected", "accounts/key_persons_offsets",
                                      "accounts/key_persons", "nodes/betweenness",
                                      "nodes/brokerage", "nodes/pagerank",
                                      "accounts/bus_factor", "accounts/dominant_share",
                                      "accounts/threads", "accounts/second_link_offsets",
                                      "accounts/second_link"]}
        out["betweenness_method"] = f["nodes/betweenness"].attrs["method"]
        out["summary"] = dict(f["summary"].attrs)
    out["nodes/id"] = [x.decode("utf-8") if isinstance(x, bytes) else x for x in out["nodes/id"]]
    out["nodes/type"] = [x.decode("utf-8") if isinstance(x, bytes) else x for x in out["nodes/type"]]
    return out


def compare(got, exp, tag):
    ids = exp["ids"]
    G = exp["G"]
    C.check(got["nodes/id"] == ids, f"{tag}: /nodes/id differs from input order")
    C.check(got["nodes/type"] == [exp["typ"][x] for x in ids], f"{tag}: /nodes/type")
    C.check(list(got["nodes/degree"]) == [G.degree(x) for x in ids], f"{tag}: /nodes/degree")
    want_s = np.array([G.degree(x, weight="weight") for x in ids], dtype=float)
    C.check(np.allclose(got["nodes/strength"], want_s, rtol=1e-12, atol=0),
            f"{tag}: /nodes/strength")
    want_ap = [1 if x in exp["ap"] else 0 for x in ids]
    C.check(list(got["nodes/is_articulation"]) == want_ap, f"{tag}: /nodes/is_articulation")
    C.check(list(got["nodes/accounts_at_risk"]) == [exp["at_risk"][x] for x in ids],
            f"{tag}: /nodes/accounts_at_risk")
    want_rr = np.array([exp["rev_risk"][x] for x in ids])
    C.check(np.allclose(got["nodes/revenue_at_risk"], want_rr, rtol=1e-9, atol=1e-9),
            f"{tag}: /nodes/revenue_at_risk")
    accts = exp["accounts"]
    C.check([ids[i] for i in got["accounts/node"]] == accts, f"{tag}: /accounts/node")
    C.check(np.allclose(got["accounts/revenue"], [exp["rev"][a] for a in accts]),
            f"{tag}: /accounts/revenue")
    C.check(list(got["accounts/connected"]) == [1 if a in exp["reach"] else 0 for a in accts],
            f"{tag}: /accounts/connected")
    off, kp = got["accounts/key_persons_offsets"], got["accounts/key_persons"]
    C.check(len(off) == len(accts) + 1 and off[0] == 0 and off[-1] == len(kp),
            f"{tag}: key_persons_offsets shape")
    for i, a in enumerate(accts):
        lst = [ids[k] for k in kp[off[i]:off[i + 1]]]
        if not C.check(lst == exp["kp"][a], f"{tag}: key persons of {a!r}: {lst} != {exp['kp'][a]}"):
            break
    for col, key, tol in [("nodes/betweenness", "bw", 1e-9), ("nodes/brokerage", "brk", 1e-9)]:
        want = np.array([exp[key][x] for x in ids])
        err = np.max(np.abs(got[col] - want) / np.maximum(1.0, np.abs(want)))
        C.check(err <= tol, f"{tag}: /{col} differs from NetworkX by {err:g} (relative)")
    want = np.array([exp["pr"][x] for x in ids])
    err = np.max(np.abs(got["nodes/pagerank"] - want))
    C.check(err <= 1e-7, f"{tag}: /nodes/pagerank differs from NetworkX by {err:g}")
    want_bf = [exp["bus"][a] for a in accts]
    C.check(list(got["accounts/bus_factor"]) == want_bf,
            f"{tag}: /accounts/bus_factor differs from NetworkX max flow: "
            f"{[(a, int(x), y) for a, x, y in zip(accts, got['accounts/bus_factor'], want_bf) if x != y][:5]}")
    want_dom = np.array([exp["dom"][a] for a in accts])
    got_dom = got["accounts/dominant_share"]
    C.check(np.array_equal(np.isnan(got_dom), np.isnan(want_dom)) and
            np.allclose(got_dom[~np.isnan(want_dom)], want_dom[~np.isnan(want_dom)], rtol=1e-12),
            f"{tag}: /accounts/dominant_share differs from the NetworkX recomputation")
    C.check(list(got["accounts/threads"]) == [exp["thr"][a] for a in accts],
            f"{tag}: /accounts/threads differs from the NetworkX recomputation")
    check_second_links(got, exp, tag)
    s = got["summary"]
    C.check(s["weak_ties_dropped"] == exp["weak"], f"{tag}: weak_ties_dropped {s['weak_ties_dropped']} != {exp['weak']}")
    C.check(s["nodes"] == len(ids) and s["edges"] == G.number_of_edges(), f"{tag}: summary counts")
    C.check(s["dropped_self_loops"] == exp["loops"], f"{tag}: dropped_self_loops")
    C.check(s["merged_duplicates"] == exp["dups"], f"{tag}: merged_duplicates")
    orphans = sum(1 for a in accts if a not in exp["reach"])
    C.check(s["orphan_accounts"] == orphans, f"{tag}: orphan_accounts {s['orphan_accounts']} != {orphans}")
    return (orphans, sum(1 for a in accts if exp["kp"][a]),
            sum(1 for a in accts if len(exp["kp"][a]) > 1),
            {b: want_bf.count(b) for b in range(CAP + 1)})


def check_second_links(got, exp, tag):
    """Every account with bus factor 1 has its suggestions (none otherwise);
    each suggestion is a person outside its key persons and, added as a tie,
    lifts it to bus factor >= 2 by NetworkX max flow; the list is ordered by
    hop distance from the account in G (without R)."""
    ids, accts = exp["ids"], exp["accounts"]
    off, links = got["accounts/second_link_offsets"], got["accounts/second_link"]
    C.check(len(off) == len(accts) + 1 and off[0] == 0 and off[-1] == len(links),
            f"{tag}: second_link_offsets shape")
    tested = 0
    for i, a in enumerate(accts):
        sug = [ids[k] for k in links[off[i]:off[i + 1]]]
        if exp["bus"][a] != 1:
            C.check(not sug, f"{tag}: {a!r} (bus factor {exp['bus'][a]}) got suggestions {sug}")
            continue
        C.check(0 < len(sug) <= 3, f"{tag}: {a!r}: {len(sug)} suggestions")
        dist = nx.single_source_shortest_path_length(exp["G"], a)
        d = [dist.get(p, 10**9) for p in sug]
        C.check(d == sorted(d), f"{tag}: {a!r}: suggestions not by distance: {list(zip(sug, d))}")
        for p in sug:
            C.check(p in exp["persons"] and p not in exp["kp"][a], f"{tag}: {a!r}: {p!r} is no candidate")
            if tested < 60:
                GR2 = exp["GR"].copy()
                GR2.add_edge(p, a)
                bf = bus_factor(GR2, a, exp["persons"], R, CAP)
                C.check(bf >= 2, f"{tag}: tying {p!r} to {a!r} leaves bus factor {bf}")
                tested += 1
    C.check(tested >= 20, f"{tag}: only {tested} second links tied and checked")


def main():
    total_orphans = total_kp = total_chain = 0
    bus_seen = {}
    with tempfile.TemporaryDirectory() as d:
        for seed, newline, person in [(1, "\n", "employee"), (2, "\r\n", "employee,contact"),
                                      (3, "\n", "employee")]:
            nodes, edges = make_enterprise(seed)
            np_, ep = os.path.join(d, f"n{seed}.csv"), os.path.join(d, f"e{seed}.csv")
            write_csv(np_, ["id", "type", "revenue", "name"], [(a, b, c, "x") for a, b, c in nodes], newline)
            write_csv(ep, ["source", "target", "weight"], edges, newline)
            exp = expected(nodes, edges, {"company"}, set(person.split(",")), {"account"})
            outs = []
            for t in (1, 2, 8):
                out = os.path.join(d, f"r{seed}-{t}.h5")
                p = run(["analyze", np_, ep, "-o", out, "--threads", str(t), "--person", person, "--quiet"])
                if not C.check(p.returncode == 0, f"seed {seed} t={t}: exit {p.returncode}: {p.stderr}"):
                    continue
                got = read(out)
                o, k, ch, hist = compare(got, exp, f"seed {seed} threads {t}")
                outs.append(got)
                try:
                    import h5schema
                    h5schema.check_results(out)
                except ImportError:
                    pass
            total_orphans += o
            total_kp += k
            total_chain += ch
            for b, c in hist.items():
                bus_seen[b] = bus_seen.get(b, 0) + c
            for g in outs[1:]:
                for key in g:
                    if key == "summary":
                        continue
                    a, b = outs[0][key], g[key]
                    if isinstance(a, (list, str, bytes)):
                        same = a == b
                    else:  # every dataset bitwise identical at any thread count
                        same = a.shape == b.shape and a.tobytes() == b.tobytes()
                    C.check(same, f"seed {seed}: {key} differs between thread counts")
        # --min-tie 2.6: ties of merged weight below it dropped before every
        # analysis (the fixture's weights are 1, 1.5, 2.5, 3 and their sums)
        nodes, edges = make_enterprise(1)
        exp = expected(nodes, edges, {"company"}, {"employee"}, {"account"}, min_tie=2.6)
        C.check(exp["weak"] > 50, f"--min-tie fixture drops only {exp['weak']} ties")
        for t in (1, 8):
            out = os.path.join(d, f"mintie-{t}.h5")
            p = run(["analyze", os.path.join(d, "n1.csv"), os.path.join(d, "e1.csv"), "-o", out,
                     "--min-tie", "2.6", "--threads", str(t), "--quiet"])
            if C.check(p.returncode == 0, f"--min-tie t={t}: {p.stderr}"):
                compare(read(out), exp, f"--min-tie 2.6 threads {t}")
        # sampled betweenness through the command: one seed, same output at
        # 1, 2 and 8 threads, and within epsilon (normalised) of the exact one
        nodes, edges = make_enterprise(1)
        exp = expected(nodes, edges, {"company"}, {"employee"}, {"account"})
        n = len(nodes)
        runs = []
        for t in (1, 2, 8):
            out = os.path.join(d, f"sampled-{t}.h5")
            p = run(["analyze", os.path.join(d, "n1.csv"), os.path.join(d, "e1.csv"), "-o", out,
                     "--betweenness", "sampled", "--epsilon", "0.05", "--delta", "0.1",
                     "--seed", "7", "--threads", str(t), "--quiet"])
            if C.check(p.returncode == 0, f"sampled t={t}: {p.stderr}"):
                with h5py.File(out, "r") as f:
                    ds = f["nodes/betweenness"]
                    runs.append(ds[()])
                    C.check(ds.attrs["method"] in ("sampled", b"sampled"), "method attr")
                    C.check(ds.attrs["samples"] > 0 and ds.attrs["seed"] == 7
                            and abs(ds.attrs["epsilon"] - 0.05) < 1e-15, "sampling attrs")
        for r in runs[1:]:
            C.check(np.array_equal(runs[0], r), "sampled betweenness depends on the thread count")
        if runs:
            want = np.array([exp["bw"][x] for x in exp["ids"]])
            err = np.max(np.abs(runs[0] - want)) / (n * (n - 1) / 2)
            C.check(err <= 0.05, f"sampled betweenness off by {err:g} normalised (eps 0.05)")
            C.check(np.any(runs[0] != want), "sampled output equals the exact one: not sampled?")
    # the fixture must exercise what it claims to
    C.check(total_orphans >= 3, f"only {total_orphans} orphan accounts in the fixtures")
    C.check(total_kp >= 30, f"only {total_kp} accounts with key persons in the fixtures")
    C.check(total_chain >= 10, f"only {total_chain} accounts with 2+ key persons in the fixtures")
    C.check(all(bus_seen.get(b, 0) >= 3 for b in range(CAP + 1)),
            f"the fixtures do not exercise every bus factor 0..{CAP}: {bus_seen}")
    C.done()


if __name__ == "__main__":
    main()
