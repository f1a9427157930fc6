"""h5schema — validate a linchpin result file against docs/results-format.md
(format "linchpin-results", format_version 2) with h5py, independently
of the C reader.

Format 2 is made to be read safely when damaged: no variable-length string
anywhere (those live in HDF5's global heap, which has no checksum), so
 - every string attribute is a scalar fixed-length UTF-8 string holding the
   text and one NUL (size strlen + 1, no NUL inside);
 - every string column (/nodes/id, /nodes/type, /nodes/name when present,
   /scenarios/name) is fixed-length UTF-8, NUL-padded, as wide as its longest
   string (at least 1 byte), chunk max(1, min(len, 65536, 4 MiB / width))
   rows, deflate, no shuffle; or else the blob pair `X_bytes` (uint8: each
   string's bytes and a NUL, back to back) and `X_offsets` (int64 [len + 1]:
   0, strictly increasing, last = len(X_bytes); string i is
   X_bytes[offsets[i]:offsets[i+1]-1], NUL at offsets[i+1]-1, none inside)
   instead of `X`. Either way the returned dict holds the column under `X`;
 - every dataset, anywhere in the file, is chunked with the Fletcher-32
   checksum filter and deflate; numeric ones (blobs included) also shuffle,
   chunk max(1, min(len, 65536));
 - the superblock is version >= 2 (HDF5 1.10 format, checksummed metadata),
   checked when h5py exposes it (FileCreateID.get_version()).
Index datasets (ROWS_OF: /accounts/node, the CSR value lists, the /summary
rankings) carry rows_of = "/nodes" or "/accounts", and their values are rows
of that table. /accounts/second_link (+ _offsets) is a CSR list into /nodes,
non-empty only for accounts with a key person.

    from h5schema import check_results
    res = check_results("out.h5", expect={"nodes": 7, "/nodes/degree": [2, 3, 2]})

check_results raises AssertionError with a message naming the file and the
object on the first problem, and otherwise returns a dict:

    res["attrs"]        root attributes (str / int)
    res["parameters"]   the parameters attribute, parsed JSON
    res["input_files"]  the input_files attribute, parsed JSON (list of dicts)
    res["summary"]      /summary attributes (int / float)
    res["timings"]      /summary/timings attributes, in creation order
    res["nodes"]        {column: numpy array} for every /nodes dataset
                        (strings as numpy object arrays of str)
    res["accounts"]     {column: numpy array}, {} when /accounts is absent
    res["top_persons"]  numpy int64 array, or None when absent
    res["top_brokers"], res["top_betweenness"]   likewise
    res["betweenness"]  the /nodes/betweenness attributes (dict), or None
    res["n"], res["a"]  node and account counts (a is None without /accounts)
    res["scenarios"]    {column: numpy array} of /scenarios, or None

expect maps names to expected values:
    "/group/column"  the dataset's values (exact for integers and strings,
                     relative 1e-9 for floats); None means "must be absent"
    "/path@name"     attribute `name` of the object at /path (str, int or
                     float); None means "must be absent"
    bare name        a /summary attribute, else a root attribute, else one of
                     "parameters", "input_files", "timings" (the list of phase
                     names in order); None means "must be absent"
"""

import json
import math
import re

import h5py
import numpy as np

FORMAT = "linchpin-results"
FORMAT_VERSION = 2
CHUNK_MAX = 65536
STR_CHUNK_BYTES = 4 << 20  # a string chunk holds at most this many bytes
MIN_SUPERBLOCK = 2
REL_TOL = 1e-9
PAGERANK_SUM_TOL = 1e-9

# Known columns and their on-disk dtypes ("str" = a string column: fixed-length
# UTF-8 or the X_bytes / X_offsets blob pair).
NODE_COLUMNS = {
    "id": "str",
    "type": "str",
    "name": "str",
    "degree": "<i8",
    "strength": "<f8",
    "pagerank": "<f8",
    "betweenness": "<f8",
    "brokerage": "<f8",
    "is_articulation": "|u1",
    "accounts_at_risk": "<i8",
    "revenue_at_risk": "<f8",
}
ACCOUNT_COLUMNS = {
    "node": "<i8",
    "revenue": "<f8",
    "connected": "|u1",
    "bus_factor": "<i4",
    "dominant_share": "<f8",
    "key_persons_offsets": "<i8",
    "key_persons": "<i8",
    "threads": "<i4",
    "second_link_offsets": "<i8",
    "second_link": "<i8",
}
# Index datasets: attribute rows_of names the table their values are rows of.
ROWS_OF = {
    "/accounts/node": "/nodes",
    "/accounts/key_persons": "/nodes",
    "/accounts/second_link": "/nodes",
    "/scenarios/lost": "/accounts",
    "/scenarios/newly": "/accounts",
    "/scenarios/leave": "/nodes",
    "/summary/top_persons": "/nodes",
    "/summary/top_brokers": "/nodes",
    "/summary/top_betweenness": "/nodes",
}
KP_NODE_COLUMNS = ("is_articulation", "accounts_at_risk", "revenue_at_risk")
KP_ACCOUNT_COLUMNS = ("node", "revenue", "connected", "key_persons_offsets", "key_persons")

SUMMARY_ALWAYS = ("nodes", "edges", "merged_duplicates", "dropped_self_loops", "skipped_rows")
SUMMARY_KP_INT = ("accounts", "orphan_accounts", "accounts_with_key_person", "articulation_points")
SUMMARY_KP_FLOAT = ("revenue_total", "revenue_with_key_person", "revenue_orphan")

ROOT_STR = ("format", "linchpin_version", "igraph_version", "hdf5_version", "created",
            "command_line", "parameters", "input_files")
ROOT_INT = ("format_version", "threads")


class _Ctx:
    def __init__(self, path):
        self.path = path

    def fail(self, where, msg):
        raise AssertionError("%s: %s: %s" % (self.path, where, msg))

    def check(self, cond, where, msg):
        if not cond:
            self.fail(where, msg)


