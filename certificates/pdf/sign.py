"""Signing the printed credential itself: a PAdES signature by the issuer's key over the whole PDF.

The credential inside the PDF is signed already; this signs the *page*, so that any change to what is
printed after issuance — a rewrite, an incremental update, an overlay — breaks a signature that the
offline CLI, the web verifier and a PDF reader's signature panel all check. The signature is PAdES B-B
(ETSI.CAdES.detached, SHA-512, Ed25519) made with pyHanko by the assertion key that signed the credential,
at the credential's own proof time, with the X.509 chain assertion key ← root key embedded
(`certificates._internal.x509chain`). It certifies the document with DocMDP "no changes allowed".

The page itself stays reproducible (`certificates.pdf.render`); signing appends one incremental revision whose
bytes carry a fresh document id, so the signed file starts with exactly the unsigned page's bytes.
Standard library, cryptography, asn1crypto, pyHanko and this package only.

Public API:
    PdfSigningKeys(signer, signer_activated_at, root, root_activated_at)
    sign_certificate_pdf(page, keys, *, signed_at, organisation, reason) -> bytes
    render_signed_pdf(bundle, keys, *, verify_base_url, font=None, cert_id=None, seal_number=None) -> bytes
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

from certificates._internal.asyncrun import run_coroutine
from certificates._internal.timefmt import parse_utc, utc_seconds
from certificates._internal.x509chain import der, root_certificate, signer_certificate
from certificates.errors import CertificateError
from certificates.keys import KeyUse, SigningKey
from certificates.pdf.fonts import CJKFont
from certificates.pdf.layouts import issuer_name, layout_for, pick_value
from certificates.pdf.render import render_certificate_pdf
from certificates.proofs import eddsa_proof

__all__ = ["SIGNATURE_FIELD", "PdfSigningKeys", "render_signed_pdf", "sign_certificate_pdf"]

SIGNATURE_FIELD = "IssuerSignature"
SIGNATURE_BYTES = 8192  # the CMS container: two small certificates and an Ed25519 signature, ~2 KB


@dataclass(frozen=True)
class PdfSigningKeys:
    """The assertion key that signs and the root key that vouches for it, with their activation times."""

    signer: SigningKey
    signer_activated_at: datetime
    root: SigningKey
    root_activated_at: datetime

    def __post_init__(self) -> None:
        if self.signer.use is not KeyUse.ASSERTION or self.root.use is not KeyUse.ROOT:
            raise CertificateError("a PDF is signed by the assertion key under the root key")


class _SignerAt(signers.PdfSigner):
    """pyHanko's signer with the signing time given, not read from the clock.

    The page is signed at the instant its credential was signed, which the verifier checks.
    """

    def __init__(self, meta: signers.PdfSignatureMetadata, signer: signers.Signer, at: datetime) -> None:
        super().__init__(meta, signer)
        self._at = at

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._at
        return session


def _signer(keys: PdfSigningKeys, organisation: str) -> signers.SimpleSigner:
    root = root_certificate(keys.root.private_key, organisation=organisation,
                            activated_at=keys.root_activated_at)  # fmt: skip
    leaf = signer_certificate(keys.signer.public_key, keys.root.private_key, root,
                              organisation=organisation, activated_at=keys.signer_activated_at)  # fmt: skip
    private = keys.signer.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der(leaf)),
        signing_key=asn1_keys.PrivateKeyInfo.load(private),
        # pyhanko-certvalidator leaves from_certs unannotated.
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [asn1_x509.Certificate.load(der(root))]
        ),
    )


def sign_certificate_pdf(
    page: bytes, keys: PdfSigningKeys, *, signed_at: datetime, organisation: str, reason: str
) -> bytes:
    """Append a PAdES signature over the whole of `page`, made at `signed_at`; return the signed PDF."""
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha512",  # RFC 8419: Ed25519 in CMS signs SHA-512 digests
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        name=organisation,
        reason=reason,
        location="北京经济技术开发区 Beijing E-Town",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(page))
    signer = _SignerAt(meta, _signer(keys, organisation), utc_seconds(signed_at))
    # A fixed reservation spares pyHanko a dummy signature to measure the container (half the time).
    signed: io.BytesIO = run_coroutine(lambda: signer.async_sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES))
    return signed.getvalue()


def render_signed_pdf(
    bundle: dict[str, Any],
    keys: PdfSigningKeys,
    *,
    verify_base_url: str,
    font: CJKFont | None = None,
    cert_id: str | None = None,
    seal_number: str | None = None,
) -> bytes:
    """Render the bundle's page (with the office's seal numbered `seal_number`, default
    `certificates.pdf.seal.DEFAULT_SEAL_NUMBER`) and sign it at the credential's proof time with `keys`."""
    credential = bundle["credential"]
    proof = eddsa_proof(credential)  # PAdES signs with the Ed25519 key of the proof set
    method = proof.get("verificationMethod") if proof is not None else None
    if proof is None or not isinstance(method, str) or method.rpartition("#")[2] != keys.signer.kid:
        raise CertificateError("the PDF is signed by the key that signed its credential")
    layout = layout_for(credential)
    number = str(pick_value(credential.get("credentialSubject") or {}, layout.number_keys) or "—")
    page = render_certificate_pdf(bundle, verify_base_url=verify_base_url, font=font, cert_id=cert_id,
                                  seal_number=seal_number)  # fmt: skip
    # The organisation is the issuer's first (Chinese) name; the page prints every name.
    organisation = issuer_name(credential, layout).split(" / ")[0]
    return sign_certificate_pdf(
        page,
        keys,
        signed_at=parse_utc(proof.get("created")),
        organisation=organisation,
        reason=f"签发{layout.title_zh} Issued {layout.title_en} {number}",
    )
