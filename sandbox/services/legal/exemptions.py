"""Trial-and-error liability exemption (试错免责): applying, the legal partner's opinion, the decision.

Who sees a request: the applicants of the case's enterprise, regulators, and the legal partners of the
organisation asked for the opinion; anyone else gets 404. Applying fires `apply_exemption` through
`apply_event`; the decision is proposed by one regulator and confirmed by another (`services.proposals`),
and the confirmation fires `decide_exemption`. The record, the pre-filled adherence record and the
signed decision are written by `sandbox.services.legal.exemption_records` in the same step.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, Conflict, PermissionDenied
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case, ReportKind, TrialReport
from sandbox.models.disputes import ExemptionRequest, ExemptionStage
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases.cases import get_case, nfc
from sandbox.services.common.notifications import case_people, notify
from sandbox.services.common.validation import validate
from sandbox.services.legal import records as legal_records

RECOMMENDATIONS = ("support", "partly_support", "oppose")


def get_request(session: Session, *, actor: User, request_id: int) -> tuple[ExemptionRequest, Case]:
    """Return the request and its case if `actor` may see it; NotFound otherwise (even if it exists)."""
    return legal_records.get_record(session, ExemptionRequest, actor=actor, record_id=request_id)


def list_requests(
    session: Session,
    *,
    actor: User,
    pending: bool | None = None,
    case_id: int | None = None,
    query: str = "",
    page: int = 1,
    per_page: int = 20,
) -> legal_records.Page[ExemptionRequest]:
    """The requests `actor` may see, newest first; filtered by pending/decided, case and text."""
    conditions = []
    if pending is True:
        conditions.append(col(ExemptionRequest.decided_at).is_(None))
    elif pending is False:
        conditions.append(col(ExemptionRequest.decided_at).is_not(None))
    return legal_records.list_records(
        session, ExemptionRequest, actor=actor, conditions=conditions, case_id=case_id, query=query,
        text_columns=[col(ExemptionRequest.explanation)], page=page, per_page=per_page,
    )  # fmt: skip


def incidents(session: Session, *, actor: User, case_id: int) -> list[TrialReport]:
    """The case's incident reports, newest first (what an exemption can name)."""
    get_case(session, actor=actor, case_id=case_id)
    statement = select(TrialReport).where(
        TrialReport.case_id == case_id, TrialReport.kind == ReportKind.INCIDENT
    )
    return list(session.exec(statement.order_by(col(TrialReport.id).desc())).all())


def apply(
    session: Session,
    *,
    actor: User,
    case_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
    today: date | None = None,
) -> ExemptionRequest:
    """Apply for an exemption (fires `apply_exemption`); the platform pre-fills the adherence record."""
    result = apply_event(
        session, actor=actor, case_id=case_id, event="apply_exemption", note=str(data.get("note") or ""),
        data=data, expected_version=expected_version, today=today,
    )  # fmt: skip
    request = session.get(ExemptionRequest, result.event.payload["exemptionRequestId"])
    assert request is not None
    return request


class OpinionInput(SQLModel):
    opinion: str = Field(min_length=10, max_length=20000)
    # A Literal, not Field(regex=...): sqlmodel drops `regex` under pydantic 2, so it would not be checked.
    recommendation: Literal["support", "partly_support", "oppose"]


def give_opinion(
    session: Session,
    *,
    actor: User,
    request_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> ExemptionRequest:
    """The legal partner's written opinion; the request then waits for the regulator's decision."""
    request, case = get_request(session, actor=actor, request_id=request_id)
    if actor.role is not Role.LEGAL_PARTNER or actor.organisation_id != request.organisation_id:
        raise PermissionDenied()
    if request.stage is not ExemptionStage.AWAITING_OPINION:
        raise Conflict(N_("The opinion on this request is already on file."))
    if expected_version is not None and expected_version != request.version:
        raise Conflict(N_("This request was changed by someone else; reload it and try again."))
    given = validate(OpinionInput, nfc(dict(data)))
    request.opinion = given.opinion.strip()
    request.opinion_recommendation = given.recommendation
    request.opinion_by_id, request.opinion_at = actor.id, utcnow()
    request.stage = ExemptionStage.AWAITING_DECISION
    request.version += 1
    session.add(request)
    session.flush()
    notify(
        session,
        recipients=case_people(session, case, Role.REGULATOR, Role.APPLICANT),
        kind="exemption_opinion",
        msgid=N_("The legal opinion on the exemption request for “%(title)s” is on file."),
        params={"title": case.title},
        case=case,
    )
    return request
