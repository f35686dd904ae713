#!/usr/bin/python3
"""The layer check (issue 17): src/ is folders by layer, written down
once in src/layers.txt, and a module may only reach down.

A module is a .c and its .h (src/aws/acm.c + src/aws/acm.h is aws/acm);
its layer is its folder (main for src/*.c). A -> B when a file of A
includes B's header, or, given the object files, when A's object leaves
a symbol undefined that only B's object defines (nm). An edge may go to
the module's own layer or to a lower rank; an edge up, or sideways to a
peer (same rank, other layer), is a violation, and so is any loop in the
module graph.

  scripts/layers.py                      check src/ (includes only)
  scripts/layers.py --objs build/obj     check includes and calls
  scripts/layers.py --write-docs         rewrite docs/modules.md
  scripts/layers.py --docs docs/modules.md   also check it is current

Exit status 0 when clean, 1 with one line per finding on stdout.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
TOP = "main"


def read_layers(path):
    """[(rank, name, description)], highest rank first."""
    layers = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 2 or not parts[0].isdigit():
                raise ValueError(f"{path}:{n}: want 'rank layer description'")
            layers.append((int(parts[0]), parts[1], parts[2] if len(parts) > 2 else ""))
    return layers


def module_of(rel):
    """src-relative path -> module ("aws/acm"), or None for non-C files."""
    base, ext = os.path.splitext(rel)
    return base if ext in (".c", ".h") else None


def layer_of(module):
    return module.split("/", 1)[0] if "/" in module else TOP


def source_files(src):
    out = []
    for d, _, files in os.walk(src):
        for f in files:
            if f.endswith((".c", ".h")):
                out.append(os.path.relpath(os.path.join(d, f), src))
    return sorted(out)


def include_edges(src, files):
    """[(from_module, to_module, 'file:line')] for every quoted include
    that names a file under src (relative to src, or to the includer)."""
    edges = []
    for rel in files:
        with open(os.path.join(src, rel), encoding="utf-8") as f:
            text = f.read()
        for m in INCLUDE.finditer(text):
            name = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            cands = [os.path.normpath(name),
                     os.path.normpath(os.path.join(os.path.dirname(rel), name))]
            target = next((c for c in cands if os.path.isfile(os.path.join(src, c))), None)
            if target is None or target.startswith(".."):
                continue
            a, b = module_of(rel), module_of(target)
            if b and a != b:
                edges.append((a, b, f"{rel}:{line}: #include \"{name}\""))
    return edges


def call_edges(objs, modules):
    """[(from, to, why)] from the object files under objs (the Makefile's
    build/obj/<layer>/<x>.o): an undefined symbol of one module that
    another module defines."""
    defs, undefs = {}, {}
    for d, _, files in os.walk(objs):
        for f in files:
            if not f.endswith(".o"):
                continue
            path = os.path.join(d, f)
            mod = os.path.splitext(os.path.relpath(path, objs))[0]
            if mod not in modules:
                continue
            out = subprocess.run(["nm", "-P", path], capture_output=True, text=True,
                                 check=True).stdout
            for line in out.splitlines():
                parts = line.split()
                if len(parts) < 2:
                    continue
                sym, kind = parts[0], parts[1]
                if kind == "U":
                    undefs.setdefault(mod, set()).add(sym)
                elif kind in "TDBRGSVW" and kind.isupper():
                    defs.setdefault(sym, mod)
    edges = []
    for mod, syms in sorted(undefs.items()):
        for sym in sorted(syms):
            to = defs.get(sym)
            if to and to != mod:
                edges.append((mod, to, f"{mod}.o calls {sym}()"))
    return edges


def cycles(modules, edges):
    """The strongly connected components of more than one module
    (Tarjan), each sorted."""
    graph = {m: set() for m in modules}
    for a, b, _ in edges:
        graph.setdefault(a, set()).add(b)
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def check(src, layers_path, objs=None):
    """(findings, modules, edges): findings are lines for a person."""
    layers = read_layers(layers_path)
    rank = {name: r for r, name, _ in layers}
    files = source_files(src)
    modules = sorted({module_of(f) for f in files})
    findings = []
    for m in modules:
        if layer_of(m) not in rank:
            findings.append(f"src/{m}: folder '{layer_of(m)}' is not a layer of "
                            f"{os.path.relpath(layers_path, ROOT)}")
    edges = include_edges(src, files)
    if objs:
        edges += call_edges(objs, set(modules))
    for a, b, why in edges:
        la, lb = layer_of(a), layer_of(b)
        if la == lb or la not in rank or lb not in rank:
            continue
        if rank[lb] > rank[la]:
            findings.append(f"up: {a} ({la}) reaches {b} ({lb}): {why}")
        elif rank[lb] == rank[la]:
            findings.append(f"sideways: {a} ({la}) reaches its peer {b} ({lb}): {why}")
    for comp in cycles(modules, edges):
        findings.append("loop: " + " <-> ".join(comp) + " reach each other")
    return findings, modules, edges


def summary(src, module):
    """The first sentence of the module's opening comment (its header's,
    else its .c's), without the leading "name:"; "" when none."""
    for ext in (".h", ".c"):
        path = os.path.join(src, module + ext)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = re.match(r"\s*/\*(.*?)\*/", text, re.S)
        if not m:
            continue
        lines = [ln.strip().lstrip("*").strip() for ln in m.group(1).split("\n")]
        para = []
        for ln in lines:
            if not ln and para:
                break
            if ln:
                para.append(ln)
        s = " ".join(para)
        s = re.sub(r"^[\w-]+: ", "", s)
        s = re.split(r"(?<=[a-z)\]])\. ", s)[0].rstrip(".")
        if len(s) > 110:
            s = s[:110].rsplit(" ", 1)[0] + " ..."
        return s.replace("|", "\\|")
    return ""