def _close(a, b):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b)) + 1e-12


def _allclose(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    return bool(np.all(np.isclose(a, b, rtol=REL_TOL, atol=1e-12, equal_nan=True)))


# ---- attributes --------------------------------------------------------

def _attr_dtype(obj, name):
    return obj.attrs.get_id(name).dtype


def _attr_shape(obj, name):
    return obj.attrs.get_id(name).shape


def _str_attr(ctx, obj, where, name):
    """A scalar fixed-length UTF-8 string attribute: the text, then exactly
    one NUL (size strlen + 1). Returns the text as str."""
    ctx.check(name in obj.attrs, where, "missing attribute '%s'" % name)
    aid = obj.attrs.get_id(name)
    info = h5py.check_string_dtype(aid.dtype)
    ctx.check(info is not None, where, "attribute '%s' is not a string" % name)
    ctx.check(info.length is not None, where,
              "attribute '%s' is a variable-length string, expected fixed-length "
              "(format_version %d has no variable-length strings)" % (name, FORMAT_VERSION))
    ctx.check(info.encoding == "utf-8", where, "attribute '%s' is not UTF-8" % name)
    ctx.check(aid.shape == (), where, "attribute '%s' is not scalar" % name)
    buf = np.empty((), dtype=aid.dtype)
    aid.read(buf)
    raw = buf.tobytes()  # all `size` bytes, padding included
    ctx.check(len(raw) >= 1 and raw[-1] == 0 and b"\0" not in raw[:-1], where,
              "attribute '%s' is not its text plus one NUL (size strlen + 1): %r"
              % (name, raw[:80]))
    try:
        return raw[:-1].decode("utf-8")
    except UnicodeDecodeError as e:
        ctx.fail(where, "attribute '%s': invalid UTF-8 (%s)" % (name, e))


def _num_attr(ctx, obj, where, name, kind, dtypes):
    ctx.check(name in obj.attrs, where, "missing attribute '%s'" % name)
    dt = _attr_dtype(obj, name)
    ctx.check(dt.kind == kind and dt.str in dtypes, where,
              "attribute '%s' has dtype %s, expected %s" % (name, dt.str, "/".join(dtypes)))
    ctx.check(_attr_shape(obj, name) == (), where, "attribute '%s' is not scalar" % name)
    value = obj.attrs[name]
    return int(value) if kind in "iu" else float(value)


def _i64(ctx, obj, where, name):
    return _num_attr(ctx, obj, where, name, "i", ("<i8",))


def _f64(ctx, obj, where, name):
    v = _num_attr(ctx, obj, where, name, "f", ("<f8",))
    ctx.check(math.isfinite(v), where, "attribute '%s' is not finite (%r)" % (name, v))
    return v


def _check_root(ctx, f):
    attrs = {}
    for name in ROOT_STR:
        attrs[name] = _str_attr(ctx, f, "/", name)
    for name in ROOT_INT:
        attrs[name] = _num_attr(ctx, f, "/", name, "i", ("<i4", "<i8"))
    ctx.check(attrs["format"] == FORMAT, "/", "format is %r, expected %r" % (attrs["format"], FORMAT))
    ctx.check(attrs["format_version"] == FORMAT_VERSION, "/",
              "format_version is %d, expected %d" % (attrs["format_version"], FORMAT_VERSION))
    ctx.check(attrs["linchpin_version"] != "", "/", "empty linchpin_version")
    ctx.check(re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", attrs["igraph_version"]) is not None, "/",
              "igraph_version %r is not a version" % attrs["igraph_version"])
    ctx.check(re.fullmatch(r"\d+\.\d+\.\d+", attrs["hdf5_version"]) is not None, "/",
              "hdf5_version %r is not a version" % attrs["hdf5_version"])
    ctx.check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", attrs["created"]) is not None, "/",
              "created %r is not ISO-8601 UTC (YYYY-MM-DDTHH:MM:SSZ)" % attrs["created"])
    ctx.check(attrs["threads"] >= 1, "/", "threads is %d" % attrs["threads"])
    try:
        params = json.loads(attrs["parameters"])
    except ValueError as e:
        ctx.fail("/", "parameters is not JSON (%s): %r" % (e, attrs["parameters"]))
    ctx.check(isinstance(params, dict), "/", "parameters is not a JSON object")
    try:
        inputs = json.loads(attrs["input_files"])
    except ValueError as e:
        ctx.fail("/", "input_files is not JSON (%s): %r" % (e, attrs["input_files"]))
    ctx.check(isinstance(inputs, list), "/", "input_files is not a JSON array")
    for i, item in enumerate(inputs):
        w = "/ input_files[%d]" % i
        ctx.check(isinstance(item, dict), w, "not an object")
        ctx.check(isinstance(item.get("path"), str), w, "path missing or not a string")
        size = item.get("size")
        ctx.check(isinstance(size, int) and not isinstance(size, bool) and size >= 0, w,
                  "size missing or not a non-negative integer")
        crc = item.get("crc32")
        ctx.check(isinstance(crc, str) and re.fullmatch(r"[0-9a-f]{8}", crc) is not None, w,
                  "crc32 is not 8 lower-case hex digits: %r" % (crc,))
    return attrs, params, inputs


# ---- datasets ----------------------------------------------------------

def _check_storage(ctx, ds, chunk, shuffle):
    """Chunked (chunk elements), deflate, Fletcher-32, shuffle as asked."""
    where = ds.name
    ctx.check(ds.chunks is not None, where, "not chunked")
    ctx.check(ds.fletcher32, where, "no Fletcher-32 checksum filter (required on every dataset)")
    ctx.check(ds.compression == "gzip", where,
              "compression %r, expected gzip (deflate)" % (ds.compression,))
    ctx.check(ds.chunks[0] == chunk, where,
              "chunk of %d elements, expected %d" % (ds.chunks[0], chunk))
    if shuffle:
        ctx.check(bool(ds.shuffle), where, "numeric column without the shuffle filter")
    else:
        ctx.check(not ds.shuffle, where, "string column with the shuffle filter")


