"""Running the app in production: request ids, one structured log line per request, health and readiness.

* Every request gets an id: the caller's `X-Request-ID` when it is a plain token (a reverse proxy's), else
  a new one. It is echoed in the response header and carried by every log record of the request.
* `sandbox.requests` logs one JSON object per request (time, id, method, path, status, duration, user,
  address, size); the query string is left out because searches may hold personal names.
* `GET /healthz` answers while the process serves requests and touches nothing else (liveness);
  `GET /readyz` checks the database, the schema revision and the storage folders (readiness) and answers
  503 problem+json naming what failed. Neither needs a login or counts against rate limits.
* `PROXY_FIX_HOPS` (number of trusted reverse proxies) makes client addresses and https come from the
  proxy's X-Forwarded-* headers, so per-address rate limits and secure cookies work behind it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, g, has_request_context, jsonify, request
from flask.logging import default_handler
from flask_login import current_user
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from sandbox.db import alembic_config, get_engine
from sandbox.extensions import csrf, limiter

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

bp = Blueprint("ops", __name__)
access_log = logging.getLogger("sandbox.requests")


@bp.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
def readyz() -> Response:
    checks = {"database": _database_check(), "schema": _schema_check(), "storage": _storage_check()}
    ready = all(result == "ok" for result in checks.values())
    if ready:
        return jsonify(status="ready", checks=checks)
    from sandbox.http_errors import problem

    response = problem(503, "not ready", checks=checks)
    response.headers["Retry-After"] = "5"
    return response


def _database_check() -> str:
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001  (any failure means "not ready"; the reason is reported)
        return f"unreachable: {type(error).__name__}"
    return "ok"


def _schema_check() -> str:
    try:
        with get_engine().connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # noqa: BLE001
        return f"unknown: {type(error).__name__}"
    head = current_app.extensions["sandbox.schema_head"]
    return "ok" if current == head else f"at {current}, newest is {head}; run `flask --app sandbox init-db`"


def _storage_check() -> str:
    problems = []
    for folder in _storage_folders():
        if folder.exists() and not (folder.is_dir() and os.access(folder, os.W_OK)):
            problems.append(f"{folder.name} is not a writable folder")
    return "; ".join(problems) or "ok"


def _storage_folders() -> list[Path]:
    instance = Path(current_app.instance_path)
    certificates = current_app.config.get("CERTIFICATE_STORAGE") or instance / "certificates"
    return [instance, instance / "uploads", Path(certificates)]


def _start_request() -> None:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if _ACCEPTED_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    if access_log.isEnabledFor(logging.INFO):
        access_log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 2),
                    "user_id": _user_id(),
                    "remote_addr": request.remote_addr,
                    "bytes": response.calculate_content_length(),
                }
            },
        )
    return response


def _user_id() -> int | None:
    try:
        return current_user.id if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001  (the log line must not fail the response)
        return None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and any `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request it was logged in."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and not getattr(record, "request_id", None):
            record.request_id = g.get("request_id")
        return True


def configure_logging(app: Flask) -> None:
    """Log JSON lines to stderr from the app's logger and, beneath it, the access log."""
    app.logger.removeHandler(default_handler)  # one format for every line
    if not any(isinstance(h.formatter, JsonFormatter) for h in app.logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        app.logger.addHandler(handler)
    access_log.setLevel(app.config["REQUEST_LOG_LEVEL"])  # a child of app.logger: its lines go there


def init_app(app: Flask) -> None:
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    engine = app.extensions["sandbox.engine"]
    app.extensions["sandbox.schema_head"] = ScriptDirectory.from_config(
        alembic_config(engine)
    ).get_current_head()
    app.before_request(_start_request)
    app.after_request(_finish_request)
    csrf.exempt(bp)
    app.register_blueprint(bp)
