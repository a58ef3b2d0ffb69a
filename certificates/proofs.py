"""W3C Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa §3.3).

Owns creating and verifying the embedded proof of every credential this package issues.

Public API:
    add_proof(document, private_key, *, verification_method, created,
              proof_purpose="assertionMethod", allowed_contexts=DEFAULT_ALLOWED_CONTEXTS) -> dict
    verify_proof(secured_document, resolve_key, *, expected_purpose="assertionMethod",
                 allowed_contexts=DEFAULT_ALLOWED_CONTEXTS) -> ProofResult
    ProofResult                      what a valid proof asserted (method, created, purpose)
    proof_set(secured_document) -> {cryptosuite: proof}   the proofs of a single proof or a proof set
    eddsa_proof(secured_document) -> Mapping | None        its eddsa-jcs-2022 proof, unverified (display)
    PROOF_SUITES                     the cryptosuites a proof set may hold (eddsa-jcs-2022, sm2-jcs-2026)
    KeyResolver                      Callable[[verification_method], Ed25519PublicKey | None]
    public_key_from_multikey(text) / public_key_to_multikey(key) / private_key_from_multikey(text)
    DEFAULT_ALLOWED_CONTEXTS         VC_V2_CONTEXT, VC_EXAMPLES_V2_CONTEXT (W3C vectors), SANDBOX_CONTEXT

Algorithm (exactly the spec): proofConfig = proof options + the document's ``@context``;
hashData = SHA-256(JCS(proofConfig)) ‖ SHA-256(JCS(document without proof)); the proofValue is
the base58btc multibase of the Ed25519 signature over hashData.

A secured document carries one proof, or a **proof set** (``proof`` is an array: W3C Data Integrity
§2.1.1) holding this suite's proof and an ``sm2-jcs-2026`` proof (`certificates.sm2`) over the same
unsecured document — the document without its ``proof`` member, no ``previousProof``. `verify_proof`
checks the eddsa-jcs-2022 proof of either form, so a verifier that knows only Ed25519 still verifies
its proof of the set; `proof_set` refuses a set with any other member, or two proofs of one suite.

Verification raises `CertificateVerificationError` with code ``proof`` (malformed or unsupported
proof, context not allow-listed), ``key`` (verification method not resolvable) or ``signature``.
No JSON-LD context is ever fetched: contexts are compared as strings against an allow-list.
"""

from __future__ import annotations

import copy
import hashlib
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from certificates._internal.encoding import (
    decode_multikey_public,
    decode_multikey_secret,
    encode_multikey_public,
    multibase_decode,
    multibase_encode,
)
from certificates._internal.timefmt import format_utc, parse_utc
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.jcs import canonicalize

__all__ = [
    "DEFAULT_ALLOWED_CONTEXTS",
    "SANDBOX_CONTEXT",
    "VC_EXAMPLES_V2_CONTEXT",
    "VC_V2_CONTEXT",
    "KeyResolver",
    "ProofResult",
    "add_proof",
    "eddsa_proof",
    "proof_set",
    "proof_options",
    "private_key_from_multikey",
    "public_key_from_multikey",
    "public_key_to_multikey",
    "verify_proof",
]

# Contexts are compared as opaque strings and never dereferenced, so the allow-list is the whole
# of our JSON-LD processing.
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# Used by the W3C vc-di-eddsa test vectors; harmless to accept because it is never fetched.
VC_EXAMPLES_V2_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
SANDBOX_CONTEXT = "https://sandbox.yizhuang.gov.cn/ns/credentials/v1"
DEFAULT_ALLOWED_CONTEXTS: frozenset[str] = frozenset({VC_V2_CONTEXT, VC_EXAMPLES_V2_CONTEXT, SANDBOX_CONTEXT})

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
SM2_CRYPTOSUITE = "sm2-jcs-2026"  # `certificates.sm2` implements it; named here so a set can be read
PROOF_SUITES = (CRYPTOSUITE, SM2_CRYPTOSUITE)
# Members we understand. Anything else (domain, challenge, expires, previousProof, …) would be a
# condition we do not evaluate, so the proof is refused rather than half-checked.
_PROOF_MEMBERS = frozenset(
    {"id", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "@context", "proofValue"}
)

KeyResolver = Callable[[str], Ed25519PublicKey | None]


