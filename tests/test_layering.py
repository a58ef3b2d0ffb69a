"""Import direction is law: workflows/ and certificates/ import no flask, sqlmodel or sandbox;
services and policies import no flask; no module imports itself back through others (DESIGN.md §2).
Parsed with ast, not grepped."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RULES = {
    "workflows": {"flask", "sqlmodel", "sqlalchemy", "sandbox", "flask_login", "flask_babel"},
    "certificates": {"flask", "sqlmodel", "sqlalchemy", "sandbox", "flask_login", "flask_babel"},
    "sandbox/services": {"flask", "flask_login", "flask_babel", "flask_wtf", "werkzeug"},
    "sandbox/policies.py": {"flask", "flask_login", "flask_babel", "sqlmodel", "sqlalchemy"},
    "sandbox/models": {"flask", "flask_login", "flask_babel"},
    "sandbox/errors.py": {"flask", "werkzeug"},
    "sandbox/validators.py": {"flask", "sqlmodel"},
    # The wording services and PDF renderers share with the pages (the other label modules are lazy text).
    "sandbox/labels/wording.py": {"flask", "flask_login", "flask_babel", "werkzeug"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("target", sorted(RULES))
def test_forbidden_imports(target: str) -> None:
    base = ROOT / target
    files = [base] if base.is_file() else sorted(base.rglob("*.py"))
    assert files, f"nothing found at {target}"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & RULES[target])
        for path in files
        if imported_roots(path) & RULES[target]
    }
    assert not offenders, offenders


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import flask.json\nfrom sqlmodel import Field\nfrom . import local\n")
    assert imported_roots(sample) == {"flask", "sqlmodel"}


# --- no import cycles (DESIGN.md §2) -------------------------------------------------------------------
# Every import counts: at the top, inside functions (the app factory imports every blueprint in
# `create_app`), under `if TYPE_CHECKING:`, and a package's `__init__` importing its modules. An import of
# `a.b.c` is an edge to `a.b.c` alone: Python runs the parents' `__init__` first, but counting that would
# tie every module to its package, so what an `__init__` imports is what counts for it. Nothing is exempt.
PACKAGES = ("sandbox", "workflows", "certificates")


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Map every module of `packages` below `root` to its file (a package by its `__init__.py`)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """Return the modules of `known` that module `name` imports anywhere in its file."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, one level up per extra dot
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [node.module])])
            for alias in node.names:
                # `from pkg import module` imports that module; `from module import name`, the module.
                named = f"{base}.{alias.name}"
                targets.add(named if named in known else base)
    edges = set()
    for target in targets:
        while target and target not in known:  # `import a.b.name`: the deepest module named
            target = target.rpartition(".")[0]
        if target and target != name:
            edges.add(target)
    return edges


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    files = module_files(root, packages)
    return {name: imported_modules(name, path, set(files)) for name, path in files.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return each strongly connected component of more than one module, as one cycle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components = []
    for root in sorted(graph):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        work = [(root, iter(sorted(graph[root])))]
        while work:  # Tarjan's algorithm, without recursion
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = stack[stack.index(node) :]
                del stack[stack.index(node) :]
                if len(component) > 1:
                    components.append(set(component))
    return sorted(_cycle_through(component, graph) for component in components)


def _cycle_through(component: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest cycle from the component's first module back to it, staying inside the component."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    for node in queue:
        for child in sorted(graph[node] & component):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    raise AssertionError(f"no cycle in {sorted(component)}")


def test_no_import_cycles() -> None:
    cycles = import_cycles(import_graph(ROOT, PACKAGES))
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in cycles)


def test_the_cycle_checker_sees_cycles(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from pkg.sub import c\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("import os\nfrom pkg import b\n")
    (package / "b.py").write_text("def late():\n    from . import a\n")  # inside a function still counts
    (package / "sub" / "c.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    import pkg\n")
    (package / "d.py").write_text("from pkg.a import name\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.d"] == {"pkg.a"} and graph["pkg.a"] == {"pkg.b"}
    assert import_cycles(graph) == [["pkg", "pkg.sub.c", "pkg"], ["pkg.a", "pkg.b", "pkg.a"]]
    (package / "__init__.py").write_text("")
    (package / "b.py").write_text("")
    assert import_cycles(import_graph(tmp_path, ("pkg",))) == []
