"""`/.well-known/jwks.json`: every signing key ever used, with its lifecycle (public, no login)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from sandbox.db import get_session
from sandbox.services.trust import signing_keys

bp = Blueprint("wellknown", __name__, url_prefix="/.well-known")


@bp.get("/jwks.json")
def jwks():
    session = get_session()
    signing_keys.ensure_keys(session)
    session.commit()
    response = jsonify(signing_keys.key_set(session).to_jwks())
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
