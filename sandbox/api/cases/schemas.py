"""Response and request shapes of the case API that are not table data models themselves."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel

from sandbox.models.cases import ReportKind
from sandbox.models.documents import DocumentKind
from sandbox.services.case_events.table import event_names
from sandbox.services.cases.cases import CasePublic
from workflows.states import CaseState


class CaseList(SQLModel):
    items: list[CasePublic]
    next_cursor: int | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class EventRequest(SQLModel):
    # The document lists the names of the case event table; the name itself is checked by `apply_event`,
    # after the case is found, so a case you cannot see is 404 whatever the name and an unknown name on
    # one you can see is 422 "Unknown event." (on `event`), as from the web form.
    event: str = Field(
        description="One of the event names of the case workflow, e.g. `submit`.",
        schema_extra={"json_schema_extra": {"enum": event_names()}},
    )
    note: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    expected_version: int | None = Field(default=None, description="The case version you saw (or If-Match).")


class CaseEventPublic(SQLModel):
    id: int
    seq: int
    event: str = Field(description="A workflow event, or a record-only one (`record_only`: no state change).")
    label_zh: str = ""
    label_en: str = ""
    record_only: bool = Field(
        default=False, description="Assignments and two-person steps: written to the chain, never fired."
    )
    from_state: CaseState
    to_state: CaseState
    actor_id: int | None
    actor_role: str
    note: str
    payload: dict[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str


class EventResponse(SQLModel):
    case: CasePublic
    event: CaseEventPublic


class History(SQLModel):
    intact: bool
    broken_at_seq: int | None = None
    problem: str | None = None
    events: list[CaseEventPublic]


class AvailableEvent(SQLModel):
    event: str
    label_zh: str
    label_en: str


class AvailableEvents(SQLModel):
    state: CaseState
    version: int
    events: list[AvailableEvent]


class DocumentPublic(SQLModel):
    id: int
    case_id: int
    kind: DocumentKind
    filename: str
    version: int
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int
    uploaded_at: datetime
    material_id: str | None = Field(
        default=None, description="For a filing material: the sector pack's material it provides."
    )


class MaterialPublic(SQLModel):
    """One material the sector requires, and the latest document uploaded for it (null: none yet)."""

    id: str
    zh: str
    en: str
    status: str = Field(description='"uploaded" or "missing"')
    document: DocumentPublic | None


class MaterialChecklistPublic(SQLModel):
    sector: str
    submitted: int = Field(description="How many of the materials are uploaded.")
    total: int
    items: list[MaterialPublic]


class PlanVersionPublic(SQLModel):
    number: int
    title: str
    data_categories: list[str]
    plan: dict[str, Any]
    frozen_at: datetime
    frozen_by_id: int


class FieldChangePublic(SQLModel):
    field: str
    before: Any
    after: Any


class PlanVersions(SQLModel):
    versions: list[PlanVersionPublic]
    changes_since_previous: list[list[FieldChangePublic]]


class RiskItemPublic(SQLModel):
    id: str
    zh: str
    en: str
    weight: int
    answer: str | None


class RiskAssessmentPublic(SQLModel):
    sector: str
    items: list[RiskItemPublic]
    derived_level: str
    risk_level: str | None


class EvaluationPublic(SQLModel):
    id: int
    evaluator_id: int
    scores: dict[str, int]
    conclusion: str
    created_at: datetime
    passes: bool


class ReportPublic(SQLModel):
    id: int
    kind: ReportKind
    title: str
    body: str
    occurred_on: date | None
    filed_by_id: int
    filed_at: datetime


class GuidancePublic(SQLModel):
    id: int
    text: str
    issued_by_id: int
    issued_at: datetime
    acknowledged_by_id: int | None
    acknowledged_at: datetime | None


class NotificationPublic(SQLModel):
    id: int
    case_id: int | None
    kind: str
    text: str
    created_at: datetime
    read_at: datetime | None


class NotificationList(SQLModel):
    items: list[NotificationPublic]
    total: int
    unread: int
