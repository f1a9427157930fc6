"""Input diagnostics of `linchpin analyze` and `linchpin import` on CSV
pairs (issue 12 item 5, issue 15 item 6): each message exactly as the user
sees it, with exit status 3 and no output file; --delimiter; the caps on
field and record size (a generated file, and /dev/zero under a timeout);
the unknown-id summary of --skip-bad-rows.

The expected messages are written out here; the inputs are written with
Python's csv, codecs and zipfile modules (independent writers)."""
import codecs
import os
import subprocess
import tempfile
import time
import zipfile

from lptest import Checker, linchpin, run, write_csv

C = Checker("csv_diag")

NODES = [("hq", "company", ""), ("ann", "employee", ""), ("bob", "employee", ""),
         ("acme", "account", "1000"), ("beta", "account", "250")]
EDGES = [("hq", "ann", "1"), ("hq", "bob", "1"), ("ann", "acme", "3"), ("bob", "beta", "1")]


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def summary_body(text):
    """The summary without its first line (path, creation time) and timings."""
    lines = text.split("\n")[1:]
    return [x for x in lines if not x.startswith("timings:")]


def expect_fail(d, args, want, what):
    """Both commands on the pair in args: exit 3, exactly `want` on stderr
    (after "linchpin: "), no output file."""
    for cmd in ("analyze", "import"):
        out = os.path.join(d, f"out-{cmd}.h5")
        p = run([cmd] + args + ["-o", out])
        C.check(p.returncode == 3, f"{what} ({cmd}): exit {p.returncode}, stderr {p.stderr!r}")
        C.check(p.stderr == f"linchpin: {want}\n",
                f"{what} ({cmd}):\n  got  {p.stderr!r}\n  want {('linchpin: ' + want + chr(10))!r}")
        C.check(not os.path.exists(out), f"{what} ({cmd}): output written")


