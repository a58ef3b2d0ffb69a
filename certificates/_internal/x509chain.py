"""X.509 certificates for the Ed25519 keys that sign PDFs (private; used by `certificates.pdf.sign`).

PDF signatures (CMS) name their signer by an X.509 certificate, so the issuer's assertion key gets one,
issued by the root key — the key whose fingerprint verifiers pin — which gets a self-signed CA
certificate. Both are derived, not stored: the same keys, names and activation times give the same
bytes (Ed25519 signatures are deterministic, the serial number is a digest of the key ids), so every
worker builds identical certificates. They never expire (RFC 5280's 99991231235959Z): whether a key
could sign at a given time is the key set's lifecycle rule (`KeySet.check_key_at`), not a validity
window. cryptography only.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID

from certificates._internal.jwk import jwk_thumbprint

NO_EXPIRY = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
MAX_NAME_BYTES = 64  # ub-common-name (RFC 5280), which cryptography counts in UTF-8 bytes


def _fit(text: str) -> str:
    while len(text.encode()) > MAX_NAME_BYTES:
        text = text[:-1]
    return text


def _name(common_name: str, organisation: str, kid: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
            # The key's JWK thumbprint, as in the JWKS (serialNumber would take no "_").
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"kid {kid}"),
        ]
    )


def _serial(*kids: str) -> int:
    digest = hashlib.sha256("|".join(("sandbox-pdf-certificate", *kids)).encode()).digest()
    return int.from_bytes(digest[:16], "big") >> 1 | 1  # positive, at most 16 octets


def _usage(*, sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign, content_commitment=sign, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=not sign, crl_sign=not sign, encipher_only=False,
        decipher_only=False,
    )  # fmt: skip


def root_certificate(
    root: Ed25519PrivateKey, *, organisation: str, activated_at: datetime
) -> x509.Certificate:
    """The self-signed CA certificate of the root key."""
    public = root.public_key()
    kid = jwk_thumbprint(public)
    name = _name("根密钥 Root key", organisation, kid)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(_serial(kid))
        .not_valid_before(activated_at)
        .not_valid_after(NO_EXPIRY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(root, None)
    )


def signer_certificate(
    signer: Ed25519PublicKey, root: Ed25519PrivateKey, issuer: x509.Certificate, *, organisation: str,
    activated_at: datetime,
) -> x509.Certificate:  # fmt: skip
    """The certificate of the assertion key `signer`, issued by the root key."""
    kid = jwk_thumbprint(signer)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(organisation, organisation, kid))
        .issuer_name(issuer.subject)
        .public_key(signer)
        .serial_number(_serial(kid, jwk_thumbprint(root.public_key())))
        .not_valid_before(activated_at)
        .not_valid_after(NO_EXPIRY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer), critical=False)
        .sign(root, None)
    )


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)
