"""The documents a generic W3C verifier dereferences, each at the path of the URL our credentials name.

- `GET /ns/credentials/v1`: the credentials' JSON-LD context, the file shipped in `certificates/contexts`,
  as `application/ld+json`. It never changes (a change would be v2), so it is cached for a year.
- `GET /issuer`: the issuer's controller document (W3C Controlled Identifiers 1.0), in which every
  `verificationMethod` of a proof (`<issuer>#<kid>`) is found by its fragment. It changes when a key is
  rotated or revoked, so caches keep it for five minutes. When `ISSUER_ID` names another URL, that URL
  must serve the same document.

Both are public and need no login.
"""

from __future__ import annotations

from flask import Blueprint

from certificates.context import sandbox_context_bytes
from sandbox.api import media
from sandbox.db import get_session
from sandbox.services.trust import signing_keys

bp = Blueprint("linked_data", __name__)


@bp.get("/ns/credentials/v1")
def credentials_context():
    return media.document_response(
        sandbox_context_bytes(), media.JSON_LD, cache_control=media.IMMUTABLE, vary=False
    )


@bp.get("/issuer")
def issuer():
    session = get_session()
    signing_keys.ensure_keys(session)
    session.commit()
    document = signing_keys.controller_document(session)
    return media.negotiated_json(document, media.CONTROLLER_TYPES, cache_control=media.SHORT)
