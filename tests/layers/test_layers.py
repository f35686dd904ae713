#!/usr/bin/python3
"""The layering is a test (issue 17): src/ reaches only down the layers
of src/layers.txt, by include and by call; the module graph has no loop;
docs/modules.md agrees with the layer file; and the checker itself
catches an upward include, an upward call and a loop planted in a
temporary copy of src/. No .c or .h under src/ is over 1,000 lines
(generated tables aside), nor any test, fake or script."""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from tap import Tap  # noqa: E402
import layers  # noqa: E402

SRC = os.path.join(ROOT, "src")
LAYERS = os.path.join(SRC, "layers.txt")
OBJS = os.path.join(ROOT, "build", "obj")
GENERATED = {"input/letters.h"}  # scripts/gen_letters.py
MAX_LINES = 1000

T = Tap()


def objs_ready():
    return os.path.isdir(OBJS) and any(
        f.endswith(".o") for _, _, fs in os.walk(OBJS) for f in fs)


# ------------------------------------------------------------ the tree

findings, modules, edges = layers.check(SRC, LAYERS, OBJS if objs_ready() else None)
T.ok(not findings, "src/ reaches only down src/layers.txt, and has no loop"
     + ("" if objs_ready() else " (includes only: no build/obj)"), findings)
if objs_ready():
    T.ok(True, "calls checked too (build/obj from make)")
else:
    T.skip("calls checked too (build/obj from make)", "run make first")
names = {name for _, name, _ in layers.read_layers(LAYERS)}
T.eq(sorted(d for d in os.listdir(SRC) if os.path.isdir(os.path.join(SRC, d))),
     sorted(names - {layers.TOP}), "every folder of src/ is a layer and every layer a folder")
T.eq(sorted(f for f in os.listdir(SRC) if f.endswith((".c", ".h"))), ["main.c"],
     "only main.c sits at the top of src/")
T.ok(len(edges) > 50, f"the graph was read: {len(modules)} modules, {len(edges)} edges")

long = []
for rel in layers.source_files(SRC):
    if rel in GENERATED:
        continue
    with open(os.path.join(SRC, rel), encoding="utf-8") as f:
        n = sum(1 for _ in f)
    if n > MAX_LINES:
        long.append(f"src/{rel}: {n} lines")
T.ok(not long, f"no source file over {MAX_LINES:,} lines", long)

# The same budget for the rest of the repository's code: the tests, the
# fakes, the scripts (the specification data of tests/data aside).
CODE = (".c", ".h", ".py", ".sh", ".mjs", ".js", ".mk")
SKIP = {"build", os.path.join("tests", "data")}
long = []
for top, dirs, files in os.walk(ROOT):
    rel_top = os.path.relpath(top, ROOT)
    dirs[:] = [d for d in dirs if d not in (".git", "node_modules") and
               os.path.normpath(os.path.join(rel_top, d)) not in SKIP]
    if rel_top == "src":
        dirs[:] = []  # checked above, generated tables aside
        continue
    for name in files:
        if not (name.endswith(CODE) or name == "Makefile"):
            continue
        with open(os.path.join(top, name), encoding="utf-8", errors="replace") as f:
            n = sum(1 for _ in f)
        if n > MAX_LINES:
            long.append(f"{os.path.normpath(os.path.join(rel_top, name))}: {n} lines")
T.ok(not long, f"no test, fake or script over {MAX_LINES:,} lines", long)

with open(os.path.join(ROOT, "docs", "modules.md"), encoding="utf-8") \
        if os.path.exists(os.path.join(ROOT, "docs", "modules.md")) else open(os.devnull) as f:
    have = f.read()
T.eq(have, layers.render_docs(LAYERS, modules),
     "docs/modules.md is the module map of src/layers.txt (scripts/layers.py --write-docs)")

# --------------------------------------------- the checker checks itself


def planted(edit, with_objs=False):
    """Copies src/ (and, with_objs, build/obj) to a temporary folder,
    lets edit change the copy, and returns the checker's findings."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        shutil.copytree(SRC, src)
        objs = None
        if with_objs:
            objs = os.path.join(d, "obj")
            shutil.copytree(OBJS, objs)
        edit(src, objs)
        return layers.check(src, os.path.join(src, "layers.txt"), objs)[0]


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def up_include(src, objs):
    append(os.path.join(src, "base", "buf.c"), '\n#include "ops/ops.h"\n')


found = planted(up_include)
T.ok(any(f.startswith("up: base/buf (base) reaches ops/ops") for f in found),
     "self-test: an upward include (base/buf.c includes ops/ops.h) is caught", found)


def peer_include(src, objs):
    append(os.path.join(src, "aws", "acm.h"), '\n#include "port/port.h"\n')


found = planted(peer_include)
T.ok(any(f.startswith("sideways: aws/acm (aws) reaches its peer port/port") for f in found),
     "self-test: a sideways include between peers (aws/acm.h includes port/port.h) is caught",
     found)


def unknown_folder(src, objs):
    os.makedirs(os.path.join(src, "misc"))
    append(os.path.join(src, "misc", "x.c"), "int x;\n")


found = planted(unknown_folder)
T.ok(any("folder 'misc' is not a layer" for f in found),
     "self-test: a folder that is not a layer is caught", found)


def loop(src, objs):
    append(os.path.join(src, "base", "buf.h"), '\n#include "base/retry.h"\n')
    append(os.path.join(src, "base", "retry.h"), '\n#include "base/buf.h"\n')


found = planted(loop)
T.ok(any(f.startswith("loop: ") and "base/buf" in f and "base/retry" in f for f in found),
     "self-test: a loop inside a layer (buf.h <-> retry.h) is caught", found)


def up_call(src, objs):
    # No include at all: a call the linker would resolve upward.
    path = os.path.join(src, "base", "cancel.c")
    append(path, "\nvoid config_free(void *c);\n"
                 "void cancel_planted(void);\n"
                 "void cancel_planted(void) { config_free(0); }\n")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-I", src, "-c", path,
                    "-o", os.path.join(objs, "base", "cancel.o")], check=True)


if objs_ready():
    found = planted(up_call, with_objs=True)
    T.ok(any(f.startswith("up: base/cancel (base) reaches input/config")
             and "config_free" in f for f in found),
         "self-test: an upward call without an include (cancel.o calls config_free) is caught",
         found)
else:
    T.skip("self-test: an upward call is caught", "no build/obj: run make first")

docs_bad = subprocess.run(
    [sys.executable, os.path.join(ROOT, "scripts", "layers.py"),
     "--docs", os.devnull], capture_output=True, text=True)
T.ok(docs_bad.returncode == 1 and "disagrees" in docs_bad.stdout,
     "self-test: a module map that disagrees with the layer file fails", docs_bad.stdout)

T.done()
