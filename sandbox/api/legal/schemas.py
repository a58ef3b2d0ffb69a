"""Shapes of the dispute and liability-exemption API: requests (reusing the services' input models, so
the OpenAPI document states the same limits the services enforce) and responses, with the builders that
turn rows into them. Lookups (organisations, people) are done by the caller and passed in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from sandbox.models.accounts import Organisation, User
from sandbox.models.cases import Case, TrialReport
from sandbox.models.disputes import (
    Dispute,
    DisputeKind,
    DisputeMessage,
    EvidenceItem,
    EvidenceKind,
    ExemptionRequest,
    ExemptionStage,
)
from sandbox.services.legal.dispute_records import DisputeInput
from sandbox.services.legal.disputes import ActionInput
from sandbox.services.legal.evidence import EvidenceInput, MessageInput
from sandbox.services.legal.exemptions import OpinionInput
from workflows.disputes import ACTION_LABELS, STAGE_LABELS, DisputeAction, DisputeStage
from workflows.states import CaseState

VERSION = Field(default=None, description="The version you saw (or send it as If-Match).")

# --- requests -------------------------------------------------------------------------------------


class DisputeCreate(DisputeInput):
    """Raise a dispute (fires `raise_dispute`); If-Match / `expected_version` is the case's version."""

    legal_partner_org_id: int = Field(description="The mediation centre, court liaison or law firm.")
    expected_version: int | None = VERSION


class DisputeActionRequest(ActionInput):
    """Move the dispute on; If-Match / `expected_version` is the dispute's version."""

    action: DisputeAction
    outcome: str = Field(
        default="",
        max_length=20,
        description=(
            "Required to settle or record a judgment. A dispute about a decision: `upheld` or `overturned`; "
            "a contract dispute: `settled`, `partially_settled` or `not_settled`. An outcome that does not "
            "fit the dispute's kind is refused with 422."
        ),
    )
    expected_version: int | None = VERSION


class DisputeAssigneeRequest(BaseModel):
    assignee_id: int = Field(description="An active legal partner of the dispute's organisation.")


class DisputeMessageCreate(MessageInput):
    """JSON `{body}`, or multipart/form-data with `body` and one or more `files` (each becomes evidence)."""


class EvidenceCreate(EvidenceInput):
    """JSON `{title, statement}` for a written statement, or multipart/form-data with `title` and `file`."""


