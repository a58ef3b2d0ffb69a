"""Shapes of the typical-case API: the public projection (the service's `TypicalCasePublic` itself: hidden
facts are null and listed in `hidden`), the office's record with its preview, and the requests (reusing the
service's input model, so the OpenAPI document states the limits the service enforces)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sandbox.models.cases import Case
from sandbox.models.publication import TypicalCase, TypicalCaseStatus
from sandbox.services.publication.typical_public import TypicalCasePublic
from sandbox.services.publication.typical_redaction import TypicalCaseInput

VERSION = Field(default=None, description="The version of the text you saw (or send it as If-Match).")


class TypicalCaseCreate(TypicalCaseInput):
    """The write-up of an exited case and the facts to hide (`redacted_fields`); hiding the enterprise
    name or credit code also hides what leads back to it (project title, filing and certificate numbers)."""


class TypicalCaseUpdate(TypicalCaseInput):
    """The whole revised text; it goes back to the enterprise for its approval."""

    expected_version: int | None = VERSION


class TypicalCaseDecisionRequest(BaseModel):
    """The enterprise's decision on one version of the text (its applicants only)."""

    decision: Literal["approve", "decline"]
    note: str = Field(default="", max_length=5000, description="Required when declining.")
    expected_version: int | None = Field(
        default=None, description="The version decided on; required here (or as If-Match)."
    )


class TypicalCasePublishRequest(BaseModel):
    expected_version: int | None = VERSION


class TypicalCaseWithdrawRequest(BaseModel):
    reason: str = Field(max_length=2000)
    expected_version: int | None = VERSION


class TypicalCaseList(BaseModel):
    items: list[TypicalCasePublic]
    total: int
    page: int
    per_page: int


class HistoryEntry(BaseModel):
    action: str
    by: int | None
    at: datetime
    version: int
    note: str


class TypicalCaseRecord(BaseModel):
    """The office's and the enterprise's view: the text, its status and version, and the public preview."""

    id: int
    case_id: int
    case_title: str
    sector: str
    status: TypicalCaseStatus
    version: int
    title: str
    background: str
    tested: str
    boundaries: str
    results: str
    lessons: str
    redacted_fields: list[str]
    proposed_at: datetime
    enterprise_decision_at: datetime | None
    enterprise_note: str
    published_at: datetime | None
    preview: TypicalCasePublic
    history: list[HistoryEntry]


class TypicalCaseRecordList(BaseModel):
    items: list[TypicalCaseRecord]
    total: int
    page: int
    per_page: int


def record_out(tc: TypicalCase, case: Case, preview: TypicalCasePublic) -> TypicalCaseRecord:
    fields = set(TypicalCaseRecord.model_fields) - {"case_title", "preview", "history"}
    data = {name: getattr(tc, name) for name in fields}
    history = [HistoryEntry.model_validate(entry) for entry in tc.extra.get("history", [])]
    return TypicalCaseRecord.model_validate(
        data | {"case_title": case.title, "preview": preview, "history": history}
    )
