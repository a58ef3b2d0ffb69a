"""Verifiable Credential 2.0 documents: the exit certificate and the generic builder behind it.

Owns the JSON shape of what we sign: ``@context`` (VC v2 + our context, both on the proof
allow-list), ``type``, ``issuer``, ``validFrom``/``validUntil``, ``credentialStatus`` entries and
the ``credentialSubject``. Every string is NFC-normalised and floats are refused, so the signed
bytes are the same in every JCS implementation. The liability-exemption decision
(`certificates.exemption`) reuses `build_credential` with ``credential_type="SandboxLiabilityExemption"``.

Public API:
    VC_V2_CONTEXT, SANDBOX_CONTEXT                 the two @context URLs we issue with
    TestedBoundary(value: int | str, unit: str)   one tested trial boundary
    ExitCertificateSubject(...)                   frozen subject; to_json() / from_json()
    build_credential(*, credential_type, subject, issuer, valid_from, credential_id, statuses,
                     valid_until=None, names=None) -> dict          (unsigned)
    build_exit_certificate(subject, *, issuer, valid_from, credential_id, statuses,
                           valid_until=None) -> dict                 (unsigned)
    sign_credential(credential, signing_key, *, created, sm2_key=None) -> dict
                     (adds the eddsa-jcs-2022 proof and, with an SM2 key, the sm2-jcs-2026 proof
                     beside it as a proof set; each verificationMethod is ``<issuer id>#<kid>``)
    is_valid_uscc(text) -> bool                    GB 32100-2015 check character
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from certificates._internal.encoding import nfc, reject_floats
from certificates._internal.statuscheck import check_status_entry
from certificates._internal.timefmt import format_date, format_utc, parse_date, utc_seconds
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.keys import SigningKey
from certificates.proofs import SANDBOX_CONTEXT, VC_V2_CONTEXT
from certificates.proofset import secure

__all__ = [
    "SANDBOX_CONTEXT",
    "VC_V2_CONTEXT",
    "ExitCertificateSubject",
    "TestedBoundary",
    "build_credential",
    "build_exit_certificate",
    "is_valid_uscc",
    "sign_credential",
]

EXIT_CERTIFICATE_NAMES = {"zh-CN": "数据监管沙盒出盒证明", "en": "Data Regulatory Sandbox Exit Certificate"}

_TYPE_RE = re.compile(r"^[A-Z][A-Za-z0-9]{2,63}$")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def is_valid_uscc(text: str) -> bool:
    """Return True if `text` is an 18-character USCC with a correct GB 32100-2015 check character."""
    if not isinstance(text, str) or len(text) != 18 or any(c not in _USCC_ALPHABET for c in text):
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(text[:17], _USCC_WEIGHTS, strict=True))
    return text[17] == _USCC_ALPHABET[(31 - total % 31) % 31]


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CertificateError(f"{name} must be non-empty text")
    return value


@dataclass(frozen=True)
class TestedBoundary:
    """A trial boundary as tested, e.g. ``TestedBoundary(40, "km/h")``; never a float."""

    __test__ = False  # not a pytest test class, despite the name

    value: int | str
    unit: str

    def __post_init__(self) -> None:
        if isinstance(self.value, float):
            raise CertificateError(
                f"boundary value {self.value!r} is a float; use an integer in a finer unit or a string"
            )
        if isinstance(self.value, bool) or not isinstance(self.value, (int, str)):
            raise CertificateError("a boundary value is an integer or a string")
        if not isinstance(self.unit, str):
            raise CertificateError("a boundary unit is a string (may be empty for counts)")

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit}


@dataclass(frozen=True)
class ExitCertificateSubject:
    """What an exit certificate states about the enterprise and its sandbox project."""

    enterprise_name: str
    uscc: str
    project_title: str
    sector: str
    filing_number: str
    trial_start: date
    trial_end: date
    exit_date: date
    outcome: str
    certificate_number: str
    tested_boundaries: Mapping[str, TestedBoundary] = field(default_factory=dict)
    conditions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("enterprise_name", "project_title", "sector", "filing_number", "outcome"):
            _text(getattr(self, name), name)
        _text(self.certificate_number, "certificate_number")
        if not is_valid_uscc(self.uscc):
            raise CertificateError(f"{self.uscc!r} is not a valid unified social credit code")
        for name in ("trial_start", "trial_end", "exit_date"):
            format_date(getattr(self, name))  # refuses datetimes and non-dates
        if not self.trial_start <= self.trial_end or self.exit_date < self.trial_start:
            raise CertificateError("trial period and exit date are out of order")
        try:
            boundaries = {
                _text(name, "boundary name"): b if isinstance(b, TestedBoundary) else TestedBoundary(**b)
                for name, b in dict(self.tested_boundaries).items()
            }
        except TypeError as exc:
            raise CertificateError(f"a tested boundary is {{value, unit}}: {exc}") from exc
        object.__setattr__(self, "tested_boundaries", boundaries)
        object.__setattr__(self, "conditions", tuple(_text(c, "condition") for c in self.conditions))

    def to_json(self) -> dict[str, Any]:
        """Return the ``credentialSubject`` object (NFC, no floats)."""
        subject: dict[str, Any] = nfc(
            {
                "type": "SandboxExitSubject",
                "enterprise": {"name": self.enterprise_name, "uscc": self.uscc},
                "project": {
                    "title": self.project_title,
                    "sector": self.sector,
                    "filingNumber": self.filing_number,
                },
                "trialPeriod": {"start": format_date(self.trial_start), "end": format_date(self.trial_end)},
                "testedBoundaries": {k: v.to_json() for k, v in self.tested_boundaries.items()},
                "conditions": list(self.conditions),
                "exitDate": format_date(self.exit_date),
                "outcome": self.outcome,
                "certificateNumber": self.certificate_number,
            }
        )
        return subject

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExitCertificateSubject:
        """Parse a ``credentialSubject`` back (for display and the PDF); raise on anything odd."""
        try:
            return cls(
                enterprise_name=data["enterprise"]["name"],
                uscc=data["enterprise"]["uscc"],
                project_title=data["project"]["title"],
                sector=data["project"]["sector"],
                filing_number=data["project"]["filingNumber"],
                trial_start=parse_date(data["trialPeriod"]["start"]),
                trial_end=parse_date(data["trialPeriod"]["end"]),
                exit_date=parse_date(data["exitDate"]),
                outcome=data["outcome"],
                certificate_number=data["certificateNumber"],
                tested_boundaries=dict(data.get("testedBoundaries", {})),
                conditions=tuple(data.get("conditions", ())),
            )
        except (KeyError, TypeError) as exc:
            raise CertificateError(f"not an exit certificate subject: missing or wrong {exc}") from exc


def _issuer_id(issuer: object) -> str:
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not isinstance(issuer_id, str) or ":" not in issuer_id:
        raise CertificateError("issuer must be a URL or DID, or an object with such an id")
    return issuer_id


def build_credential(
    *,
    credential_type: str,
    subject: Mapping[str, Any],
    issuer: str | Mapping[str, Any],
    valid_from: datetime,
    credential_id: str,
    statuses: Sequence[Mapping[str, Any]],
    valid_until: datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return an unsigned VC 2.0 credential of `credential_type` (NFC text, floats refused)."""
    if not isinstance(credential_type, str) or not _TYPE_RE.match(credential_type):
        raise CertificateError(f"invalid credential type {credential_type!r}")
    if credential_type == "VerifiableCredential":
        raise CertificateError("credential_type names the specific type, not VerifiableCredential")
    if not isinstance(credential_id, str) or ":" not in credential_id:
        raise CertificateError("credential_id must be a URI such as urn:uuid:…")
    _issuer_id(issuer)
    if not isinstance(subject, Mapping) or not subject:
        raise CertificateError("credentialSubject must be a non-empty object")
    for entry in statuses:
        try:
            check_status_entry(entry)
        except CertificateVerificationError as exc:
            raise CertificateError(f"bad credentialStatus entry: {exc.message}") from exc
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, SANDBOX_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", credential_type],
    }
    if names:
        # VC 2.0 language value objects: the reader picks its language, nothing is translated.
        credential["name"] = [{"@value": text, "@language": lang} for lang, text in names.items()]
    credential["issuer"] = issuer if isinstance(issuer, str) else dict(issuer)
    credential["validFrom"] = format_utc(valid_from)
    if valid_until is not None:
        if utc_seconds(valid_until) <= utc_seconds(valid_from):
            raise CertificateError("validUntil must be after validFrom")
        credential["validUntil"] = format_utc(valid_until)
    credential["credentialSubject"] = dict(subject)
    if statuses:
        credential["credentialStatus"] = [dict(entry) for entry in statuses]
    normalised: dict[str, Any] = nfc(credential)
    reject_floats(normalised)
    return normalised


