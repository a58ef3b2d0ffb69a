"""Configuration: secrets from the instance folder or the environment, never from code; the services' settings
read once and carried by each app's sessions."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session

from sandbox import create_app
from sandbox.config import Defaults, load_environment
from sandbox.db import open_session
from sandbox.services.accounts.passwords import hash_password, needs_rehash
from sandbox.services.common.settings import ServiceSettings, settings_of


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


def settings_app(tmp_path: Path, name: str, **config: object) -> Flask:
    return create_app({"SECRET_KEY": "test", "INSTANCE_PATH": str(tmp_path / name),
                       "DATABASE_URL": f"sqlite:///{tmp_path / name}.db", **config})  # fmt: skip


def test_settings_are_read_once_from_the_configuration(tmp_path: Path) -> None:
    config = {key: getattr(Defaults, key) for key in dir(Defaults) if key.isupper()}
    read = ServiceSettings.from_config(
        {**config, "CERTIFICATE_REVIEW_DAYS": 15}, instance=tmp_path, key_passphrase="phrase"
    )
    assert read.review_days == 15 and read.login_lockout == timedelta(minutes=15)
    assert read.stage_days == Defaults.STAGE_DEADLINE_DAYS and read.argon2_profile == "RFC_9106_LOW_MEMORY"
    assert read.trust.key_dir == tmp_path / "keys" and read.trust.passphrase == "phrase"
    assert read.trust.seal_number == "1101150026001"  # the office seal's number, printed on its seal
    # Set as SANDBOX_SEAL_NUMBER, it stays the text it was, even though it looks like a number.
    given = load_environment({"SANDBOX_SEAL_NUMBER": "1101150026042"})
    numbered = ServiceSettings.from_config({**config, **given}, instance=tmp_path, key_passphrase="")
    assert numbered.trust.seal_number == "1101150026042"
    unknown = {**config, "ARGON2_PROFILE": "FAST"}
    with pytest.raises(ValueError, match="ARGON2_PROFILE"):
        ServiceSettings.from_config(unknown, instance=tmp_path, key_passphrase="")


def test_each_app_gives_its_sessions_its_own_settings(tmp_path: Path) -> None:
    cheap = settings_app(tmp_path, "cheap", ARGON2_PROFILE="CHEAPEST", CERTIFICATE_REVIEW_DAYS=15)
    default = settings_app(tmp_path, "default")
    with open_session(cheap) as one, open_session(default) as other:
        assert settings_of(one).review_days == 15 and settings_of(other).review_days == 30
        password_hash = hash_password(one, "correct horse battery staple")
        assert not needs_rehash(one, password_hash) and needs_rehash(other, password_hash)
    cheap.config["CERTIFICATE_REVIEW_DAYS"] = 40  # too late: the services' settings were read at start
    with open_session(cheap) as one:
        assert settings_of(one).review_days == 15
    bare = Session(cheap.extensions["sandbox.engine"])  # not opened by the app: no settings
    with pytest.raises(RuntimeError, match="open_session"):
        settings_of(bare)