def render_docs(layers_path, modules, src=None):
    """docs/modules.md: the module map, from src/layers.txt and the tree
    (each module's first sentence from its opening comment)."""
    src = src or os.path.dirname(layers_path)
    layers = read_layers(layers_path)
    out = ["# Modules",
           "",
           "<!-- Generated by scripts/layers.py --write-docs from src/layers.txt and",
           "     the files under src/; make test fails when it is out of date. -->",
           "",
           "`src/` is one folder per layer; the layers and what each may reach",
           "are written down once, in [`src/layers.txt`](../src/layers.txt). A",
           "module (`x.c` with its `x.h`) may include and call modules of its",
           "own layer and of the layers below it, never one above and never a",
           "peer of the same rank. What must point up goes through an interface",
           "the lower layer declares: the AWS layer signs with an",
           "`aws_credentials_provider` (`aws/aws.h`) that `creds/` hands it.",
           "`make test` checks every include and every call",
           "(`tests/layers/test_layers.py`, by `scripts/layers.py`).",
           "",
           "| Rank | Layer | Folder | Holds | May reach |",
           "|---:|---|---|---|---|"]
    for r, name, desc in layers:
        below = [n for rr, n, _ in layers if rr < r]
        folder = "`src/`" if name == TOP else f"`src/{name}/`"
        out.append(f"| {r} | {name} | {folder} | {desc} | "
                   f"{', '.join(below) if below else 'nothing else'} |")
    for r, name, desc in layers:
        mods = [m for m in modules if layer_of(m) == name]
        folder = "src/" if name == TOP else f"src/{name}/"
        out += ["", f"## {name} (`{folder}`)", "", "| Module | What it is |", "|---|---|"]
        for m in mods:
            files = [m + e for e in (".h", ".c") if os.path.exists(os.path.join(src, m + e))]
            out.append(f"| {' '.join(f'`{f.split(chr(47))[-1]}`' for f in files)} | "
                       f"{summary(src, m)} |")
    out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=os.path.join(ROOT, "src"))
    ap.add_argument("--layers", default=None, help="default SRC/layers.txt")
    ap.add_argument("--objs", default=None, help="object tree (build/obj) for calls")
    ap.add_argument("--docs", default=None, help="check this module map is current")
    ap.add_argument("--write-docs", action="store_true",
                    help="write docs/modules.md from the layer file")
    a = ap.parse_args()
    layers_path = a.layers or os.path.join(a.src, "layers.txt")
    findings, modules, _ = check(a.src, layers_path, a.objs)
    doc_path = os.path.join(ROOT, "docs", "modules.md")
    if a.write_docs:
        os.makedirs(os.path.dirname(doc_path), exist_ok=True)
        with open(doc_path, "w", encoding="utf-8") as f:
            f.write(render_docs(layers_path, modules))
    if a.docs:
        want = render_docs(layers_path, modules)
        try:
            with open(a.docs, encoding="utf-8") as f:
                have = f.read()
        except OSError as e:
            have = str(e)
        if have != want:
            findings.append(f"{a.docs} disagrees with {os.path.relpath(layers_path, ROOT)}"
                            " and src/: run scripts/layers.py --write-docs")
    for f in findings:
        print(f)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
