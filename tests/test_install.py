"""test_install — linchpin installs like a Debian tool and its libraries link.

`cmake --install` of this build into a temporary prefix, then:
- every file is in its GNUInstallDirs place: bin/linchpin, the engine and io
  libraries, include/linchpin/ (public headers only, each compiling on its
  own), linchpin.pc, the CMake package (config + version file), the man page
  and bash completion;
- the man page renders without warnings (groff, when present) and documents
  every option that `linchpin --help` and `linchpin generate --help` print;
  the bash completion offers each of them for its command;
- the outside program tests/install_example/main.c is built twice against the
  installed files, once with find_package(linchpin) (CMake) and once with
  `pkg-config --cflags --libs linchpin` (cc alone), and both print, for every
  account, the same key persons as the installed `linchpin analyze` writes to
  its result file (read here with h5py) for data/sample; the CMake build
  also with --via-igraph (the graph goes to an igraph_t, igraph counts its
  components, and the analysis runs on the graph built back from it:
  lp_graph_to_igraph / lp_graph_from_igraph).

Run by ctest as py_install (LP_SOURCE_DIR, LP_BINARY_DIR). In a sanitizer
build the example is compiled with the same -fsanitize flags, since the
installed libraries carry the instrumentation.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py

from lptest import Checker

SRC = os.environ.get("LP_SOURCE_DIR")
BIN = os.environ.get("LP_BINARY_DIR")
if not SRC or not BIN:
    print("LP_SOURCE_DIR and LP_BINARY_DIR must be set (run through ctest)", file=sys.stderr)
    sys.exit(1)
SAMPLE = [os.path.join(SRC, "data", "sample", f) for f in ("nodes.csv", "edges.csv")]


def cache():
    """The build's CMakeCache.txt as a dict name -> value."""
    out = {}
    with open(os.path.join(BIN, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line.rstrip("\n"))
            if m:
                out[m.group(1)] = m.group(2)
    return out


def sh(args, env=None, cwd=None):
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd)


def options(help_text):
    """Every --long option a help text mentions."""
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", help_text))


def keypersons_from_results(path):
    """{account id: [key person ids, nearest first]} from a result file."""
    with h5py.File(path, "r") as f:
        ids = [s.decode("utf-8") if isinstance(s, bytes) else s for s in f["/nodes/id"][()]]
        node = f["/accounts/node"][()]
        off = f["/accounts/key_persons_offsets"][()]
        kp = f["/accounts/key_persons"][()]
    return {ids[node[i]]: [ids[r] for r in kp[off[i]:off[i + 1]]] for i in range(len(node))}


def keypersons_from_output(text):
    out = {}
    for line in text.splitlines():
        acc, _, persons = line.partition("\t")
        out[acc] = persons.split(";") if persons else []
    return out


