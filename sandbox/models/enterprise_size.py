"""Enterprise size declarations (企业规模) and other E-Town support declared for a project (从高从优不重复).

A `SizeDeclaration` holds the figures an applicant declared for the last year and the size derived from
them by `workflows.enterprise_size`; declarations are numbered per enterprise and never edited —
a renewal is the next version. An `OtherSupport` row is support for the same project or matter that the
enterprise received or applied for elsewhere in the zone; the office may correct one (with a reason,
kept beside the declared figures). Money is integer fen.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, enum_column, utcnow
from workflows.enterprise_size import EnterpriseSize

__all__ = ["EnterpriseSize", "OtherSupport", "SizeDeclaration", "SupportStatus"]


class SizeDeclaration(SQLModel, table=True):
    __tablename__ = "size_declaration"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    version: int
    year: int  # the year the figures are for
    industry: str = Field(max_length=40)  # a row key of the standard (`INDUSTRY_BY_KEY`)
    employees: int
    operating_revenue_fen: int = Field(sa_type=sa.BigInteger)
    total_assets_fen: int | None = Field(default=None, sa_type=sa.BigInteger)
    size: EnterpriseSize = Field(sa_column=enum_column(EnterpriseSize, nullable=False))
    declared_by_id: int = Field(foreign_key="user.id")
    declared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SupportStatus(enum.StrEnum):
    RECEIVED = "received"
    APPLIED = "applied"


class OtherSupport(SQLModel, table=True):
    """Other E-Town support for the same project or matter, as declared (and perhaps corrected)."""

    __tablename__ = "other_support"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    programme: str = Field(max_length=100)  # a measure key (`data_voucher` …) or the programme's name
    amount_fen: int = Field(sa_type=sa.BigInteger)
    status: SupportStatus = Field(sa_column=enum_column(SupportStatus, nullable=False))
    granted_on: date | None = None  # the date received or applied for
    approval_number: str = Field(default="", max_length=100)  # 批复文号, when known
    withdrawn: bool = False  # the enterprise no longer claims it (a correction may set this)
    declared_by_id: int = Field(foreign_key="user.id")
    declared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    corrected_by_id: int | None = Field(default=None, foreign_key="user.id")
    corrected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    correction_reason: str = Field(default="", max_length=2000)


class SizeDeclarationCreate(SQLModel):
    """What an applicant declares for the last year: industry row, people, revenue (and assets), in fen."""

    year: int = Field(ge=2000, le=2100)
    industry: str = Field(max_length=40)
    employees: int = Field(ge=0, le=10_000_000)
    operating_revenue_fen: int = Field(ge=0, le=10**17)
    total_assets_fen: int | None = Field(default=None, ge=0, le=10**17)


class SizeDeclarationPublic(SQLModel):
    id: int
    enterprise_id: int
    version: int
    year: int
    industry: str
    employees: int
    operating_revenue_fen: int
    total_assets_fen: int | None
    size: EnterpriseSize
    declared_by_id: int
    declared_at: datetime
