"""The issuer's controller document (W3C Controlled Identifiers 1.0), built from the published key set.

A proof's ``verificationMethod`` is ``<issuer id>#<kid>``; a generic Data Integrity verifier dereferences
the issuer id, finds the verification method by its fragment and checks that the issuer authorises it for
``assertionMethod``. This module owns that document:

- every key ever used, whatever its role, is a verification method, so any ``<issuer>#<kid>`` resolves:
  an Ed25519 key a ``Multikey`` with its ``publicKeyMultibase`` (multicodec ed25519-pub + base58btc), an
  SM2 key a ``JsonWebKey`` with its ``publicKeyJwk`` (``{"kty": "EC", "crv": "SM2", "x", "y"}``: CID 1.0
  defines both types, and no multicodec is registered for SM2 public keys);
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

from certificates import sm2
from certificates._internal.timefmt import format_utc
from certificates.keys import KeyAlgorithm, KeyRecord, KeySet, KeyUse
from certificates.proofs import SANDBOX_CONTEXT, public_key_to_multikey

__all__ = ["ASSERTING_USES", "CID_CONTEXT", "controller_document", "verification_method_id"]

CID_CONTEXT = "https://www.w3.org/ns/cid/v1"
ASSERTING_USES = frozenset({KeyUse.ASSERTION, KeyUse.STATUS})


def verification_method_id(controller: str, kid: str) -> str:
    """Return the id of key `kid` in the controller document of `controller` (``<controller>#<kid>``)."""
    return f"{controller}#{kid}"


def _method(record: KeyRecord, controller: str) -> dict[str, Any]:
    method: dict[str, Any] = {"id": verification_method_id(controller, record.kid)}
    if record.algorithm is KeyAlgorithm.SM2:
        method |= {"type": "JsonWebKey", "controller": controller,
                   "publicKeyJwk": sm2.public_jwk(record.public_key)}  # fmt: skip
    else:
        method |= {"type": "Multikey", "controller": controller,
                   "publicKeyMultibase": public_key_to_multikey(record.public_key)}  # fmt: skip
    method |= {"keyRole": str(record.use), "activated": format_utc(record.activated_at)}
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
