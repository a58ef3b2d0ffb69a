"""Offline verifier: ``python -m certificates verify FILE --trust-bundle B [--root-fingerprint FP] …``.

FILE is a certificate PDF (its embedded ``credential.json``, its PDF signature, its page's text and,
when poppler is installed, its printed QR code are all checked — `certificates.pdf.verify`), a bundle
JSON file, or a scanned QR string/URL together with ``--bundle``. A liability exemption decision
(试错免责决定书) is verified the same way. Everything is checked against the signed trust bundle;
nothing is fetched from the network. The trust bundle is trusted only through a pinned root key
fingerprint (``--root-fingerprint`` or the ``SANDBOX_ROOT_FINGERPRINT`` environment variable): without
one the answer is at best indeterminate, and the report shows the fingerprint to compare. The report
names the credential's signing key, its subject and the root fingerprint it trusted.
Exit status: 0 valid, 1 invalid, 2 indeterminate (e.g. no pinned root, a stale trust bundle, a printed
QR code that could not be read, or unreadable input).
Also ``python -m certificates fingerprint B`` prints the root key fingerprint of a trust bundle, and
``python -m certificates verify-package FILE.zip [--jwks JWKS.json | --trust-bundle B] [--json]`` checks
an evidence package (every file's digest, the manifest signature and the timeline's chain links) with
the same exit statuses.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from certificates.bundle import root_fingerprint, verify_trust_bundle
from certificates.errors import CertificateError
from certificates.keys import KeySet, KeyUse
from certificates.offline import verify_with_trust_bundle
from certificates.package import PackageReport, verify_evidence_package, verify_package_with_trust_bundle
from certificates.pdf.layouts import EXIT_CERTIFICATE, LAYOUTS, pick_value, value_lines
from certificates.pdf.qr import parse_verification_url
from certificates.pdf.verify import verify_pdf_with_trust_bundle
from certificates.verifier import EXIT_CODES, LONG_AGO, Check, Report

PIN_VARIABLE = "SANDBOX_ROOT_FINGERPRINT"
LABELS = {
    "trust_bundle": "Trust bundle signed by the pinned root key and current",
    "attachment": "The PDF carries exactly one readable credential.json",
    "digest": "Credential digest matches the log entry (and a scanned QR code)",
    "signature": "Ed25519 signature (eddsa-jcs-2022) is valid",
    "sm2_signature": "SM2/SM3 signature (sm2-jcs-2026, GB/T 32918) is valid",
    "key_state": "Signing keys were valid when they signed",
    "status": "Not revoked or suspended",
    "inclusion": "Entry is included in the transparency log",
    "checkpoint": "Log checkpoint is signed by the log key",
    "backdating": "Proof time fits the log checkpoints (not backdated)",
    "pdf_signature": "The PDF is signed by the issuer and unchanged since (PAdES)",
    "printed_text": "The printed page states the credential's number, enterprise, USCC, filing, outcome",
    "printed_qr": "The printed QR code matches the embedded credential",
}
PACKAGE_LABELS = {
    "trust_bundle": "Trust bundle signed by the root key and current",
    "archive": "ZIP is readable, with no absolute paths, traversal, links or duplicate names",
    "manifest": "manifest.json is present, well-formed and canonical (RFC 8785)",
    "signature": "Ed25519 signature over manifest.json is valid (package key)",
    "key_state": "Signing key was valid when it signed",
    "digest": "Files listed in the manifest",
    "unlisted": "No file in the ZIP beyond those the manifest lists",
    "timeline": "timeline.json hash chain links are consistent",
}
# What the first line calls the credential; anything else is a "Certificate", as it always was.
KINDS = {"SandboxLiabilityExemption": "Liability exemption decision"}
MARKS = {"pass": "PASS", "fail": "FAIL", "indeterminate": "????", "skipped": "SKIP"}


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _verify_file(args: argparse.Namespace, trust: bytes, pin: str | None, now: datetime) -> Report:
    """Verify a PDF, a bundle JSON file or a QR string (with --bundle) against the trust bundle."""
    path = Path(args.file)
    if not path.is_file():
        _, _, digest = parse_verification_url(args.file)  # raises code "digest" if it is no QR URL
        if args.bundle is None:
            raise CertificateError("a QR code only names the certificate; give its bundle with --bundle")
        return verify_with_trust_bundle(Path(args.bundle).read_bytes(), trust, expected_root_fingerprint=pin,
                                        expected_digest=digest, now=now)  # fmt: skip
    data = path.read_bytes()
    if data.startswith(b"%PDF-"):
        return verify_pdf_with_trust_bundle(data, trust, expected_root_fingerprint=pin, now=now)
    return verify_with_trust_bundle(data, trust, expected_root_fingerprint=pin, now=now)


def _subject_lines(report: Report) -> list[str]:
    """The credential's key facts, as the page prints them (unverified facts if the verdict is not valid)."""
    subject = report.subject or {}
    layout = LAYOUTS.get(report.credential_type or "", EXIT_CERTIFICATE)
    lines = []
    for field in layout.fields:
        if field.key:
            value = " ".join(value_lines(pick_value(subject, field.keys), layout.values))
            lines.append(f"  {field.en}: {value}")
    return lines