@dataclass(frozen=True)
class ProofResult:
    """What a verified proof asserts; `created` is what key-state checks are evaluated at."""

    verification_method: str
    created: datetime
    proof_purpose: str
    cryptosuite: str = CRYPTOSUITE


def public_key_from_multikey(text: str) -> Ed25519PublicKey:
    """Load an Ed25519 public key from Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
    return Ed25519PublicKey.from_public_bytes(decode_multikey_public(text))


def public_key_to_multikey(key: Ed25519PublicKey) -> str:
    """Encode an Ed25519 public key as Multikey ``publicKeyMultibase``."""
    return encode_multikey_public(
        key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def private_key_from_multikey(text: str) -> Ed25519PrivateKey:
    """Load an Ed25519 private key from Multikey ``secretKeyMultibase`` (test vectors use it)."""
    return Ed25519PrivateKey.from_private_bytes(decode_multikey_secret(text))


def _check_contexts(document: Mapping[str, Any], allowed: Collection[str]) -> list[str]:
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts:
        raise CertificateError("@context must be a non-empty list of URLs")
    for entry in contexts:
        if not isinstance(entry, str) or entry not in allowed:
            raise CertificateError(f"@context entry {entry!r} is not on the allow-list")
    return list(contexts)


def _hash_data(
    proof_config: Mapping[str, Any], unsecured: Mapping[str, Any], unsecured_jcs: bytes | None = None
) -> bytes:
    document = canonicalize(unsecured) if unsecured_jcs is None else unsecured_jcs
    return hashlib.sha256(canonicalize(proof_config)).digest() + hashlib.sha256(document).digest()


def _refuse_non_nfc(value: Any) -> None:
    if isinstance(value, str):
        if not unicodedata.is_normalized("NFC", value):
            raise CertificateError(f"string is not NFC-normalised: {value!r}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_non_nfc(key)
            _refuse_non_nfc(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_non_nfc(item)


def proof_options(
    cryptosuite: str, created: datetime, verification_method: str, proof_purpose: str, contexts: list[str]
) -> dict[str, Any]:
    """The proof configuration a DataIntegrityProof of `cryptosuite` signs (everything but proofValue)."""
    # Member order mirrors the W3C vector so our output reads like the spec's; JCS ignores it.
    return {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": format_utc(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        "@context": contexts,
    }


def add_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    verification_method: str,
    created: datetime,
    proof_purpose: str = "assertionMethod",
    allowed_contexts: Collection[str] = DEFAULT_ALLOWED_CONTEXTS,
) -> dict[str, Any]:
    """Return a copy of `document` secured with an ``eddsa-jcs-2022`` DataIntegrityProof.

    Raises `CertificateError` if the document already has a proof, uses a context outside the
    allow-list, contains floats, or has text that is not NFC (we sign only what we can re-derive).
    """
    if not isinstance(document, Mapping):
        raise CertificateError("document must be a JSON object")
    if "proof" in document:
        raise CertificateError("document already carries a proof; proof sets are not supported")
    if not verification_method or not isinstance(verification_method, str):
        raise CertificateError("verification_method must be a non-empty string")
    unsecured = copy.deepcopy(dict(document))
    contexts = _check_contexts(unsecured, allowed_contexts)
    _refuse_non_nfc(unsecured)
    proof_config = proof_options(CRYPTOSUITE, created, verification_method, proof_purpose, contexts)
    signature = private_key.sign(_hash_data(proof_config, unsecured))
    unsecured["proof"] = {**proof_config, "proofValue": multibase_encode(signature, "z")}
    return unsecured


def _fail(code: str, message: str) -> CertificateVerificationError:
    return CertificateVerificationError(code, message)


def proof_set(secured: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The document's proofs by cryptosuite: one proof object, or a proof set of at most one proof per
    suite in `PROOF_SUITES`, the eddsa-jcs-2022 one among them. Raise ``proof`` on anything else (a
    chain, an unknown suite, two proofs of one suite) rather than half-check it."""
    proof = secured.get("proof")
    entries: list[Any] = proof if isinstance(proof, list) else [proof]
    if not entries or not all(isinstance(entry, Mapping) for entry in entries):
        raise _fail("proof", "document has no proof object")
    found: dict[str, Mapping[str, Any]] = {}
    for entry in entries:
        suite = entry.get("cryptosuite")
        if entry.get("type") != PROOF_TYPE or suite not in PROOF_SUITES:
            raise _fail("proof", f"a proof set holds only {PROOF_TYPE} proofs of {', '.join(PROOF_SUITES)}")
        if "previousProof" in entry:
            raise _fail("proof", "proof chains are not supported")
        if suite in found:
            raise _fail("proof", f"the proof set holds two {suite} proofs")
        found[str(suite)] = entry
    if CRYPTOSUITE not in found:
        raise _fail("proof", f"the document has no {CRYPTOSUITE} proof")
    return found


