"""Operations: liveness and readiness probes, request ids and the structured access log, proxy headers."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sandbox.operations import JsonFormatter
from tests.conftest import make_test_app


def test_healthz_answers_without_the_database(tmp_path: Path) -> None:
    # A database file that cannot exist: liveness must not depend on it.
    app = make_test_app(f"sqlite:///{tmp_path}/missing/folder/db.sqlite", tmp_path / "instance")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    app.extensions["sandbox.engine"].dispose()


def test_readyz_reports_each_check(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "schema": "ok", "storage": "ok"},
    }


def test_readyz_is_503_problem_json_before_migrations(tmp_path: Path) -> None:
    app = make_test_app(f"sqlite:///{tmp_path}/empty.db", tmp_path / "instance")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["schema"] != "ok"
    assert response.headers["Retry-After"] == "5"
    app.test_cli_runner().invoke(args=["init-db"])
    assert app.test_client().get("/readyz").status_code == 200
    app.extensions["sandbox.engine"].dispose()


def test_readyz_names_unwritable_storage(app, client) -> None:
    uploads = Path(app.instance_path) / "uploads"
    uploads.parent.mkdir(parents=True, exist_ok=True)
    uploads.write_text("a file where the uploads folder belongs")
    body = client.get("/readyz").get_json()
    assert body["status"] == 503
    assert body["checks"]["storage"] == "uploads is not a writable folder"


def test_request_id_is_echoed_or_made_up(client) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.91:2"})
    assert given.headers["X-Request-ID"] == "lb-7f3a.91:2"
    for hostile in ("two words", "<script>", "x" * 129):
        made = client.get("/healthz", headers={"X-Request-ID": hostile})
        assert made.headers["X-Request-ID"] != hostile
        assert len(made.headers["X-Request-ID"]) == 32
    first = client.get("/healthz").headers["X-Request-ID"]
    assert first != client.get("/healthz").headers["X-Request-ID"]


def test_every_request_is_logged_as_one_json_line(client, login_as, caplog) -> None:
    user = login_as("regulator")
    with caplog.at_level(logging.INFO, logger="sandbox.requests"):
        response = client.get("/cases?q=张三", headers={"X-Request-ID": "trace-42"})
    assert response.status_code == 200
    records = [r for r in caplog.records if getattr(r, "request_id", None) == "trace-42"]
    assert len(records) == 1 and records[0].name == "sandbox.requests"
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "trace-42"
    assert line["method"] == "GET" and line["path"] == "/cases" and line["status"] == 200
    assert line["user_id"] == user.id
    assert line["duration_ms"] >= 0 and line["bytes"] > 0
    assert "张三" not in json.dumps(line, ensure_ascii=False)  # query strings stay out of the log


def test_errors_logged_during_a_request_carry_its_id(app, caplog) -> None:
    @app.get("/boom-for-test")
    def boom():
        app.logger.warning("something odd")
        return "ok"

    with caplog.at_level(logging.INFO):
        app.test_client().get("/boom-for-test", headers={"X-Request-ID": "odd-1"})
    odd = [r for r in caplog.records if r.getMessage() == "something odd"]
    assert odd and json.loads(JsonFormatter().format(odd[0]))["request_id"] == "odd-1"


def test_proxy_headers_are_trusted_only_when_configured(database_url: str, tmp_path: Path, caplog) -> None:
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    for hops, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        app = make_test_app(database_url, tmp_path / f"instance{hops}", PROXY_FIX_HOPS=hops)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="sandbox.requests"):
            app.test_client().get("/healthz", headers=forwarded)
        line = json.loads(JsonFormatter().format(caplog.records[-1]))
        assert line["remote_addr"] == expected
        app.extensions["sandbox.engine"].dispose()


def test_workers_starting_together_share_one_instance_secret(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from sandbox.instance_secrets import read_or_create

    path = tmp_path / "secret_key"
    with ThreadPoolExecutor(8) as pool:
        values = set(pool.map(lambda _: read_or_create(path, length=48), range(32)))
    assert len(values) == 1 and len(values.pop()) == 64
    assert path.stat().st_mode & 0o777 == 0o600