def _print_report(report: Report, pin: str | None) -> None:
    kind = KINDS.get(report.credential_type or "", "Certificate")
    print(f"{kind} {report.number or '?'} (id {report.cert_id or '?'})")
    for line in _subject_lines(report):
        print(line)
    if report.issued_at:
        print(f"  Issued: {report.issued_at}")
    for key in report.signing_keys or ([report.signing_key] if report.signing_key else []):
        print(f"  Signing key: {key['kid']} ({key['status']}, {key['algorithm']})")
    if report.seal_binding:
        print(f"  Electronic seal: bound to the SM2 signature, digest {report.seal_binding}")

    def same(fingerprint: str) -> bool:
        wanted = re.sub(r"[\s:-]", "", pin or "").lower()
        return bool(wanted) and re.sub(r"\s", "", fingerprint) == wanted

    how = f"NOT pinned: compare it with the published one, pin it (--root-fingerprint or {PIN_VARIABLE})"
    roots = [("Root key fingerprint", report.root_fingerprint),
             ("SM2 root key fingerprint", report.sm2_root_fingerprint)]  # fmt: skip
    for label, fingerprint in roots:
        if fingerprint:
            trusted = "pinned" if same(fingerprint) else ("signs the trust bundle beside it" if pin else how)
            print(f"  {label}: {fingerprint} ({trusted})")
    for check in report.checks:
        print(f"  [{MARKS[check.outcome]}] {LABELS.get(check.name, check.name)}" + _detail(check))
    status = f" — {report.status}" if report.status and report.status != "active" else ""
    print(f"Verdict: {report.verdict.upper()}{status}")


def _detail(check: Check) -> str:
    return f" — {check.code}: {check.detail}" if check.outcome != "pass" and check.detail else ""


def verify_command(args: argparse.Namespace) -> int:
    now = _parse_time(args.at) if args.at else datetime.now(UTC)
    if args.trust_bundle is None:
        print("No trust bundle given (--trust-bundle); download it once from /api/v1/trust-bundle.")
        return EXIT_CODES["indeterminate"]
    pin = args.root_fingerprint or os.environ.get(PIN_VARIABLE) or None
    try:
        trust = Path(args.trust_bundle).read_bytes()
        report = _verify_file(args, trust, pin, now)
    except (CertificateError, OSError) as exc:
        print(f"Cannot read the certificate: {exc}", file=sys.stderr)
        return EXIT_CODES["indeterminate"]
    if args.json:
        print(json.dumps({**report.to_dict(), "rootPinned": bool(pin)}, ensure_ascii=False, indent=2))
    else:
        _print_report(report, pin)
    return report.exit_code


