"""Security wiring: login sessions, role-named route decorators, request limits, response headers
(HSTS on https).

`login_required_role(...)` redirects anonymous visitors to the login page (302) and answers 403 to a
signed-in user without the role, following the rule-named decorators of mature Flask applications.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, abort, current_app, request
from flask_babel import gettext
from flask_login import current_user

from sandbox.db import get_session
from sandbox.errors import N_
from sandbox.extensions import limiter, login_manager
from sandbox.models.accounts import Role, User
from sandbox.services.accounts.accounts import load_session_user

F = TypeVar("F", bound=Callable[..., Any])

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@login_manager.user_loader
def _load_user(identity: str) -> User | None:
    return load_session_user(get_session(), identity)


def login_limit() -> str:
    """Sign-in attempts allowed per client address (web form and token endpoint)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def registration_limit() -> str:
    """Registration attempts allowed per client address (web form and API)."""
    return current_app.config["REGISTER_RATE_LIMIT"]


def registration_limited() -> str:
    """What a client over the registration limit is told, in its language."""
    return gettext("Too many registration attempts from your address. Please try again later.")


# Both doors count together per client address: the web form and its API twin share one limit.
sign_in_attempts = limiter.shared_limit(login_limit, scope="sign-in", methods=["POST"])
registration_attempts = limiter.shared_limit(
    registration_limit, scope="registration", methods=["POST"], error_message=registration_limited
)


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow only signed-in users holding one of `roles` (none given: any signed-in user)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)  # functools.wraps keeps the view's name and signature

    return decorator


login_required = roles_required()


def signed_in_user() -> User:
    """Return the signed-in user itself, not Flask-Login's proxy (services keep and compare it)."""
    return current_user._get_current_object()


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    # Only over https: a browser ignores the header on http, and sending it there would promise what
    # the connection is not. Behind a proxy, `request.is_secure` follows X-Forwarded-Proto only when
    # PROXY_FIX_HOPS trusts it.
    policy = current_app.config.get("STRICT_TRANSPORT_SECURITY")
    if policy and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", policy)
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.login_message = N_("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = gettext
    app.after_request(_security_headers)
