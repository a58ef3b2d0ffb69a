"""Shapes of the two-person API: proposing a certificate status change or an exemption decision, deciding
on a proposal, the proposal as read back, and the office's two-person policy."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from sandbox.models.accounts import User
from sandbox.models.two_person import DecisionProposal, ProposalKind, ProposalState, TwoPersonPolicyVersion

VERSION = Field(default=None, description="The version you saw (or send it as If-Match).")


class StatusProposalRequest(BaseModel):
    """Propose a status change; a different regulator confirms it before anything changes."""

    action: Literal["revoke", "suspend", "reinstate"]
    reason: str = Field(max_length=2000, description="Recorded with the change and shown to the holder.")


class ExemptionProposalRequest(BaseModel):
    """Propose the decision on an exemption request; a different regulator confirms it."""

    decision: Literal["granted", "partly_granted", "denied"]
    scope: str = Field(default="", max_length=5000, description="Required for a partial exemption.")
    reasons: str = Field(max_length=10000)
    expected_version: int | None = Field(default=None, description="The request's version (or If-Match).")


class ProposalStepRequest(BaseModel):
    """Confirm, decline or withdraw; a note is required to decline."""

    note: str = Field(default="", max_length=2000)
    expected_version: int | None = Field(default=None, description="The proposal's version (or If-Match).")


class PersonRef(BaseModel):
    id: int
    display_name: str


class ProposalPublic(BaseModel):
    id: int
    kind: ProposalKind
    case_id: int
    certificate_id: str | None
    exemption_request_id: int | None
    action: str = Field(description="revoke | suspend | reinstate, or granted | partly_granted | denied")
    reason: str
    data: dict[str, Any]
    state: ProposalState
    proposed_by: PersonRef
    proposed_at: datetime
    decided_by: PersonRef | None
    decided_at: datetime | None
    decision_note: str
    version: int


class ProposalList(BaseModel):
    items: list[ProposalPublic]
    total: int
    page: int
    per_page: int


class TwoPersonPolicyBody(BaseModel):
    """A new version of the policy: which earlier roles on a case bar a regulator from approving its exit."""

    bar_former_officers: bool = Field(description="Anyone who was ever the case officer.")
    bar_evaluators: bool = Field(description="Anyone who ever scored the case's exit evaluation.")
    bar_filing_acceptor: bool = Field(description="The regulator who accepted the filing.")
    note: str = Field(default="", max_length=500)


class TwoPersonPolicyPublic(BaseModel):
    version: int = Field(description="0 while the defaults are in force.")
    bar_former_officers: bool
    bar_evaluators: bool
    bar_filing_acceptor: bool
    note: str
    created_by: PersonRef | None
    created_at: datetime | None


def person(user: User | None) -> PersonRef | None:
    return PersonRef(id=user.id, display_name=user.display_name) if user and user.id is not None else None


def proposal_public(row: DecisionProposal, people: dict[int, User]) -> ProposalPublic:
    proposer = person(people.get(row.proposed_by_id))
    assert proposer is not None
    return ProposalPublic(
        **row.model_dump(include=set(ProposalPublic.model_fields) & set(DecisionProposal.model_fields)),
        proposed_by=proposer,
        decided_by=person(people.get(row.decided_by_id)) if row.decided_by_id else None,
    )


def policy_public(
    row: TwoPersonPolicyVersion | None, creator: User | None, defaults: Any
) -> TwoPersonPolicyPublic:
    """The version in force as saved (`row`), or the defaults while none was saved (version 0)."""
    source = row if row is not None else defaults
    return TwoPersonPolicyPublic(
        version=row.version if row else 0,
        bar_former_officers=source.bar_former_officers,
        bar_evaluators=source.bar_evaluators,
        bar_filing_acceptor=source.bar_filing_acceptor,
        note=row.note if row else "",
        created_by=person(creator),
        created_at=row.created_at if row else None,
    )