def _read_str_column(ctx, ds):
    """A fixed-length UTF-8 string column, NUL-padded, as wide as its longest
    string (at least 1 byte); returns an object array of str."""
    where = ds.name
    info = h5py.check_string_dtype(ds.dtype)
    ctx.check(info is not None, where, "dtype %s, expected a string" % ds.dtype)
    ctx.check(info.length is not None, where,
              "variable-length strings, expected fixed-length (format_version %d has no "
              "variable-length strings)" % FORMAT_VERSION)
    ctx.check(info.encoding == "utf-8", where, "strings are not UTF-8")
    ctx.check(ds.id.get_type().get_strpad() != h5py.h5t.STR_SPACEPAD, where,
              "space-padded strings, expected NUL padding")
    width = info.length
    n = ds.shape[0]
    _check_storage(ctx, ds, max(1, min(n, CHUNK_MAX, STR_CHUNK_BYTES // width)), False)
    raw = ds[...]  # numpy bytes, trailing NULs dropped
    values = []
    longest = 0
    for i, b in enumerate(raw.tolist()):
        ctx.check(b"\0" not in b, where, "row %d has a NUL inside its string" % i)
        try:
            values.append(b.decode("utf-8"))
        except UnicodeDecodeError as e:
            ctx.fail(where, "invalid UTF-8 at row %d (%s)" % (i, e))
        longest = max(longest, len(b))
    ctx.check(width == max(1, longest), where,
              "strings are %d bytes wide, the longest has %d (expected max(1, longest))"
              % (width, longest))
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _read_blob_column(ctx, g, base):
    """The blob layout of string column `base` of group g: `base`_bytes and
    `base`_offsets. Returns an object array of str."""
    bname, oname = base + "_bytes", base + "_offsets"
    bw, ow = "%s/%s" % (g.name, bname), "%s/%s" % (g.name, oname)
    ctx.check(oname in g, ow, "missing (the blob layout needs %s and %s)" % (bname, oname))
    for name in (bname, oname):
        ctx.check(isinstance(g[name], h5py.Dataset), "%s/%s" % (g.name, name), "is not a dataset")
    b = _read_column(ctx, g[bname], "|u1")
    o = _read_column(ctx, g[oname], "<i8")
    ctx.check(len(o) >= 1, ow, "empty, expected len + 1 offsets")
    ctx.check(int(o[0]) == 0, ow, "does not start at 0 (%d)" % int(o[0]))
    step = np.diff(o)
    bad = np.nonzero(step < 1)[0]
    ctx.check(len(bad) == 0, ow, "not strictly increasing at row %d (%d then %d)"
              % ((bad[0], o[bad[0]], o[bad[0] + 1]) if len(bad) else (0, 0, 0)))
    ctx.check(int(o[-1]) == len(b), ow,
              "ends at %d, %s has %d bytes" % (int(o[-1]), bname, len(b)))
    end = o[1:] - 1
    bad = np.nonzero(b[end] != 0)[0]
    ctx.check(len(bad) == 0, bw, "string %d is not NUL-terminated at offsets[%d + 1] - 1 = %d"
              % ((bad[0], bad[0], end[bad[0]]) if len(bad) else (0, 0, 0)))
    nul = np.nonzero(b == 0)[0]
    ctx.check(len(nul) == len(end), bw, "string %d has a NUL inside"
              % (int(np.searchsorted(o, np.setdiff1d(nul, end)[0], side="right")) - 1
                 if len(nul) != len(end) else 0))
    raw = b.tobytes()
    values = []
    for i in range(len(end)):
        try:
            values.append(raw[int(o[i]):int(end[i])].decode("utf-8"))
        except UnicodeDecodeError as e:
            ctx.fail(bw, "invalid UTF-8 in string %d (%s)" % (i, e))
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _read_column(ctx, ds, want):
    """Check dtype, shape and storage of one column; return its values."""
    where = ds.name
    ctx.check(ds.ndim == 1, where, "is %d-D, expected 1-D" % ds.ndim)
    n = ds.shape[0]
    is_str = h5py.check_string_dtype(ds.dtype) is not None
    if want == "str" or (want is None and is_str):
        return _read_str_column(ctx, ds)
    if want is not None:
        ctx.check(ds.dtype.str == want, where, "dtype %s, expected %s" % (ds.dtype.str, want))
    else:
        ctx.check(ds.dtype.kind in "iuf", where, "unexpected dtype %s" % ds.dtype)
    _check_storage(ctx, ds, max(1, min(n, CHUNK_MAX)), True)
    return ds[...]


def _read_group(ctx, f, group, known, length):
    """All datasets of a group: known ones with their dtype, the others 1-D;
    a known string column X may be stored as X_bytes + X_offsets (returned
    as X). length(name) -> expected length or None."""
    cols = {}
    g = f[group]
    ctx.check(isinstance(g, h5py.Group), "/" + group, "is not a group")
    names = list(g.keys())
    for name in names:
        where = "/%s/%s" % (group, name)
        obj = g[name]
        for suffix in ("_bytes", "_offsets"):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and known.get(base) == "str":
                ctx.check(base not in g, where,
                          "both /%s/%s and its blob layout are present" % (group, base))
                if suffix == "_bytes":
                    col = base
                    cols[col] = _read_blob_column(ctx, g, base)
                else:
                    ctx.check(base + "_bytes" in g, where, "present without /%s/%s_bytes"
                              % (group, base))
                    col = None
                break
        else:
            ctx.check(isinstance(obj, h5py.Dataset), where, "is not a dataset")
            col = name
            cols[col] = _read_column(ctx, obj, known.get(name))
        if col is None:
            continue
        want = length(col)
        if want is not None:
            ctx.check(len(cols[col]) == want, "/%s/%s" % (group, col),
                      "has %d rows, expected %d" % (len(cols[col]), want))
    return cols


def _str_len(ctx, f, path):
    """Rows of the string column at path, either layout (None: absent)."""
    if path in f:
        ds = f[path]
        ctx.check(isinstance(ds, h5py.Dataset) and ds.ndim == 1, path, "is not a 1-D dataset")
        return ds.shape[0]
    if path + "_bytes" in f:
        ctx.check(path + "_offsets" in f, path + "_offsets",
                  "missing (the blob layout needs %s_bytes and %s_offsets)" % (path, path))
    if path + "_offsets" in f:
        ds = f[path + "_offsets"]
        ctx.check(isinstance(ds, h5py.Dataset) and ds.ndim == 1 and ds.shape[0] >= 1,
                  path + "_offsets", "is not a 1-D dataset of len + 1 offsets")
        return ds.shape[0] - 1
    return None


def _check_every_dataset(ctx, f, n, a):
    """Fletcher-32 on every dataset of the file, wherever it is; no
    variable-length string attribute anywhere; rows_of on index datasets
    (fixed-length string, the table their values are rows of)."""
    tables = {"/nodes": n, "/accounts": a}

    def visit(name, obj):
        where = "/" + name
        for k in obj.attrs:
            info = h5py.check_string_dtype(obj.attrs.get_id(k).dtype)
            ctx.check(info is None or info.length is not None, where,
                      "attribute '%s' is a variable-length string, expected fixed-length "
                      "(format_version %d has no variable-length strings)" % (k, FORMAT_VERSION))
        if not isinstance(obj, h5py.Dataset):
            return
        ctx.check(obj.fletcher32, where,
                  "no Fletcher-32 checksum filter (required on every dataset)")
        if where in ROWS_OF or "rows_of" in obj.attrs:
            table = _str_attr(ctx, obj, where, "rows_of")
            ctx.check(table == ROWS_OF.get(where, table) and tables.get(table) is not None,
                      where, "rows_of is %r, expected %r" % (table, ROWS_OF.get(where, "/nodes")))
            ctx.check(obj.dtype.kind in "iu", where, "rows_of on a non-integer dataset")
            _check_rows(ctx, where, obj[...], tables[table])
    f.visititems(visit)


def _check_superblock(ctx, f):
    """HDF5 1.10 format objects: superblock version >= 2 (checksummed).
    Skipped when this h5py cannot tell."""
    try:
        version = f.id.get_create_plist().get_version()[0]
    except (AttributeError, TypeError, ValueError, IndexError):
        return
    ctx.check(version >= MIN_SUPERBLOCK, "/",
              "superblock version %d, expected >= %d (HDF5 1.10 format, checksummed metadata)"
              % (version, MIN_SUPERBLOCK))


def _check_rows(ctx, where, rows, n):
    if len(rows):
        ctx.check(int(rows.min()) >= 0 and int(rows.max()) < n, where,
                  "row out of range [0, %d): min %d, max %d" % (n, rows.min(), rows.max()))


def _check_nodes(ctx, f):
    ctx.check("nodes" in f, "/nodes", "missing")
    n = _str_len(ctx, f, "/nodes/id")
    ctx.check(n is not None, "/nodes/id", "missing")
    nodes = _read_group(ctx, f, "nodes", NODE_COLUMNS, lambda name: n)
    ctx.check("type" in nodes, "/nodes/type", "missing")
    if "degree" in nodes:
        ctx.check(bool(np.all(nodes["degree"] >= 0)), "/nodes/degree", "negative degree")
    if "strength" in nodes:
        s = nodes["strength"]
        ctx.check(bool(np.all(np.isfinite(s)) and np.all(s >= 0)), "/nodes/strength",
                  "negative or non-finite strength")
        if "degree" in nodes:
            ctx.check(bool(np.all((s > 0) == (nodes["degree"] > 0))), "/nodes/strength",
                      "strength > 0 exactly where degree > 0 (weights are positive)")
    for name in ("pagerank", "betweenness", "brokerage"):
        if name in nodes:
            v = nodes[name]
            ctx.check(bool(np.all(np.isfinite(v)) and np.all(v >= 0)), "/nodes/" + name,
                      "negative or non-finite values")
    if "is_articulation" in nodes:
        ctx.check(bool(np.all(nodes["is_articulation"] <= 1)), "/nodes/is_articulation",
                  "values other than 0 and 1")
    if "accounts_at_risk" in nodes:
        ctx.check(bool(np.all(nodes["accounts_at_risk"] >= 0)), "/nodes/accounts_at_risk",
                  "negative counts")
    if "revenue_at_risk" in nodes:
        v = nodes["revenue_at_risk"]
        ctx.check(bool(np.all(np.isfinite(v)) and np.all(v >= 0)), "/nodes/revenue_at_risk",
                  "negative or non-finite revenue")
    return n, nodes


def _check_accounts(ctx, f, n, nodes):
    if "accounts" not in f:
        for name in KP_NODE_COLUMNS:
            ctx.check(name not in nodes, "/nodes/" + name,
                      "present without /accounts (both come from the key-person analysis)")
        return None, {}
    ctx.check("node" in f["accounts"], "/accounts/node", "missing")
    a = f["accounts/node"].shape[0] if f["accounts/node"].ndim == 1 else -1

    def length(name):
        if name in ("key_persons_offsets", "second_link_offsets"):
            return a + 1
        if name in ("key_persons", "second_link"):
            return None
        return a

    acc = _read_group(ctx, f, "accounts", ACCOUNT_COLUMNS, length)
    for name in KP_ACCOUNT_COLUMNS:
        ctx.check(name in acc, "/accounts/" + name, "missing")
    for name in KP_NODE_COLUMNS:
        ctx.check(name in nodes, "/nodes/" + name, "missing (required with /accounts)")

    node = acc["node"]
    _check_rows(ctx, "/accounts/node", node, n)
    ctx.check(len(np.unique(node)) == a, "/accounts/node", "an account row appears twice")
    rev = acc["revenue"]
    ctx.check(bool(np.all(np.isfinite(rev)) and np.all(rev >= 0)), "/accounts/revenue",
              "negative or non-finite revenue")
    conn = acc["connected"]
    ctx.check(bool(np.all(conn <= 1)), "/accounts/connected", "values other than 0 and 1")

    off = acc["key_persons_offsets"]
    kp = acc["key_persons"]
    ctx.check(int(off[0]) == 0, "/accounts/key_persons_offsets", "does not start at 0")
    ctx.check(bool(np.all(np.diff(off) >= 0)), "/accounts/key_persons_offsets", "not monotone")
    ctx.check(int(off[-1]) == len(kp), "/accounts/key_persons_offsets",
              "ends at %d, /accounts/key_persons has %d rows" % (off[-1], len(kp)))
    _check_rows(ctx, "/accounts/key_persons", kp, n)
    count = np.diff(off)
    owner = np.repeat(np.arange(a), count)  # account index of every key person
    if len(kp):
        ctx.check(bool(np.all(kp != node[owner])), "/accounts/key_persons",
                  "an account is its own key person")
        pairs = owner.astype(np.int64) * max(n, 1) + kp
        ctx.check(len(np.unique(pairs)) == len(kp), "/accounts/key_persons",
                  "a key person is listed twice for one account")
        ctx.check(bool(np.all(nodes["is_articulation"][kp] == 1)), "/accounts/key_persons",
                  "a key person is not an articulation point")
    has_kp = count > 0
    ctx.check(bool(np.all(conn[has_kp] == 1)), "/accounts/key_persons",
              "an account without a path to R has key persons")

    want_count = np.bincount(kp, minlength=n) if n > 0 else np.zeros(0, dtype=np.int64)
    bad = np.nonzero(nodes["accounts_at_risk"] != want_count)[0]
    ctx.check(len(bad) == 0, "/nodes/accounts_at_risk",
              "row %d is %d, /accounts/key_persons says %d"
              % ((bad[0], nodes["accounts_at_risk"][bad[0]], want_count[bad[0]]) if len(bad) else (0, 0, 0)))
    want_rev = np.zeros(n)
    if len(kp):
        np.add.at(want_rev, kp, rev[owner])
    ctx.check(_allclose(nodes["revenue_at_risk"], want_rev), "/nodes/revenue_at_risk",
              "does not match the revenue of the accounts each node is key person of")

    if "bus_factor" in acc:
        ds = f["accounts/bus_factor"]
        ctx.check("cap" in ds.attrs, "/accounts/bus_factor", "missing attribute 'cap'")
        cap = int(ds.attrs["cap"])
        bf = acc["bus_factor"]
        ctx.check(bool(np.all((bf >= 0) & (bf <= cap))), "/accounts/bus_factor",
                  "values outside [0, cap=%d]" % cap)
        ctx.check(bool(np.all((bf == 1) == has_kp)), "/accounts/bus_factor",
                  "bus_factor == 1 must hold exactly for accounts with key persons")
        ctx.check(bool(np.all((bf == 0) == (conn == 0))), "/accounts/bus_factor",
                  "bus_factor == 0 must hold exactly for accounts without a path to R")
    if "threads" in acc:
        ctx.check(bool(np.all(acc["threads"] >= 0)), "/accounts/threads", "negative counts")
    ctx.check(("second_link" in acc) == ("second_link_offsets" in acc), "/accounts/second_link",
              "second_link and second_link_offsets come together")
    if "second_link" in acc:
        so, sl = acc["second_link_offsets"], acc["second_link"]
        where = "/accounts/second_link_offsets"
        ctx.check(int(so[0]) == 0 and bool(np.all(np.diff(so) >= 0)) and int(so[-1]) == len(sl),
                  where, "not a CSR offset array for /accounts/second_link (%d rows)" % len(sl))
        _check_rows(ctx, "/accounts/second_link", sl, n)
        ctx.check(not bool(np.any((np.diff(so) > 0) & ~has_kp)), "/accounts/second_link",
                  "second links for an account without a key person (bus factor != 1)")
    if "dominant_share" in acc:
        v = acc["dominant_share"]
        fin = v[np.isfinite(v)]
        ctx.check(bool(np.all((fin >= 0) & (fin <= 1 + 1e-12))), "/accounts/dominant_share",
                  "values outside [0, 1]")
    return a, acc


def _check_pagerank(ctx, f, n, nodes):
    where = "/nodes/pagerank"
    pr = nodes["pagerank"]
    it = _i64(ctx, f["nodes/pagerank"], where, "iterations")
    ctx.check(it >= (1 if n > 0 else 0), where, "iterations is %d" % it)
    if n > 0:
        ctx.check(bool(np.all(pr > 0)), where,
                  "not positive at row %d (teleportation gives every node > 0)"
                  % int(np.argmin(pr)))
        total = math.fsum(pr.tolist())
        ctx.check(abs(total - 1.0) <= PAGERANK_SUM_TOL, where,
                  "sums to %r, expected 1 within %g" % (total, PAGERANK_SUM_TOL))


def _check_betweenness(ctx, f, n, nodes):
    """Attributes method, samples, epsilon, delta, seed (all 0 for exact:
    "not applicable"), vertex_diameter for sampled only; values bounded by
    the number of pairs that can route through a vertex. Returns the
    attributes as a dict."""
    where = "/nodes/betweenness"
    ds = f["nodes/betweenness"]
    bw = nodes["betweenness"]
    at = {"method": _str_attr(ctx, ds, where, "method"),
          "samples": _i64(ctx, ds, where, "samples"),
          "epsilon": _f64(ctx, ds, where, "epsilon"),
          "delta": _f64(ctx, ds, where, "delta"),
          "seed": _num_attr(ctx, ds, where, "seed", "u", ("<u8",))}
    method = at["method"]
    ctx.check(method in ("exact", "sampled"), where,
              "method is %r, expected 'exact' or 'sampled'" % method)
    if method == "exact":
        for name in ("samples", "epsilon", "delta", "seed"):
            ctx.check(at[name] == 0, where,
                      "exact, but %s is %r (0 = not applicable)" % (name, at[name]))
        ctx.check("vertex_diameter" not in ds.attrs, where,
                  "exact, but has attribute 'vertex_diameter'")
        # v is interior to at most the pairs of the other n - 1 nodes.
        bound = (n - 1) * (n - 2) / 2.0 if n >= 2 else 0.0
    else:
        at["vertex_diameter"] = vd = _i64(ctx, ds, where, "vertex_diameter")
        ctx.check(vd >= 0, where, "vertex_diameter is %d" % vd)
        ctx.check(0 < at["epsilon"] < 1, where, "epsilon is %r, expected 0 < epsilon < 1"
                  % at["epsilon"])
        ctx.check(0 < at["delta"] < 1, where, "delta is %r, expected 0 < delta < 1" % at["delta"])
        ctx.check(at["samples"] >= 0, where, "samples is %d" % at["samples"])
        if at["samples"] == 0:
            # Nothing to sample only when no shortest path has an interior
            # vertex: then every value is 0.
            ctx.check(vd < 3, where, "sampled, samples is 0, but vertex_diameter is %d" % vd)
            ctx.check(not bool(np.any(bw != 0)), where,
                      "sampled, samples is 0, but values are not all 0")
        # each sample adds at most one to a vertex's count: <= n(n-1)/2
        bound = n * (n - 1) / 2.0
    if n > 0 and len(bw):
        top = float(bw.max())
        ctx.check(top <= bound * (1 + REL_TOL), where,
                  "value %r at row %d exceeds %r, the most a vertex can have (%s)"
                  % (top, int(np.argmax(bw)), bound, method))
    return at


def _check_brokerage(ctx, nodes, acc):
    """brokerage(v) sums, over accounts reachable from R, the share of
    shortest R-a paths through v: at most the number of connected accounts,
    and at least accounts_at_risk(v) (a key person of a is on every R-a
    path). Needs /accounts."""
    where = "/nodes/brokerage"
    b = nodes["brokerage"]
    conn = int(acc["connected"].astype(np.int64).sum())
    if len(b):
        ctx.check(float(b.max()) <= conn * (1 + REL_TOL) + 1e-12, where,
                  "value %r at row %d exceeds %d, the number of accounts with a path to R"
                  % (float(b.max()), int(np.argmax(b)), conn))
        ar = nodes["accounts_at_risk"].astype(np.float64)
        low = b < ar * (1 - REL_TOL) - 1e-12
        ctx.check(not bool(np.any(low)), where,
                  "row %d is %r, below its accounts_at_risk %d (a key person carries every "
                  "shortest path to the account)"
                  % ((int(np.argmax(low)), float(b[np.argmax(low)]), int(ar[np.argmax(low)]))
                     if bool(np.any(low)) else (0, 0.0, 0)))


def _check_ranking(ctx, g, name, n, value, column):
    """A /summary ranking: int64 rows into /nodes of nodes with value > 0,
    by value desc then row asc, and exactly the first len rows of that
    order over all nodes (a top-k list: no node left out ranks higher)."""
    where = "/summary/" + name
    rows = _read_column(ctx, g[name], "<i8")
    _check_rows(ctx, where, rows, n)
    if len(rows) == 0:
        return rows
    v = value[rows]
    bad = np.nonzero(~(v > 0))[0]
    ctx.check(len(bad) == 0, where, "lists row %d whose %s is %r, not > 0"
              % ((rows[bad[0]], column, float(v[bad[0]])) if len(bad) else (0, column, 0.0)))
    for i in range(len(rows) - 1):
        ctx.check((-v[i], rows[i]) < (-v[i + 1], rows[i + 1]), where,
                  "not ordered by %s desc, then row asc (positions %d and %d)"
                  % (column, i, i + 1))
    # Distinct positive rows, so at least len(rows) candidates.
    cand = np.nonzero(value > 0)[0]
    want = cand[np.lexsort((cand, -value[cand]))][:len(rows)]
    bad = np.nonzero(want != rows)[0]
    ctx.check(len(bad) == 0, where,
              "not the top %d by %s: position %d is row %d, but row %d ranks there"
              % ((len(rows), column, bad[0], rows[bad[0]], want[bad[0]]) if len(bad)
                 else (0, column, 0, 0, 0)))
    return rows


def _check_scenarios(ctx, f, n, a, acc):
    """/scenarios: columns of one length, CSR lists into /accounts and
    /nodes, counts and revenues consistent with the lists."""
    ctx.check(a is not None, "/scenarios", "present without /accounts")
    known = {"name": "str", "lost_accounts": "<i8", "lost_revenue": "<f8",
             "newly_bus_factor_1": "<i8", "newly_at_risk_revenue": "<f8",
             "lost_offsets": "<i8", "lost": "<i8", "newly_offsets": "<i8", "newly": "<i8",
             "leave_offsets": "<i8", "leave": "<i8"}
    for name in known:
        ctx.check(name in f["scenarios"] or (known[name] == "str" and name + "_bytes" in
                                              f["scenarios"]), "/scenarios/" + name, "missing")
    m = _str_len(ctx, f, "/scenarios/name")

    def length(name):
        if name.endswith("_offsets"):
            return m + 1
        return None if name in ("lost", "newly", "leave") else m

    sc = _read_group(ctx, f, "scenarios", known, length)
    names = list(sc["name"])
    ctx.check(len(set(names)) == m, "/scenarios/name", "a name appears twice")
    ctx.check(all(len(x) > 0 for x in names), "/scenarios/name", "an empty name")
    for lst, off, limit in (("lost", "lost_offsets", a), ("newly", "newly_offsets", a),
                            ("leave", "leave_offsets", n)):
        o, rows = sc[off], sc[lst]
        ctx.check(int(o[0]) == 0 and bool(np.all(np.diff(o) >= 0)) and int(o[-1]) == len(rows),
                  "/scenarios/" + off, "not a CSR offset array for /scenarios/" + lst)
        _check_rows(ctx, "/scenarios/" + lst, rows, limit)
        for j in range(m):
            seg = rows[o[j]:o[j + 1]]
            ctx.check(bool(np.all(np.diff(seg) > 0)), "/scenarios/" + lst,
                      "scenario %d: rows not strictly ascending" % j)
    rev = acc["revenue"]
    bf = acc.get("bus_factor")
    for j in range(m):
        lost = sc["lost"][sc["lost_offsets"][j]:sc["lost_offsets"][j + 1]]
        newly = sc["newly"][sc["newly_offsets"][j]:sc["newly_offsets"][j + 1]]
        ctx.check(sc["lost_accounts"][j] == len(lost), "/scenarios/lost_accounts",
                  "scenario %d: %d, the list has %d" % (j, sc["lost_accounts"][j], len(lost)))
        ctx.check(sc["newly_bus_factor_1"][j] == len(newly), "/scenarios/newly_bus_factor_1",
                  "scenario %d: %d, the list has %d" % (j, sc["newly_bus_factor_1"][j], len(newly)))
        ctx.check(_close(sc["lost_revenue"][j], float(rev[lost].sum())), "/scenarios/lost_revenue",
                  "scenario %d does not match the lost accounts' revenue" % j)
        ctx.check(_close(sc["newly_at_risk_revenue"][j], float(rev[newly].sum())),
                  "/scenarios/newly_at_risk_revenue",
                  "scenario %d does not match the accounts' revenue" % j)
        ctx.check(len(np.intersect1d(lost, newly)) == 0, "/scenarios/newly",
                  "scenario %d: an account both lost and newly at bus factor 1" % j)
        ctx.check(bool(np.all(acc["connected"][lost] == 1)), "/scenarios/lost",
                  "scenario %d: an account without a path before is lost" % j)
        if bf is not None:
            ctx.check(bool(np.all(bf[newly] >= 2)), "/scenarios/newly",
                      "scenario %d: an account with bus factor < 2 before" % j)
        ctx.check(sc["leave_offsets"][j + 1] > sc["leave_offsets"][j], "/scenarios/leave",
                  "scenario %d: nobody leaves" % j)
    return sc


def _check_summary(ctx, f, n, nodes, a, acc):
    ctx.check("summary" in f, "/summary", "missing")
    g = f["summary"]
    summ = {}
    for name in SUMMARY_ALWAYS:
        summ[name] = _i64(ctx, g, "/summary", name)
        ctx.check(summ[name] >= 0, "/summary", "%s is negative" % name)
    ctx.check(summ["nodes"] == n, "/summary", "nodes is %d, /nodes/id has %d" % (summ["nodes"], n))
    if "degree" in nodes:
        deg_sum = int(nodes["degree"].sum())
        ctx.check(deg_sum == 2 * summ["edges"], "/summary",
                  "edges is %d, but /nodes/degree sums to %d" % (summ["edges"], deg_sum))
    kp_attrs = SUMMARY_KP_INT + SUMMARY_KP_FLOAT
    if a is None:
        for name in kp_attrs:
            ctx.check(name not in g.attrs, "/summary",
                      "attribute '%s' present without /accounts" % name)
    else:
        for name in SUMMARY_KP_INT:
            summ[name] = _i64(ctx, g, "/summary", name)
        for name in SUMMARY_KP_FLOAT:
            summ[name] = _f64(ctx, g, "/summary", name)
        conn = acc["connected"].astype(bool)
        has_kp = np.diff(acc["key_persons_offsets"]) > 0
        rev = acc["revenue"]
        want = {
            "accounts": a,
            "orphan_accounts": int(a - conn.sum()),
            "accounts_with_key_person": int(has_kp.sum()),
            "articulation_points": int(nodes["is_articulation"].astype(np.int64).sum()),
        }
        for name, v in want.items():
            ctx.check(summ[name] == v, "/summary", "%s is %d, the columns say %d" % (name, summ[name], v))
        wantf = {
            "revenue_total": float(rev.sum()),
            "revenue_with_key_person": float(rev[has_kp].sum()),
            "revenue_orphan": float(rev[~conn].sum()),
        }
        for name, v in wantf.items():
            ctx.check(_close(summ[name], v), "/summary",
                      "%s is %r, the columns say %r" % (name, summ[name], v))

    top = None
    if "top_persons" in g:
        ctx.check(a is not None, "/summary/top_persons", "present without /accounts")
        top = _read_column(ctx, g["top_persons"], "<i8")
        _check_rows(ctx, "/summary/top_persons", top, n)
        ctx.check(len(np.unique(top)) == len(top), "/summary/top_persons", "a row appears twice")
        if len(top):
            ar = nodes["accounts_at_risk"][top]
            rr = nodes["revenue_at_risk"][top]
            ctx.check(bool(np.all(ar > 0)), "/summary/top_persons",
                      "lists a node with accounts_at_risk == 0")
            for i in range(len(top) - 1):
                k1 = (-rr[i], -ar[i], top[i])
                k2 = (-rr[i + 1], -ar[i + 1], top[i + 1])
                ctx.check(k1 < k2, "/summary/top_persons",
                          "not ordered by revenue_at_risk desc, accounts_at_risk desc, row "
                          "(positions %d and %d)" % (i, i + 1))

    ranks = {}
    for name, column in (("top_brokers", "brokerage"), ("top_betweenness", "betweenness")):
        if name in g:
            ctx.check(column in nodes, "/summary/" + name, "present without /nodes/" + column)
            ranks[name] = _check_ranking(ctx, g, name, n, nodes[column], column)
        else:
            ranks[name] = None

    ctx.check("timings" in g and isinstance(g["timings"], h5py.Group), "/summary/timings",
              "missing")
    tg = g["timings"]
    timings = {}
    for name in tg.attrs:  # h5py iterates in creation order when it is tracked
        ctx.check(re.fullmatch(r"[a-z][a-z0-9_]*", name) is not None, "/summary/timings",
                  "odd phase name %r" % name)
        timings[name] = _f64(ctx, tg, "/summary/timings", name)
        ctx.check(timings[name] >= 0, "/summary/timings", "%s is negative" % name)
    ctx.check("write" in timings, "/summary/timings", "missing 'write'")
    cpl = tg.id.get_create_plist()
    if cpl.get_attr_creation_order() & h5py.h5p.CRT_ORDER_TRACKED:
        ctx.check(list(timings)[-1] == "write", "/summary/timings",
                  "'write' is not the last attribute: %s" % list(timings))
    return summ, timings, top, ranks


# ---- expectations ------------------------------------------------------

def _compare(ctx, where, got, want):
    if isinstance(got, np.ndarray):
        if got.dtype.kind == "O":  # strings: no numpy copy of want (U<longest> per row)
            ok = list(got) == list(want)
        else:
            want_a = np.asarray(want)
            if got.dtype.kind == "f":
                ok = _allclose(got, want_a)
            elif want_a.dtype.kind in "UO":
                ok = list(got) == list(want)
            else:
                ok = got.shape == want_a.shape and bool(np.all(got == want_a))
        if not ok:
            g, w = got.tolist(), list(want)
            bad = next((i for i in range(min(len(g), len(w))) if g[i] != w[i]), min(len(g), len(w)))
            ctx.fail(where, "is %s, expected %s (%d and %d rows; first difference at row %d)"
                     % (_short(g), _short(w), len(g), len(w), bad))
    elif isinstance(got, float):
        ctx.check(_close(got, want), where, "is %r, expected %r" % (got, want))
    else:
        ctx.check(got == want, where, "is %r, expected %r" % (got, want))


def _short(values, limit=300):
    text = repr(values)
    return text if len(text) <= limit else text[:limit] + "..."


def _check_expect(ctx, f, res, expect):
    for key, want in expect.items():
        if key.startswith("/") and "@" in key:
            obj, _, name = key.partition("@")
            ctx.check(obj in f, obj, "missing")
            present = name in f[obj].attrs
            if want is None:
                ctx.check(not present, obj, "attribute '%s' present, expected absent" % name)
                continue
            ctx.check(present, obj, "missing attribute '%s'" % name)
            got = f[obj].attrs[name]
            if isinstance(got, bytes):
                got = got.decode("utf-8")
            elif isinstance(got, np.generic):
                got = got.item()
            _compare(ctx, key, got, want)
        elif key.startswith("/"):
            present = key in f or (key + "_bytes") in f
            if want is None:
                ctx.check(not present, key, "present, expected absent")
                continue
            ctx.check(present, key, "missing")
            group, _, name = key[1:].rpartition("/")
            if group == "nodes":
                got = res["nodes"][name]
            elif group == "accounts":
                got = res["accounts"][name]
            elif group == "scenarios" and res["scenarios"] is not None:
                got = res["scenarios"][name]
            elif key in ("/summary/top_persons", "/summary/top_brokers",
                         "/summary/top_betweenness"):
                got = res[name]
            else:
                got = f[key][...]
            _compare(ctx, key, got, want)
        elif key in ("parameters", "input_files", "timings"):
            got = list(res["timings"]) if key == "timings" else res[key]
            _compare(ctx, key, got, want)
        elif key in res["summary"] or (key in SUMMARY_KP_INT + SUMMARY_KP_FLOAT):
            if want is None:
                ctx.check(key not in res["summary"], "/summary", "'%s' present, expected absent" % key)
                continue
            ctx.check(key in res["summary"], "/summary", "missing attribute '%s'" % key)
            _compare(ctx, "/summary " + key, res["summary"][key], want)
        elif key in res["attrs"]:
            _compare(ctx, "/ " + key, res["attrs"][key], want)
        else:
            ctx.fail("expect", "unknown name %r" % key)


# ---- entry point -------------------------------------------------------

def check_results(path, expect=None):
    """Validate the whole result file at path; see the module docstring."""
    ctx = _Ctx(path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise AssertionError("%s: cannot open as HDF5: %s" % (path, e))
    with f:
        _check_superblock(ctx, f)
        attrs, params, inputs = _check_root(ctx, f)
        n, nodes = _check_nodes(ctx, f)
        a, acc = _check_accounts(ctx, f, n, nodes)
        bw_attrs = None
        if "pagerank" in nodes:
            _check_pagerank(ctx, f, n, nodes)
        if "betweenness" in nodes:
            bw_attrs = _check_betweenness(ctx, f, n, nodes)
        if "brokerage" in nodes and a is not None:
            _check_brokerage(ctx, nodes, acc)
        summ, timings, top, ranks = _check_summary(ctx, f, n, nodes, a, acc)
        scen = _check_scenarios(ctx, f, n, a, acc) if "scenarios" in f else None
        _check_every_dataset(ctx, f, n, a)  # last: the column checks name the problem better
        res = {
            "attrs": attrs,
            "parameters": params,
            "input_files": inputs,
            "summary": summ,
            "timings": timings,
            "nodes": nodes,
            "accounts": acc,
            "top_persons": top,
            "top_brokers": ranks["top_brokers"],
            "top_betweenness": ranks["top_betweenness"],
            "betweenness": bw_attrs,
            "n": n,
            "a": a,
            "scenarios": scen,
        }
        if expect:
            _check_expect(ctx, f, res, expect)
    return res
