"""Property-based API tests: schemathesis reads /api/v1/openapi.json and sends generated requests to
every operation, in process through WSGI, signed in as each role on a fresh demo database.

Per operation it sends the documented examples, then valid (positive) and invalid (negative) data built
from the schemas, with random ids and with ids of real demo records. Every response must hold three
properties: no 5xx, a status code the document lists, and a body matching the schema documented for that
status. The run is bounded (`MAX_EXAMPLES` per operation and mode, derandomised, no example database),
so it repeats exactly; all roles on SQLite plus three on PostgreSQL take about two and a half minutes.

schemathesis's own pytest integration (`schemathesis.pytest.from_fixture`) relies on a pytest attribute
that pytest 9.2 removed, so the test drives its documented Hypothesis strategies
(`APIOperation.as_strategy`, `get_strategies_from_examples`) itself.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from flask import Flask
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from sqlalchemy import text

from sandbox.db import make_engine
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.models import metadata
from tests.conftest import BACKENDS, make_test_app

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
MAX_EXAMPLES = 5
DEMO_LOGINS = {
    "anonymous": None,
    "applicant": "applicant@demo.sandbox",
    "regulator": "regulator@demo.sandbox",
    "legal_partner": "mediator@demo.sandbox",
    "service_provider": "provider@demo.sandbox",
    "admin": "admin@demo.sandbox",
}
# PostgreSQL adds what SQLite lets pass (32-bit integer columns, strict types) for the roles that write
# the most; every role runs on SQLite.
RUNS = [("sqlite", role) for role in DEMO_LOGINS] + [
    ("postgresql", role) for role in ("applicant", "regulator", "admin") if "postgresql" in BACKENDS
]
# Revoking the run's own bearer token would turn every later request into a 401.
EXCLUDED = {("DELETE", "/api/v1/tokens")}
SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    verbosity=hypothesis.Verbosity.quiet,
)


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of the run's backend, so what one role's run changes cannot disturb another's.

    SQLite lives in memory-backed /dev/shm where there is one: a run commits a few thousand times, and
    each commit's fsync on disk (~5 ms here) would double the run time.
    """
    backend = request.param
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_schema_url")
        yield url
        engine = make_engine(url)
        with engine.begin() as connection:
            tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return
    template = request.getfixturevalue("sqlite_template")
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else tmp_path) as folder:
        path = Path(folder) / "sandbox.db"
        path.write_bytes(template.read_bytes())
        yield f"sqlite:///{path}"


@pytest.fixture
def demo_app(database: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(database, tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["sandbox.engine"].dispose()


def bearer_headers(app: Flask, email: str | None) -> dict[str, str]:
    if email is None:
        return {}
    response = app.test_client().post("/api/v1/tokens", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def known_ids(app: Flask, headers: dict[str, str]) -> dict[str, Any]:
    """Ids of demo records this user may see, so generated requests also reach past the 404."""
    client = app.test_client()

    def first(url: str, pick: Callable[[Any], Any]) -> Any:
        response = client.get(url, headers=headers)
        try:
            return pick(response.get_json()) if response.status_code == 200 else None
        except (IndexError, KeyError, TypeError):
            return None

    ids = {
        "case_id": first("/api/v1/cases?limit=1", lambda body: body["items"][0]["id"]),
        "dispute_id": first("/api/v1/disputes", lambda body: body["items"][0]["id"]),
        "request_id": first("/api/v1/exemptions", lambda body: body["items"][0]["id"]),
        "voucher_id": first("/api/v1/vouchers", lambda body: body["items"][0]["id"]),
        "redemption_id": first("/api/v1/redemptions", lambda body: body["items"][0]["id"]),
        "cert_id": first("/api/v1/certificates", lambda body: body["items"][0]["id"]),
        "notification_id": first("/api/v1/notifications", lambda body: body["items"][0]["id"]),
        "enterprise_id": first("/api/v1/me", lambda body: body["enterprise"]["id"]),
        "user_id": first("/api/v1/me", lambda body: body["id"]),
        "purpose": "revocation",
    }
    return {name: value for name, value in ids.items() if value is not None}


def strategies_for(operation: Any, ids: dict[str, Any]) -> list[Any]:
    """The documented examples, then positive and negative data with random and with known ids."""
    names = {parameter.name for parameter in operation.path_parameters}
    fixed = {name: value for name, value in ids.items() if name in names}
    found = list(operation.get_strategies_from_examples(fill_missing=True, path_parameters=fixed or None))
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        found.append(operation.as_strategy(generation_mode=mode))
        # With the ids fixed, only a body or query string is left to negate.
        if fixed and (mode is GenerationMode.POSITIVE or operation.body or len(operation.query)):
            found.append(operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    return found


def run_operation(strategy: Any, statuses: list[int]) -> None:
    @SETTINGS
    @hypothesis.given(case=strategy)
    def check(case: Any) -> None:
        response = case.call_and_validate(checks=CHECKS)
        statuses.append(response.status_code)

    check()


# schemathesis's WSGI transport reads file responses (PDFs, downloads) without closing them; a WSGI server
# would close them after sending.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(("database", "role"), RUNS, indirect=["database"])
def test_api_conforms_to_its_document(demo_app: Flask, role: str) -> None:
    headers = bearer_headers(demo_app, DEMO_LOGINS[role])
    config = schemathesis.Config.from_dict({"headers": headers})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app, config=config)
    ids = known_ids(demo_app, headers)
    failures, tested, calls = [], 0, 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        tested += 1
        statuses: list[int] = []
        for strategy in strategies_for(operation, ids):
            try:
                run_operation(strategy, statuses)
            except hypothesis.errors.Unsatisfiable:
                continue  # nothing to negate (e.g. no parameters at all): the positive run covers it
            except (Exception, BaseExceptionGroup) as error:  # schemathesis reports an exception group
                failures.append(f"{operation.method.upper()} {operation.path}: {error}")
                break
            if statuses and set(statuses) <= {401, 403}:
                break  # refused by role before any input is read: more data cannot reach further
        calls += len(statuses)
    assert tested > 100, tested
    assert calls > 5 * tested, calls  # the requests were really sent
    assert not failures, "\n\n".join(failures)
