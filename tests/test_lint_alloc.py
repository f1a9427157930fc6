"""test_lint_alloc.py — every allocation in engine/ and io/ goes through
engine/lp_alloc.h (lp_malloc, lp_calloc, lp_realloc, lp_strdup), so that
test_alloc_fail can make any of them fail (issue 18 item 4).

Fails, naming file and line, when a .c or .h file of engine/ or io/ calls
the C library's allocators directly: malloc, calloc, realloc, strdup,
strndup, reallocarray, aligned_alloc, asprintf, vasprintf (engine/alloc.c,
the allocator itself, excepted), or posix_memalign outside engine/mem.c
(lp_i_alloc_big, which asks lp_alloc_injected_failure first). Comments and
string literals are ignored; member calls (ops->malloc(...)) and lp_*
names are not calls of the C library. A self-check first shows that the
scanner flags a direct call and passes the allowed forms.
"""
import os
import re
import sys

SRC = os.environ.get("LP_SOURCE_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

FORBIDDEN = ("malloc", "calloc", "realloc", "strdup", "strndup", "reallocarray", "aligned_alloc",
             "asprintf", "vasprintf", "posix_memalign")
ALLOWED = {"engine/alloc.c": set(FORBIDDEN), "engine/mem.c": {"posix_memalign"}}
CALL = re.compile(r"(?<![A-Za-z0-9_.>])(" + "|".join(FORBIDDEN) + r")\s*\(")


def strip(text):
    """text with comments and string/char literals blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def scan(rel, text):
    """[(line, name)] of forbidden calls in text (file rel, for ALLOWED)."""
    ok = ALLOWED.get(rel, set())
    found = []
    for m in CALL.finditer(strip(text)):
        if m.group(1) not in ok:
            found.append((text.count("\n", 0, m.start()) + 1, m.group(1)))
    return found


def self_check():
    bad = "int f(void)\n{\n    char *p = malloc(4);\n    return p != 0;\n}\n"
    good = ("/* malloc(4) in a comment */\n"
            "const char *s = \"strdup(x)\";\n"
            "void *p = lp_malloc(4), *q = lp_i_alloc_big(8, 0), *r = ops->realloc(p, 2);\n"
            "// calloc(1, 2)\n")
    assert scan("engine/x.c", bad) == [(3, "malloc")], scan("engine/x.c", bad)
    assert scan("io/x.c", "x = strdup (s);\n") == [(1, "strdup")]
    assert scan("engine/mem.c", "posix_memalign(&p, 64, n);\n") == []
    assert scan("io/x.c", "posix_memalign(&p, 64, n);\n") == [(1, "posix_memalign")]
    assert scan("engine/x.c", good) == [], scan("engine/x.c", good)


def main():
    self_check()
    problems, files = [], 0
    for folder in ("engine", "io"):
        root = os.path.join(SRC, folder)
        for dirpath, _, names in os.walk(root):
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, SRC).replace(os.sep, "/")
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                files += 1
                for line, fn in scan(rel, text):
                    problems.append(f"{rel}:{line}: {fn}() called directly; use lp_alloc.h "
                                    f"(lp_malloc, lp_calloc, lp_realloc, lp_strdup)")
    if files < 20:
        print(f"only {files} source files found under {SRC}/engine and io", file=sys.stderr)
        return 1
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"lint-alloc: {files} files of engine/ and io/ allocate only through lp_alloc.h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
