"""`/log/…`: the transparency log as C2SP tlog-tiles, for witnesses, monitors and standard tlog clients.

Outside `/api` on purpose: these paths and bytes are the ones `flask --app sandbox log export` writes, so
a static server can take over at the same URLs. Public, no login, readable from any origin. Full tiles
and bundles never change (cached for a year, `immutable`); the checkpoint and partial tiles move on as
the log grows (cached for seconds). The JSON proof endpoints under `/api/v1/log` stay as they were.
"""

from __future__ import annotations

from flask import Blueprint, Response

from sandbox.db import get_session
from sandbox.services.trust import log_tiles

bp = Blueprint("tlog", __name__, url_prefix="/log")

IMMUTABLE = "public, max-age=31536000, immutable"
CHECKPOINT_MAX_AGE = "public, max-age=5"  # tlog-tiles: no caching "beyond a few seconds"
PARTIAL_MAX_AGE = "public, max-age=60"


def _public(response: Response, cache_control: str) -> Response:
    response.headers["Cache-Control"] = cache_control
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/checkpoint")
def checkpoint() -> Response:
    session = get_session()
    note = log_tiles.current_checkpoint(session)
    session.commit()  # the first request may have created the keys (and logged them)
    return _public(Response(note, content_type="text/plain; charset=utf-8"), CHECKPOINT_MAX_AGE)


@bp.get("/tile/<path:path>")
def tile(path: str) -> Response:
    served = log_tiles.read_tile(get_session(), f"tile/{path}")
    response = Response(served.data, content_type="application/octet-stream")
    return _public(response, IMMUTABLE if served.immutable else PARTIAL_MAX_AGE)
