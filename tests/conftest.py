"""Fixtures shared by the whole suite: the app on each configured database, clients, logins.

Every test that uses `app` runs once per database backend: SQLite always, PostgreSQL when
SANDBOX_TEST_DATABASE_URL is set. With SANDBOX_TEST_REQUIRE_ALL=1 (CI), a missing PostgreSQL URL or
browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlmodel import Session

from sandbox import create_app
from sandbox.db import make_engine, normalise_url, open_session, upgrade
from sandbox.models import metadata
from sandbox.models.accounts import User
from tests import factories

REQUIRE_ALL = os.environ.get("SANDBOX_TEST_REQUIRE_ALL") == "1"
POSTGRES_URL = os.environ.get("SANDBOX_TEST_DATABASE_URL")

BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE_ALL and not POSTGRES_URL:
        raise pytest.UsageError("SANDBOX_TEST_REQUIRE_ALL=1 but SANDBOX_TEST_DATABASE_URL is not set")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("template") / "sandbox.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A private schema in the PostgreSQL test database, migrated once, dropped at the end."""
    assert POSTGRES_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    base = normalise_url(POSTGRES_URL)
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "sandbox.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_schema_url")
    yield url
    engine = make_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def make_test_app(database_url: str, instance: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "ARGON2_PROFILE": "CHEAPEST",
        "WTF_CSRF_ENABLED": False,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "REGISTER_RATE_LIMIT": "1000 per minute",
        "VERIFY_RATE_LIMIT": "1000 per minute",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(database_url, tmp_path / "instance")
    yield app
    app.extensions["sandbox.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session of the test's own, for arranging data and checking results.

    It is deliberately not tied to an app context: requests made by the test client must each get
    their own context and session, as in production.
    """
    with open_session(app) as db:
        yield db


@pytest.fixture
def login_as(session: Session, client: FlaskClient):
    """Create a user of `role` and sign the test client in as that user; returns the user."""

    def login(role: str, **kwargs: object) -> User:
        user = factories.make_user(session, role, **kwargs)
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login
