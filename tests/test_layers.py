"""The package's layers hold, it has no import cycle, and no module reaches into another's private
names: read from the imports themselves (every `from . import` in every module, at module level or
inside a function).

- core (contracts, formatting, units, paths, parameters, data, charts, freshness, prose) imports no
  other layer;
- science (the chapter packages) imports core and science only: never the build, never the notebook
  glue (`nb`) — a chapter's `page.py`, what its notebook displays, belongs to the glue layer;
- glue (`nb`, `<chapter>/page.py`) imports core, science and glue, never the build;
- catalogue (`registry`: the chapters; `config`: scenarios and parameters) imports core, science and
  catalogue;
- build (the `tokenfactory.build` subpackage and the CLI, `cli`) may import anything.

A module in none of these is refused by name (a new top-level module must be given a layer here).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tokenfactory import registry

SRC = Path(registry.__file__).resolve().parent
CHAPTERS = set(registry.CHAPTER_IDS)
CORE = {"contract", "formatting", "memo", "units", "paths", "params_base", "data", "charts", "freshness", "prose"}
CATALOGUE = {"registry", "config"}
BUILD = {"build", "cli"}
ALLOWED = {"core": {"core"}, "science": {"core", "science"}, "glue": {"core", "science", "glue"},
           "catalogue": {"core", "science", "catalogue"},
           "build": {"core", "science", "glue", "catalogue", "build"}}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] in CHAPTERS:
        return "glue" if parts[-1] == "page" else "science"
    if parts[0] in CORE:
        return "core"
    if parts[0] == "nb":
        return "glue"
    if parts[0] in CATALOGUE:
        return "catalogue"
    if parts[0] in BUILD:
        return "build"
    raise ValueError(f"module {module!r} has no layer: add its top-level name to CORE, CATALOGUE or BUILD "
                     "in tests/test_layers.py")


def _module(path: Path, base: Path = SRC) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(path: Path, base: Path) -> list[str]:
    here = _module(path, base).split(".") if _module(path, base) else []
    return here if path.name == "__init__.py" else here[:-1]


def _type_only(tree: ast.AST) -> set[int]:
    """The ids of the import nodes under `if TYPE_CHECKING:` (read by type checkers, never run)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).split(".")[-1] == "TYPE_CHECKING":
            out |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return out


def import_nodes(path: Path, base: Path = SRC,
                 runtime_only: bool = False) -> list[tuple[ast.ImportFrom | ast.Import, str, list[str]]]:
    """Every import of a package module in `path`: (node, the module it names, resolved, and the
    names it takes from it). `from . import a, b` names modules a and b (each with no names).
    `runtime_only` leaves out the imports under `if TYPE_CHECKING:`."""
    package = _package(path, base)
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_only(tree) if runtime_only else set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            prefix = package[:len(package) - (node.level - 1)]
            if node.module:
                found.append((node, ".".join([*prefix, *node.module.split(".")]), [a.name for a in node.names]))
            else:
                found += [(node, ".".join([*prefix, a.name]), []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tokenfactory."):
            found.append((node, node.module.removeprefix("tokenfactory."), [a.name for a in node.names]))
        elif isinstance(node, ast.ImportFrom) and node.module == "tokenfactory":
            found += [(node, a.name, []) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node, a.name.removeprefix("tokenfactory."), []) for a in node.names
                      if a.name.startswith("tokenfactory.")]
    return [(node, m, names) for node, m, names in found if m]


def imports(path: Path, base: Path = SRC) -> list[tuple[str, int]]:
    """The package modules `path` imports (relative imports, resolved), with their line."""
    return [(m, node.lineno) for node, m, _ in import_nodes(path, base)]


MODULES = sorted(p for p in SRC.rglob("*.py") if _module(p))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_a_module_imports_only_its_layer_and_those_below(path):
    mine = layer(_module(path))
    wrong = [f"{target} ({layer(target)}) at line {line}" for target, line in imports(path)
             if layer(target) not in ALLOWED[mine]]
    assert not wrong, f"{_module(path)} ({mine}) imports {wrong}"


def test_the_layer_rules_catch_an_upward_import(tmp_path):
    """The scan itself: a science module importing the build or the glue is caught (a synthetic file)."""
    # in a copy of the layout under tmp_path, never in the package itself (a build running beside this
    # test, under pytest-xdist, hashes the package's files)
    (tmp_path / "claims").mkdir()
    fake = tmp_path / "claims" / "_layer_probe.py"
    fake.write_text("from ..build.pipeline import build\nfrom .. import nb\nfrom ..formatting import fmt\n"
                    "def late():\n    from ..build import site\n")
    got = [(t, layer(t)) for t, _ in imports(fake, base=tmp_path)]
    assert got == [("build.pipeline", "build"), ("nb", "glue"), ("formatting", "core"), ("build", "build")]
    assert {lay for _, lay in got} - ALLOWED["science"] == {"build", "glue"}


def test_the_build_is_the_subpackage_and_the_cli():
    """What the layer map calls the build: every module of `tokenfactory.build`, and the CLI; no
    other top-level module (the seventeen build modules no longer sit beside the science)."""
    build = {_module(p) for p in MODULES if layer(_module(p)) == "build"}
    assert "build.pipeline" in build and "build.site" in build and "cli" in build
    assert {m for m in build if not m.startswith("build.") and m != "build"} == {"cli"}
    with pytest.raises(ValueError, match="'newthing' has no layer"):
        layer("newthing")


# --- No import cycle ------------------------------------------------------------------------------

def import_graph(base: Path = SRC) -> dict[str, set[str]]:
    """Module -> the package modules it imports when it runs (at module level or in a function; not
    under `if TYPE_CHECKING:`). A name imported from a package (`from ..data import load`) is an
    import of that package's `__init__`; a target that is no module of its own is counted as its
    nearest enclosing module."""
    files = sorted(p for p in base.rglob("*.py") if _module(p, base))
    known = {_module(p, base) for p in files}

    def nearest(target: str) -> str | None:
        parts = target.split(".")
        while parts:
            if ".".join(parts) in known:
                return ".".join(parts)
            parts.pop()
        return None

    graph: dict[str, set[str]] = {m: set() for m in known}
    for path in files:
        here = _module(path, base)
        for _, target, names in import_nodes(path, base, runtime_only=True):
            # `from .pkg import mod` imports the submodule when `mod` is one
            targets = [f"{target}.{n}" for n in names if f"{target}.{n}" in known] or [target]
            for t in targets:
                found = nearest(t)
                if found is not None and found != here:
                    graph[here].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm): each is
    a set of modules that import each other, directly or through others."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert "build.pipeline" in graph and "build.site" in graph["build.pipeline"]  # the scan sees the package
    assert not cycles(graph), f"modules that import each other: {cycles(graph)}"


