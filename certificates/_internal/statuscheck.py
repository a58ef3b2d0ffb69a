"""Shape checks for status entries and status list credentials read by a verifier (private).

Everything here judges third-party JSON, so every failure is a `CertificateVerificationError`
with code ``status``, except a list past its ``validUntil``: that is `IndeterminateError`
``stale``, because an out-of-date list cannot tell us the current status either way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from certificates._internal.timefmt import parse_utc, utc_seconds
from certificates.errors import CertificateError, CertificateVerificationError, IndeterminateError

_PURPOSES = frozenset({"revocation", "suspension"})
_INDEX_RE = re.compile(r"^(0|[1-9][0-9]{0,9})$")


def _fail(message: str) -> CertificateVerificationError:
    return CertificateVerificationError("status", message)


def check_status_entry(entry: Mapping[str, Any]) -> tuple[int, str, str]:
    """Validate a ``BitstringStatusListEntry``; return (index, purpose, status list URL)."""
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        raise _fail("credentialStatus is not a BitstringStatusListEntry")
    purpose = entry.get("statusPurpose")
    if purpose not in _PURPOSES:
        raise _fail(f"unsupported statusPurpose {purpose!r}")
    # Multi-bit status messages are a spec option we never issue; refuse rather than misread.
    if entry.get("statusSize", 1) != 1:
        raise _fail("only single-bit status entries are supported")
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not _INDEX_RE.match(index):
        raise _fail("statusListIndex must be a decimal string")
    list_url = entry.get("statusListCredential")
    if not isinstance(list_url, str) or not list_url:
        raise _fail("statusListCredential must be a URL")
    return int(index), purpose, list_url


def _time(value: object, name: str) -> datetime:
    try:
        return parse_utc(value)
    except CertificateError as exc:
        raise _fail(f"status list {name}: {exc}") from exc


def check_status_list_credential(
    credential: Mapping[str, Any], list_url: str, purpose: str, now: datetime
) -> str:
    """Check a (proof-verified) status list credential against the entry; return its encodedList."""
    if credential.get("id") != list_url:
        raise _fail("the status list credential is not the one the entry names")
    types = credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise _fail("not a BitstringStatusListCredential")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise _fail("credentialSubject is not a BitstringStatusList")
    if subject.get("statusPurpose") != purpose:
        raise _fail(f"the list is for {subject.get('statusPurpose')!r}, the entry for {purpose!r}")
    now = utc_seconds(now)
    if _time(credential.get("validFrom"), "validFrom") > now:
        raise _fail("the status list is not valid yet")
    if "validUntil" in credential and _time(credential["validUntil"], "validUntil") < now:
        raise IndeterminateError("stale", "the status list is past its validUntil; fetch a fresh one")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise _fail("encodedList is missing")
    return encoded
