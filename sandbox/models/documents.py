"""Documents attached to cases: metadata rows here, the bytes content-addressed under instance/uploads."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, enum_column, utcnow


class DocumentKind(enum.StrEnum):
    PLAN = "plan"
    COMMITMENT = "commitment"
    TECHNICAL_VERIFICATION_REPORT = "technical_verification_report"
    SELF_ASSESSMENT = "self_assessment"
    PERIODIC_REPORT = "periodic_report"
    INCIDENT_REPORT = "incident_report"
    LEGAL_OPINION = "legal_opinion"
    EVIDENCE = "evidence"
    # One of the materials the case's sector pack requires (its id in `Document.material_id`).
    FILING_MATERIAL = "filing_material"
    OTHER = "other"


class Document(SQLModel, table=True):
    """One version of one named document of a case; a new upload of the same name adds a version."""

    __table_args__ = (sa.UniqueConstraint("case_id", "kind", "filename", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: DocumentKind = Field(sa_column=enum_column(DocumentKind, nullable=False))
    filename: str = Field(max_length=200)
    version: int = 1
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64, index=True)
    # For a filing material: the id of the sector pack's required document it provides.
    material_id: str | None = Field(default=None, max_length=60)
    uploaded_by_id: int = Field(foreign_key="user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
