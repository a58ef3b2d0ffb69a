"""Sandbox projects: the case row, its hash-chained history, plan versions, assessment and evaluation.

`Case.state` is written only by `workflows.fire` (through `services.workflow.apply_event`); `version`
increases by one per accepted event and per edit, and a stale version is refused with 409.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, enum_column, utcnow
from workflows.assessment import RiskLevel
from workflows.states import CaseState


class Case(SQLModel, table=True):
    # The public registry lists filed cases in filing order, within a sector or a stage too; the id in
    # each index lets the page's ids be read from the index alone (PostgreSQL's index-only scan).
    __table_args__ = (
        sa.Index("ix_case_filing_order_id", "filing_order", "id"),
        sa.Index("ix_case_sector_filing_order", "sector", "filing_order", "id"),
        sa.Index("ix_case_state_filing_order", "state", "filing_order", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    created_by_id: int = Field(foreign_key="user.id")
    title: str = Field(max_length=200)
    sector: str = Field(max_length=40, index=True)
    data_categories: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    # objectives, boundaries {param: value}, duration_months, risk_controls, exit_plan, consumer_protection
    plan: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    commitment_accepted_by_id: int | None = Field(default=None, foreign_key="user.id")
    commitment_accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    state: CaseState = Field(
        default=CaseState.DRAFT, sa_column=enum_column(CaseState, nullable=False, index=True)
    )
    hold_return_state: CaseState | None = Field(default=None, sa_column=enum_column(CaseState, nullable=True))
    decision_state: CaseState | None = Field(default=None, sa_column=enum_column(CaseState, nullable=True))
    version: int = 1

    filing_number: str | None = Field(default=None, max_length=20, sa_column_kwargs={"unique": True})
    # The filing number as a number, year × 10⁹ + sequence (`services.common.filing.filing_order`), so
    # that YZSB-2026-10000 comes after YZSB-2026-9999: the registry's order and its year ranges.
    filing_order: int | None = Field(default=None, sa_type=sa.BigInteger, unique=True, index=True)
    # The 办件查询码 for the public progress page: only its SHA-256 is kept; the receipt issued with it
    # (the one copy that prints the code) is stored content-addressed under `receipt_sha256`.
    progress_code_hash: str | None = Field(default=None, max_length=64)
    progress_code_issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    receipt_sha256: str | None = Field(default=None, max_length=64)
    case_officer_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    assessor_org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    legal_org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    # The second regulator the exit decision was sent to for review (提交复核), who is told and finds it
    # first on the workbench; set by `services.cases.exit_review`.
    exit_reviewer_id: int | None = Field(default=None, foreign_key="user.id", index=True)

    risk_answers: dict[str, str] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    risk_level: RiskLevel | None = Field(default=None, sa_column=enum_column(RiskLevel, nullable=True))
    risk_level_reason: str | None = Field(default=None, max_length=2000)
    conditions: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    trial_boundaries: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    trial_start: date | None = None
    trial_end: date | None = None

    # The stage clock: when the current stage started, its deadline, and the days left while paused.
    stage_entered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    stage_due: date | None = Field(default=None, index=True)
    stage_due_provisional: bool = False
    paused_days_left: int | None = None
    overdue: bool = Field(default=False, index=True)

    # Head of the hash chain, so that deleting the newest event is detected too.
    event_count: int = 0
    history_head: str = Field(default="0" * 64, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseEvent(SQLModel, table=True):
    """One fired event; append-only. `hash` = SHA-256(prev_hash ‖ RFC 8785 form of the event)."""

    __tablename__ = "case_event"
    __table_args__ = (sa.UniqueConstraint("case_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    seq: int
    event: str = Field(max_length=40)
    from_state: CaseState = Field(sa_column=enum_column(CaseState, nullable=False))
    to_state: CaseState = Field(sa_column=enum_column(CaseState, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_role: str = Field(max_length=32)
    note: str = Field(default="", max_length=10000)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class PlanVersion(SQLModel, table=True):
    """The plan as submitted: each submit and resubmit freezes one version."""

    __tablename__ = "plan_version"
    __table_args__ = (sa.UniqueConstraint("case_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    number: int
    title: str = Field(max_length=200)
    data_categories: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    plan: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    frozen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    frozen_by_id: int = Field(foreign_key="user.id")


class Evaluation(SQLModel, table=True):
    """An exit evaluation: scores 1–5 per dimension and for commitment fulfilment, by one evaluator."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    evaluator_id: int = Field(foreign_key="user.id")
    scores: dict[str, int] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    conclusion: str = Field(max_length=5000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VerificationResult(enum.StrEnum):
    PASSED = "passed"
    PASSED_WITH_CONDITIONS = "passed_with_conditions"
    FAILED = "failed"


class VerificationConclusion(SQLModel, table=True):
    """The testing lab's technical verification conclusion: result, findings and the signed report file.

    Append-only: a later conclusion supersedes an earlier one; the newest decides `pass_verification`.
    """

    __tablename__ = "verification_conclusion"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    result: VerificationResult = Field(sa_column=enum_column(VerificationResult, nullable=False))
    findings: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    summary: str = Field(default="", max_length=5000)
    document_id: int = Field(foreign_key="document.id")
    submitted_by_id: int = Field(foreign_key="user.id")
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReportKind(enum.StrEnum):
    PERIODIC = "periodic"
    INCIDENT = "incident"
    # The enterprise asks the office to extend the trial; the office decides with `extend_trial`.
    EXTENSION_REQUEST = "extension_request"


class TrialReport(SQLModel, table=True):
    """A periodic or incident report the enterprise files during the trial."""

    __tablename__ = "trial_report"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: ReportKind = Field(sa_column=enum_column(ReportKind, nullable=False))
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000)
    occurred_on: date | None = None
    requested_end: date | None = None
    filed_by_id: int = Field(foreign_key="user.id")
    filed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GuidanceItem(SQLModel, table=True):
    """A regulator's guidance to the enterprise, acknowledged by the enterprise."""

    __tablename__ = "guidance_item"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    text: str = Field(max_length=5000)
    issued_by_id: int = Field(foreign_key="user.id")
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="user.id")
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FilingSequence(SQLModel, table=True):
    """The last filing number used per year; locked while a number is taken, so numbers never gap."""

    __tablename__ = "filing_sequence"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_value: int = 0


class CaseTally(SQLModel, table=True):
    """How many cases share one combination of the facts the lists count by (state, sector, overdue flag,
    registry entry and filing year): the queue and registry counts read these rows, never the case table.

    Kept exact by `services.cases.tallies` in the transaction of every change that moves a case; derived
    data, so a backup leaves it out and a restore (or `flask counts rebuild`) counts it again.
    """

    __tablename__ = "case_tally"
    __table_args__ = (sa.UniqueConstraint("state", "sector", "overdue", "registered", "filing_year"),)

    id: int | None = Field(default=None, primary_key=True)
    state: CaseState = Field(sa_column=enum_column(CaseState, nullable=False))
    sector: str = Field(max_length=40)
    overdue: bool
    registered: bool  # in the public registry (its filing was accepted)
    filing_year: int  # 0: no filing number
    cases: int = 0
