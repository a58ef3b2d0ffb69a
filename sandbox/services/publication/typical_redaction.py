"""What a typical case may show and hide: the redactable facts, what hiding one implies, and the check that
the write-up does not spell out a fact it hides. Also the input model of the write-up.

Pure rules plus one lookup of the case's identifying values; no Flask.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlmodel import Field, Session, SQLModel

from sandbox.errors import N_, Message, ValidationFailed
from sandbox.models.accounts import Enterprise
from sandbox.models.cases import Case
from sandbox.services.cases.cases import nfc
from sandbox.services.common.validation import validate
from sandbox.services.trust.certificates import certificate_for_case

TEXT_FIELDS = ("title", "background", "tested", "boundaries", "results", "lessons")
# The facts a typical case shows besides its text, each of which the redaction step may hide.
REDACTABLE_FIELDS = (
    "enterprise_name",
    "uscc",
    "project_title",
    "filing_number",
    "trial_period",
    "certificate_number",
)
# Hiding who the enterprise is also hides what leads back to it: the project title, filing number and trial
# period (the public registry lists the first two and the exit date of every exited project) and the
# certificate number (its public verification page names the enterprise and its code, so it gets no QR code
# either). The same rule as the registry's: a certificate is shown publicly only beside a published name.
IMPLIED: dict[str, tuple[str, ...]] = {
    "enterprise_name": ("uscc", "project_title", "filing_number", "trial_period", "certificate_number"),
    "uscc": ("filing_number", "trial_period", "certificate_number"),
}
LEAK_MESSAGES = {
    "enterprise_name": N_(
        "This text names the enterprise, which is to be hidden: remove the name or show it."
    ),
    "uscc": N_("This text contains the unified social credit code, which is to be hidden."),
    "project_title": N_("This text contains the project title, which is to be hidden."),
    "filing_number": N_("This text contains the filing number, which is to be hidden."),
    "certificate_number": N_("This text contains the certificate number, which is to be hidden."),
}
Redactable = Literal["enterprise_name", "uscc", "project_title", "filing_number", "trial_period",
                     "certificate_number"]  # fmt: skip


class TypicalCaseInput(SQLModel):
    """The write-up and the facts to hide."""

    title: str = Field(min_length=4, max_length=200)
    background: str = Field(min_length=10, max_length=10000)
    tested: str = Field(min_length=10, max_length=10000)
    boundaries: str = Field(min_length=10, max_length=10000)
    results: str = Field(min_length=10, max_length=10000)
    lessons: str = Field(min_length=10, max_length=10000)
    redacted_fields: list[Redactable] = Field(default_factory=list)


def effective_redactions(fields: Sequence[str]) -> list[str]:
    """The fields hidden when `fields` are chosen: with what they imply, in display order."""
    chosen = set(fields)
    for field_name in list(chosen):
        chosen.update(IMPLIED.get(field_name, ()))
    return [name for name in REDACTABLE_FIELDS if name in chosen]


def identifying_values(session: Session, case: Case) -> dict[str, str]:
    """The case's values of the redactable facts that could be written into the text."""
    enterprise = session.get(Enterprise, case.enterprise_id)
    cert = certificate_for_case(session, case.id)  # type: ignore[arg-type]
    values = {
        "enterprise_name": enterprise.name if enterprise else "",
        "uscc": enterprise.uscc if enterprise else "",
        "project_title": case.title,
        "filing_number": case.filing_number or "",
        "certificate_number": cert.number if cert else "",
    }
    return {key: value for key, value in values.items() if len(value.strip()) >= 4}


def check_no_leak(session: Session, case: Case, given: TypicalCaseInput, hidden: list[str]) -> None:
    """Refuse a text that spells out a fact it hides (the enterprise consents to text, not intentions)."""
    values = identifying_values(session, case)
    errors: dict[str, list[Message]] = {}
    for name in TEXT_FIELDS:
        text = getattr(given, name).casefold()
        for field_name in hidden:
            value = values.get(field_name)
            if value and value.casefold() in text:
                errors.setdefault(name, []).append(Message(LEAK_MESSAGES[field_name]))
    if errors:
        raise ValidationFailed(errors)


def parse_input(data: dict[str, Any]) -> TypicalCaseInput:
    cleaned = {
        key: value.strip() if isinstance(value, str) else value for key, value in nfc(dict(data)).items()
    }
    return validate(TypicalCaseInput, cleaned)
