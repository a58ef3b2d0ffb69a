"""The ``sm2-jcs-2026`` Data Integrity cryptosuite: SM2 signatures with SM3 (GB/T 32918, GB/T 32905).

Owns the national-algorithm proof that travels beside the ``eddsa-jcs-2022`` one in a proof set, and the
SM2 keys' JWK form. The construction mirrors eddsa-jcs-2022 (`proofs`), with SM3 for SHA-256 and SM2 for
Ed25519:

    proofConfig = the proof without proofValue, with the document's ``@context``
    message     = SM3(JCS(proofConfig)) ‖ SM3(JCS(unsecured document))          (64 bytes)
    signature   = SM2 per GB/T 32918.2 over `message`, default user identity ``1234567812345678``
                  (e = SM3(Z_A ‖ message)), DER-encoded SM2Signature
    proofValue  = multibase base58btc (``z…``) of that DER

so that ``openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`` verifies the
signature over `message` from the public key alone. The curve arithmetic is Tongsuo's (through
``tongsuopy``, the `cryptography` API over Tongsuo), not written here.

Public API:
    CRYPTOSUITE, USER_ID
    generate_private_key() / private_key_to_pem(key) / private_key_from_pem(data)
    is_sm2_key(key) -> bool                      an SM2 private or public key
    point_bytes(public_key) -> 65 bytes          the uncompressed point 04 ‖ x ‖ y
    public_jwk(key) -> {"kty": "EC", "crv": "SM2", "x", "y"} / public_key_from_jwk(jwk) / jwk_thumbprint(key)
    public_key_to_pem(key)                       SubjectPublicKeyInfo, as OpenSSL reads it
    sm3(data) -> 32 bytes
    signing_message(proof_config, unsecured) -> 64 bytes
    sign(key, message) / verify(public_key, signature, message) -> bool
    make_proof(unsecured, key, *, verification_method, created, proof_purpose) -> proof dict
    verify_sm2_proof(unsecured, proof, resolve_key, *, expected_purpose) -> proofs.ProofResult
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature

from certificates._internal.encoding import b64url_decode, b64url_encode, multibase_decode, multibase_encode
from certificates._internal.timefmt import parse_utc
from certificates.errors import CertificateError, CertificateKeyError, CertificateVerificationError
from certificates.jcs import canonicalize
from certificates.proofs import PROOF_TYPE, ProofResult, proof_options

__all__ = [
    "CRYPTOSUITE",
    "USER_ID",
    "SM2KeyResolver",
    "generate_private_key",
    "is_sm2_key",
    "point_bytes",
    "jwk_thumbprint",
    "make_proof",
    "private_key_from_pem",
    "private_key_to_pem",
    "public_jwk",
    "public_key_from_jwk",
    "public_key_to_pem",
    "sign",
    "signing_message",
    "sm3",
    "verify",
    "verify_sm2_proof",
]

CRYPTOSUITE = "sm2-jcs-2026"
# GB/T 32918.2's default distinguishing identifier (ENTL = 128 bits), what OpenSSL's `distid` names.
USER_ID = b"1234567812345678"
_COORDINATE = 32  # bytes of x and y on the SM2 curve
_HASHLIB_SM3 = "sm3" in hashlib.algorithms_available  # OpenSSL 3's default provider has it; faster to call
_PROOF_MEMBERS = frozenset(
    {"id", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "@context", "proofValue"}
)

SM2KeyResolver = Callable[[str], Any]  # verification method → an SM2 public key, or None


def generate_private_key() -> Any:
    """A new SM2 private key."""
    return ec.generate_private_key(ec.SM2())


def is_sm2_key(key: object) -> bool:
    """Whether `key` is an SM2 private or public key."""
    return isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)) and isinstance(
        key.curve, ec.SM2
    )


def point_bytes(public_key: Any) -> bytes:
    """The uncompressed point ``04 ‖ x ‖ y`` (65 bytes) of an SM2 public key."""
    return bytes(
        public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def private_key_to_pem(key: Any) -> bytes:
    """PKCS #8 PEM of an SM2 private key (unencrypted: the key store encrypts what it keeps)."""
    return bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def private_key_from_pem(data: bytes) -> Any:
    """Load an SM2 private key from PKCS #8 PEM; refuse any other curve."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise CertificateKeyError(f"not an SM2 private key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SM2):
        raise CertificateKeyError("not an SM2 private key")
    return key


def public_key_to_pem(public_key: Any) -> bytes:
    """SubjectPublicKeyInfo PEM of an SM2 public key (what `openssl pkeyutl -pubin` reads)."""
    return bytes(
        public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def public_jwk(key: Any) -> dict[str, str]:
    """The public JWK of an SM2 key (private or public): 32-byte big-endian coordinates, base64url."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    numbers = public.public_numbers()
    return {
        "kty": "EC",
        "crv": "SM2",
        "x": b64url_encode(int(numbers.x).to_bytes(_COORDINATE, "big")),
        "y": b64url_encode(int(numbers.y).to_bytes(_COORDINATE, "big")),
    }


