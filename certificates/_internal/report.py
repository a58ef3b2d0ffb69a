"""Verification reports: named checks, the verdict they add up to, and the facts a person is shown (private).

`certificates.verifier` documents and re-exports these; the evidence-package verifier reuses
`CheckedReport`; `CheckRun` turns verification errors into checks. Standard library and
`certificates.errors` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from certificates.errors import CertificateError, CertificateVerificationError, IndeterminateError

EXIT_CODES = {"valid": 0, "invalid": 1, "indeterminate": 2}
PASS, FAIL, INDETERMINATE, SKIPPED = "pass", "fail", "indeterminate", "skipped"
# An exit certificate is quoted by its certificate number, an exemption decision by its decision number.
NUMBER_KEYS = ("certificateNumber", "decisionNumber")


@dataclass(frozen=True)
class Check:
    name: str
    outcome: str
    code: str | None = None
    detail: str = ""


@dataclass
class CheckedReport:
    """Named checks and the verdict they add up to: any failure → invalid, any unknown → indeterminate."""

    checks: list[Check] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        outcomes = {check.outcome for check in self.checks}
        if FAIL in outcomes:
            return "invalid"
        if INDETERMINATE in outcomes or not self.checks:
            return "indeterminate"
        return "valid"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)


@dataclass
class Report(CheckedReport):
    """The outcome of one verification; `verdict` is what a person should be told first."""

    status: str | None = None  # active | revoked | suspended, when the status lists could be read
    cert_id: str | None = None
    number: str | None = None  # the certificate number, or an exemption's decision number
    digest: str | None = None  # base64url, as in the QR fragment
    subject: Mapping[str, Any] | None = None
    issued_at: str | None = None
    credential_type: str | None = None  # the specific type, e.g. SandboxLiabilityExemption
    # The key that signed the credential, as the evidence knows it: {"kid", "status", "algorithm"}.
    signing_key: Mapping[str, str] | None = None
    # One per proof of the set, in the credential's order: {"kid", "status", "algorithm", "cryptosuite"}.
    signing_keys: list[Mapping[str, str]] = field(default_factory=list)
    root_fingerprint: str | None = None  # the root key the evidence was trusted through (offline only)
    sm2_root_fingerprint: str | None = None  # the SM2 root that signed the trust bundle beside it (offline)
    # Set by a verifier that knows the issuer's records: {"at", "by"} when this credential was re-issued
    # (the same certificate secured again) and the one shown is the older form.
    superseded: Mapping[str, str] | None = None
    # A PDF's seal: the SM2 signature digest it prints ("3F2A 9C01 77B0 12DE", `certificates.pdf.seal`),
    # set once the printed-text check found it equal to the credential's; None otherwise.
    seal_binding: str | None = None

    def read_facts(self, credential: Mapping[str, Any], entry: Mapping[str, Any]) -> None:
        """Take the facts to show from a (not yet verified) credential and its log entry."""
        subject = credential.get("credentialSubject")
        self.subject = subject if isinstance(subject, Mapping) else None
        facts = self.subject or {}
        self.number = next((facts[key] for key in NUMBER_KEYS if key in facts), None)
        types = credential.get("type")
        specific = [t for t in types if t != "VerifiableCredential"] if isinstance(types, list) else []
        self.credential_type = specific[0] if specific and isinstance(specific[0], str) else None
        self.cert_id = entry.get("certId") if isinstance(entry.get("certId"), str) else None
        self.issued_at = credential.get("validFrom") if isinstance(credential.get("validFrom"), str) else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "status": self.status,
            "certificateId": self.cert_id,
            "number": self.number,
            "credentialType": self.credential_type,
            "credentialSha256": self.digest,
            "issuedAt": self.issued_at,
            "signingKey": dict(self.signing_key) if self.signing_key else None,
            "signingKeys": [dict(key) for key in self.signing_keys],
            "rootFingerprint": self.root_fingerprint,
            "sm2RootFingerprint": self.sm2_root_fingerprint,
            "superseded": dict(self.superseded) if self.superseded else None,
            "sealBinding": self.seal_binding,
            "checks": [
                {"name": c.name, "outcome": c.outcome, "code": c.code, "detail": c.detail}
                for c in self.checks
            ],
        }


class CheckRun:
    """Append named checks to a report; a verification error becomes a failed or undecided check."""


    def __init__(self, report: Report) -> None:
        self.report = report

    def add(self, name: str, outcome: str, code: str | None = None, detail: str = "") -> None:
        self.report.checks.append(Check(name, outcome, code, detail))

    def failed(self, name: str, error: CertificateError) -> None:
        if isinstance(error, IndeterminateError):
            self.add(name, INDETERMINATE, error.code, error.message)
        elif isinstance(error, CertificateVerificationError):
            self.add(name, FAIL, error.code, error.message)
        else:
            self.add(name, FAIL, name, str(error))
