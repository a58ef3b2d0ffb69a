"""The API's blueprint and what every route module uses: `route(...)`, the caller, the body, the answer.

`route(...)` registers a view on the blueprint and records it in the OpenAPI document in one step; the
package (`sandbox.api`) imports the route modules, each of which imports this module, never the package.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, g, jsonify, request
from pydantic import BaseModel

from sandbox.api import spec
from sandbox.api.body import read_json
from sandbox.db import get_session
from sandbox.errors import N_, ValidationFailed
from sandbox.extensions import csrf
from sandbox.models.accounts import Role, User
from sandbox.services.accounts.tokens import user_for_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def route(
    rule: str,
    method: str,
    *,
    roles: tuple[Role, ...] | None = None,
    auth: bool = True,
    optional_auth: bool = False,
    **documentation: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an API view: bearer authentication (optionally by role) and its OpenAPI entry.

    `optional_auth` (with `auth=False`): anyone may call it, a bearer token (if sent, it must be live)
    names the caller, who may then get more (`optional_actor()`).
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if auth or (optional_auth and "Authorization" in request.headers):
                user = bearer_user()
                if user is None:
                    abort(401)
                if roles is not None and user.role not in roles:
                    abort(403)
                g.api_user = user
            return view(*args, **kwargs)

        spec.operation(rule, method, auth=auth, optional_auth=optional_auth, **documentation)(view)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapped, methods=[method])
        return wrapped

    return decorator


def bearer_user() -> User | None:
    """Return the user of the request's bearer token, if it is live."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return user_for_token(get_session(), token.strip())


def actor() -> User:
    """Return the authenticated API user of this request."""
    return g.api_user


def optional_actor() -> User | None:
    """Return the API user of a request to an `optional_auth` route, or None for an anonymous one."""
    return g.get("api_user")


def json_body() -> dict[str, Any]:
    """Return the request's JSON object (read under the limits of `body.read_json`), or refuse it."""
    data = read_json()
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", N_("Send a JSON object with Content-Type application/json."))
    return data


def respond(model: BaseModel, status: int = 200) -> Any:
    """Serialise a data model as JSON."""
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response
