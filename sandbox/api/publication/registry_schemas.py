"""Shapes of the publication consent and public registry API, for responses and the OpenAPI file.

A registry entry carries the optional facts only when the enterprise consented to publish them: a key
that was not consented is absent from the JSON (not null); `published_fields` lists the present ones.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sandbox.models.publication import PUBLISHABLE_FIELDS

FIELDS_HELP = "Fields the enterprise consents to publish: " + ", ".join(PUBLISHABLE_FIELDS)


class ConsentUpdate(BaseModel):
    fields: list[str] = Field(description=FIELDS_HELP)


class ConsentRecordDocument(BaseModel):
    fields: list[str]
    given_at: datetime
    given_by_id: int
    given_by_name: str


class ConsentDocument(BaseModel):
    case_id: int
    fields: list[str] = Field(description="The consent in force (empty: only the always-public facts)")
    changeable: bool = Field(description="False once the filing is accepted and the project published")
    can_change: bool = Field(description="Whether the caller may change it now")
    publishable_fields: list[str]
    history: list[ConsentRecordDocument] = Field(description="Every decision, oldest first")


class LocalisedText(BaseModel):
    zh: str
    en: str


class BoundaryDocument(BaseModel):
    parameter: str
    label: LocalisedText
    value: LocalisedText


class TrialPeriodDocument(BaseModel):
    start: date | None
    end: date | None
    planned_months: int | None


class ExitDocument(BaseModel):
    """The exit of a project. The certificate names the enterprise, so its id, number, link and the date
    of a suspension or revocation are present only where the enterprise consented to publishing its name;
    whether it is in force is always stated."""

    exited_on: date
    certificate_status: str = Field(description="active | suspended | revoked")
    certificate_status_name: LocalisedText
    certificate_id: str | None = None
    certificate_number: str | None = None
    verification_url: str | None = Field(default=None, description="Its public verification page")
    status_changed_on: date | None = Field(
        default=None, description="The day (Beijing time) of the suspension or revocation in force"
    )


class RegistryEntryDocument(BaseModel):
    filing_number: str
    sector: str
    sector_name: LocalisedText
    stage: str
    stage_name: LocalisedText
    filing_year: int | None
    exit: ExitDocument | None
    published_fields: list[str] = Field(description="The consented facts present in this entry")
    enterprise_name: str | None = None
    uscc: str | None = None
    title: str | None = None
    objectives: str | None = None
    data_categories: list[str] | None = None
    trial_boundaries: list[BoundaryDocument] | None = None
    trial_period: TrialPeriodDocument | None = None
    risk_level: str | None = Field(default=None, description="low | medium | high")


class RegistryList(BaseModel):
    items: list[RegistryEntryDocument]
    page: int
    per_page: int
    total: int
