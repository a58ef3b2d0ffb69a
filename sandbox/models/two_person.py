"""Two-person decisions: the office's policy versions and the proposals one regulator makes for another to
confirm (revoking, suspending or reinstating a certificate; deciding a liability exemption).

Policy versions are never edited: the newest row is in force, and each keeps who saved it and when. A
proposal is `pending` until a different regulator confirms or declines it, or its proposer withdraws it;
`pending_key` names its subject while it is pending, so a second pending proposal for the same certificate
or exemption request is refused by a unique index on both databases (NULLs do not collide).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, enum_column, utcnow


class TwoPersonPolicyVersion(SQLModel, table=True):
    """One saved version of which earlier roles on a case bar a regulator from approving its exit."""

    __tablename__ = "two_person_policy_version"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    bar_former_officers: bool
    bar_evaluators: bool
    bar_filing_acceptor: bool
    note: str = Field(default="", max_length=500)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProposalKind(enum.StrEnum):
    CERTIFICATE_STATUS = "certificate_status"
    EXEMPTION_DECISION = "exemption_decision"


class ProposalState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class DecisionProposal(SQLModel, table=True):
    """A decision proposed by one regulator; only another regulator's confirmation carries it out."""

    __tablename__ = "decision_proposal"

    id: int | None = Field(default=None, primary_key=True)
    kind: ProposalKind = Field(sa_column=enum_column(ProposalKind, nullable=False))
    case_id: int = Field(foreign_key="case.id", index=True)
    certificate_id: str | None = Field(default=None, foreign_key="certificate.id", max_length=32, index=True)
    exemption_request_id: int | None = Field(default=None, foreign_key="exemption_request.id", index=True)
    # revoke | suspend | reinstate, or granted | partly_granted | denied
    action: str = Field(max_length=20)
    reason: str = Field(max_length=10000)
    # What else the decision carries (an exemption's scope).
    data: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    state: ProposalState = Field(
        default=ProposalState.PENDING, sa_column=enum_column(ProposalState, nullable=False, index=True)
    )
    pending_key: str | None = Field(default=None, max_length=60, sa_column_kwargs={"unique": True})
    proposed_by_id: int = Field(foreign_key="user.id")
    proposed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str = Field(default="", max_length=2000)
    version: int = 1
