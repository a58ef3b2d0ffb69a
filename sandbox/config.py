"""Configuration defaults.

Only defaults live here. Secrets and site settings come from `instance/config.py` or from `SANDBOX_*`
environment variables (e.g. `SANDBOX_DATABASE_URL`, `SANDBOX_SECRET_KEY`); see `load_environment`.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

from certificates.pdf.seal import DEFAULT_SEAL_NUMBER
from workflows.calendar import STAGE_DEADLINE_DAYS
from workflows.certificate_review import REVIEW_DAYS
from workflows.disputes import DISPUTE_DEADLINE_DAYS

# Names a deployment may set through SANDBOX_<NAME>. Values are parsed as JSON when they look like it
# (numbers, booleans), else taken as text.
ENVIRONMENT_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "RATELIMIT_STORAGE_URI",
    "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE",
    "MAX_CONTENT_LENGTH",
    "PUBLIC_BASE_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_SENDER",
    "API_TOKEN_HOURS",
    "LOGIN_RATE_LIMIT",
    "REGISTER_RATE_LIMIT",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCKOUT_MINUTES",
    "CJK_FONT_PATH",
    "KEY_PASSPHRASE",
    "LOG_ORIGIN",
    "PROXY_FIX_HOPS",
    "STRICT_TRANSPORT_SECURITY",
    "REQUEST_LOG_LEVEL",
    "CERTIFICATE_REVIEW_DAYS",
    "VERIFY_RATE_LIMIT",
    "PROGRESS_RATE_LIMIT",
    "CONSULTATION_PHONE",
    "CONSULTATION_EMAIL",
    "SEAL_NUMBER",
)


class Defaults:
    """Settings every deployment starts from."""

    # The database: SQLite in the instance folder unless DATABASE_URL says otherwise.
    DATABASE_URL: str | None = None
    DATABASE_ECHO = False

    # Cookies: secure by default. Browsers treat http://127.0.0.1 and http://localhost as secure
    # contexts, so the local demo works with these flags on.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "sandbox_session"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # Languages: Simplified Chinese first.
    LANGUAGES = ("zh", "en")
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

    # Uploads are capped for every request; document endpoints check content types themselves.
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    # Login throttling: per address through Flask-Limiter, and per (account, address) through a lockout in
    # the database (which holds across workers and hosts even with in-memory limiter storage). The web form
    # and its API twin share each limit. Registration says when an e-mail is taken, so its attempts are
    # limited per address to keep probing slow.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "20 per minute"
    REGISTER_RATE_LIMIT = "30 per hour"
    # Public verification (the /verify form and POST /api/v1/verify) reads and renders uploaded PDFs.
    VERIFY_RATE_LIMIT = "30 per minute"
    PROGRESS_RATE_LIMIT = "10 per minute"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15

    # Argon2 parameters: the library's defaults (RFC 9106 low-memory profile).
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"

    API_TOKEN_HOURS = 12
    # JSON request bodies of the API: larger bodies get 413, deeper nesting 400, before any view reads them.
    API_JSON_MAX_BYTES = 1024 * 1024
    API_JSON_MAX_DEPTH = 32
    # Largest document upload; the request limit (MAX_CONTENT_LENGTH) leaves room for the form around it.
    UPLOAD_MAX_BYTES = 15 * 1024 * 1024
    # Review periods in working days per stage (DESIGN.md §3); override per stage in instance/config.py.
    STAGE_DEADLINE_DAYS = dict(STAGE_DEADLINE_DAYS)
    # Working days a legal partner has to acknowledge a dispute and to finish mediating it.
    DISPUTE_DEADLINE_DAYS = dict(DISPUTE_DEADLINE_DAYS)
    # Calendar days after a revocation in which the enterprise may ask the office for a review (复核).
    CERTIFICATE_REVIEW_DAYS = REVIEW_DAYS
    PAGE_SIZE = 20
    # Where the public service guide (/guide) sends questions: the sandbox office's consultation line.
    # Placeholders; every deployment sets its own.
    CONSULTATION_PHONE = "010-00000000"
    CONSULTATION_EMAIL = "sandbox@localhost"

    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    # Operations: the access log's level ("INFO" logs every request as JSON, "WARNING" silences it) and
    # how many reverse proxies in front of the app to trust for X-Forwarded-For/-Proto/-Host (0: none).
    REQUEST_LOG_LEVEL = "INFO"
    PROXY_FIX_HOPS = 0
    # Sent on every https response (and, behind trusted proxies, when they forward https); "" turns it off.
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

    # Certificates (DESIGN.md §4). Private keys are encrypted with KEY_PASSPHRASE; when it is not set,
    # a random passphrase is generated once into instance/key_passphrase (mode 0600).
    KEY_PASSPHRASE: str | None = None
    KEY_DIR: str | None = None  # default: instance/keys
    CERTIFICATE_STORAGE: str | None = None  # default: instance/certificates (PDFs, content-addressed)
    LOG_ORIGIN = "sandbox.yizhuang.gov.cn/certificates"
    ISSUER_ID: str | None = None  # default: PUBLIC_BASE_URL + "/issuer"
    STATUS_LIST_HOURS = 24
    TRUST_BUNDLE_HOURS = 24
    # The number of the office's electronic seal (电子印章), printed on the seal of every certificate,
    # decision and receipt; set through SANDBOX_SEAL_NUMBER.
    SEAL_NUMBER = DEFAULT_SEAL_NUMBER
    CJK_FONT_PATH: str | None = None
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_SENDER = "sandbox@localhost"


def load_environment(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, Any]:
    """Return the settings given as SANDBOX_<NAME> environment variables."""
    found: dict[str, Any] = {}
    for key in ENVIRONMENT_KEYS:
        raw = environ.get(f"SANDBOX_{key}")
        if raw is None:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        found[key] = value if isinstance(value, bool | int) else raw
    return found