def public_key_from_jwk(jwk: Mapping[str, Any]) -> Any:
    """Load an SM2 public key from its JWK; refuse another key type, curve or a point not on the curve."""
    if jwk.get("kty") != "EC" or jwk.get("crv") != "SM2":
        raise CertificateKeyError('an SM2 JWK has kty "EC" and crv "SM2"')
    coordinates = []
    for name in ("x", "y"):
        value = jwk.get(name)
        if not isinstance(value, str):
            raise CertificateKeyError(f"JWK member {name} must be a string")
        try:
            raw = b64url_decode(value)
        except CertificateError as exc:
            raise CertificateKeyError(f"JWK member {name} is not base64url: {exc}") from exc
        if len(raw) != _COORDINATE:
            raise CertificateKeyError(f"JWK member {name} must hold {_COORDINATE} bytes")
        coordinates.append(int.from_bytes(raw, "big"))
    try:
        return ec.EllipticCurvePublicNumbers(coordinates[0], coordinates[1], ec.SM2()).public_key()
    except ValueError as exc:
        raise CertificateKeyError(f"the JWK's point is not on the SM2 curve: {exc}") from exc


def jwk_thumbprint(key: Any) -> str:
    """RFC 7638 SHA-256 thumbprint of the key's JWK (members crv, kty, x, y), base64url: its kid."""
    text = json.dumps(public_jwk(key), sort_keys=True, separators=(",", ":"))
    return b64url_encode(hashlib.sha256(text.encode("utf-8")).digest())


def sm3(data: bytes) -> bytes:
    """The SM3 hash of `data` (GB/T 32905): OpenSSL's through hashlib where it offers SM3, else Tongsuo's."""
    if _HASHLIB_SM3:
        return hashlib.new("sm3", data).digest()
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return bytes(digest.finalize())


def signing_message(
    proof_config: Mapping[str, Any], unsecured: Mapping[str, Any], unsecured_jcs: bytes | None = None
) -> bytes:
    """SM3(JCS(proofConfig)) ‖ SM3(JCS(unsecured document)): what the SM2 signature covers (`unsecured_jcs`:
    the second JCS, when the caller already has it)."""
    document = canonicalize(unsecured) if unsecured_jcs is None else unsecured_jcs
    return sm3(canonicalize(proof_config)) + sm3(document)


def sign(key: Any, message: bytes) -> bytes:
    """The DER SM2Signature over `message` (e = SM3(Z_A ‖ message), default user identity)."""
    return bytes(key.sign(message, ec.ECDSA(hashes.SM3())))


def verify(public_key: Any, signature: bytes, message: bytes) -> bool:
    """Whether `signature` (DER) is `public_key`'s SM2 signature over `message`."""
    try:
        public_key.verify(signature, message, ec.ECDSA(hashes.SM3()))
    except (InvalidSignature, ValueError):
        return False
    return True


def make_proof(
    unsecured: Mapping[str, Any],
    key: Any,
    *,
    verification_method: str,
    created: datetime,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """The ``sm2-jcs-2026`` DataIntegrityProof over `unsecured` (a document without ``proof``)."""
    if "proof" in unsecured:
        raise CertificateError("sign the unsecured document: it must not carry a proof")
    contexts = unsecured.get("@context")
    if not isinstance(contexts, list) or not contexts:
        raise CertificateError("@context must be a non-empty list of URLs")
    proof_config = proof_options(CRYPTOSUITE, created, verification_method, proof_purpose, list(contexts))
    signature = sign(key, signing_message(proof_config, unsecured))
    return {**proof_config, "proofValue": multibase_encode(signature, "z")}


def _fail(code: str, message: str) -> CertificateVerificationError:
    return CertificateVerificationError(code, message)


def verify_sm2_proof(
    unsecured: Mapping[str, Any],
    proof: Mapping[str, Any],
    resolve_key: SM2KeyResolver,
    *,
    expected_purpose: str = "assertionMethod",
    unsecured_jcs: bytes | None = None,
) -> ProofResult:
    """Verify one ``sm2-jcs-2026`` proof of `unsecured`; raise `CertificateVerificationError` (code
    ``proof``, ``key`` or ``signature``) on any failure. `unsecured_jcs`: JCS of `unsecured`, if known."""
    unknown = set(proof) - _PROOF_MEMBERS
    if unknown:
        raise _fail("proof", f"unsupported proof members: {', '.join(sorted(unknown))}")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise _fail("proof", f"not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    if proof.get("proofPurpose") != expected_purpose:
        raise _fail("proof", f"proof purpose must be {expected_purpose}")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise _fail("proof", "proof has no verificationMethod")
    contexts = unsecured.get("@context")
    if "@context" in proof and proof["@context"] != contexts:
        raise _fail("proof", "proof @context differs from the document @context")
    try:
        created = parse_utc(proof.get("created"))
        signature = multibase_decode(proof.get("proofValue"), expected_base="z")
    except CertificateError as exc:
        raise _fail("proof", f"malformed proof: {exc}") from exc
    try:
        public_key = resolve_key(method)
    except LookupError as exc:
        raise _fail("key", f"unknown verification method {method!r}") from exc
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(public_key.curve, ec.SM2):
        raise _fail("key", f"unknown SM2 verification method {method!r}")
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    try:
        message = signing_message({**options, "@context": contexts}, unsecured, unsecured_jcs)
    except CertificateError as exc:
        raise _fail("proof", f"document cannot be canonicalised: {exc}") from exc
    if not verify(public_key, signature, message):
        raise _fail("signature", "the SM2 signature does not match the document")
    return ProofResult(
        verification_method=method, created=created, proof_purpose=str(proof["proofPurpose"]),
        cryptosuite=CRYPTOSUITE,
    )  # fmt: skip
