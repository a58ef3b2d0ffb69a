"""Configuration: secrets from the instance folder or the environment, never from code."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sandbox import create_app
from sandbox.config import load_environment


def test_missing_secret_key_is_generated_once_into_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANDBOX_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SANDBOX_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    first = create_app()
    second = create_app()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 40
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert first.instance_path == str(tmp_path)
    assert str(first.extensions["sandbox.engine"].url).endswith("x.db")


def test_instance_config_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.py").write_text('SECRET_KEY = "from-file"\nPAGE_SIZE = 7\n', encoding="utf-8")
    monkeypatch.setenv("SANDBOX_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SANDBOX_DATABASE_URL", "postgresql://someone@db.invalid/sandbox")
    monkeypatch.setenv("SANDBOX_LOGIN_MAX_FAILURES", "9")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["LOGIN_MAX_FAILURES"] == 9
    assert app.extensions["sandbox.engine"].url.drivername == "postgresql+psycopg"
    assert not (tmp_path / "secret_key").exists()


def test_environment_values_are_typed() -> None:
    found = load_environment({"SANDBOX_SESSION_COOKIE_SECURE": "false", "SANDBOX_SECRET_KEY": "123abc"})
    assert found == {"SESSION_COOKIE_SECURE": False, "SECRET_KEY": "123abc"}
