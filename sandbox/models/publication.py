"""What may be made public about a case: the enterprise's publication consent and typical cases.

`PublicationConsent` rows are append-only: each change of the enterprise's consent is a new row and the
newest row of a case is in force; consent can change until the case is published in the registry (when
its filing is accepted), after which it is fixed. A `TypicalCase` (典型标杆案例) is proposed by a regulator
for an exited case and published only with both the regulator's and the enterprise's consent to its text.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, enum_column, utcnow

# The registry fields an enterprise may consent to publish. Filing number, sector, stage and filing year
# are the office's own register entries and always public once the filing is accepted.
PUBLISHABLE_FIELDS: tuple[str, ...] = (
    "enterprise_name",
    "uscc",
    "title",
    "objectives",
    "data_categories",
    "trial_boundaries",
    "trial_period",
    "risk_level",
)


class PublicationConsent(SQLModel, table=True):
    __tablename__ = "publication_consent"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    fields: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    given_by_id: int = Field(foreign_key="user.id")
    given_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TypicalCaseStatus(enum.StrEnum):
    PROPOSED = "proposed"  # the regulator's text waits for the enterprise
    DECLINED = "declined"  # the enterprise declined this text; the regulator may revise and propose again
    APPROVED = "approved"  # both consent; the regulator may publish
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"  # taken down after publication (or dropped before it)


class TypicalCase(SQLModel, table=True):
    __tablename__ = "typical_case"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", sa_column_kwargs={"unique": True})
    sector: str = Field(max_length=40, index=True)
    status: TypicalCaseStatus = Field(
        default=TypicalCaseStatus.PROPOSED,
        sa_column=enum_column(TypicalCaseStatus, nullable=False, index=True),
    )
    title: str = Field(max_length=200)
    background: str = Field(max_length=10000)
    tested: str = Field(max_length=10000)
    boundaries: str = Field(max_length=10000)
    results: str = Field(max_length=10000)
    lessons: str = Field(max_length=10000)
    # Fields hidden on publication (e.g. "enterprise_name", "uscc"), chosen in the redaction step.
    redacted_fields: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    proposed_by_id: int = Field(foreign_key="user.id")
    proposed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    enterprise_decision_by_id: int | None = Field(default=None, foreign_key="user.id")
    enterprise_decision_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    enterprise_note: str = Field(default="", max_length=5000)
    published_by_id: int | None = Field(default=None, foreign_key="user.id")
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    version: int = 1
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))


class RegistryText(SQLModel, table=True):
    """The text a public registry entry shows (`services.publication.registry.RegistryEntry.texts`),
    normalised, its pieces joined by U+001F: what `?q=` searches, and nothing it does not show."""

    __tablename__ = "registry_text"

    case_id: int = Field(foreign_key="case.id", primary_key=True, ondelete="CASCADE")
    text: str = Field(sa_type=sa.Text)


class RegistryGram(SQLModel, table=True):
    """The registry's search index: every character, every pair of adjacent characters and every ASCII run
    of three of each piece of a `RegistryText` (a two-character Chinese word is one index probe)."""

    __tablename__ = "registry_gram"

    gram: str = Field(max_length=3, primary_key=True)
    case_id: int = Field(foreign_key="case.id", primary_key=True, index=True, ondelete="CASCADE")
