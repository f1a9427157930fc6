"""The command line: exit statuses, messages, help/version, the summary
table, and that a failed run never creates or changes the output file."""
import hashlib
import os
import subprocess
import tempfile

from lptest import Checker, run, write_csv

C = Checker("cli")

NODES = [("hq", "company", ""), ("ann", "employee", ""), ("bob", "employee", ""),
         ("Müller GmbH", "account", "1000.50"), ("Big, Inc.", "account", "250"),
         ("lonely", "account", "7")]
EDGES = [("hq", "ann", "1"), ("hq", "bob", "1"), ("ann", "Müller GmbH", "3"),
         ("ann", "Big, Inc.", "1"), ("bob", "Big, Inc.", "1")]


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    with tempfile.TemporaryDirectory() as d:
        n, e = os.path.join(d, "nodes.csv"), os.path.join(d, "edges.csv")
        write_csv(n, ["id", "type", "revenue"], NODES)
        write_csv(e, ["source", "target", "weight"], EDGES)
        out = os.path.join(d, "out.h5")
        nodes_digest = digest(n)

        p = run(["--version"])
        C.check(p.returncode == 0 and p.stdout.startswith("linchpin "), f"--version: {p.stdout!r}")
        p = run(["--help"])
        C.check(p.returncode == 0 and "analyze" in p.stdout and "exit status" in p.stdout, "--help")
        p = run(["-V"])
        C.check(p.returncode == 0 and p.stdout.startswith("linchpin ") and "result format 2"
                in p.stdout, f"-V: {p.stdout!r}")
        # each command has its own help: its options, not the others'
        own = {"analyze": ("--anchor", "--betweenness"), "whatif": ("--leave", None),
               "import": ("GRAPH.h5", None), "summary": ("--top", None)}
        for cmd, (has, lacks) in own.items():
            for flag in ("--help", "-h"):
                p = run([cmd, flag])
                C.check(p.returncode == 0 and p.stdout.startswith(f"usage: linchpin {cmd}")
                        and has in p.stdout, f"{cmd} {flag}: {p.returncode} {p.stdout[:80]!r}")
        p = run(["whatif", "--help"])
        C.check("--betweenness" not in p.stdout and "--epsilon" not in p.stdout,
                f"whatif --help lists analyze-only options: {p.stdout!r}")
        p = run(["summary", "--help"])
        C.check("--anchor" not in p.stdout, "summary --help lists analyze options")

        # success, and the summary names the key person with the revenue
        p = run(["analyze", n, e, "-o", out])
        C.check(p.returncode == 0, f"analyze exit {p.returncode}: {p.stderr}")
        C.check("ann" in p.stdout and "1,000.50" in p.stdout, f"summary lacks ann's risk:\n{p.stdout}")
        C.check("no path to the company:  1" in p.stdout, f"orphan count missing:\n{p.stdout}")
        p = run(["summary", out])
        C.check(p.returncode == 0 and "ann" in p.stdout, f"summary: {p.returncode} {p.stderr}")
        good = digest(out)

        # usage errors: exit 2, output untouched
        for args, what in [
            (["analyze", n, e], "missing -o"),
            (["analyze", n, e, "-o", out, "--threads", "0"], "bad --threads"),
            (["analyze", n, e, "-o", out, "--bus-factor-cap", "1"], "--bus-factor-cap below 2"),
            (["analyze", n, e, "-o", out, "--betweenness", "exact", "--epsilon", "0.1"],
             "--epsilon with exact betweenness"),
            (["analyze", n, e, "-o", out, "--epsilon", "1.5"], "--epsilon out of range"),
            (["analyze", n, e, "-o", out, "--frobnicate"], "unknown option"),
            (["analyze", n, e, "-o", out, "--anchor", ""], "empty --anchor"),
            (["analyze", n, e, "-o", out, "--person", "employee,"], "empty list item"),
            (["analyze", n, e, "-o", n], "output over input"),
            (["bogus"], "unknown command"),
            ([], "no command"),
        ]:
            p = run(args)
            C.check(p.returncode == 2, f"{what}: exit {p.returncode}, want 2 ({p.stderr.strip()})")
            C.check(p.stderr.startswith("linchpin: ") or p.stderr.startswith("usage:"),
                    f"{what}: message {p.stderr!r}")
        C.check(digest(out) == good, "usage errors changed the output file")
        C.check(digest(n) == nodes_digest, "the output-over-input attempt changed nodes.csv")

        # bad input: exit 3, one line naming file, line and field; no output touched
        bad = os.path.join(d, "bad_edges.csv")
        write_csv(bad, ["source", "target", "weight"], EDGES + [("ann", "nobody", "1")])
        p = run(["analyze", n, bad, "-o", out])
        C.check(p.returncode == 3, f"unknown node: exit {p.returncode}")
        C.check(f"{bad}:7:" in p.stderr and "target" in p.stderr and "nobody" in p.stderr,
                f"unknown node message: {p.stderr!r}")
        C.check(len(p.stderr.strip().splitlines()) == 1, f"one-line message: {p.stderr!r}")
        C.check(digest(out) == good, "bad input changed the earlier output file")
        fresh = os.path.join(d, "fresh.h5")
        p = run(["analyze", n, bad, "-o", fresh])
        C.check(p.returncode == 3 and not os.path.exists(fresh), "bad input created an output file")
        C.check(not [x for x in os.listdir(d) if ".tmp" in x], f"temporary left: {os.listdir(d)}")
        # skipping bad rows instead: counted and reported
        p = run(["analyze", n, bad, "-o", fresh, "--skip-bad-rows"])
        C.check(p.returncode == 0 and "skipped bad rows 1" in p.stdout,
                f"--skip-bad-rows: {p.returncode} {p.stdout} {p.stderr}")
        C.check("warning" in p.stderr and "nobody" in p.stderr, f"skip warning: {p.stderr!r}")

        # no anchor node: bad input
        p = run(["analyze", n, e, "-o", fresh + "2", "--anchor", "nosuchtype"])
        C.check(p.returncode == 3 and "anchor" in p.stderr, f"no anchors: {p.returncode} {p.stderr!r}")
        C.check(not os.path.exists(fresh + "2"), "no-anchor run created output")
        p = run(["analyze", n, e, "-o", fresh + "3", "--person", "employee,ghost", "--quiet"])
        C.check(p.returncode == 0 and "'ghost' matches no node" in p.stderr, f"unmatched type warning {p.stderr!r}")

        # missing input file: bad input
        p = run(["analyze", os.path.join(d, "nope.csv"), e, "-o", fresh])
        C.check(p.returncode == 3 and "nope.csv" in p.stderr, f"missing input: {p.returncode} {p.stderr!r}")

        # cannot write output: exit 4, earlier results untouched
        p = run(["analyze", n, e, "-o", os.path.join(d, "no", "such", "dir.h5")])
        C.check(p.returncode == 4, f"unwritable path: exit {p.returncode} {p.stderr!r}")
        os.mkdir(os.path.join(d, "adir"))
        p = run(["analyze", n, e, "-o", os.path.join(d, "adir")])
        C.check(p.returncode == 4, f"output is a directory: exit {p.returncode}")
        C.check(not [x for x in os.listdir(d) if ".tmp" in x], f"temporary left: {os.listdir(d)}")

        # progress: silent when stderr is not a terminal (auto) or with never;
        # with always: phase lines and one timing line at the end
        for mode in ("auto", "never"):
            p = run(["analyze", n, e, "-o", fresh + "4", "--quiet", "--progress", mode])
            C.check(p.returncode == 0 and p.stderr == "", f"--progress {mode}: {p.stderr!r}")
        p = run(["analyze", n, e, "-o", fresh + "4", "--quiet", "--progress", "always"])
        lines = p.stderr.replace("\r", "\n").splitlines()
        for phase in ("load", "keyperson", "busfactor", "brokerage", "betweenness", "pagerank",
                      "write"):
            C.check(any(x.startswith(f"linchpin: {phase}") for x in lines),
                    f"--progress always: no line for {phase}: {p.stderr!r}")
        C.check(lines and lines[-1].startswith("linchpin: timings: load ") and "total" in lines[-1],
                f"--progress always: timing line last: {lines[-1:]!r}")
        C.check(any("[" in x and "%" in x for x in lines), "--progress always: a bar was drawn")

        # --min-tie takes a plain non-negative decimal only
        for bad in (" 2", "nan", "inf", "-1", "0x10", "1e400", ""):
            p = run(["analyze", n, e, "-o", fresh + "mt", "--min-tie", bad])
            C.check(p.returncode == 2 and "--min-tie" in p.stderr, f"--min-tie {bad!r}: {p.returncode}")

        # the org-chart trap: a reporting line drawn as edges makes the CEO
        # everyone's key person; the run warns (stderr and /summary@warnings)
        import h5py, json
        on, oe = os.path.join(d, "org_nodes.csv"), os.path.join(d, "org_edges.csv")
        onodes = [("co", "company", ""), ("ceo", "employee", "")]
        oedges = [("co", "ceo")]
        for m in range(3):
            onodes.append((f"m{m}", "employee", ""))
            oedges.append((f"m{m}", "ceo"))
            for r in range(4):
                onodes.append((f"r{m}{r}", "employee", ""))
                oedges.append((f"r{m}{r}", f"m{m}"))
                onodes.append((f"a{m}{r}", "account", "10"))
                oedges.append((f"a{m}{r}", f"r{m}{r}"))
        write_csv(on, ["id", "type", "revenue"], onodes)
        write_csv(oe, ["source", "target"], oedges)
        p = run(["analyze", on, oe, "-o", fresh + "org", "--quiet"])
        warn = [x for x in p.stderr.splitlines() if x.startswith("linchpin: warning: ")]
        C.check(p.returncode == 0 and len(warn) == 1 and "ceo is the key person of 12 of the 12 "
                "accounts" in warn[0] and "reporting line" in warn[0], f"org-chart warning: {p.stderr!r}")
        with h5py.File(fresh + "org") as f:
            stored = json.loads(f["summary"].attrs["warnings"])
        C.check(len(warn) == 1 and stored == [warn[0][len("linchpin: warning: "):]],
                f"/summary@warnings: {stored!r}")
        # tied to the company instead: no warning, nothing stored
        oedges2 = [(a, "co" if b in ("ceo", "m0", "m1", "m2") else b) for a, b in oedges]
        write_csv(oe, ["source", "target"], oedges2)
        p = run(["analyze", on, oe, "-o", fresh + "org", "--quiet"])
        C.check(p.returncode == 0 and "warning" not in p.stderr, f"no warning expected: {p.stderr!r}")
        with h5py.File(fresh + "org") as f:
            C.check(json.loads(f["summary"].attrs["warnings"]) == [], "warnings not empty")

        # a path that is not UTF-8: the command line attribute stays UTF-8
        # (U+FFFD in place of the bad byte), like input_files
        bad_dir = os.path.join(d.encode(), b"dir\xff")
        os.mkdir(bad_dir)
        for name, path in ((b"nodes.csv", n), (b"edges.csv", e)):
            with open(path, "rb") as src, open(os.path.join(bad_dir, name), "wb") as dst:
                dst.write(src.read())
        p = subprocess.run([os.environ["LINCHPIN"].encode(), b"analyze", os.path.join(bad_dir, b"nodes.csv"),
                            os.path.join(bad_dir, b"edges.csv"), b"-o", (fresh + "u").encode(), b"--quiet"],
                           capture_output=True)
        C.check(p.returncode == 0, f"non-UTF-8 path: exit {p.returncode} {p.stderr!r}")
        with h5py.File(fresh + "u") as f:
            cmd = f.attrs["command_line"].decode("utf-8")  # raises if not UTF-8
            C.check("dir\ufffd/nodes.csv" in cmd, f"command_line: {cmd!r}")

        # a store imported from a CRM export records its roles; analyze uses
        # them unless role options are given
        sample = os.path.join(os.environ["LP_SOURCE_DIR"], "data", "crm-sample", "salesforce")
        store = os.path.join(d, "crm.h5")
        p = run(["import", "--crm", "salesforce", sample, "-o", store])
        C.check(p.returncode == 0, f"import --crm: {p.returncode} {p.stderr!r}")
        p = run(["analyze", store, "-o", fresh + "crm", "--quiet"])
        C.check(p.returncode == 0, f"analyze of a CRM store: {p.returncode} {p.stderr!r}")
        with h5py.File(fresh + "crm") as f:
            par = json.loads(f.attrs["parameters"])
            C.check(par["anchor"] == "company,department" and par["person"] == "employee",
                    f"store roles not used: {par}")
            C.check("name" in f["nodes"] or "name_bytes" in f["nodes"], "names did not travel")
        p = run(["analyze", store, "-o", fresh + "crm", "--quiet", "--anchor", "company"])
        with h5py.File(fresh + "crm") as f:
            par = json.loads(f.attrs["parameters"])
            C.check(p.returncode == 0 and par["anchor"] == "company", f"--anchor given: {par}")

        # summary of something that is not a result file
        p = run(["summary", n])
        C.check(p.returncode == 3, f"summary of a CSV: exit {p.returncode} {p.stderr!r}")
        p = run(["summary", os.path.join(d, "missing.h5")])
        C.check(p.returncode == 3, f"summary of a missing file: exit {p.returncode}")
    C.done()


if __name__ == "__main__":
    main()
