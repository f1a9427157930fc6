"""linchpin report: the HTML page of a result file, checked against an
independent reading of the result file (h5py) and rendered in headless
Chromium (no console errors, nothing fetched, the charts have their bars,
the screenshot is not blank). Bad input: missing datasets leave sections
out; a graph that is not the results' is exit 3 with nothing written.

The Chromium part is skipped (exit 77) only when chromium is absent."""
import csv
import html.parser
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

import h5py
import numpy as np

from lptest import Checker, SKIP, run

C = Checker("report")
SRC = os.environ.get("LP_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("LP_BINARY_DIR", tempfile.gettempdir())
SAMPLE = os.path.join(SRC, "data", "sample")
HOSTILE = "<script>alert('x')</script> \"Bob\" & Co"


class Page(html.parser.HTMLParser):
    """The parts of the report the checks need: every <svg> with its
    attributes, bars (class bar), circles (and their classes), title/desc
    text; tables; every tag and attribute seen; the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.svgs = []
        self.cur = None
        self.tags = []
        self.text = []
        self.stack = []
        self.th = []
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "svg":
            self.cur = {"attrs": a, "bars": [], "circles": [], "title": None, "desc": None,
                        "links": 0}
            self.svgs.append(self.cur)
        elif self.cur is not None:
            cls = a.get("class", "")
            if tag == "rect" and cls == "bar":
                self.cur["bars"].append(a)
            elif tag == "circle":
                self.cur["circles"].append(cls)
            elif tag == "line" and cls == "link":
                self.cur["links"] += 1
        if tag == "th":
            self.th.append(a)
        if tag == "table":
            self.tables += 1
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "svg":
            self.cur = None
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        self.text.append(data)
        if self.cur is not None and self.stack:
            top = self.stack[-1]
            parent = self.stack[-2] if len(self.stack) > 1 else ""
            if top in ("title", "desc") and parent == "svg" and self.cur[top] is None:
                self.cur[top] = data
            if top == "title" and parent == "rect":
                self.cur["bars"][-1]["tip"] = data


def parse(text):
    p = Page()
    p.feed(text)
    p.close()
    return p


def chart(page, ident):
    for s in page.svgs:
        if s["attrs"].get("aria-labelledby", "").startswith(ident + "-"):
            return s
    return None


def strings(ds):
    return [x.decode("utf-8") for x in ds[...]]


def read_results(path):
    """Everything the checks compare with, read with h5py."""
    r = {}
    with h5py.File(path, "r") as f:
        r["id"] = strings(f["nodes/id"])
        r["name"] = strings(f["nodes/name"]) if "nodes/name" in f else None
        r["aar"] = f["nodes/accounts_at_risk"][...]
        r["rar"] = f["nodes/revenue_at_risk"][...]
        acc = f["accounts"]
        r["acc_node"] = acc["node"][...]
        r["acc_rev"] = acc["revenue"][...]
        r["bf"] = acc["bus_factor"][...] if "bus_factor" in acc else None
        r["cap"] = int(acc["bus_factor"].attrs["cap"]) if "bus_factor" in acc else None
        r["share"] = acc["dominant_share"][...] if "dominant_share" in acc else None
        r["connected"] = acc["connected"][...]
        r["threads"] = acc["threads"][...] if "threads" in acc else None
        off = acc["key_persons_offsets"][...]
        kp = acc["key_persons"][...]
        r["key"] = [list(kp[off[i]:off[i + 1]]) for i in range(len(off) - 1)]
        r["second"] = "second_link" in acc
        r["scenarios"] = len(f["scenarios/name"]) if "scenarios/name" in f else 0
    return r


def add_names(path):
    with h5py.File(path, "r+") as f:
        if "nodes/name" in f:
            return
        types = strings(f["nodes/type"])
        names = [f"Person {k} {HOSTILE}" if t == "employee" else "" for k, t in enumerate(types)]
        raw = [n.encode("utf-8") for n in names]
        width = max(len(b) for b in raw)
        f.create_dataset("nodes/name", data=np.array(raw, dtype=f"S{width}"))


def label(r, i):
    if r["name"] and r["name"][i]:
        return f"{r['name'][i]} ({r['id'][i]})"
    return r["id"][i]


def check_page(tag, text, r, pictures):
    """The report's content against the independent reading r."""
    page = parse(text)
    # self-contained: nothing that fetches, no script
    for tagname, attrs in page.tags:
        C.check(tagname not in ("script", "link", "img", "iframe", "object", "embed", "base"),
                f"{tag}: <{tagname}> in the report")
        for k, v in attrs.items():
            C.check(not k.startswith("on"), f"{tag}: event handler attribute {k}")
            C.check(k not in ("src", "href", "xlink:href", "srcset"), f"{tag}: {k}={v!r}")
    C.check(not re.search(r"https?:|//[a-z0-9]|url\(|@import", text, re.I),
            f"{tag}: a URL in the report")
    # every chart: an <svg role=img> with title and desc
    C.check(len(page.svgs) > 0, f"{tag}: no charts")
    for s in page.svgs:
        C.check(s["attrs"].get("role") == "img", f"{tag}: svg without role=img")
        C.check(bool(s["title"]) and bool(s["desc"]), f"{tag}: svg without title/desc")
    C.check(all(t.get("scope") in ("col", "row") for t in page.th), f"{tag}: <th> without scope")
    # bus factor histogram: one bar per value 0..cap, counts as h5py says
    bfc = chart(page, "chart-bus-factor")
    if r["bf"] is None:
        C.check(bfc is None, f"{tag}: bus-factor chart without the column")
    elif C.check(bfc is not None, f"{tag}: bus-factor chart missing"):
        counts = np.bincount(r["bf"], minlength=r["cap"] + 1)
        C.check(len(bfc["bars"]) == r["cap"] + 1,
                f"{tag}: bus-factor bars {len(bfc['bars'])}, expected {r['cap'] + 1}")
        got = [int(b["tip"].rsplit(": ", 1)[1]) for b in bfc["bars"]]
        C.check(got == list(counts), f"{tag}: bus-factor counts {got} vs {list(counts)}")
    # revenue at risk by person: top 20 by revenue, then accounts, then row
    people = [i for i in range(len(r["id"])) if r["aar"][i] > 0]
    people.sort(key=lambda i: (-r["rar"][i], -r["aar"][i], i))
    top = people[:20]
    pc = chart(page, "chart-persons")
    if C.check(pc is not None, f"{tag}: persons chart missing"):
        C.check(len(pc["bars"]) == len(top), f"{tag}: person bars {len(pc['bars'])} vs {len(top)}")
        names = [b["tip"].rsplit(": ", 1)[0] for b in pc["bars"]]
        C.check(names == [label(r, i) for i in top], f"{tag}: persons order {names[:3]}...")
        if top:
            C.check(label(r, top[0]) in "".join(page.text), f"{tag}: top person's name missing")
    # dominant share: 10 bins over connected accounts
    dc = chart(page, "chart-dominant-share")
    if r["share"] is None:
        C.check(dc is None, f"{tag}: dominant-share chart without the column")
    elif C.check(dc is not None, f"{tag}: dominant-share chart missing"):
        s = r["share"][(r["connected"] != 0) & np.isfinite(r["share"])]
        expect = [int(((s >= b / 10) & ((s < (b + 1) / 10) if b < 9 else (s <= 1))).sum())
                  for b in range(10)]
        got = [int(b["tip"].rsplit(": ", 1)[1]) for b in dc["bars"]]
        C.check(got == expect, f"{tag}: dominant-share counts {got} vs {expect}")
    # headline figures that depend on optional columns
    body = "".join(page.text)
    C.check(("covered on paper only" in body) == (r["bf"] is not None and r["share"] is not None),
            f"{tag}: covered-on-paper-only figure present iff bus factor and dominant share")
    C.check(("Single-threaded accounts" in body) == (r["threads"] is not None),
            f"{tag}: single-threaded figure iff threads")
    C.check(("Second-link suggestions" in body) == r["second"], f"{tag}: second-link column")
    # scenarios
    sc = chart(page, "chart-scenarios")
    if r["scenarios"]:
        C.check(sc is not None and len(sc["bars"]) == min(30, r["scenarios"]),
                f"{tag}: scenario bars")
    else:
        C.check(sc is None and "Departure scenarios" not in body, f"{tag}: scenarios without data")
    # pictures: top 10 accounts at risk, key persons highlighted
    at_risk = [j for j in range(len(r["acc_node"]))
               if (r["bf"][j] == 1 if r["bf"] is not None else len(r["key"][j]) > 0)]
    at_risk.sort(key=lambda j: (-r["acc_rev"][j], j))
    pics = [s for s in page.svgs if s["attrs"].get("class") == "picture"]
    if pictures:
        C.check(len(pics) == min(10, len(at_risk)), f"{tag}: {len(pics)} pictures")
        for s, j in zip(pics, at_risk):
            C.check(label(r, r["acc_node"][j]) in s["title"], f"{tag}: picture order")
            nkey = sum(1 for c in s["circles"] if "node-key" in c)
            C.check(nkey == len(r["key"][j]), f"{tag}: key persons {nkey} vs {len(r['key'][j])}")
            C.check(sum(1 for c in s["circles"] if "node-account" in c) == 1, f"{tag}: account")
            C.check(sum(1 for c in s["circles"] if "node-anchor" in c) >= 1,
                    f"{tag}: no path to the company drawn")
            C.check(s["links"] >= len(s["circles"]) - 1, f"{tag}: picture not connected")
    else:
        C.check(not pics, f"{tag}: pictures without --graph")
    return page


# ---- PNG (decoded here: zlib + the PNG filters) ----------------------------

def png_pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6), f"PNG colour type {ctype} depth {depth}"
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int64)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1)
        line = line.astype(np.int64)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) % 256
        elif f == 1:
            cur = line.copy()
            for c in range(bpp):  # running sum per channel
                cur[c::bpp] = np.cumsum(line[c::bpp]) % 256
        else:
            cur = line.copy()
            for x in range(stride):
                a = cur[x - bpp] if x >= bpp else 0
                b = prev[x]
                if f == 3:
                    cur[x] = (line[x] + (a + b) // 2) % 256
                else:
                    c = prev[x - bpp] if x >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                    cur[x] = (line[x] + pr) % 256
        out[y] = cur
        prev = cur
    return out.reshape(h, w, bpp)[:, :, :3]


def chromium(html_path, shot, work):
    exe = shutil.which("chromium")
    profile = tempfile.mkdtemp(dir=work, prefix="chromium-")
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    url = "file://" + os.path.abspath(html_path)
    dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    png = subprocess.run(base + [f"--screenshot={shot}", "--window-size=1280,2000", url],
                         capture_output=True, text=True, timeout=120)
    return dom, png


def check_browser(tag, html_path, r, work, shot):
    if not shutil.which("chromium"):
        return False
    dom, png = chromium(html_path, shot, work)
    C.check(dom.returncode == 0 and "<svg" in dom.stdout, f"{tag}: chromium --dump-dom failed")
    for log in (dom.stderr, png.stderr):
        console = [l for l in log.splitlines() if "CONSOLE" in l or "Refused to" in l
                   or "Uncaught" in l]
        C.check(not console, f"{tag}: console messages: {console[:3]}")
        fetched = [l for l in log.splitlines() if re.search(r"https?://", l)]
        C.check(not fetched, f"{tag}: network activity in the log: {fetched[:3]}")
    # the DOM as Chromium built it has the same charts and bars
    page = parse(dom.stdout)
    bfc = chart(page, "chart-bus-factor")
    if r["bf"] is not None:
        C.check(bfc is not None and len(bfc["bars"]) == r["cap"] + 1, f"{tag}: DOM bus-factor bars")
    C.check(chart(page, "chart-persons") is not None, f"{tag}: DOM persons chart")
    if C.check(png.returncode == 0 and os.path.exists(shot), f"{tag}: no screenshot"):
        px = png_pixels(shot).astype(np.float64)
        C.check(px.shape[0] == 2000 and px.shape[1] == 1280, f"{tag}: screenshot {px.shape}")
        C.check(px.var() > 100, f"{tag}: blank screenshot (variance {px.var():.1f})")
        blue = ((px[:, :, 2] > 150) & (px[:, :, 0] < 100)).sum()
        C.check(blue > 1000, f"{tag}: no bar colour in the screenshot ({blue} pixels)")
    return True


def main():
    work = tempfile.mkdtemp(prefix="lp-report-")
    artefacts = os.path.join(BIN, "report-artefacts")
    os.makedirs(artefacts, exist_ok=True)
    browser = True
    try:
        # 1. the sample; names (hostile text for the persons) added to the
        #    result file as the writer stores them (fixed-length UTF-8)
        nodes = os.path.join(SAMPLE, "nodes.csv")
        edges = os.path.join(SAMPLE, "edges.csv")
        res = os.path.join(work, "s.h5")
        p = run(["analyze", nodes, edges, "-o", res, "--quiet", "--leave",
                 "Jean-Luc Wang (E0012)", "--leave", "Kwame Mensah (E0004),Tomás Brown (E0017)"])
        C.check(p.returncode == 0, f"analyze sample: {p.stderr}")
        add_names(res)
        r = read_results(res)
        C.check(r["name"] is not None, "sample results have no names")
        rep = os.path.join(work, "s.html")
        p = run(["report", res, "--graph", nodes, edges, "-o", rep])
        C.check(p.returncode == 0, f"report sample: {p.stderr}")
        text = open(rep, encoding="utf-8").read()
        check_page("sample", text, r, pictures=True)
        C.check("<script" not in text and "&lt;script&gt;" in text, "hostile name not escaped")
        C.check(len(text.encode()) < 2_000_000, "sample report too large")
        # the same input gives the same report (pictures included)
        rep2 = os.path.join(work, "s2.html")
        store = os.path.join(work, "g.h5")
        C.check(run(["import", nodes, edges, "-o", store]).returncode == 0, "import")
        p = run(["report", res, "--graph", store, "-o", rep2])
        C.check(p.returncode == 0, f"report --graph store: {p.stderr}")
        C.check(open(rep2, encoding="utf-8").read() == text, "report not deterministic "
                "(CSV pair and store give different pages)")
        browser = check_browser("sample", rep, r, work, os.path.join(artefacts, "sample.png"))

        # 2. a generated enterprise (no names; awkward extras: orphans)
        gen = os.path.join(work, "gen")
        p = run(["generate", "--accounts", "4000", "--seed", "5", "-o", gen])
        C.check(p.returncode == 0, f"generate: {p.stderr}")
        gres = os.path.join(work, "gen.h5")
        p = run(["analyze", os.path.join(gen, "nodes.csv"), os.path.join(gen, "edges.csv"),
                 "-o", gres, "--quiet", "--betweenness", "off"])
        C.check(p.returncode == 0, f"analyze generated: {p.stderr}")
        grep_ = os.path.join(work, "gen.html")
        p = run(["report", gres, "-o", grep_])
        C.check(p.returncode == 0, f"report generated: {p.stderr}")
        gr = read_results(gres)
        gtext = open(grep_, encoding="utf-8").read()
        check_page("generated", gtext, gr, pictures=False)
        if browser:
            check_browser("generated", grep_, gr, work, os.path.join(artefacts, "generated.png"))

        # 3. datasets missing: those sections are left out, no error
        thin = os.path.join(work, "thin.h5")
        p = run(["analyze", nodes, edges, "-o", thin, "--quiet", "--second-links", "0",
                 "--betweenness", "off"])
        C.check(p.returncode == 0, f"analyze thin: {p.stderr}")
        with h5py.File(thin, "r+") as f:
            for ds in ("accounts/bus_factor", "accounts/dominant_share", "accounts/threads",
                       "nodes/name"):
                if ds in f:
                    del f[ds]
        p = run(["report", thin, "-o", os.path.join(work, "thin.html")])
        C.check(p.returncode == 0, f"report of a thin file: {p.stderr}")
        if p.returncode == 0:
            tr = read_results(thin)
            C.check(tr["bf"] is None and tr["share"] is None and not tr["second"], "thin file")
            check_page("thin", open(os.path.join(work, "thin.html"), encoding="utf-8").read(), tr,
                       pictures=False)
        # --graph with a thin file still draws (key persons decide)
        p = run(["report", thin, "--graph", nodes, edges, "-o", os.path.join(work, "thin2.html")])
        C.check(p.returncode == 0, f"report --graph of a thin file: {p.stderr}")

        # 4. a graph that is not the results': exit 3, nothing written
        other = os.path.join(work, "edges2.csv")
        with open(edges, encoding="utf-8") as f:
            lines = f.readlines()
        with open(other, "w", encoding="utf-8") as f:
            f.writelines(lines[:-1])
        bad = os.path.join(work, "bad.html")
        p = run(["report", res, "--graph", nodes, other, "-o", bad])
        C.check(p.returncode == 3, f"mismatched CSV: exit {p.returncode}")
        C.check("edges file differs" in p.stderr, f"mismatch message: {p.stderr.strip()}")
        C.check(not os.path.exists(bad), "output written on mismatch")
        store2 = os.path.join(work, "g2.h5")
        C.check(run(["import", nodes, other, "-o", store2]).returncode == 0, "import 2")
        p = run(["report", res, "--graph", store2, "-o", bad])
        C.check(p.returncode == 3 and not os.path.exists(bad), f"mismatched store: {p.returncode}")
        p = run(["report", os.path.join(work, "nodes.csv"), "-o", bad])
        C.check(p.returncode == 3 and not os.path.exists(bad), "not a result file: exit 3")
        # 5. node rows that fit int64 (the file) but not lp_vid (memory): refused
        # before they are narrowed (2^32 + v would wrap to the valid row v)
        for ds in ("accounts/node", "accounts/key_persons", "accounts/second_link"):
            wrap = os.path.join(work, "wrap.h5")
            shutil.copy(res, wrap)
            with h5py.File(wrap, "r+") as f:
                f[ds][0] = f[ds][0] + 2 ** 32
            p = run(["report", wrap, "-o", bad])
            C.check(p.returncode == 3 and f"/{ds}[0] = " in p.stderr and "not a row of /nodes"
                    in p.stderr and not os.path.exists(bad), f"{ds} beyond 32 bits: {p.returncode} "
                    f"{p.stderr.strip()}")
        left = [x for x in os.listdir(work) if ".tmp-" in x]
        C.check(not left, f"temporary files left: {left}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not browser:
        print("report: chromium absent, browser checks skipped", file=sys.stderr)
        if C.failures:
            C.done()
        sys.exit(SKIP)
    C.done()


if __name__ == "__main__":
    main()
