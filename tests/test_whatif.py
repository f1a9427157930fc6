"""Departure scenarios end to end: `linchpin whatif` and `analyze --scenarios`
against NetworkX on the same graph.

Oracle (independent of linchpin's flow code): G + R built with NetworkX from
the CSV files; an account is lost in scenario S when it reaches R in G and
not in G - S; it is newly at bus factor 1 when, before, it reaches R and no
single person cuts it (bus factor >= 2), and after, it still reaches R but
some single person does. Also: the whatif table, the /scenarios schema
(tests/h5schema.py), team expansion, --leave quoting, every error message
with its exit status, and that a failed run leaves the output untouched.
"""
import hashlib
import os
import random
import subprocess
import sys
import tempfile

import h5py
import networkx as nx
import numpy as np

import h5schema
from lptest import Checker, run, write_csv

C = Checker("whatif")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_graph(nodes_csv, edges_csv):
    import csv
    with open(nodes_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    g = nx.Graph()
    types = {}
    for r in rows:
        types[r["id"]] = r["type"]
        g.add_node(r["id"])
    with open(edges_csv, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["source"] != r["target"]:
                g.add_edge(r["source"], r["target"])
    g.add_node("__R__")
    for v, t in types.items():
        if t == "company":
            g.add_edge("__R__", v)
    return g, types


def reaches(g, a, gone):
    """a reaches R in g without the nodes in gone (a itself never removed)."""
    seen = {a}
    stack = [a]
    while stack:
        v = stack.pop()
        if v == "__R__":
            return True
        for y in g[v]:
            if y not in seen and (y not in gone or y == a):
                seen.add(y)
                stack.append(y)
    return False


def one_cut(g, a, gone, persons):
    """Some single person y (not a, not gone) cuts a off from R."""
    near = nx.node_connected_component(g.subgraph(set(g) - (gone - {a})), a)
    for y in persons:
        if y != a and y not in gone and y in near and not reaches(g, a, gone | {y}):
            return True
    return False


def oracle(g, types, accounts, gone):
    persons = [v for v, t in types.items() if t == "employee"]
    lost, newly = [], []
    for i, a in enumerate(accounts):
        if not reaches(g, a, set()):
            continue
        if not reaches(g, a, gone):
            lost.append(i)
        elif not one_cut(g, a, set(), persons) and one_cut(g, a, gone, persons):
            newly.append(i)
    return lost, newly


def main():
    L = os.environ["LINCHPIN"]
    with tempfile.TemporaryDirectory() as d:
        gen = subprocess.run([L, "generate", "--accounts", "120", "--seed", "7", "--names",
                              "-o", d], capture_output=True, text=True)
        C.check(gen.returncode == 0, f"generate: {gen.stderr}")
        n, e = os.path.join(d, "nodes.csv"), os.path.join(d, "edges.csv")
        g, types = read_graph(n, e)
        persons = sorted(v for v, t in types.items() if t == "employee")
        teams = sorted(v for v, t in types.items() if t == "team")
        rnd = random.Random(5)

        # scenario file: every person alone, random pairs and triples, two teams
        scen = []
        for p in persons:
            scen.append([f"{p} leaves", p])
        for k in range(15):
            scen.append([f"group {k}"] + rnd.sample(persons, 2 + k % 2))
        for t in teams[:2]:
            scen.append([f"team {t}", t])
        sfile = os.path.join(d, "scenarios.csv")
        with open(sfile, "w", encoding="utf-8", newline="") as f:
            import csv
            csv.writer(f, lineterminator="\r\n").writerows(scen)

        out = os.path.join(d, "whatif.h5")
        p = run(["whatif", n, e, "--scenarios", sfile, "-o", out, "--threads", "2"])
        C.check(p.returncode == 0, f"whatif exit {p.returncode}: {p.stderr}")
        C.check("departure scenarios" in p.stdout and "group 3" in p.stdout,
                f"whatif table:\n{p.stdout[:800]}")
        res = h5schema.check_results(out)
        sc = res["scenarios"]
        C.check(sc is not None and len(sc["name"]) == len(scen), "all scenarios written")
        acc_nodes = res["accounts"]["node"]
        ids = list(res["nodes"]["id"])
        accounts = [ids[v] for v in acc_nodes]
        C.check("pagerank" not in res["nodes"] and "betweenness" not in res["nodes"],
                "whatif computes no centrality")
        with h5py.File(out, "r") as f:
            C.check(set(f["summary/timings"].attrs) >= {"load", "keyperson", "busfactor",
                                                        "scenarios", "write"},
                    f"timings: {list(f['summary/timings'].attrs)}")
        mism = 0
        for j, row in enumerate(scen):
            named = set(row[1:])
            gone = set()
            for v in named:
                gone |= {v} if types[v] == "employee" else {y for y in g[v]
                                                          if types.get(y) == "employee"}
            leave = sc["leave"][sc["leave_offsets"][j]:sc["leave_offsets"][j + 1]]
            C.check(sorted(ids[v] for v in leave) == sorted(gone),
                    f"{row[0]}: leaving {sorted(ids[v] for v in leave)} != {sorted(gone)}")
            lost, newly = oracle(g, types, accounts, gone)
            got_lost = list(sc["lost"][sc["lost_offsets"][j]:sc["lost_offsets"][j + 1]])
            got_newly = list(sc["newly"][sc["newly_offsets"][j]:sc["newly_offsets"][j + 1]])
            if got_lost != lost or got_newly != newly:
                mism += 1
                C.check(False, f"{row[0]}: lost {got_lost} vs {lost}, newly {got_newly} vs {newly}")
            if len(row) == 2 and types[row[1]] == "employee":
                v = ids.index(row[1])
                C.check(len(lost) == res["nodes"]["accounts_at_risk"][v],
                        f"{row[0]}: lost {len(lost)}, accounts_at_risk "
                        f"{res['nodes']['accounts_at_risk'][v]}")
        C.check(len(sc["newly"]) > 0, "some scenario makes accounts fragile")
        print(f"{len(scen)} scenarios checked against NetworkX, {mism} mismatches")

        # same results at 1 and 8 threads
        for t in ("1", "8"):
            o2 = os.path.join(d, f"w{t}.h5")
            p = run(["whatif", n, e, "--scenarios", sfile, "-o", o2, "--threads", t, "--quiet"])
            C.check(p.returncode == 0, f"whatif --threads {t}: {p.stderr}")
            with h5py.File(out, "r") as a, h5py.File(o2, "r") as b:
                for k in ("lost", "lost_offsets", "newly", "newly_offsets", "lost_revenue",
                          "newly_at_risk_revenue"):
                    C.check(np.array_equal(a["scenarios/" + k][...], b["scenarios/" + k][...]),
                            f"/scenarios/{k} differs at {t} threads")

        # --leave, without -o: table only; quoting of ids with commas
        p = run(["whatif", n, e, "--leave", f"{persons[0]},{persons[1]}"])
        C.check(p.returncode == 0 and "departure scenarios" in p.stdout,
                f"--leave: {p.returncode} {p.stderr}")
        qn, qe = os.path.join(d, "qn.csv"), os.path.join(d, "qe.csv")
        write_csv(qn, ["id", "type", "revenue"],
                  [("hq", "company", ""), ('Smith, "J"', "employee", ""), ("ann", "employee", ""),
                   ("acme", "account", "100"), ("beta", "account", "50"), ("t1", "team", "")])
        write_csv(qe, ["source", "target"],
                  [("hq", "t1"), ("t1", 'Smith, "J"'), ("t1", "ann"), ('Smith, "J"', "acme"),
                   ("ann", "acme"), ("ann", "beta")])
        qo = os.path.join(d, "q.h5")
        p = run(["whatif", qn, qe, "--leave", '"Smith, ""J""",ann', "-o", qo, "--quiet"])
        C.check(p.returncode == 0, f"quoted --leave: {p.stderr}")
        with h5py.File(qo, "r") as f:
            C.check(list(f["scenarios/lost_accounts"][...]) == [2],
                    f"both leave: acme and beta lost, got {f['scenarios/lost_accounts'][...]}")
            C.check(abs(f["scenarios/lost_revenue"][0] - 150) < 1e-9, "lost revenue 150")
        p = run(["whatif", qn, qe, "--leave", "t1", "-o", qo, "--quiet"])
        with h5py.File(qo, "r") as f:
            C.check(p.returncode == 0 and f["scenarios/leave_offsets"][1] == 2,
                    "a team id stands for its two members")
        p = run(["whatif", qn, qe, "--leave", "ann", "-o", qo, "--quiet"])
        with h5py.File(qo, "r") as f:
            C.check(list(f["scenarios/lost_accounts"][...]) == [1] and
                    list(f["scenarios/newly_bus_factor_1"][...]) == [1],
                    "ann leaves: beta lost, acme now hangs on Smith")

        # analyze --scenarios adds the group and the summary prints it
        ao = os.path.join(d, "analyze.h5")
        p = run(["analyze", n, e, "-o", ao, "--scenarios", sfile])
        C.check(p.returncode == 0 and "departure scenarios" in p.stdout,
                f"analyze --scenarios: {p.returncode} {p.stderr}")
        r2 = h5schema.check_results(ao)
        C.check(r2["scenarios"] is not None and "pagerank" in r2["nodes"],
                "analyze --scenarios: full analysis plus /scenarios")
        with h5py.File(out, "r") as a, h5py.File(ao, "r") as b:
            C.check(np.array_equal(a["scenarios/lost"][...], b["scenarios/lost"][...]),
                    "analyze and whatif agree")
        p = run(["summary", ao])
        C.check("departure scenarios" in p.stdout, "summary prints the scenarios")

        # errors: exit 3 for bad scenarios (naming them), 2 for usage; output untouched
        before = digest(out)
        bad = os.path.join(d, "bad.csv")

        def bad_file(text, want, what):
            with open(bad, "w", encoding="utf-8") as f:
                f.write(text)
            p = run(["whatif", n, e, "--scenarios", bad, "-o", out])
            C.check(p.returncode == 3 and want in p.stderr,
                    f"{what}: exit {p.returncode}, stderr {p.stderr!r}, want {want!r}")

        bad_file(f"a,{persons[0]}\nb,nobody,{persons[1]},ghost\n",
                 'bad.csv: 2 unknown node ids: "nobody" (line 2), "ghost" (line 2)', "unknown ids")
        bad_file(f"a,{persons[0]}\na,{persons[1]}\n",
                 'bad.csv:2: duplicate scenario name "a" (first on line 1)', "duplicate name")
        bad_file("a,,\n", 'bad.csv:1: scenario "a" names no one', "nobody")
        bad_file(f",{persons[0]}\n", "bad.csv:1: empty scenario name", "empty name")
        bad_file("", "bad.csv: no scenarios", "empty file")
        bad_file('a,"x\n', "unterminated quote", "syntax")
        lonely = [v for v, t in types.items() if t == "account" and
                  not any(types.get(y) == "employee" for y in g[v])][0]
        bad_file(f'a,"{lonely}"\n', f'is not a person and has no person neighbour', "no person")
        p = run(["whatif", n, e, "--leave", "ghost"])
        C.check(p.returncode == 3 and '--leave: unknown node id "ghost"' in p.stderr,
                f"--leave ghost: {p.returncode} {p.stderr!r}")
        p = run(["whatif", n, e, "--leave", "ghost", "-o", out])
        C.check(p.returncode == 3, "--leave ghost with -o: exit 3")
        for args, what in [
            (["whatif", n, e], "no --leave/--scenarios"),
            (["whatif", n, e, "--leave", ""], "empty --leave"),
            (["whatif", n, e, "--leave", "x", "--betweenness", "exact"], "centrality option"),
            (["whatif", "--leave", "x"], "no input"),
            (["whatif", n, e, "--scenarios", sfile, "--scenarios", sfile], "twice"),
        ]:
            p = run(args)
            C.check(p.returncode == 2, f"{what}: exit {p.returncode} {p.stderr}")
        p = run(["whatif", n, e, "--leave", persons[0], "-o", d])
        C.check(p.returncode == 4, f"-o a directory: exit {p.returncode}")
        C.check(digest(out) == before, "failed runs left the earlier output untouched")
        check_add(n, e, g, types, accounts, persons, rnd)
        check_no_second_links(n, e, persons, d)
    C.done()


def check_no_second_links(n, e, persons, d):
    """whatif without -o prints nothing of second links and skips that phase;
    its output equals that of the same whatif with -o, which runs it."""
    out = os.path.join(d, "sl.h5")
    for extra in (["--leave", persons[0]], ["--leave", persons[1], "--add",
                                            f"{persons[2]}:{persons[3]}"]):
        if "--add" in extra:  # a real account for --add
            with h5py.File(os.path.join(d, "whatif.h5"), "r") as f:
                ids = [x.decode() for x in f["nodes/id"][:]]
                acc = ids[int(f["accounts/node"][0])]
            extra = extra[:-1] + [f"{persons[2]}:{acc}"]
        a = run(["whatif", n, e, *extra, "--progress", "always"])
        b = run(["whatif", n, e, *extra, "--progress", "always", "-o", out])
        C.check(a.returncode == 0 and b.returncode == 0,
                f"whatif {extra}: exit {a.returncode} {b.returncode} {a.stderr} {b.stderr}")
        C.check("secondlinks" not in a.stderr, f"whatif {extra} without -o ran second links")
        C.check("secondlinks" in b.stderr, f"whatif {extra} -o did not run second links")
        C.check(a.stdout == b.stdout and a.stdout.strip(),
                f"whatif {extra}: output differs without second links:\n{a.stdout}\n{b.stdout}")
        with h5py.File(out, "r") as f:
            C.check("second_link" in f["accounts"], "whatif -o writes the second links")


def check_add(n, e, g, types, accounts, persons, rnd):
    """whatif --add P:A: the accounts whose bus factor rises, against NetworkX
    max flow on G + ties (and - leavers with --leave); bad --add values."""
    from lptest import bus_factor
    emp = set(persons)
    before = {a: bus_factor(g, a, emp, "__R__", 3) for a in accounts}
    single = [a for a in accounts if before[a] == 1]
    C.check(len(single) >= 4, f"fixture: only {len(single)} accounts at bus factor 1")
    for trial in range(3):
        ties = [(rnd.choice(persons), a) for a in rnd.sample(single, 3)]
        leave = [rnd.choice(persons)] if trial == 2 else []
        h = g.copy()
        h.add_edges_from(ties)
        h.remove_nodes_from(leave)
        after = {a: (bus_factor(h, a, emp - set(leave), "__R__", 3) if a in h else 0)
                 for a in accounts}
        raised = [a for a in accounts if after[a] > before[a]]
        q = lambda x: '"' + x.replace('"', '""') + '"' if any(c in x for c in ',:"') else x
        args = ["whatif", n, e, "--add", ",".join(f"{q(p)}:{q(a)}" for p, a in ties)]
        if leave:
            args += ["--leave", q(leave[0])]
        p = run(args)
        if not C.check(p.returncode == 0, f"--add {ties}: exit {p.returncode} {p.stderr}"):
            continue
        line = [x for x in p.stdout.splitlines() if x.startswith("accounts whose bus factor rises:")]
        C.check(line and line[0].startswith(f"accounts whose bus factor rises: {len(raised)},"),
                f"--add {ties} leave {leave}: {line} but NetworkX raises {len(raised)}: {raised}")
        for a in [x for x in raised[:20] if '"' not in x and "\\" not in x]:  # (printed escaped)
            C.check(f"  {a}: bus factor {before[a]} -> {after[a]}" in p.stdout,
                    f"--add: {a!r} {before[a]} -> {after[a]} not listed:\n{p.stdout}")
        if leave:
            lost = [a for a in accounts if before[a] >= 1 and after[a] == 0]
            C.check(f"accounts left with no path: {len(lost)}," in p.stdout,
                    f"--add with --leave: lost {len(lost)}:\n{p.stdout}")
    acc, per = [a for a in accounts if not any(c in a for c in ',:"')][0], \
        [x for x in persons if not any(c in x for c in ',:"')][0]
    for value, want in [(f"{acc}:{per}", f'--add: "{acc}" is not a person'),
                        (f"{per}:{per}", f'--add: "{per}" is not an account'),
                        (f"{per}:ghost", '--add: unknown node id'),
                        (f"{per}", "--add: expected PERSON:ACCOUNT"),
                        (f"{per}:{acc},", "--add: expected PERSON:ACCOUNT")]:
        p = run(["whatif", n, e, "--add", value])
        C.check(p.returncode == 3 and want in p.stderr, f"--add {value!r}: {p.returncode} {p.stderr!r}")
    for args, what in [(["analyze", n, e, "-o", os.devnull + ".h5", "--add", f"{per}:{acc}"], "analyze --add"),
                       (["whatif", n, e, "--add", f"{per}:{acc}", "--scenarios", n], "--add with --scenarios")]:
        p = run(args)
        C.check(p.returncode == 2, f"{what}: exit {p.returncode} {p.stderr!r}")


if __name__ == "__main__":
    main()
