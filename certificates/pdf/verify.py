"""Verify a certificate PDF: its embedded credential, and that the printed page is that credential.

The one PDF verification of the web page, the API (`sandbox.services.trust.verification`) and the offline CLI.
After the checks of the embedded bundle (`certificates.verifier.verify_bundle`) come the checks of the
paper: ``attachment`` (exactly one readable, unambiguous credential.json — else invalid),
``pdf_signature`` (`certificates.pdf.signature`), ``printed_text`` (`certificates.pdf.text`: the key
facts, and the seal's printed digest of the credential's SM2 signature — a passing check puts it in
``Report.seal_binding``) and
``printed_qr`` (the QR code on the rendered page names this certificate and carries its digest,
`certificates.pdf.scan`). A QR code that could not be read or compared is *indeterminate*, never a pass:
without it nothing shows the paper in someone's hand is this credential. Rendering is the costliest
step, so a PDF that has already failed is not rendered (``printed_qr`` skipped). No network, no flask.

Public API:
    Scanner                                  (pdf, page_size_mm) -> PrintedQr; default scan_printed_qr
    verify_pdf(data, evidence, *, now=None, report=None, scanner=None) -> Report
        `Report.seal_binding` (JSON ``sealBinding``): the SM2 signature digest the page's seal prints,
        once the printed-text check found it to be the credential's; None otherwise
        `evidence` is an Evidence or a function bundle -> Evidence (the server's evidence depends on it)
    verify_pdf_with_trust_bundle(data, trust_bundle, *, expected_root_fingerprint=None, now=None,
                                 scanner=None) -> Report
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from certificates._internal.report import FAIL, INDETERMINATE, PASS, SKIPPED, Check, Report
from certificates._internal.timefmt import format_utc, parse_utc
from certificates.errors import CertificateError, CertificateVerificationError, IndeterminateError
from certificates.keys import KeySet
from certificates.offline import with_trust_bundle
from certificates.pdf.qr import parse_verification_url
from certificates.pdf.read import CertificatePdf, read_certificate_pdf
from certificates.pdf.scan import PrintedQr, scan_printed_qr
from certificates.pdf.signature import check_pdf_signature
from certificates.pdf.text import check_printed_text
from certificates.verifier import CHECK_NAMES, Evidence, verify_bundle

__all__ = ["Scanner", "verify_pdf", "verify_pdf_with_trust_bundle"]

Scanner = Callable[[bytes, tuple[float, float]], PrintedQr]


def _default_scanner(pdf: bytes, page_size_mm: tuple[float, float]) -> PrintedQr:
    return scan_printed_qr(pdf, page_size_mm=page_size_mm)


def _add(report: Report, name: str, outcome: str, code: str | None = None, detail: str = "") -> None:
    report.checks.append(Check(name, outcome, code, detail))


def _logged_at(report: Report, bundle: Mapping[str, Any]) -> datetime | None:
    """When the log says the credential was issued, if the log entry was proven."""
    inclusion = report.check("inclusion")
    if inclusion is None or inclusion.outcome != PASS:
        return None
    at = ((bundle.get("transparency") or {}).get("entry") or {}).get("at")
    try:
        return parse_utc(at) if isinstance(at, str) else None
    except CertificateError:
        return None


def _check_signature(report: Report, document: CertificatePdf, key_set: KeySet) -> None:
    credential = document.bundle["credential"]
    try:
        signed = check_pdf_signature(document.data, credential, key_set,
                                     logged_at=_logged_at(report, document.bundle))  # fmt: skip
    except IndeterminateError as exc:
        _add(report, "pdf_signature", INDETERMINATE, exc.code, exc.message)
    except CertificateVerificationError as exc:
        _add(report, "pdf_signature", FAIL, exc.code, exc.message)
    else:
        _add(report, "pdf_signature", PASS, None, f"key {signed.kid}, {format_utc(signed.signed_at)}")


def _check_text(report: Report, document: CertificatePdf) -> None:
    if document.pages != 1:
        detail = f"a certificate has one page, this PDF {document.pages}"
        _add(report, "printed_text", FAIL, "printed_text", detail)
    elif document.page_text is None:
        _add(report, "printed_text", FAIL, "printed_text", document.text_error)
    else:
        try:
            report.seal_binding = check_printed_text(document.page_text, document.bundle["credential"])
            _add(report, "printed_text", PASS)
        except CertificateVerificationError as exc:
            _add(report, "printed_text", FAIL, exc.code, exc.message)


def _check_qr(report: Report, document: CertificatePdf, scanner: Scanner) -> None:
    if report.verdict == "invalid":
        _add(report, "printed_qr", SKIPPED, "invalid", "not read: the PDF already failed another check")
        return
    printed = scanner(document.data, document.page_size_mm)
    if printed.text is None:
        _add(report, "printed_qr", INDETERMINATE, "qr_unreadable", printed.reason)
        return
    try:
        _, cert_id, digest = parse_verification_url(printed.text)
    except CertificateError:
        _add(report, "printed_qr", FAIL, "printed_qr", "the printed QR code is not a verification address")
        return
    logged = ((document.bundle.get("transparency") or {}).get("entry") or {}).get("certId")
    if logged is not None and logged != cert_id:
        _add(report, "printed_qr", FAIL, "printed_qr", "the printed QR code names another certificate")
    elif report.digest is None or not hmac.compare_digest(digest, report.digest):
        detail = "the printed QR code carries another credential's digest"
        _add(report, "printed_qr", FAIL, "printed_qr", detail)
    else:
        _add(report, "printed_qr", PASS)


def verify_pdf(
    data: bytes,
    evidence: Evidence | Callable[[Mapping[str, Any]], Evidence],
    *,
    now: datetime | None = None,
    report: Report | None = None,
    scanner: Scanner | None = None,
) -> Report:
    """Run every check on a certificate PDF; never raises for a bad certificate or a bad file."""
    report = report or Report()
    try:
        document = read_certificate_pdf(data)
    except CertificateVerificationError as exc:
        _add(report, "attachment", FAIL, exc.code, exc.message)
        return report
    _add(report, "attachment", PASS)
    known = evidence if isinstance(evidence, Evidence) else evidence(document.bundle)
    verify_bundle(document.bundle, known, now=now, report=report)
    _check_signature(report, document, known.key_set)
    _check_text(report, document)
    _check_qr(report, document, scanner or _default_scanner)
    order = {name: i for i, name in enumerate(CHECK_NAMES)}
    report.checks.sort(key=lambda c: order.get(c.name, len(order)))
    return report


def verify_pdf_with_trust_bundle(
    data: bytes,
    trust_bundle: Mapping[str, Any] | str | bytes,
    *,
    expected_root_fingerprint: str | None = None,
    now: datetime | None = None,
    scanner: Scanner | None = None,
) -> Report:
    """Verify a certificate PDF offline with only a signed trust bundle."""

    def check(evidence: Evidence, report: Report, at: datetime) -> Report:
        return verify_pdf(data, evidence, now=at, report=report, scanner=scanner)

    pin = expected_root_fingerprint
    return with_trust_bundle(trust_bundle, check, expected_root_fingerprint=pin, now=now)
