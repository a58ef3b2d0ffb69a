"""One place that turns errors into responses: problem+json for the API, a page for people.

Problem documents follow RFC 9457 with two extension members: `code` (stable, machine-readable) and,
for refused input, `errors` — a list of `{field, message}` in the caller's language.

A database that cannot be reached or is busy (PostgreSQL down or restarting, a dropped connection, a
full pool, a deadlock, SQLite's "database is locked") is 503 `unavailable` with Retry-After, never 500;
the page version is rendered without touching the database. The pool replaces dead connections on the
next checkout (`pool_pre_ping`), so the same processes serve again once the database is back.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request, session
from flask_babel import force_locale, get_locale, gettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from sandbox.errors import N_, Conflict, SandboxError, ValidationFailed
from sandbox.i18n import translate
from workflows.errors import GuardFailed, WorkflowError

PROBLEM_MIMETYPE = "application/problem+json"

# Titles people read, per status; werkzeug's English phrases are not translated.
TITLES = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("The upload is too large"),
    415: N_("Unsupported content type"),
    422: N_("Some fields need your attention"),
    429: N_("Too many requests"),
    500: N_("Something went wrong on our side"),
    503: N_("Temporarily unavailable"),
}
DETAILS = {
    401: N_("Send a valid bearer token from POST /api/v1/tokens."),
    404: N_("The page or record you asked for does not exist, or you cannot see it."),
    429: N_("Too many attempts. Try again later."),
    500: N_("The error was logged. Please try again later."),
}
DATABASE_UNAVAILABLE = N_("The service cannot reach its database right now. Please try again in a moment.")
RETRY_AFTER_SECONDS = 5
# SQLite raises OperationalError for a busy database and for a bad query alike; these mean "busy".
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def wants_problem_json() -> bool:
    return request.path.startswith(("/api/", "/.well-known/", "/ns/", "/log/")) or request.path == "/issuer"


def problem(status: int, detail: str | None = None, **extra: Any) -> Response:
    """Return an RFC 9457 problem document."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": gettext(TITLES.get(status, TITLES[400])),
        "status": status,
        "code": CODES.get(status, "error"),
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    return response


def _sandbox_error(error: SandboxError) -> Response:
    detail = translate(error.message)
    field_errors = []
    if isinstance(error, ValidationFailed):
        field_errors = [
            {"field": field, "message": translate(message)}
            for field, messages in error.errors.items()
            for message in messages
        ]
    if wants_problem_json():
        extra: dict[str, Any] = {"errors": field_errors} if field_errors else {}
        if error.code:
            extra["code"] = error.code
        return problem(error.status, detail, **extra)
    return _page(error.status, detail)


def _workflow_error(error: WorkflowError) -> Response:
    if isinstance(error, GuardFailed):
        return _sandbox_error(ValidationFailed.from_reasons(error.reasons))
    return _sandbox_error(Conflict(N_("This action is not possible in the case's current stage.")))


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if isinstance(error, CSRFError):
        detail = gettext("The form expired or was sent from elsewhere. Reload the page and try again.")
    elif isinstance(error, RateLimitExceeded) and error.limit.error_message:
        detail = error.description  # the limit's own message, already in the client's language
    else:
        detail = gettext(DETAILS[status]) if status in DETAILS else None
    response = problem(status, detail) if wants_problem_json() else _page(status, detail)
    if status == 429 and error.response is not None:
        # Keep Flask-Limiter's Retry-After and X-RateLimit headers.
        kept = [h for h in error.response.headers.items() if h[0].lower().startswith(("retry", "x-rate"))]
        response.headers.extend(kept)
    return response


def _page(status: int, detail: str | None) -> Response:
    title = gettext(TITLES.get(status, TITLES[400]))
    return make_response(
        render_template("errors/error.html", status=status, title=title, detail=detail), status
    )


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error", exc_info=error)
    return problem(500, gettext(DETAILS[500])) if wants_problem_json() else _page(500, gettext(DETAILS[500]))


def database_unavailable(error: BaseException) -> bool:
    """Whether a database error means "unreachable or busy, try again" rather than a bug."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(text in str(error.orig).lower() for text in SQLITE_BUSY)
    # PostgreSQL (psycopg): lost or refused connections, shutdowns, deadlocks, lock and statement timeouts.
    return True


def _database_error(error: SQLAlchemyError) -> Response:
    if not database_unavailable(error):
        if current_app.testing or current_app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return _unexpected(error)
    current_app.logger.warning("database unavailable: %s", getattr(error, "orig", None) or error)
    response = problem(503, gettext(DATABASE_UNAVAILABLE)) if wants_problem_json() else _unavailable_page()
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unavailable_page() -> Response:
    """The 503 page, rendered without the database (no layout, no signed-in user, no context processors)."""
    try:
        locale = str(get_locale())
    except SQLAlchemyError:  # the language comes from the signed-in user, who cannot be loaded now
        chosen = session.get("locale")
        languages, default = current_app.config["LANGUAGES"], current_app.config["BABEL_DEFAULT_LOCALE"]
        locale = chosen if isinstance(chosen, str) and chosen in languages else default
    with force_locale(locale):
        html = current_app.jinja_env.get_template("errors/unavailable.html").render(
            status=503,
            title=gettext(TITLES[503]),
            detail=gettext(DATABASE_UNAVAILABLE),
            locale=locale,
            again=request.full_path if request.method == "GET" else request.path,
        )
    return make_response(html, 503)


def _retry_after_only_when_refused(response: Response) -> Response:
    # Flask-Limiter puts Retry-After on every answer of a limited route; it means "come back later" and
    # belongs only to a refusal that later may change (429, 503), never to an answer or a bug's 500.
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_retry_after(app: Flask) -> None:
    """Register before the limiter: after-request functions run in reverse, so this sees its headers."""
    app.after_request(_retry_after_only_when_refused)


def init_app(app: Flask) -> None:
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(PoolTimeout, _database_error)
    app.register_error_handler(SandboxError, _sandbox_error)
    app.register_error_handler(WorkflowError, _workflow_error)
    app.register_error_handler(HTTPException, _http_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS") and not app.testing:
        app.register_error_handler(Exception, _unexpected)
