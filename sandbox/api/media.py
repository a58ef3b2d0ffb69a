"""Public JSON documents served under their own media types, chosen by the request's `Accept` header.

Credentials and status lists are `application/vc` (W3C VC 2.0 §6.3), the issuer's controller document is
JSON-LD; each is also served as plain `application/json` to a client that asks only for JSON, so older
clients keep working. A client that accepts none of the offers still gets the document in its own media
type (rather than a 406): every offer is the same bytes. Responses vary by `Accept`, may be read from any
origin and are conditional (ETag over the body, 304 on a match).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from flask import Response, request

VC = "application/vc"
JSON_LD = "application/ld+json"
CID = "application/cid"
JSON = "application/json"
CREDENTIAL_TYPES = (VC, JSON_LD, JSON)
CONTROLLER_TYPES = (JSON_LD, CID, JSON)
# Cache policies: documents that never change, documents that change now and then (keys), and documents
# a client must revalidate on every use (status lists: a revocation must not wait for a cache to expire).
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
REVALIDATE = "public, no-cache"


def negotiate(offered: Sequence[str]) -> str:
    """Return the offered media type the client prefers; the first offer when it names none of them."""
    return request.accept_mimetypes.best_match(offered) or offered[0]


def document_response(body: bytes, media_type: str, *, cache_control: str, vary: bool = True) -> Response:
    """Serve `body` as `media_type`, cacheable as told, with an ETag and a 304 for a matching request."""
    response = Response(body, mimetype=media_type)
    response.headers["Cache-Control"] = cache_control
    response.headers["Access-Control-Allow-Origin"] = "*"
    if vary:
        response.vary.add("Accept")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.make_conditional(request)  # answers 304 in place and returns the same response
    return response


def negotiated_json(data: Any, offered: Sequence[str], *, cache_control: str) -> Response:
    """Serve `data` as JSON under the media type the client prefers among `offered`."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return document_response(body, negotiate(offered), cache_control=cache_control)