def test_the_cycle_check_catches_a_cycle_through_a_function_level_import(tmp_path):
    """A synthetic package: a imports b at module level, b imports c, c imports a inside a function
    (the cycle site -> pipeline -> site was of this kind); d imports a and is in no cycle."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("from .c import thing\n")
    (pkg / "c.py").write_text("thing = 1\n\ndef late():\n    from . import a\n")
    (pkg / "d.py").write_text("from typing import TYPE_CHECKING\nfrom .a import b\n"
                              "if TYPE_CHECKING:\n    from .c import thing\n")  # type-only: not an edge
    graph = import_graph(tmp_path)
    assert graph["pkg.c"] == {"pkg.a"} and graph["pkg.d"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    (pkg / "c.py").write_text("thing = 1\n")  # the function-level import removed: no cycle left
    assert cycles(import_graph(tmp_path)) == []


# --- No private name across modules ----------------------------------------------------------------

def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(path: Path, base: Path = SRC) -> list[str]:
    """Where `path` takes a private name (`_x`) of another package module: `from .mod import _x`, or
    `mod._x` on a name bound to a package module by an import (`from . import mod`, `import
    tokenfactory.mod as mod`). One line each, with the line number."""
    here = _module(path, base)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, bound = [], set()
    for node, target, names in import_nodes(path, base):
        if target == here:
            continue
        found += [f"line {node.lineno}: from {target} import {n}" for n in names if _private(n)]
        if not names:  # `from . import mod` (or `import tokenfactory.mod as m`): a module bound to a name
            for alias in node.names:
                if isinstance(node, ast.Import) and not alias.asname:
                    continue  # `import tokenfactory.x` binds `tokenfactory`, read below by its full path
                bound.add(alias.asname or alias.name)
                if _private(alias.name.split(".")[-1]):
                    found.append(f"line {node.lineno}: imports the private module {target}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in bound:
                found.append(f"line {node.lineno}: {owner.id}.{node.attr}")
            elif isinstance(owner, ast.Attribute) and ast.unparse(owner).startswith("tokenfactory."):
                found.append(f"line {node.lineno}: {ast.unparse(owner)}.{node.attr}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_no_module_uses_another_modules_private_names(path):
    found = private_uses(path)
    assert not found, f"{_module(path)} uses private names of other modules: {found}"


def test_the_private_name_check_catches_both_forms(tmp_path):
    """A synthetic module taking `_chapter_key` by import and `_cache_lookup` by attribute (what
    site.py did with pipeline) is caught twice; its own private names and a public use are not."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "pipeline.py").write_text("def _chapter_key():\n    pass\n\ndef _cache_lookup():\n    pass\n")
    (pkg / "site.py").write_text(
        "from .pipeline import _chapter_key, public\n"
        "def _mine():\n    return 1\n"
        "def scenarios():\n    from . import pipeline\n    _mine()\n"
        "    return pipeline._cache_lookup(), pipeline.public(), pipeline.__name__\n")
    got = private_uses(pkg / "site.py", tmp_path)
    assert got == ["line 1: from pkg.pipeline import _chapter_key", "line 7: pipeline._cache_lookup"]
    assert private_uses(pkg / "pipeline.py", tmp_path) == []
