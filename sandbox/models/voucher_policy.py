"""The schema of the voucher policy document (sandbox/voucher_policy.toml) and its stored versions.

The document is validated with `VoucherPolicyDocument.model_validate(...)`: strict integers for every
amount (integer fen; a float such as 1.5 is refused, never rounded), known risk levels, categories with
both languages, a policy end date. Saved versions are rows of `VoucherPolicyVersion`, never edited.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from sandbox.models.base import UTCDateTime, utcnow
from workflows.assessment import RiskLevel
from workflows.enterprise_size import SME_SIZES, EnterpriseSize

Fen = StrictInt
CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ServiceCategory(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    zh: str = Field(min_length=1, max_length=40)
    en: str = Field(min_length=1, max_length=80)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not CATEGORY_ID.match(value):
            raise ValueError("category ids are lower-case letters, digits and underscores")
        return value


class VoucherPolicyDocument(BaseModel):
    """One version of the policy; amounts in integer fen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: StrictInt = Field(alias="schema", ge=1, le=1)
    programme: str = Field(min_length=1, max_length=100)
    policy_end: date
    validity_months: StrictInt = Field(ge=1, le=60)
    coverage_percent: StrictInt = Field(ge=1, le=100)
    enterprise_annual_cap_fen: Fen = Field(ge=0)
    reminder_days: StrictInt = Field(ge=1, le=180)
    amounts: dict[str, dict[RiskLevel, Fen]]
    annual_budget_fen: dict[str, Fen]
    categories: list[ServiceCategory] = Field(min_length=1)
    # Measure 3 supports 中小微企业: the sizes that may get a voucher, and the share (percent) of the
    # sector and risk level's amount each size gets. Older saved versions without them mean the default.
    eligible_sizes: list[EnterpriseSize] = Field(default_factory=lambda: sorted(SME_SIZES), min_length=1)
    size_percent: dict[EnterpriseSize, StrictInt] = Field(
        default_factory=lambda: {size: 100 for size in EnterpriseSize}
    )

    @field_validator("amounts")
    @classmethod
    def _check_amounts(cls, value: dict[str, dict[RiskLevel, int]]) -> dict[str, dict[RiskLevel, int]]:
        if "default" not in value:
            raise ValueError("amounts needs a `default` table")
        for sector, levels in value.items():
            if set(levels) != set(RiskLevel):
                raise ValueError(f"amounts.{sector} needs low, medium and high")
            if any(amount < 0 for amount in levels.values()):
                raise ValueError(f"amounts.{sector} cannot be negative")
        return value

    @field_validator("annual_budget_fen")
    @classmethod
    def _check_budget(cls, value: dict[str, int]) -> dict[str, int]:
        for year, amount in value.items():
            if not re.fullmatch(r"20\d\d", year) or amount < 0:
                raise ValueError("annual_budget_fen maps a year (e.g. 2026) to a non-negative amount")
        return value

    @field_validator("size_percent")
    @classmethod
    def _check_size_percent(cls, value: dict[EnterpriseSize, int]) -> dict[EnterpriseSize, int]:
        if set(value) != set(EnterpriseSize):
            raise ValueError("size_percent needs large, medium, small and micro")
        if any(not 0 <= percent <= 100 for percent in value.values()):
            raise ValueError("size_percent values are percentages from 0 to 100")
        return value

    @field_validator("eligible_sizes")
    @classmethod
    def _check_sizes(cls, value: list[EnterpriseSize]) -> list[EnterpriseSize]:
        if len(value) != len(set(value)):
            raise ValueError("eligible_sizes lists each size once")
        return value

    @model_validator(mode="after")
    def _unique_categories(self) -> VoucherPolicyDocument:
        ids = [category.id for category in self.categories]
        if len(ids) != len(set(ids)):
            raise ValueError("category ids must be unique")
        return self

    def amount_for(self, sector: str, risk_level: str | None) -> int:
        """The voucher amount for a case of `sector` at `risk_level` (unknown level: the lowest)."""
        levels = self.amounts.get(sector) or self.amounts["default"]
        return levels[RiskLevel(risk_level) if risk_level else RiskLevel.LOW]

    def amount_for_size(self, sector: str, risk_level: str | None, size: EnterpriseSize) -> int:
        """The amount for a case of `sector` at `risk_level` held by an enterprise of `size` (floor)."""
        return self.amount_for(sector, risk_level) * self.size_percent[size] // 100

    def covers(self, size: EnterpriseSize) -> bool:
        return size in self.eligible_sizes

    def budget_for(self, year: int) -> int:
        return self.annual_budget_fen.get(str(year), 0)

    def category(self, category_id: str) -> ServiceCategory | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class VoucherPolicyVersion(SQLModel, table=True):
    """A saved version of the policy: the validated document as JSON, who saved it, when and why."""

    __tablename__ = "voucher_policy_version"

    id: int | None = SQLField(default=None, primary_key=True)
    version: int = SQLField(sa_column_kwargs={"unique": True})
    document: dict[str, Any] = SQLField(sa_column=sa.Column(sa.JSON, nullable=False))
    sha256: str = SQLField(max_length=64)
    note: str = SQLField(default="", max_length=500)
    created_by_id: int | None = SQLField(default=None, foreign_key="user.id")
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
