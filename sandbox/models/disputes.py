"""Disputes and liability-exemption requests: the records behind the `dispute` and `liability_exemption`
hold states of a case.

A `Dispute` is handled by a legal-partner organisation; its stages follow `workflows.disputes`. Evidence
items are content-addressed (SHA-256 of the stored bytes, statements included) and never change once
added — a withdrawn item keeps its bytes and gains only the withdrawal's who, when and why. An
`ExemptionRequest` keeps the record the platform pre-filled when it was made, the legal partner's opinion
and the regulator's decision; a granted decision points at its signed credential.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, enum_column, utcnow
from workflows.disputes import DisputeStage
from workflows.states import CaseState


class DisputeKind(enum.StrEnum):
    APPEAL = "appeal"  # the applicant appeals a regulator's decision
    PROCESS_COMPLAINT = "process_complaint"  # the applicant complains about how the case was handled
    THIRD_PARTY_COMPLAINT = "third_party_complaint"  # recorded by a regulator for a user or third party
    CONTRACT = "contract"
    # The enterprise asks the office to review the revocation of its exit certificate (复核); outside the
    # case state machine: the case stays exited (`workflows.records`, `services.certificate_reviews`).
    CERTIFICATE_REVIEW = "certificate_review"


class Dispute(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: DisputeKind = Field(sa_column=enum_column(DisputeKind, nullable=False))
    stage: DisputeStage = Field(
        default=DisputeStage.OPENED, sa_column=enum_column(DisputeStage, nullable=False, index=True)
    )
    # The case state the dispute was raised from, and the decision it appeals (rejected/terminated).
    case_state_at_opening: CaseState = Field(sa_column=enum_column(CaseState, nullable=False))
    raised_by_id: int = Field(foreign_key="user.id")
    raised_by_role: str = Field(max_length=32)
    complainant_name: str | None = Field(default=None, max_length=200)
    complainant_contact: str | None = Field(default=None, max_length=200)
    # A contract dispute's other party: a service provider of the approved pool, whose users see the
    # mediation agreement and confirm it for their side (the case's enterprise is the first party).
    counterparty_org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    claim: str = Field(max_length=10000)
    remedy: str = Field(default="", max_length=5000)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    acknowledge_due: date | None = None
    mediation_due: date | None = None
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    court_name: str | None = Field(default=None, max_length=200)
    court_case_number: str | None = Field(default=None, max_length=100)
    # upheld (the decision stands) or overturned for a decision dispute; settled, partially_settled or
    # not_settled for a contract dispute; or withdrawn. Set when the case leaves the dispute.
    outcome: str | None = Field(default=None, max_length=20)
    resolution: str = Field(default="", max_length=10000)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DisputeMessage(SQLModel, table=True):
    """One message between the parties; append-only. Attachments are evidence items pointing here."""

    __tablename__ = "dispute_message"

    id: int | None = Field(default=None, primary_key=True)
    dispute_id: int = Field(foreign_key="dispute.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    author_role: str = Field(max_length=32)
    body: str = Field(max_length=10000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MediationAgreement(SQLModel, table=True):
    """调解协议书: the terms the mediator recorded for a (partly) settled contract dispute, and each
    party's confirmation of exactly those terms. Terms are fixed once a party has confirmed them."""

    __tablename__ = "mediation_agreement"

    id: int | None = Field(default=None, primary_key=True)
    dispute_id: int = Field(foreign_key="dispute.id", unique=True)
    items: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    terms: str = Field(default="", max_length=10000)
    mediator_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    enterprise_confirmed_by_id: int | None = Field(default=None, foreign_key="user.id")
    enterprise_confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    counterparty_confirmed_by_id: int | None = Field(default=None, foreign_key="user.id")
    counterparty_confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1


class EvidenceKind(enum.StrEnum):
    FILE = "file"
    STATEMENT = "statement"


class EvidenceItem(SQLModel, table=True):
    """One piece of evidence: bytes stored content-addressed, time-stamped by the platform, immutable."""

    __tablename__ = "evidence_item"

    id: int | None = Field(default=None, primary_key=True)
    dispute_id: int = Field(foreign_key="dispute.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="dispute_message.id")
    kind: EvidenceKind = Field(sa_column=enum_column(EvidenceKind, nullable=False))
    title: str = Field(max_length=200)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64, index=True)
    added_by_id: int = Field(foreign_key="user.id")
    added_by_role: str = Field(max_length=32)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_by_id: int | None = Field(default=None, foreign_key="user.id")
    withdrawal_reason: str | None = Field(default=None, max_length=2000)


class ExemptionStage(enum.StrEnum):
    AWAITING_OPINION = "awaiting_opinion"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class ExemptionRequest(SQLModel, table=True):
    __tablename__ = "exemption_request"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    stage: ExemptionStage = Field(
        default=ExemptionStage.AWAITING_OPINION,
        sa_column=enum_column(ExemptionStage, nullable=False, index=True),
    )
    incident_id: int = Field(foreign_key="trial_report.id")
    explanation: str = Field(max_length=10000)
    # boundaries, guidance and acknowledgements, reports and their timeliness, deviations — as of applying
    record: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    applicant_id: int = Field(foreign_key="user.id")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    opinion: str | None = Field(default=None, max_length=20000)
    # support, partly_support or oppose
    opinion_recommendation: str | None = Field(default=None, max_length=20)
    opinion_by_id: int | None = Field(default=None, foreign_key="user.id")
    opinion_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision: str | None = Field(default=None, max_length=20)
    decision_scope: str | None = Field(default=None, max_length=5000)
    decision_reasons: str | None = Field(default=None, max_length=10000)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    certificate_id: str | None = Field(default=None, foreign_key="certificate.id", max_length=32)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
