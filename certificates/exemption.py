"""The trial-and-error liability exemption decision (试错免责决定书) as a Verifiable Credential.

Owns the decision's ``credentialSubject`` and the fixed liability statement every decision carries. The
credential itself is built by `certificates.credentials.build_credential` with the type
``SandboxLiabilityExemption`` and signed with `sign_credential`, so it is bundled, logged, printed and
verified exactly like an exit certificate. Only a granted or partly granted exemption is ever issued: a
denied decision is a letter, not a credential. Standard library and this package only.

Public API:
    LIABILITY_ZH, LIABILITY_EN                      the fixed statement of what the decision covers
    EXEMPTION_TYPE, EXEMPTION_NAMES                 the credential type and its bilingual name
    DECISIONS                                       ("granted", "partly_granted")
    ExemptionDecisionSubject(...)                   frozen subject; to_json() / from_json()
    build_exemption_decision(subject, *, issuer, valid_from, credential_id, statuses,
                             valid_until=None) -> dict                (unsigned)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from certificates._internal.encoding import nfc
from certificates._internal.timefmt import format_date, parse_date
from certificates.credentials import build_credential, is_valid_uscc
from certificates.errors import CertificateError

__all__ = [
    "DECISIONS",
    "EXEMPTION_NAMES",
    "EXEMPTION_TYPE",
    "LIABILITY_EN",
    "LIABILITY_ZH",
    "ExemptionDecisionSubject",
    "build_exemption_decision",
]

EXEMPTION_TYPE = "SandboxLiabilityExemption"
SUBJECT_TYPE = "SandboxLiabilityExemptionSubject"
EXEMPTION_NAMES = {"zh-CN": "试错免责决定书", "en": "Sandbox Liability Exemption Decision"}
DECISIONS = ("granted", "partly_granted")
LIABILITY_ZH = "本决定仅免除企业就上述事件在沙盒测试范围内的行政责任，不影响企业依法对第三方承担的民事责任。"
LIABILITY_EN = (
    "This decision covers administrative liability for the named incident within the sandbox only; "
    "it does not affect the enterprise's civil liability to third parties."
)


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CertificateError(f"{name} must be non-empty text")
    return value


@dataclass(frozen=True)
class ExemptionDecisionSubject:
    """What a liability exemption decision states about the enterprise, the incident and the ruling."""

    enterprise_name: str
    uscc: str
    project_title: str
    sector: str
    filing_number: str
    decision_number: str
    incident_title: str
    incident_date: date
    decision: str
    scope: str
    reasons: str
    decision_date: date
    legal_opinion_by: str

    def __post_init__(self) -> None:
        for name in ("enterprise_name", "project_title", "sector", "filing_number", "decision_number",
                     "incident_title", "scope", "reasons", "legal_opinion_by"):  # fmt: skip
            _text(getattr(self, name), name)
        if not is_valid_uscc(self.uscc):
            raise CertificateError(f"{self.uscc!r} is not a valid unified social credit code")
        if self.decision not in DECISIONS:
            # A denial exempts nothing, so there is nothing for a third party to rely on or verify.
            raise CertificateError(
                f"only a granted or partly granted exemption is issued, not {self.decision!r}"
            )
        format_date(self.incident_date)  # refuses datetimes and non-dates
        format_date(self.decision_date)
        if self.decision_date < self.incident_date:
            raise CertificateError("the decision cannot predate the incident it rules on")

    def to_json(self) -> dict[str, Any]:
        """Return the ``credentialSubject`` object (NFC, no floats)."""
        subject: dict[str, Any] = nfc(
            {
                "type": SUBJECT_TYPE,
                "enterprise": {"name": self.enterprise_name, "uscc": self.uscc},
                "project": {
                    "title": self.project_title,
                    "sector": self.sector,
                    "filingNumber": self.filing_number,
                },
                "incident": {"title": self.incident_title, "occurredOn": format_date(self.incident_date)},
                "decision": self.decision,
                "scope": self.scope,
                "reasons": self.reasons,
                "decisionDate": format_date(self.decision_date),
                "legalOpinionBy": self.legal_opinion_by,
                "liabilityScope": {"zh": LIABILITY_ZH, "en": LIABILITY_EN},
                "decisionNumber": self.decision_number,
            }
        )
        return subject

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExemptionDecisionSubject:
        """Parse a ``credentialSubject`` back; raise on another type or an altered liability statement."""
        try:
            if data["type"] != SUBJECT_TYPE:
                raise CertificateError(f"not a liability exemption subject: type {data['type']!r}")
            if data["liabilityScope"] != {"zh": LIABILITY_ZH, "en": LIABILITY_EN}:
                raise CertificateError("the liability statement differs from the fixed one")
            return cls(
                enterprise_name=data["enterprise"]["name"],
                uscc=data["enterprise"]["uscc"],
                project_title=data["project"]["title"],
                sector=data["project"]["sector"],
                filing_number=data["project"]["filingNumber"],
                decision_number=data["decisionNumber"],
                incident_title=data["incident"]["title"],
                incident_date=parse_date(data["incident"]["occurredOn"]),
                decision=data["decision"],
                scope=data["scope"],
                reasons=data["reasons"],
                decision_date=parse_date(data["decisionDate"]),
                legal_opinion_by=data["legalOpinionBy"],
            )
        except (KeyError, TypeError) as exc:
            raise CertificateError(f"not a liability exemption subject: missing or wrong {exc}") from exc


def build_exemption_decision(
    subject: ExemptionDecisionSubject,
    *,
    issuer: str | Mapping[str, Any],
    valid_from: datetime,
    credential_id: str,
    statuses: Sequence[Mapping[str, Any]],
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Return the unsigned ``SandboxLiabilityExemption`` credential for `subject`."""
    return build_credential(
        credential_type=EXEMPTION_TYPE,
        subject=subject.to_json(),
        issuer=issuer,
        valid_from=valid_from,
        credential_id=credential_id,
        statuses=statuses,
        valid_until=valid_until,
        names=EXEMPTION_NAMES,
    )