def main():
    c = Checker("install")
    cc = cache()
    cmake = cc.get("CMAKE_COMMAND", "cmake")
    compiler = cc.get("CMAKE_C_COMPILER", "cc")
    shared = cc.get("BUILD_SHARED_LIBS", "OFF").upper() in ("ON", "1", "TRUE", "YES")
    san = []
    if cc.get("LP_SANITIZE", "OFF").upper() in ("ON", "1", "TRUE", "YES"):
        san = ["-fsanitize=address,undefined"]

    tmp = tempfile.mkdtemp(prefix="lp-install-")
    try:
        prefix = os.path.join(tmp, "prefix")
        r = sh([cmake, "--install", BIN, "--prefix", prefix])
        if not c.check(r.returncode == 0, f"cmake --install failed:\n{r.stdout}{r.stderr}"):
            c.done()

        # ---- the files, in their places
        exe = os.path.join(prefix, "bin", "linchpin")
        c.check(os.access(exe, os.X_OK), "bin/linchpin missing or not executable")
        libdirs = [d for d in glob.glob(os.path.join(prefix, "lib*")) if os.path.isdir(d)]
        libdirs += [d for d in glob.glob(os.path.join(prefix, "lib", "*-linux-gnu*"))]
        ext = ".so" if shared else ".a"
        for lib in ("linchpin_engine", "linchpin_io"):
            hits = [d for d in libdirs if os.path.exists(os.path.join(d, "lib" + lib + ext))]
            c.check(hits, f"lib{lib}{ext} not installed under {prefix}/lib*")
        pcs = glob.glob(os.path.join(prefix, "lib*", "pkgconfig", "linchpin.pc")) + glob.glob(
            os.path.join(prefix, "lib", "*", "pkgconfig", "linchpin.pc"))
        c.check(len(pcs) == 1, f"linchpin.pc: found {pcs}")
        cfgs = glob.glob(os.path.join(prefix, "lib*", "cmake", "linchpin")) + glob.glob(
            os.path.join(prefix, "lib", "*", "cmake", "linchpin"))
        c.check(len(cfgs) == 1, f"cmake/linchpin: found {cfgs}")
        for d in cfgs:
            for f in ("linchpinConfig.cmake", "linchpinConfigVersion.cmake",
                      "linchpinTargets.cmake"):
                c.check(os.path.exists(os.path.join(d, f)), f"{f} missing in {d}")
        man = os.path.join(prefix, "share", "man", "man1", "linchpin.1")
        comp = os.path.join(prefix, "share", "bash-completion", "completions", "linchpin")
        c.check(os.path.exists(man), "share/man/man1/linchpin.1 missing")
        c.check(os.path.exists(comp), "share/bash-completion/completions/linchpin missing")
        for doc in ("README.md", "input.md", "model.md", "metrics.md", "results-format.md",
                    "graph-store.md"):
            c.check(os.path.exists(os.path.join(prefix, "share", "doc", "linchpin", doc)),
                    f"share/doc/linchpin/{doc} missing")

        incdir = os.path.join(prefix, "include", "linchpin")
        headers = sorted(os.listdir(incdir)) if os.path.isdir(incdir) else []
        for h in ("lp_pipeline.h", "lp_graph.h", "lp_csv.h", "lp_results.h", "lp_graphstore.h"):
            c.check(h in headers, f"include/linchpin/{h} missing")
        c.check(not [h for h in headers if h.startswith("lp_i_")],
                f"internal headers installed: {[h for h in headers if h.startswith('lp_i_')]}")
        igraph_cflags = sh(["pkg-config", "--cflags", "igraph"]).stdout.split()
        for h in headers:  # each public header stands on its own
            r = subprocess.run([compiler, "-std=c11", "-fsyntax-only", "-Wall", "-Werror", "-I",
                                incdir, *igraph_cflags, "-x", "c", "-"],
                               input=f"#include <{h}>\n", capture_output=True, text=True)
            c.check(r.returncode == 0, f"{h} does not compile on its own:\n{r.stderr}")

        # ---- the installed command, its man page and completion
        r = sh([exe, "--version"])
        c.check(r.returncode == 0 and r.stdout.startswith("linchpin "),
                f"installed linchpin --version: {r.returncode} {r.stdout!r} {r.stderr!r}")
        main_help = sh([exe, "--help"]).stdout
        helps = {cmd: sh([exe, cmd, "--help"]).stdout
                 for cmd in ("analyze", "whatif", "import", "summary", "generate")}
        gen_help = helps["generate"]
        cmd_help = "".join(helps.values())
        c.check("--anchor" in helps["analyze"] and "--accounts" in gen_help,
                "linchpin analyze --help / generate --help do not list their options")
        with open(man, encoding="utf-8") as f:
            man_text = f.read().replace("\\-", "-")
        for opt in sorted(options(main_help) | options(gen_help) | options(cmd_help)):
            c.check(opt in man_text, f"man page does not document {opt}")
        if shutil.which("groff"):
            r = sh(["groff", "-man", "-Tutf8", "-ww", "-z", man],
                   env=dict(os.environ, LC_ALL="C.UTF-8"))
            c.check(r.returncode == 0 and not r.stderr.strip(),
                    f"groff warns about the man page:\n{r.stderr}")
        else:
            print("install: groff not installed, man page rendering not checked")

        def completions(*words):
            script = (f"source {comp!r}\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\n"
                      "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n_linchpin\n"
                      "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
            r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script],
                               capture_output=True, text=True)
            return set(r.stdout.split())

        cmds = {"analyze", "whatif", "import", "summary", "generate"}
        c.check(cmds <= completions("linchpin", ""), "completion does not offer every command")
        # each option of a command's --help, offered for that command
        for cmd, text in helps.items():
            opts = options(text)
            offered = completions("linchpin", cmd, "--")
            for opt in sorted(opts):
                c.check(opt in offered, f"completion of '{cmd} --' lacks {opt}")
        c.check(completions("linchpin", "analyze", "--betweenness", "") ==
                {"exact", "sampled", "off"}, "completion of --betweenness values")

        # ---- the command's key persons (the reference)
        res = os.path.join(tmp, "results.h5")
        r = sh([exe, "analyze", *SAMPLE, "-o", res, "--quiet"])
        if not c.check(r.returncode == 0, f"installed linchpin analyze: {r.stderr}"):
            c.done()
        want = keypersons_from_results(res)
        c.check(len(want) > 0 and any(want.values()),
                "the sample has no account with a key person (the comparison would be empty)")

        # ---- an outside program, with find_package(linchpin)
        ex_src = os.path.join(SRC, "tests", "install_example")
        ex_bin = os.path.join(tmp, "example-cmake")
        flags = " ".join(san)
        r = sh([cmake, "-S", ex_src, "-B", ex_bin, f"-DCMAKE_PREFIX_PATH={prefix}",
                "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_C_COMPILER={compiler}",
                f"-DCMAKE_C_FLAGS={flags}", f"-DCMAKE_EXE_LINKER_FLAGS={flags}"])
        ok = c.check(r.returncode == 0, f"find_package(linchpin) configure failed:\n"
                     f"{r.stdout}{r.stderr}")
        if ok:
            r = sh([cmake, "--build", ex_bin, "-j2"])
            ok = c.check(r.returncode == 0, f"find_package build failed:\n{r.stdout}{r.stderr}")
        if ok:
            for mode in ([], ["--via-igraph"]):
                what = "find_package" + (", through igraph" if mode else "")
                r = sh([os.path.join(ex_bin, "keypersons"), *mode, *SAMPLE])
                if c.check(r.returncode == 0, f"example ({what}) failed: {r.stderr}"):
                    got = keypersons_from_output(r.stdout)
                    c.check(got == want, f"example ({what}): key persons differ from the "
                            f"command's on {sum(got.get(a) != k for a, k in want.items())} "
                            "accounts")
                if mode:
                    c.check(re.search(r"igraph: \d+ vertices, \d+ edges, \d+ connected "
                                      r"components", r.stderr) is not None,
                            f"example through igraph: no igraph line: {r.stderr!r}")

        # ---- the same program, with pkg-config and the compiler alone
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]) if pcs else "")
        pc = sh(["pkg-config", "--cflags", "--libs", "linchpin"], env=env)
        if c.check(pc.returncode == 0, f"pkg-config linchpin: {pc.stderr}"):
            out = os.path.join(tmp, "keypersons-pc")
            r = sh([compiler, "-std=c11", "-O2", *san, "-o", out,
                    os.path.join(ex_src, "main.c"), *pc.stdout.split()])
            if c.check(r.returncode == 0, f"pkg-config build failed:\n{r.stderr}"):
                # a shared build in a temporary prefix: the loader must be told
                # where (cc alone sets no run path; CMake's build tree does)
                run_env = dict(os.environ, LD_LIBRARY_PATH=os.path.dirname(
                    os.path.dirname(pcs[0]))) if shared else None
                r = sh([out, *SAMPLE], env=run_env)
                if c.check(r.returncode == 0, f"example (pkg-config) failed: {r.stderr}"):
                    got = keypersons_from_output(r.stdout)
                    c.check(got == want, "example (pkg-config): key persons differ from the "
                            f"command's on {sum(got.get(a) != k for a, k in want.items())} "
                            "accounts")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.done()


if __name__ == "__main__":
    main()