def eddsa_proof(secured: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The eddsa-jcs-2022 proof of a single proof or a proof set, unverified; None when there is none."""
    try:
        return proof_set(secured)[CRYPTOSUITE]
    except CertificateVerificationError:
        return None


def _read_proof(secured: Mapping[str, Any], expected_purpose: str) -> tuple[dict[str, Any], bytes, datetime]:
    proof = proof_set(secured)[CRYPTOSUITE]
    unknown = set(proof) - _PROOF_MEMBERS
    if unknown:
        raise _fail("proof", f"unsupported proof members: {', '.join(sorted(unknown))}")
    if proof.get("type") != PROOF_TYPE:
        raise _fail("proof", f"proof type must be {PROOF_TYPE}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise _fail("proof", f"cryptosuite must be {CRYPTOSUITE}")
    if proof.get("proofPurpose") != expected_purpose:
        raise _fail("proof", f"proof purpose must be {expected_purpose}")
    if not isinstance(proof.get("verificationMethod"), str) or not proof["verificationMethod"]:
        raise _fail("proof", "proof has no verificationMethod")
    try:
        created = parse_utc(proof.get("created"))
        signature = multibase_decode(proof.get("proofValue"), expected_base="z")
    except CertificateError as exc:
        raise _fail("proof", f"malformed proof: {exc}") from exc
    if len(signature) != 64:
        raise _fail("proof", "proofValue is not a 64-byte Ed25519 signature")
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    return options, signature, created


def verify_proof(
    secured_document: Mapping[str, Any],
    resolve_key: KeyResolver,
    *,
    expected_purpose: str = "assertionMethod",
    allowed_contexts: Collection[str] = DEFAULT_ALLOWED_CONTEXTS,
    unsecured_jcs: bytes | None = None,
) -> ProofResult:
    """Verify the ``eddsa-jcs-2022`` proof of `secured_document`; raise on any failure.

    `unsecured_jcs`, when the caller has it, is JCS of the document without ``proof`` (a proof set's
    suites sign the same bytes, so a verifier of both canonicalises the document once).

    `resolve_key` maps the proof's verificationMethod to a public key; returning None or raising
    `LookupError` means "unknown key". Key lifecycle (was the key valid at `created`?) is the
    caller's next check, with `keys.KeySet.check_key_at`.
    """
    if not isinstance(secured_document, Mapping):
        raise _fail("proof", "document must be a JSON object")
    options, signature, created = _read_proof(secured_document, expected_purpose)
    unsecured = {key: value for key, value in secured_document.items() if key != "proof"}
    try:
        contexts = _check_contexts(unsecured, allowed_contexts)
    except CertificateError as exc:
        raise _fail("proof", str(exc)) from exc
    # The spec lets a holder append contexts after signing; we require an exact match so that
    # no unsigned @context entry ever travels inside a certificate we call valid.
    if "@context" in options and options["@context"] != contexts:
        raise _fail("proof", "proof @context differs from the document @context")
    proof_config = {**options, "@context": contexts}

    method = options["verificationMethod"]
    try:
        public_key = resolve_key(method)
    except LookupError as exc:
        raise _fail("key", f"unknown verification method {method!r}") from exc
    if not isinstance(public_key, Ed25519PublicKey):
        raise _fail("key", f"unknown verification method {method!r}")

    try:
        hash_data = _hash_data(proof_config, unsecured, unsecured_jcs)
    except CertificateError as exc:
        raise _fail("proof", f"document cannot be canonicalised: {exc}") from exc
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature as exc:
        raise _fail("signature", "the signature does not match the document") from exc
    return ProofResult(verification_method=method, created=created, proof_purpose=options["proofPurpose"])
