"""The JSON-LD context of our credentials: a file shipped in this package and served at its own URL.

Owns ``contexts/sandbox-credentials-v1.jsonld``: every term of every credential kind this package issues
(the exit certificate and the liability exemption decision) and of the issuer's controller document, under
the vocabulary ``https://sandbox.yizhuang.gov.cn/ns/credentials#``. Our own proofs never read it (contexts
are compared as strings against an allow-list, see `certificates.proofs`); it exists so that any JSON-LD
processor can expand what we issue in safe mode, with no term dropped. Free-form ``testedBoundaries`` is
typed ``@json``: its keys are names chosen per sector, not vocabulary.

The file never changes once published (it is served as immutable): a change of meaning is a new URL.

Public API:
    SANDBOX_CONTEXT                       the context's URL (``…/ns/credentials/v1``)
    SANDBOX_CONTEXT_PATH                  the file
    sandbox_context_bytes() -> bytes      the file's bytes, exactly as served
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from certificates.proofs import SANDBOX_CONTEXT

__all__ = ["SANDBOX_CONTEXT", "SANDBOX_CONTEXT_PATH", "sandbox_context_bytes"]

SANDBOX_CONTEXT_PATH = Path(__file__).with_name("contexts") / "sandbox-credentials-v1.jsonld"


@cache
def sandbox_context_bytes() -> bytes:
    """Return the context file's bytes (read once per process)."""
    return SANDBOX_CONTEXT_PATH.read_bytes()
