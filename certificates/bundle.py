"""The certificate bundle and the signed trust bundle: what a verifier needs, in one file each.

Owns two formats third-party verifiers rely on (DESIGN.md §9):

* the **certificate bundle** served at ``GET /api/v1/certificates/{id}`` and embedded in the PDF
  as ``credential.json``: ``{"credential": {…VC with proof…}, "transparency": {"origin", "entry",
  "leafIndex", "treeSize", "inclusionProof": [base64…], "checkpoint": "<signed note>"}}``. This
  module models and parses it; the transparency part is produced by the Merkle log code.
* the **trust bundle** an offline verifier starts from: the key set (JWKS), the current status
  list credentials and the latest checkpoint, with issue and expiry times, signed by the separate
  root key over its RFC 8785 form: ``{"payload": {…}, "signature": {"kid", "alg": "EdDSA",
  "value": base64url}}``, and by the SM2 root beside it: ``"sm2Signature": {"kid", "alg": "SM2",
  "value": base64url(DER)}`` (SM2 with SM3 and the default user identity over the same bytes). Either
  root key is pinned out of band by its fingerprint.

Public API:
    Transparency, CertificateBundle          frozen; to_dict() / to_json() / from_json(data)
    TrustBundle                              frozen payload; key_set() / to_payload() / from_payload()
    sign_trust_bundle(bundle, root_key, sm2_root=None) -> dict
    verify_trust_bundle(data, expected_root_fingerprint=None, *, now=None) -> TrustBundle
    root_fingerprint(public_key) -> str      SHA-256 of the raw key, hex in 4-character groups
    trusted_root_kid(data) -> str | None     the kid of the root key that signed a trust bundle
    trusted_sm2_root_kid(data) -> str | None the kid of the SM2 root key that signed it beside it

Parsing failures raise `CertificateVerificationError` ``bundle``; trust-bundle signature, root
or fingerprint failures ``trust_bundle``; an expired trust bundle `IndeterminateError` ``stale``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from certificates._internal.strictjson import loads_strict
from certificates._internal.trust import (
    TrustBundle,
    root_fingerprint,
    sign_trust_bundle,
    trusted_root_kid,
    trusted_sm2_root_kid,
    verify_trust_bundle,
)
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.jcs import digest_b64url, digest_hex
from certificates.proofs import eddsa_proof

__all__ = [
    "CertificateBundle",
    "Transparency",
    "TrustBundle",
    "root_fingerprint",
    "sign_trust_bundle",
    "trusted_root_kid",
    "trusted_sm2_root_kid",
    "verify_trust_bundle",
]

HASH_SIZE = 32
_TRANSPARENCY_KEYS = frozenset({"origin", "entry", "leafIndex", "treeSize", "inclusionProof", "checkpoint"})


def _fail(message: str) -> CertificateVerificationError:
    return CertificateVerificationError("bundle", message)


def _decode_hash(text: object) -> bytes:
    if not isinstance(text, str):
        raise _fail("inclusionProof holds base64 strings")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _fail(f"inclusionProof entry is not base64: {exc}") from exc
    if len(raw) != HASH_SIZE or base64.b64encode(raw).decode("ascii") != text:
        raise _fail("inclusionProof entries are canonical base64 of 32-byte hashes")
    return raw


def _count(value: object, name: str) -> int:
    # bool is an int in Python but never a count in JSON.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(f"{name} must be a non-negative integer")
    return value


@dataclass(frozen=True)
class Transparency:
    """Where the credential sits in the transparency log, with the proof that it is there."""

    origin: str
    entry: Mapping[str, Any]
    leaf_index: int
    tree_size: int
    inclusion_proof: tuple[bytes, ...]
    checkpoint: str

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin:
            raise _fail("origin must be the log's non-empty origin line")
        if not isinstance(self.entry, Mapping):
            raise _fail("entry must be a JSON object")
        if _count(self.leaf_index, "leafIndex") >= _count(self.tree_size, "treeSize"):
            raise _fail("leafIndex must be smaller than treeSize")
        if any(not isinstance(h, bytes) or len(h) != HASH_SIZE for h in self.inclusion_proof):
            raise _fail("inclusion proof hashes are 32 bytes each")
        if not isinstance(self.checkpoint, str) or not self.checkpoint.endswith("\n"):
            raise _fail("checkpoint must be the signed note text (ending in a newline)")
        object.__setattr__(self, "inclusion_proof", tuple(self.inclusion_proof))

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "entry": dict(self.entry),
            "leafIndex": self.leaf_index,
            "treeSize": self.tree_size,
            "inclusionProof": [base64.b64encode(h).decode("ascii") for h in self.inclusion_proof],
            "checkpoint": self.checkpoint,
        }

    @classmethod
    def from_dict(cls, data: object) -> Transparency:
        if not isinstance(data, Mapping):
            raise _fail("transparency must be a JSON object")
        if set(data) != _TRANSPARENCY_KEYS:
            raise _fail(f"transparency must have exactly {sorted(_TRANSPARENCY_KEYS)}")
        proof = data["inclusionProof"]
        if not isinstance(proof, list):
            raise _fail("inclusionProof must be a list")
        return cls(
            origin=data["origin"],
            entry=data["entry"],
            leaf_index=data["leafIndex"],
            tree_size=data["treeSize"],
            inclusion_proof=tuple(_decode_hash(h) for h in proof),
            checkpoint=data["checkpoint"],
        )


@dataclass(frozen=True)
class CertificateBundle:
    """A signed credential together with its transparency-log inclusion proof."""

    credential: Mapping[str, Any]
    transparency: Transparency

    def __post_init__(self) -> None:
        if not isinstance(self.credential, Mapping) or eddsa_proof(self.credential) is None:
            raise _fail("credential must be a JSON object carrying a proof")

    def credential_sha256_hex(self) -> str:
        """The credential digest as written in log entries (lowercase hex)."""
        return digest_hex(self.credential)

    def credential_sha256_b64url(self) -> str:
        """The credential digest as written after ``#sha256=`` in the verification URL."""
        return digest_b64url(self.credential)

    def to_dict(self) -> dict[str, Any]:
        return {"credential": dict(self.credential), "transparency": self.transparency.to_dict()}

    def to_json(self) -> str:
        """Serialise for humans and files; stable for the same bundle (reproducible PDFs)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, data: str | bytes | Mapping[str, Any]) -> CertificateBundle:
        """Parse a bundle from JSON text or an already-parsed object; raise ``bundle`` on error."""
        if isinstance(data, (str, bytes)):
            try:
                data = loads_strict(data)
            except CertificateError as exc:
                raise _fail(str(exc)) from exc
        if not isinstance(data, Mapping) or set(data) != {"credential", "transparency"}:
            raise _fail('a bundle is exactly {"credential": …, "transparency": …}')
        return cls(credential=data["credential"], transparency=Transparency.from_dict(data["transparency"]))
