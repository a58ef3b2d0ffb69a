"""Checking the PAdES signature on a certificate PDF (the page, not the credential): pyHanko validates.

A PDF passes only if it carries exactly one signature, it is cryptographically sound and covers the
whole file (nothing appended after it: no incremental update, no overlay), the signer is the key that
signed the embedded credential, its certificate chains to a root key of the key set, both keys could
sign at the claimed time by the key set's lifecycle rule, and that time is the credential's proof
time (`certificates.pdf.sign` signs at that instant). Anything else raises `CertificateVerificationError`
with code ``pdf_signature``.

A PDF with no signature at all raises code ``unsigned_pdf``: an `IndeterminateError` when its credential
was issued before PDF signatures were introduced (`PDF_SIGNATURES_SINCE`, such a page can be neither
proven nor blamed), a failure otherwise (the signature was stripped).
Standard library, cryptography, asn1crypto, pyHanko and this package only.

Public API:
    PDF_SIGNATURES_SINCE
    PdfSignature(kid, root_kid, signed_at, signer)
    check_pdf_signature(data, credential, key_set, *, logged_at) -> PdfSignature
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from certificates._internal.asyncrun import run_coroutine
from certificates._internal.jwk import jwk_thumbprint
from certificates._internal.timefmt import format_utc, parse_utc, utc_seconds
from certificates.errors import CertificateError, CertificateVerificationError, IndeterminateError
from certificates.keys import KeySet, KeyUse
from certificates.proofs import eddsa_proof

__all__ = ["PDF_SIGNATURES_SINCE", "PdfSignature", "check_pdf_signature"]

# Certificates issued from this day on have signed PDFs; an unsigned one of them was stripped.
PDF_SIGNATURES_SINCE = datetime(2026, 12, 7, tzinfo=UTC)


@dataclass(frozen=True)
class PdfSignature:
    kid: str
    root_kid: str
    signed_at: datetime
    signer: str  # the signing certificate's subject, as a PDF reader shows it


def _fail(message: str) -> CertificateVerificationError:
    return CertificateVerificationError("pdf_signature", message)


def _kid(certificate: asn1_x509.Certificate) -> str | None:
    try:
        public = load_der_public_key(certificate.public_key.dump())
    except ValueError:
        return None
    return jwk_thumbprint(public) if isinstance(public, Ed25519PublicKey) else None


def _unsigned(credential: Mapping[str, Any]) -> CertificateVerificationError:
    try:
        issued = parse_utc(str(credential.get("validFrom")))
    except CertificateError:
        issued = None
    if issued is not None and issued < PDF_SIGNATURES_SINCE:
        return IndeterminateError(
            "unsigned_pdf",
            f"unsigned PDF (issued before PDF signatures, {PDF_SIGNATURES_SINCE:%Y-%m-%d}): the printed page "
            "cannot be proven; rely on the embedded credential or verify by number",
        )
    return CertificateVerificationError("unsigned_pdf", "the PDF carries no issuer signature (removed?)")


def _embedded(data: bytes) -> Any:
    try:
        signatures = PdfFileReader(io.BytesIO(data)).embedded_regular_signatures
    # A hostile file can make the parser fail in its own way; every way means "no readable signature".
    except Exception as exc:
        raise _fail(f"the PDF's signature cannot be read ({type(exc).__name__})") from None
    if len(signatures) > 1:
        raise _fail(f"the PDF carries {len(signatures)} signatures; an issued one carries exactly one")
    return signatures[0] if signatures else None


def check_pdf_signature(
    data: bytes, credential: Mapping[str, Any], key_set: KeySet, *, logged_at: datetime | None
) -> PdfSignature:
    """Check the PDF's signature against the credential and the key set; return who signed it, and when."""
    signature = _embedded(data)
    if signature is None:
        raise _unsigned(credential)
    proof = eddsa_proof(credential)  # the PDF is signed (PAdES) by the Ed25519 key of the proof set
    method = proof.get("verificationMethod") if proof is not None else None
    wanted = method.rpartition("#")[2] if isinstance(method, str) else None
    try:
        signer, kid = signature.signer_cert, _kid(signature.signer_cert)
        claimed = signature.self_reported_timestamp
    except Exception as exc:  # as in _embedded: a malformed signature container
        raise _fail(f"the PDF's signature cannot be read ({type(exc).__name__})") from None
    if kid is None or kid != wanted:
        raise _fail("the PDF is signed by another key than the one that signed its credential")
    if claimed is None:
        raise _fail("the PDF's signature states no signing time")
    signed_at = utc_seconds(claimed)
    roots = {
        root_kid: certificate
        for certificate in signature.other_embedded_certs
        if (root_kid := _kid(certificate)) is not None
        and root_kid in {r.kid for r in key_set.records if r.use is KeyUse.ROOT}
    }
    if not roots:
        raise _fail("the signing certificate is not issued by a published root key")
    context = ValidationContext(trust_roots=list(roots.values()), moment=signed_at, allow_fetching=False)
    try:
        status = run_coroutine(lambda: async_validate_pdf_signature(signature, context, skip_diff=True))
    except Exception as exc:  # as in _embedded
        raise _fail(f"the PDF's signature cannot be checked ({type(exc).__name__})") from None
    if not (status.intact and status.valid):
        raise _fail("the PDF was changed after it was signed (its signature no longer matches)")
    if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        raise _fail("the PDF was changed after it was signed (something was appended to it)")
    if not status.trusted:
        raise _fail("the signing certificate does not chain to a published root key")
    try:
        created = parse_utc(str(proof.get("created"))) if isinstance(proof, Mapping) else None
    except CertificateError:
        created = None
    if created != signed_at:
        raise _fail(f"the PDF was signed at {format_utc(signed_at)}, not when its credential was")
    root_kid = next(kid for kid, cert in roots.items() if cert.subject == signer.issuer)
    try:
        key_set.check_key_at(kid, signed_at, logged_at, use=KeyUse.ASSERTION)
        key_set.check_key_at(root_kid, signed_at, logged_at, use=KeyUse.ROOT)
    except CertificateVerificationError as exc:
        raise _fail(exc.message) from None
    return PdfSignature(kid=kid, root_kid=root_kid, signed_at=signed_at, signer=signer.subject.human_friendly)
