"""Import direction is law: workflows/ and certificates/ import no flask, sqlmodel or sandbox;
services and policies import no flask (DESIGN.md §2). Parsed with ast, not grepped."""

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