def fingerprint_command(args: argparse.Namespace) -> int:
    try:
        trusted = verify_trust_bundle(Path(args.trust_bundle).read_bytes(), now=LONG_AGO)
    except CertificateError as exc:
        print(f"Not a valid trust bundle: {exc}", file=sys.stderr)
        return EXIT_CODES["invalid"]
    try:
        root = trusted.key_set().active(KeyUse.ROOT, args.algorithm)
    except CertificateError:
        print(f"The trust bundle has no active {args.algorithm} root key.", file=sys.stderr)
        return EXIT_CODES["invalid"]
    print(root_fingerprint(root.public_key))
    return 0


def _print_package_report(report: PackageReport) -> None:
    manifest = report.manifest or {}
    case = ", ".join(f"{key} {value}" for key, value in sorted((manifest.get("case") or {}).items()))
    print(f"Evidence package — case {case or '?'}, created {manifest.get('createdAt', '?')}")
    withdrawn = {e["path"] for e in manifest.get("entries", ()) if e["withdrawn"]}
    for check in report.checks:
        kind, _, path = check.name.partition(":")
        if path:
            label = f"{path}: size and SHA-256 match the manifest" + (
                " (withdrawn)" if path in withdrawn else ""
            )
        else:
            label = PACKAGE_LABELS.get(kind, kind)
        note = f" — {check.detail}" if check.outcome == "pass" and kind == "timeline" else _detail(check)
        print(f"  [{MARKS[check.outcome]}] {label}{note}")
    print(f"Verdict: {report.verdict.upper()}")


def verify_package_command(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
        keys = KeySet.from_jwks(json.loads(Path(args.jwks).read_bytes())) if args.jwks else None
        trust = Path(args.trust_bundle).read_bytes() if args.trust_bundle else None
    except (CertificateError, OSError, ValueError) as exc:
        print(f"Cannot read the input: {exc}", file=sys.stderr)
        return EXIT_CODES["indeterminate"]
    if trust is not None:
        report = verify_package_with_trust_bundle(
            data, trust, expected_root_fingerprint=args.root_fingerprint
        )
    else:
        report = verify_evidence_package(data, keys=keys)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_package_report(report)
    return report.exit_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m certificates", description="Offline verifier")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify a certificate PDF, bundle JSON or QR string")
    verify.add_argument("file", help="a PDF, a bundle JSON file, or a scanned verification URL")
    verify.add_argument("--trust-bundle", help="the signed trust bundle (from /api/v1/trust-bundle)")
    verify.add_argument("--bundle", help="the bundle JSON, when FILE is a QR string")
    pin_help = f"the published root key fingerprint to pin (default: ${PIN_VARIABLE})"
    verify.add_argument("--root-fingerprint", help=pin_help)
    verify.add_argument("--at", help="judge validity at this time (ISO 8601), default now")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.set_defaults(handler=verify_command)
    fingerprint = commands.add_parser("fingerprint", help="print the root key fingerprint of a trust bundle")
    fingerprint.add_argument("trust_bundle")
    fingerprint.add_argument("--algorithm", choices=("Ed25519", "SM2"), default="Ed25519",
                             help="which root key: the Ed25519 one (default) or the SM2 one beside it")
    fingerprint.set_defaults(handler=fingerprint_command)
    package = commands.add_parser("verify-package", help="verify an evidence package ZIP")
    package.add_argument("file", help="the evidence package (FILE.zip)")
    source = package.add_mutually_exclusive_group()
    source.add_argument("--jwks", help="the platform's key set (from /.well-known/jwks.json)")
    source.add_argument("--trust-bundle", help="the signed trust bundle (from /api/v1/trust-bundle)")
    package.add_argument("--root-fingerprint", help="the published root key fingerprint to pin")
    package.add_argument("--json", action="store_true", help="print the report as JSON")
    package.set_defaults(handler=verify_package_command)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
