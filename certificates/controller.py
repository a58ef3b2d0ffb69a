"""The issuer's controller document (W3C Controlled Identifiers 1.0), built from the published key set.

A proof's ``verificationMethod`` is ``<issuer id>#<kid>``; a generic Data Integrity verifier dereferences
the issuer id, finds the verification method by its fragment and checks that the issuer authorises it for
``assertionMethod``. This module owns that document:

- every key ever used, whatever its role, is a ``Multikey`` verification method with its
  ``publicKeyMultibase`` (multicodec ed25519-pub + base58btc), so any ``<issuer>#<kid>`` resolves;
- only the keys that sign Data Integrity proofs — credentials (role ``assertion``) and status lists
  (role ``status``) — are listed under ``assertionMethod``; log, root and package keys sign other formats
  and authorise no credential;
- keys are never removed. A revoked key carries the CID ``revoked`` time (a generic verifier then refuses
  it; our own verifier still accepts what the transparency log proves was signed before). A retired key
  stays valid for what it signed before retirement, so it is NOT marked ``expires`` (generic verifiers
  would refuse old credentials); its ``retired`` time, like ``activated``, ``keyRole`` and
  ``revocationReason``, is a term of our context, the document's second ``@context`` entry.

Public API:
    CID_CONTEXT                                        https://www.w3.org/ns/cid/v1
    ASSERTING_USES                                     the key roles listed under assertionMethod
    verification_method_id(controller, kid) -> str
    controller_document(key_set, controller) -> dict
"""

from __future__ import annotations

from typing import Any

from certificates._internal.timefmt import format_utc
from certificates.keys import KeyRecord, KeySet, KeyUse
from certificates.proofs import SANDBOX_CONTEXT, public_key_to_multikey

__all__ = ["ASSERTING_USES", "CID_CONTEXT", "controller_document", "verification_method_id"]

CID_CONTEXT = "https://www.w3.org/ns/cid/v1"
ASSERTING_USES = frozenset({KeyUse.ASSERTION, KeyUse.STATUS})


def verification_method_id(controller: str, kid: str) -> str:
    """Return the id of key `kid` in the controller document of `controller` (``<controller>#<kid>``)."""
    return f"{controller}#{kid}"


def _method(record: KeyRecord, controller: str) -> dict[str, Any]:
    method: dict[str, Any] = {
        "id": verification_method_id(controller, record.kid),
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_key_to_multikey(record.public_key),
        "keyRole": str(record.use),
        "activated": format_utc(record.activated_at),
    }
    if record.retired_at is not None:
        method["retired"] = format_utc(record.retired_at)
    if record.revoked_at is not None:
        method["revoked"] = format_utc(record.revoked_at)
        method["revocationReason"] = record.revocation_reason
    return method


def controller_document(key_set: KeySet, controller: str) -> dict[str, Any]:
    """Return the controller document of `controller`: every key in `key_set`, in activation order."""
    records = key_set.records
    return {
        "@context": [CID_CONTEXT, SANDBOX_CONTEXT],
        "id": controller,
        "verificationMethod": [_method(record, controller) for record in records],
        "assertionMethod": [
            verification_method_id(controller, record.kid)
            for record in records
            if record.use in ASSERTING_USES
        ],
    }