class EvidenceWithdrawal(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class ExemptionCreate(BaseModel):
    """Apply for an exemption (fires `apply_exemption`); If-Match / `expected_version`: the case's version."""

    incident_id: int = Field(description="One of the case's incident reports.")
    legal_partner_org_id: int = Field(description="The organisation asked for the legal opinion.")
    good_faith_explanation: str = Field(min_length=1, max_length=10000)
    note: str = ""
    expected_version: int | None = VERSION


class ExemptionOpinionRequest(OpinionInput):
    expected_version: int | None = VERSION


class ExemptionDecisionRequest(BaseModel):
    """The regulator's decision (fires `decide_exemption`); needs the legal opinion on file."""

    decision: Literal["granted", "partly_granted", "denied"]
    scope: str = Field(default="", max_length=5000, description="Required for a partial grant.")
    reasons: str = Field(min_length=1, max_length=10000)
    expected_version: int | None = VERSION


# --- responses ------------------------------------------------------------------------------------


class CaseSummary(BaseModel):
    id: int
    title: str
    filing_number: str | None
    state: CaseState


class OrganisationSummary(BaseModel):
    id: int
    name: str


class PersonSummary(BaseModel):
    id: int
    display_name: str
    role: str


class Complainant(BaseModel):
    name: str
    contact: str | None = Field(description="Shown to regulators and the legal partner only.")


class DisputeDeadlines(BaseModel):
    acknowledge_due: date | None
    mediation_due: date | None


class DisputeActionOption(BaseModel):
    action: DisputeAction
    label_zh: str
    label_en: str


class DisputePublic(BaseModel):
    id: int
    case: CaseSummary
    kind: DisputeKind
    stage: DisputeStage
    stage_label_zh: str
    stage_label_en: str
    raised_by_role: str
    case_state_at_opening: CaseState
    claim: str
    remedy: str
    complainant: Complainant | None
    counterparty_org_id: int | None = Field(
        default=None, description="A contract dispute's other party (a service-provider organisation)."
    )
    organisation: OrganisationSummary
    assignee: PersonSummary | None
    deadlines: DisputeDeadlines
    acknowledged_at: datetime | None
    court_name: str | None
    court_case_number: str | None
    outcome: str | None
    resolution: str
    version: int
    created_at: datetime
    closed_at: datetime | None
    actions: list[DisputeActionOption] = Field(description="What you may do now (POST …/actions).")


class DisputeList(BaseModel):
    items: list[DisputePublic]
    total: int
    page: int
    per_page: int


class EvidencePublic(BaseModel):
    id: int
    dispute_id: int
    message_id: int | None
    kind: EvidenceKind
    title: str
    filename: str
    content_type: str
    size: int
    sha256: str
    added_by_id: int
    added_by_role: str
    added_at: datetime
    withdrawn_at: datetime | None
    withdrawn_by_id: int | None
    withdrawal_reason: str | None
    download: str


class DisputeMessagePublic(BaseModel):
    id: int
    dispute_id: int
    author_id: int
    author_role: str
    author_name: str | None
    body: str
    created_at: datetime
    attachments: list[EvidencePublic]


class IncidentSummary(BaseModel):
    id: int
    title: str
    occurred_on: date | None


class ExemptionLinks(BaseModel):
    certificate: str = Field(description="The signed decision's bundle (public).")
    certificate_pdf: str


class ExemptionPublic(BaseModel):
    id: int
    case: CaseSummary
    stage: ExemptionStage
    incident: IncidentSummary
    explanation: str
    record: dict[str, Any] = Field(description="What the platform pre-filled when the request was made.")
    organisation: OrganisationSummary
    opinion: str | None
    opinion_recommendation: str | None
    opinion_at: datetime | None
    decision: str | None
    decision_scope: str | None
    decision_reasons: str | None
    decided_at: datetime | None
    certificate_id: str | None
    links: ExemptionLinks | None = Field(description="Present when a decision was issued as a credential.")
    version: int
    created_at: datetime


class ExemptionList(BaseModel):
    items: list[ExemptionPublic]
    total: int
    page: int
    per_page: int


# --- builders -------------------------------------------------------------------------------------


def case_summary(case: Case) -> CaseSummary:
    return CaseSummary(id=case.id, title=case.title, filing_number=case.filing_number, state=case.state)


def organisation_summary(organisation: Organisation) -> OrganisationSummary:
    return OrganisationSummary(id=organisation.id, name=organisation.name)


def person_summary(user: User | None) -> PersonSummary | None:
    return PersonSummary(id=user.id, display_name=user.display_name, role=user.role.value) if user else None


def dispute_public(
    dispute: Dispute,
    case: Case,
    *,
    organisation: Organisation,
    assignee: User | None,
    actions: list[DisputeAction],
    show_contact: bool,
) -> DisputePublic:
    complainant = None
    if dispute.complainant_name:
        contact = dispute.complainant_contact if show_contact else None
        complainant = Complainant(name=dispute.complainant_name, contact=contact)
    zh, en = STAGE_LABELS[dispute.stage]
    return DisputePublic(
        **dispute.model_dump(include=set(DisputePublic.model_fields) & set(Dispute.model_fields)),
        case=case_summary(case),
        stage_label_zh=zh,
        stage_label_en=en,
        complainant=complainant,
        organisation=organisation_summary(organisation),
        assignee=person_summary(assignee),
        deadlines=DisputeDeadlines(
            acknowledge_due=dispute.acknowledge_due, mediation_due=dispute.mediation_due
        ),
        actions=[
            DisputeActionOption(action=a, label_zh=ACTION_LABELS[a][0], label_en=ACTION_LABELS[a][1])
            for a in actions
        ],
    )


def evidence_public(item: EvidenceItem) -> EvidencePublic:
    return EvidencePublic(
        **item.model_dump(),
        download=f"/api/v1/disputes/{item.dispute_id}/evidence/{item.id}",
    )


def message_public(
    message: DisputeMessage, author: User | None, attachments: list[EvidenceItem]
) -> DisputeMessagePublic:
    return DisputeMessagePublic(
        **message.model_dump(),
        author_name=author.display_name if author else None,
        attachments=[evidence_public(item) for item in attachments],
    )


def exemption_public(
    request: ExemptionRequest, case: Case, *, incident: TrialReport, organisation: Organisation
) -> ExemptionPublic:
    links = None
    if request.certificate_id:
        url = f"/api/v1/certificates/{request.certificate_id}"
        links = ExemptionLinks(certificate=url, certificate_pdf=f"{url}/pdf")
    return ExemptionPublic(
        **request.model_dump(include=set(ExemptionPublic.model_fields) & set(ExemptionRequest.model_fields)),
        case=case_summary(case),
        incident=IncidentSummary(id=incident.id, title=incident.title, occurred_on=incident.occurred_on),
        organisation=organisation_summary(organisation),
        links=links,
    )
