"""Trial-and-error liability exemption (试错免责): applying, the legal partner's opinion, the decision.

Who sees a request: the applicants of the case's enterprise, regulators, and the legal partners of the
organisation asked for the opinion; anyone else gets 404. Applying fires `apply_exemption` and deciding
fires `decide_exemption` through `apply_event`; the record, the pre-filled adherence record and the
signed decision are written by `sandbox.services.exemption_records` in the same step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import func, or_
from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, Conflict, NotFound, PermissionDenied
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case, ReportKind, TrialReport
from sandbox.models.disputes import ExemptionRequest, ExemptionStage
from sandbox.policies import can_view_legal_record
from sandbox.services.cases import get_case, nfc
from sandbox.services.notifications import case_people, notify
from sandbox.services.validation import validate
from sandbox.services.workflow import apply_event

RECOMMENDATIONS = ("support", "partly_support", "oppose")


def can_view(actor: User | None, request: ExemptionRequest, case: Case) -> bool:
    return can_view_legal_record(
        actor, enterprise_id=case.enterprise_id, organisation_id=request.organisation_id
    )


def get_request(session: Session, *, actor: User, request_id: int) -> tuple[ExemptionRequest, Case]:
    request = session.get(ExemptionRequest, request_id)
    case = session.get(Case, request.case_id) if request else None
    if request is None or case is None or not can_view(actor, request, case):
        raise NotFound()
    return request, case


@dataclass(frozen=True)
class Page:
    rows: list[tuple[ExemptionRequest, Case]]
    total: int


def list_requests(
    session: Session,
    *,
    actor: User,
    pending: bool | None = None,
    case_id: int | None = None,
    query: str = "",
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """The requests `actor` may see, newest first; filtered by pending/decided, case and text."""
    statement = select(ExemptionRequest, Case).join(Case, col(Case.id) == ExemptionRequest.case_id)
    if actor.role is Role.APPLICANT:
        statement = statement.where(Case.enterprise_id == (actor.enterprise_id or -1))
    elif actor.role is Role.LEGAL_PARTNER:
        statement = statement.where(ExemptionRequest.organisation_id == (actor.organisation_id or -1))
    elif actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    if pending is True:
        statement = statement.where(col(ExemptionRequest.decided_at).is_(None))
    elif pending is False:
        statement = statement.where(col(ExemptionRequest.decided_at).is_not(None))
    if case_id is not None:
        statement = statement.where(ExemptionRequest.case_id == case_id)
    if query.strip():
        like = f"%{query.strip()}%"
        statement = statement.where(
            or_(
                col(Case.title).ilike(like),
                col(Case.filing_number).ilike(like),
                col(ExemptionRequest.explanation).ilike(like),
            )
        )
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(ExemptionRequest.id).desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page([(request, case) for request, case in rows], total)


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
    **event_options: Any,
) -> ExemptionRequest:
    """Apply for an exemption (fires `apply_exemption`); the platform pre-fills the adherence record."""
    result = apply_event(
        session, actor=actor, case_id=case_id, event="apply_exemption", note=str(data.get("note") or ""),
        data=data, expected_version=expected_version, today=today, **event_options,
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


def decide(
    session: Session,
    *,
    actor: User,
    request_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
    today: date | None = None,
    **event_options: Any,
) -> ExemptionRequest:
    """The regulator's decision (fires `decide_exemption`); granted or partly granted → signed decision."""
    request, case = get_request(session, actor=actor, request_id=request_id)
    if request.decided_at is not None:
        raise Conflict(N_("This request has already been decided."))
    if expected_version is not None and expected_version != request.version:
        raise Conflict(N_("This request was changed by someone else; reload it and try again."))
    apply_event(
        session, actor=actor, case_id=case.id, event="decide_exemption",  # type: ignore[arg-type]
        note=str(data.get("reasons") or ""), data=data, today=today, **event_options,
    )  # fmt: skip
    session.refresh(request)
    return request