def main():
    with tempfile.TemporaryDirectory() as d:
        n, e = os.path.join(d, "nodes.csv"), os.path.join(d, "edges.csv")
        write_csv(n, ["id", "type", "revenue"], NODES)
        write_csv(e, ["source", "target", "weight"], EDGES)
        x = os.path.join(d, "x.csv")

        # every missing column, the header found, the close names
        write_csv(x, ["Id", "Type", "Name", "AnnualRevenue"], [("1", "company", "A", "")])
        expect_fail(d, [x, e],
                    f"{x}:1: missing required columns 'id', 'type' (found: 'Id', 'Type', 'Name', "
                    "'AnnualRevenue'; did you mean 'Id' for 'id', 'Type' for 'type'?)",
                    "Salesforce-style header")
        write_csv(x, [" ID ", "type"], [("hq", "company")])
        expect_fail(d, [x, e],
                    f"{x}:1: missing required column 'id' (found: ' ID ', 'type'; did you mean "
                    "' ID ' for 'id'?)", "spaces and case")
        write_csv(x, ["Source", "target", "AccountId"], [("hq", "ann", "1")])
        expect_fail(d, [n, x],
                    f"{x}:1: missing required column 'source' (found: 'Source', 'target', "
                    "'AccountId'; did you mean 'Source' for 'source'?)", "edges header")

        # another separator, and --delimiter
        sn, se = os.path.join(d, "sn.csv"), os.path.join(d, "se.csv")
        with open(sn, "w", newline="") as f:
            f.write("id;type;revenue\r\n" + "".join(f"{a};{b};{c}\r\n" for a, b, c in NODES))
        with open(se, "w", newline="") as f:
            f.write("source;target;weight\r\n" + "".join(f"{a};{b};{c}\r\n" for a, b, c in EDGES))
        expect_fail(d, [sn, se],
                    f"{sn}:1: missing required columns 'id', 'type' (found one column, "
                    "'id;type;revenue': the file looks semicolon-separated; try --delimiter ';')",
                    "semicolon file")
        tn, te = os.path.join(d, "tn.csv"), os.path.join(d, "te.csv")
        with open(tn, "w", newline="") as f:
            f.write("id\ttype\trevenue\n" + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in NODES))
        with open(te, "w", newline="") as f:
            f.write("source\ttarget\tweight\n" + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in EDGES))
        expect_fail(d, [tn, te],
                    f"{tn}:1: missing required columns 'id', 'type' (found one column, "
                    "'id\\x09type\\x09revenue': the file looks tab-separated; try --delimiter tab)",
                    "tab file")
        expect_fail(d, [n, e, "--delimiter", ";"],
                    f"{n}:1: missing required columns 'id', 'type' (found one column, "
                    "'id,type,revenue': the file looks comma-separated; try --delimiter ',')",
                    "comma file read with ';'")
        ref = run(["analyze", n, e, "-o", os.path.join(d, "ref.h5")])
        C.check(ref.returncode == 0, f"reference run: {ref.stderr}")
        for args in ([sn, se, "--delimiter", ";"], [tn, te, "--delimiter", "tab"],
                     [tn, te, "--delimiter", "\\t"], [tn, te, "--delimiter=\t"]):
            p = run(["analyze"] + args + ["-o", os.path.join(d, "r.h5")])
            C.check(p.returncode == 0 and summary_body(p.stdout) == summary_body(ref.stdout),
                    f"analyze {args}: {p.returncode} {p.stderr}\n{p.stdout}")
            p = run(["import"] + args + ["-o", os.path.join(d, "g.h5")])
            C.check(p.returncode == 0 and "5 nodes, 4 edges" in p.stdout,
                    f"import {args}: {p.returncode} {p.stdout} {p.stderr}")
            p = run(["whatif"] + args + ["--leave", "ann"])
            C.check(p.returncode == 0 and "ann" in p.stdout, f"whatif {args}: {p.stderr}")
        for bad in ("xx", "", '"', "a"):
            p = run(["import", n, e, "-o", os.path.join(d, "g.h5"), "--delimiter", bad])
            C.check(p.returncode == 2 and "--delimiter" in p.stderr, f"--delimiter {bad!r}: {p.stderr}")
        p = run(["analyze", os.path.join(d, "g.h5"), "-o", os.path.join(d, "r.h5"),
                 "--delimiter", ";"])
        C.check(p.returncode == 2 and "--delimiter applies to CSV input" in p.stderr,
                f"--delimiter with a store: {p.returncode} {p.stderr}")

        # not CSV text
        text = "id,type\nhq,company\n"
        write_bytes(x, codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
        expect_fail(d, [x, e],
                    f"{x}: looks like UTF-16 text (byte order mark FF FE), not UTF-8: save it as "
                    "CSV UTF-8, or convert it, e.g. iconv -f UTF-16 -t UTF-8", "UTF-16 LE")
        write_bytes(x, text.encode("utf-16-be"))
        expect_fail(d, [n, x],
                    f"{x}: looks like UTF-16 text (NUL bytes before the characters: big-endian), "
                    "not UTF-8: save it as CSV UTF-8, or convert it, e.g. iconv -f UTF-16 -t UTF-8",
                    "UTF-16 BE without BOM")
        with zipfile.ZipFile(x, "w") as z:
            z.writestr("nodes.csv", text)
        expect_fail(d, [x, e],
                    f"{x}: is a zip archive, not a CSV file (an Excel .xlsx workbook is one): "
                    "export the sheet as CSV UTF-8, or unzip the archive", "zip")
        g = os.path.join(d, "g.h5")
        C.check(run(["import", n, e, "-o", g]).returncode == 0, "import for the HDF5 case")
        expect_fail(d, [g, e],
                    f"{g}: is an HDF5 file, not a CSV file: a graph store is analyzed on its own "
                    "(linchpin analyze GRAPH.h5 -o RESULTS.h5), a results file is read with "
                    "linchpin summary RESULTS.h5", "graph store as nodes.csv")
        expect_fail(d, [n, os.path.join(d, "ref.h5")],
                    f"{os.path.join(d, 'ref.h5')}: is an HDF5 file, not a CSV file: a graph store "
                    "is analyzed on its own (linchpin analyze GRAPH.h5 -o RESULTS.h5), a results "
                    "file is read with linchpin summary RESULTS.h5", "results file as edges.csv")
        write_bytes(x, "id,type\nM\u00fcller,account\n".encode("latin-1"))
        expect_fail(d, [x, e],
                    f"{x}:2: field 'id': invalid UTF-8 in id \"M\\xfcller\" (the file is not "
                    "UTF-8; convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8)", "Latin-1")

        # empty column names: ignored (Excel's trailing commas)
        xn, xe = os.path.join(d, "xn.csv"), os.path.join(d, "xe.csv")
        write_csv(xn, ["id", "type", "revenue", "", ""], [r + ("", "") for r in NODES])
        write_csv(xe, ["source", "target", "weight", ""], [r + ("",) for r in EDGES])
        p = run(["analyze", xn, xe, "-o", os.path.join(d, "r.h5"), "--quiet"])
        C.check(p.returncode == 0 and p.stderr == "", f"empty column names: {p.returncode} {p.stderr}")

        # --skip-bad-rows: the unknown ids, most rows first
        rows = EDGES + [("hq", "ghost", "1")] * 3 + [("nobody", "ann", "1"), ("ann", "ghost", "2")]
        write_csv(x, ["source", "target", "weight"], rows)
        for cmd in ("analyze", "import"):
            p = run([cmd, n, x, "-o", os.path.join(d, f"s-{cmd}.h5"), "--skip-bad-rows"])
            C.check(p.returncode == 0, f"{cmd} --skip-bad-rows: {p.stderr}")
            C.check(p.stderr.endswith("\nwarning: skipped 5 edge rows naming 2 unknown ids: "
                                      "\"ghost\" (4 rows), \"nobody\" (1 row)\n"),
                    f"{cmd} unknown-id summary: {p.stderr!r}")

        # the caps: a quote left open before a few MiB of rows
        with open(x, "w", newline="") as f:
            f.write("id,type,name\nhq,company,x\n\nann,employee,\"Ann\n")
            f.write("".join(f"c{i},contact,name {i}\n" for i in range(200000)))
        C.check(os.path.getsize(x) > 4 << 20, "the open-quote file is a few MiB")
        expect_fail(d, [x, e],
                    f"{x}:4: field 'name': longer than 1 MiB, the limit for a field (unterminated "
                    "quote, or not a CSV file?)", "unterminated quote")
        # /dev/zero: fails fast, in bounded memory
        if os.access("/dev/zero", os.R_OK):
            for args in (["/dev/zero", e], [n, "/dev/zero"]):
                t0 = time.monotonic()
                try:
                    p = subprocess.run([linchpin(), "import"] + args + ["-o", os.path.join(d, "z.h5")],
                                       capture_output=True, text=True, timeout=60)
                except subprocess.TimeoutExpired:
                    C.check(False, f"{args}: no end within 60 s")
                    continue
                C.check(p.returncode == 3 and p.stderr ==
                        "linchpin: /dev/zero:1: field 1: longer than 1 MiB, the limit for a field "
                        "(unterminated quote, or not a CSV file?)\n",
                        f"/dev/zero {args}: {p.returncode} {p.stderr!r}")
                C.check(time.monotonic() - t0 < 30, f"/dev/zero {args}: slow")
            # a scenario file has the same reader and the same caps
            try:
                p = subprocess.run([linchpin(), "whatif", n, e, "--scenarios", "/dev/zero"],
                                   capture_output=True, text=True, timeout=60)
                C.check(p.returncode == 3 and p.stderr ==
                        "linchpin: /dev/zero:1: field 1: longer than 1 MiB, the limit for a field "
                        "(unterminated quote, or not a CSV file?)\n",
                        f"--scenarios /dev/zero: {p.returncode} {p.stderr!r}")
            except subprocess.TimeoutExpired:
                C.check(False, "--scenarios /dev/zero: no end within 60 s")
    C.done()


if __name__ == "__main__":
    main()
