"""The README's Python client example works as printed: the test takes the code block under "API client
example (Python)" from README.md and runs it, as a separate process, against a live demo server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_test_app
from tests.servers import app_in_thread

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_example() -> str:
    """The first ```python block of the README section "API client example (Python)"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## API client example (Python)", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the README section has no python code block"
    return match[1]


@pytest.fixture
def demo_server(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The demo, served on a free loopback port by a real WSGI server in a thread."""
    app = make_test_app(database_url, tmp_path / "instance", TESTING=False)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app_in_thread(app) as url:
        yield url
    app.extensions["sandbox.engine"].dispose()


def test_readme_client_example_runs_against_the_demo(demo_server: str) -> None:
    code = readme_example()
    assert "urllib.request" in code and "import requests" not in code  # standard library only
    env = {**os.environ, "SANDBOX_URL": demo_server, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    filed = re.fullmatch(r"filed case (\d+) state draft", lines[0])
    assert filed is not None, lines
    assert re.fullmatch(rf"case {filed[1]} is draft version 1 next: submit, withdraw", lines[1]), lines
    assert re.fullmatch(r"certificate YZCC-\d{4}-\d{4} valid active", lines[2]), lines
    checks = dict(line.split() for line in lines[3:])
    assert {"signature", "status", "inclusion", "digest"} <= set(checks)
    assert set(checks.values()) == {"pass"}, checks


def test_the_example_stops_with_the_problem_document_on_a_refusal(demo_server: str) -> None:
    code = readme_example().replace("sandbox-demo-2026", "wrong-password")
    env = {**os.environ, "SANDBOX_URL": demo_server, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1
    assert "POST /tokens: 401" in done.stderr and '"code":"unauthenticated"' in done.stderr
