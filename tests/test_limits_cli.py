"""Limits on the command line (issue 15 items 2 and 3), end to end:
- overflowing sums (merged duplicate weights, a node's strength, the revenue
  total) are exit 3 with the same one line from `analyze` on CSV, `import`,
  and `analyze` of a store (before: analyze exited 0 with NaN PageRank and
  import exited 1 with an internal "CSR defect"); no output file is left;
- --epsilon 1e-12 and 1e-9 are refused at once (exit 2, the limit in the
  message; before: an overflow after the whole analysis, or a run that
  never ended); --top " 5", "+5", --epsilon nan / hex are usage errors;
- "--" ends the options in every command, so a file named "-x.csv" can be
  given (before: "unknown option '--'"); usage errors quote what was typed
  with control bytes escaped (before: an ESC in --top reached the terminal
  raw); --half-life " 5" is refused like the other numbers (before: strtod
  took it); an empty role-list item is one usage error in engine terms.
"""
import os
import tempfile
import time

from lptest import Checker, run

C = Checker("limits_cli")


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


with tempfile.TemporaryDirectory() as d:
    n, e = os.path.join(d, "nodes.csv"), os.path.join(d, "edges.csv")
    out, store = os.path.join(d, "r.h5"), os.path.join(d, "g.h5")
    cases = [
        ("id,type,revenue\nacme,company,1\ne1,employee,0\na1,account,2\n",
         "source,target,weight\nacme,e1,1.7e308\ne1,a1,1\ne1,acme,1.7e308\n",
         'edge "acme" - "e1": the weights of its duplicate rows add up to more than 1.798e+308'),
        ("id,type,revenue\nacme,company,1\ne1,employee,0\na1,account,2\n",
         "source,target,weight\nacme,e1,1.7e308\ne1,a1,1.7e308\n",
         'node "e1": the weights of its edges add up to more than 1.798e+308'),
        ("id,type,revenue\nacme,company,1\ne1,employee,0\na1,account,1e308\n",
         "source,target,weight\nacme,e1,1\ne1,a1,1\n",
         'node "a1": the revenues up to this node add up to more than 8.988e+307'),
    ]
    for nodes, edges, want in cases:
        write(n, nodes)
        write(e, edges)
        for args in (["analyze", n, e, "-o", out, "--quiet"], ["import", n, e, "-o", store]):
            p = run(args)
            C.check(p.returncode == 3 and p.stderr.startswith("linchpin: " + want)
                    and p.stderr.count("\n") == 1,
                    f"{args[0]}: exit {p.returncode}, stderr {p.stderr!r}, want {want!r}")
            C.check(not os.path.exists(out) and not os.path.exists(store),
                    f"{args[0]}: output written on failure")

    write(n, "id,type,revenue\nacme,company,1\ne1,employee,0\na1,account,2\n")
    write(e, "source,target\nacme,e1\ne1,a1\n")
    for eps, need in (("1e-12", "1.65e+24"), ("1e-9", "1.65e+18")):
        t0 = time.monotonic()
        p = run(["analyze", n, e, "-o", out, "--betweenness", "sampled", "--epsilon", eps],
                timeout=60)
        C.check(p.returncode == 2 and
                f"need at least {need} samples, more than the limit 100000000" in p.stderr,
                f"--epsilon {eps}: exit {p.returncode}, stderr {p.stderr!r}")
        C.check(time.monotonic() - t0 < 10, f"--epsilon {eps}: took {time.monotonic() - t0:.1f} s")
    for opt, val in (("--top", " 5"), ("--top", "+5"), ("--top", "5 "), ("--epsilon", "nan"),
                     ("--epsilon", "0x1p-4"), ("--epsilon", " 0.1"), ("--delta", "inf"),
                     ("--threads", " 2"), ("--bus-factor-cap", "+3")):
        extra = ["--betweenness", "sampled"] if opt in ("--epsilon", "--delta") else []
        p = run(["analyze", n, e, "-o", out, opt, val] + extra)
        C.check(p.returncode == 2 and f"{opt}: expected" in p.stderr,
                f"{opt} {val!r}: exit {p.returncode}, stderr {p.stderr!r}")
    p = run(["analyze", n, e, "-o", out, "--quiet", "--top", "5"])
    C.check(p.returncode == 0, f"--top 5: exit {p.returncode}, {p.stderr!r}")

    # "--": operands that start with '-'
    dn, de, dout = (os.path.join(d, x) for x in ("-n.csv", "-e.csv", "-r.h5"))
    os.rename(n, dn)
    os.rename(e, de)
    p = run(["analyze", "--quiet", "-o", out, "--", dn.replace(d + "/", ""),
             de.replace(d + "/", "")], cwd=d)
    C.check(p.returncode == 0, f"analyze -- -n.csv -e.csv: exit {p.returncode}, {p.stderr!r}")
    p = run(["analyze", "--quiet", "-o", out, "-n.csv", "-e.csv"], cwd=d)
    C.check(p.returncode == 2 and "unknown option '-n.csv'" in p.stderr,
            f"without --: exit {p.returncode}, {p.stderr!r}")
    p = run(["analyze", "--", "-n.csv", "-e.csv", "-o", out], cwd=d)
    C.check(p.returncode == 2 and "unexpected argument '-o'" in p.stderr,
            f"options after --: exit {p.returncode}, {p.stderr!r}")
    p = run(["import", "-o", store, "--", "-n.csv", "-e.csv"], cwd=d)
    C.check(p.returncode == 0, f"import -- : exit {p.returncode}, {p.stderr!r}")
    os.rename(out, dout)
    for args in (["summary", "--", "-r.h5"], ["export", "-o", "ex", "--", "-r.h5"],
                 ["diff", "--", "-r.h5", "-r.h5"], ["report", "-o", "r.html", "--", "-r.h5"],
                 ["subgraph", "--around", "e1", "-o", "s.graphml", "--", "-n.csv", "-e.csv"],
                 ["summary", "--", "--help"], ["batch", "--", "-missing.csv"]):
        p = run(args, cwd=d)
        want = 3 if args[-1] in ("--help", "-missing.csv") else 0
        C.check(p.returncode == want, f"{args}: exit {p.returncode}, want {want}, {p.stderr!r}")

    # what the user typed is quoted escaped
    for args, shown in ((["analyze", "--top", "5\x1b[31m"], "5\\x1b[31m"),
                        (["summary", "--format", "a\nb"], "a\\x0ab"),
                        (["analyze", "--frob\x07"], "--frob\\x07")):
        p = run(args, cwd=d)
        C.check(p.returncode == 2 and shown in p.stderr and "\x1b" not in p.stderr
                and "\x07" not in p.stderr and p.stderr.count("\n") == 2,
                f"{args}: exit {p.returncode}, stderr {p.stderr!r}")
    p = run(["import", "--crm", "sales\nforce", d, "-o", store + "2"])
    C.check(p.returncode == 2 and "unknown CRM 'sales\\x0aforce'" in p.stderr,
            f"--crm with a newline: {p.returncode} {p.stderr!r}")
    p = run(["import", "--crm", "salesforce", "--half-life", " 5", d, "-o", store + "2"])
    C.check(p.returncode == 2 and "--half-life: expected" in p.stderr,
            f"--half-life ' 5': {p.returncode} {p.stderr!r}")
    p = run(["analyze", "-o", out, "--anchor", ",", "--", "-n.csv", "-e.csv"], cwd=d)
    C.check(p.returncode == 2 and p.stderr.startswith("linchpin: the anchor role's type list ','")
            and "warning" not in p.stderr, f"--anchor ,: {p.returncode} {p.stderr!r}")

C.done()
