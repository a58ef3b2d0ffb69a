"""Verification for the web page and the API: gather the evidence from the database, then run the
one verifier of the certificates package (`certificates.verifier`), which the offline CLI also runs.

Input can be a bundle (JSON), a certificate PDF (its embedded bundle, its PDF signature, its page's text
and its printed QR code, rendered under resource limits), a scanned QR string / URL, or a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from certificates._internal.encoding import b64url_decode
from certificates._internal.strictjson import loads_strict
from certificates._internal.timefmt import format_utc, parse_utc
from certificates.bundle import TrustBundle, sign_trust_bundle
from certificates.errors import CertificateError
from certificates.keys import KeyUse
from certificates.pdf.qr import parse_verification_url
from certificates.pdf.verify import verify_pdf
from certificates.verifier import FAIL, PASS, Evidence, Report, verify_bundle
from sandbox.errors import N_, ValidationFailed
from sandbox.models.certificates import Certificate
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import (
    certificates,
    evidence_cache,
    reissue,
    signing_keys,
    status_lists,
    transparency,
)


def evidence_for(session: Session, bundle: Mapping[str, Any]) -> Evidence:
    """The keys, current status lists and log heads to judge `bundle` by (kept per process while the
    log and the lists stand still; see `evidence_cache`)."""
    transparency_part = bundle.get("transparency") if isinstance(bundle, Mapping) else None
    index = transparency_part.get("leafIndex") if isinstance(transparency_part, Mapping) else None
    size = transparency_part.get("treeSize") if isinstance(transparency_part, Mapping) else None
    return evidence_cache.evidence_for(session, index=index, size=size)


def verify_bundle_data(
    session: Session, bundle: Any, *, expected_digest: str | None = None, now: datetime | None = None
) -> Report:
    if isinstance(bundle, (str, bytes)):
        try:
            bundle = loads_strict(bundle)
        except CertificateError:
            raise ValidationFailed.single(
                "file", N_("This is neither a certificate PDF nor a bundle JSON.")
            ) from None
    report = verify_bundle(bundle, evidence_for(session, bundle), expected_digest=expected_digest, now=now)
    return note_superseded(session, report)


def note_superseded(session: Session, report: Report) -> Report:
    """Say so when the credential shown was re-issued since (with both proofs) and which one replaced it."""
    if report.digest:
        replaced = reissue.superseded(session, b64url_decode(report.digest).hex())
        if replaced is not None:
            cert = session.get(Certificate, replaced.certificate_id)
            report.superseded = {"at": format_utc(replaced.at), "by": cert.credential_sha256 if cert else ""}
    return report


def verify_certificate(session: Session, cert_id: str, *, expected_digest: str | None = None) -> Report:
    """Verify the certificate as the server holds it (fresh inclusion proof). Without a scanned digest to
    compare, the report is the one kept while the log and the status lists stand still."""
    cert = certificates.get_certificate(session, cert_id)

    def verify() -> Report:
        bundle = evidence_cache.certificate_bundle(session, cert)
        return verify_bundle_data(session, bundle, expected_digest=expected_digest)

    if expected_digest is not None:
        return verify()
    return evidence_cache.certificate_report(session, cert, verify)


def verify_qr(session: Session, text: str) -> Report:
    """Verify a scanned verification URL: the certificate it names must carry the digest it prints."""
    try:
        _, cert_id, digest = parse_verification_url(text)
    except CertificateError:
        raise ValidationFailed.single("qr", N_("This is not a certificate verification address.")) from None
    return verify_certificate(session, cert_id, expected_digest=digest)


def verify_number(session: Session, number: str) -> Report:
    return verify_certificate(session, certificates.find_by_number(session, number).id)


def verify_upload(session: Session, data: bytes) -> tuple[Report, bool | None]:
    """Verify an uploaded PDF or bundle JSON; the flag says whether the printed QR code was compared.

    A PDF gets every check of the paper too (`certificates.pdf.verify`): its one credential.json, its
    PDF signature, its page's text and its printed QR code.
    """
    if not data:
        raise ValidationFailed.single("file", N_("The file is empty."))
    if not data.startswith(b"%PDF-"):
        return verify_bundle_data(session, data), None
    report = note_superseded(session, verify_pdf(data, lambda bundle: evidence_for(session, bundle)))
    printed = report.check("printed_qr")
    return report, None if printed is None else printed.outcome in (PASS, FAIL)


def signed_trust_bundle(session: Session) -> dict[str, Any]:
    """Sign, with the root key, what an offline verifier needs: keys, status lists, latest checkpoint.

    It expires after the configured period, or earlier when a status list inside it would go stale.
    """
    settings = settings_of(session).trust
    signing_keys.ensure_keys(session, settings)
    now = signing_keys.now_seconds()
    lists = status_lists.current_lists(session)
    latest = transparency.latest_checkpoint(session)
    assert latest is not None  # ensure_keys logged the key creations
    expires = min(
        [now + settings.trust_bundle_validity]
        + [parse_utc(item["validUntil"]) for item in lists.values() if "validUntil" in item]
    )
    bundle = TrustBundle(
        jwks=signing_keys.key_set(session).to_jwks(),
        status_lists=tuple(lists.values()),
        checkpoint=latest.note,
        issued_at=now,
        expires_at=expires,
    )
    return sign_trust_bundle(
        bundle,
        signing_keys.signing_key(session, KeyUse.ROOT, settings),
        signing_keys.sm2_signing_key(session, KeyUse.ROOT, settings),
    )