def build_exit_certificate(
    subject: ExitCertificateSubject,
    *,
    issuer: str | Mapping[str, Any],
    valid_from: datetime,
    credential_id: str,
    statuses: Sequence[Mapping[str, Any]],
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Return the unsigned ``SandboxExitCertificate`` credential for `subject`."""
    return build_credential(
        credential_type="SandboxExitCertificate",
        subject=subject.to_json(),
        issuer=issuer,
        valid_from=valid_from,
        credential_id=credential_id,
        statuses=statuses,
        valid_until=valid_until,
        names=EXIT_CERTIFICATE_NAMES,
    )


def sign_credential(
    credential: Mapping[str, Any],
    signing_key: SigningKey,
    *,
    created: datetime,
    sm2_key: SigningKey | None = None,
) -> dict[str, Any]:
    """Add the eddsa-jcs-2022 proof and, given `sm2_key`, the sm2-jcs-2026 proof beside it (a proof
    set over the same document); each verificationMethod is ``<issuer id>#<kid>``."""
    signers = [signing_key, *([sm2_key] if sm2_key is not None else [])]
    for key in signers:
        if key.use != "assertion":
            raise CertificateError(f"credentials are signed with an assertion key, not a {key.use} key")
    issuer = _issuer_id(credential.get("issuer"))
    return secure(credential, [(key, f"{issuer}#{key.kid}") for key in signers], created=created)
