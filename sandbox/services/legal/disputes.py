"""Disputes: raising one, the legal partner's handling through its stages, messages and reminders.

Who sees a dispute: the applicants of the case's enterprise, regulators, and the legal partners of the
organisation it is assigned to — anyone else gets 404, exactly as for a dispute that does not exist.
Raising fires `raise_dispute` and resolving fires `resolve_dispute` through `apply_event`, so the case
history records both and the case returns (or reopens) as `workflows.cases` decides; a review of a
certificate revocation, outside the case machine, is concluded by `services.certificate_reviews`.
Evidence lives in `sandbox.services.legal.evidence`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, Conflict, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, DisputeKind, DisputeMessage
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases import calendar as calendar_service
from sandbox.services.cases.cases import nfc
from sandbox.services.common.notifications import notify
from sandbox.services.common.settings import settings_of
from sandbox.services.common.validation import validate
from sandbox.services.legal import records as legal_records
from sandbox.services.legal.dispute_records import OUTSIDE_THE_CASE_MACHINE
from sandbox.services.trust import reviews as certificate_reviews
from workflows.disputes import (
    OPEN_STAGES,
    RESOLVING,
    DisputeAction,
    DisputeStage,
    available_actions,
    next_stage,
)
from workflows.errors import InvalidTransition
from workflows.guards import WITHDRAWN, dispute_outcomes

HANDLERS = frozenset({Role.LEGAL_PARTNER})
DEFAULT_COURT = "北京互联网法院"


def get_dispute(session: Session, *, actor: User, dispute_id: int) -> tuple[Dispute, Case]:
    """Return the dispute and its case if `actor` may see it; NotFound otherwise (even if it exists)."""
    return legal_records.get_record(session, Dispute, actor=actor, record_id=dispute_id)


def list_disputes(
    session: Session,
    *,
    actor: User,
    stage: str | None = None,
    case_id: int | None = None,
    query: str = "",
    page: int = 1,
    per_page: int = 20,
) -> legal_records.Page[Dispute]:
    """The disputes `actor` may see, newest first; filtered by stage group ("open"/"finished"), case, text."""
    conditions: list[ColumnElement[bool]] = []
    if stage == "open":
        conditions.append(col(Dispute.stage).in_(OPEN_STAGES))
    elif stage == "finished":
        conditions.append(col(Dispute.stage).not_in(OPEN_STAGES))
    elif stage:
        try:
            conditions.append(col(Dispute.stage) == DisputeStage(stage))
        except ValueError:
            raise ValidationFailed.single("stage", N_("Choose one of the listed options.")) from None
    return legal_records.list_records(
        session, Dispute, actor=actor, conditions=conditions, case_id=case_id, query=query,
        text_columns=[col(Dispute.claim)], page=page, per_page=per_page,
    )  # fmt: skip


def raise_dispute(
    session: Session,
    *,
    actor: User,
    case_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """Open a dispute on the case (fires `raise_dispute`); the record is written with the event."""
    result = apply_event(
        session, actor=actor, case_id=case_id, event="raise_dispute", note=str(data.get("claim") or ""),
        data=data, expected_version=expected_version, today=today,
    )  # fmt: skip
    dispute = session.get(Dispute, result.event.payload["disputeId"])
    assert dispute is not None
    tell(session, dispute, result.case, actor, N_("A dispute was raised on “%(title)s”."))
    return dispute


def _claim(session: Session, dispute: Dispute, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != dispute.version:
        raise Conflict(N_("This dispute was changed by someone else; reload it and try again."))
    dispute.version += 1
    session.add(dispute)


def _handler(actor: User, dispute: Dispute) -> None:
    if actor.role not in HANDLERS or actor.organisation_id != dispute.organisation_id:
        raise PermissionDenied()


class ActionInput(SQLModel):
    outcome: str = Field(default="", max_length=20)
    resolution: str = Field(default="", max_length=10000)
    court_name: str = Field(default="", max_length=200)
    court_case_number: str = Field(default="", max_length=100)


def act(
    session: Session,
    *,
    actor: User,
    dispute_id: int,
    action: str,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """Move the dispute one stage on; an outcome-recording action also resolves the case's hold."""
    dispute, case = get_dispute(session, actor=actor, dispute_id=dispute_id)
    try:
        chosen = DisputeAction(action)
    except ValueError:
        raise ValidationFailed.single("action", N_("Choose one of the listed options.")) from None
    if chosen is DisputeAction.WITHDRAW:
        _withdrawer(actor, dispute, case)
    else:
        _handler(actor, dispute)
    try:
        target = next_stage(dispute.stage, chosen)
    except InvalidTransition:
        raise Conflict(N_("This action is not possible in the dispute's current stage.")) from None
    given = validate(ActionInput, nfc(dict(data or {})))
    outcome = _outcome(chosen, given, dispute.kind)
    _claim(session, dispute, expected_version)
    today = today or calendar_service.beijing_today()
    if chosen is DisputeAction.ACKNOWLEDGE:
        dispute.acknowledged_at = utcnow()
        dispute.assignee_id = dispute.assignee_id or actor.id
        calendar = calendar_service.office_calendar(session)
        mediate = settings_of(session).dispute_days["mediate"]
        dispute.mediation_due = calendar.add_working_days(today, mediate)
    elif chosen is DisputeAction.REFER:
        dispute.court_name = given.court_name.strip() or DEFAULT_COURT
    elif chosen is DisputeAction.RECORD_JUDGMENT:
        if not given.court_case_number.strip():
            raise ValidationFailed.single("court_case_number", N_("This field is required."))
        dispute.court_case_number = given.court_case_number.strip()
    if given.resolution.strip():
        dispute.resolution = given.resolution.strip()
    if chosen is DisputeAction.CLOSE:
        dispute.closed_at = utcnow()
    dispute.stage = target
    session.flush()
    if chosen in RESOLVING and dispute.kind in OUTSIDE_THE_CASE_MACHINE:
        certificate_reviews.conclude_review(session, actor=actor, dispute=dispute, case=case,
                                            outcome=outcome or "", note=given.resolution.strip())  # fmt: skip
    elif chosen in RESOLVING:
        apply_event(session, actor=actor, case_id=case.id, event="resolve_dispute",  # type: ignore[arg-type]
                    note=given.resolution.strip(), data={"outcome": outcome}, today=today)  # fmt: skip
    tell(session, dispute, case, actor, N_("The dispute on “%(title)s” moved to a new stage."))
    return dispute


def _withdrawer(actor: User, dispute: Dispute, case: Case) -> None:
    """The side that raised a dispute withdraws it: the enterprise's applicants, or a regulator."""
    raised_by_applicant = dispute.raised_by_role == Role.APPLICANT.value
    if raised_by_applicant and actor.role is Role.APPLICANT and actor.enterprise_id == case.enterprise_id:
        return
    if not raised_by_applicant and actor.role is Role.REGULATOR:
        return
    raise PermissionDenied()


def outcomes_for(kind: DisputeKind) -> tuple[str, ...]:
    """The outcomes a legal partner may record for a dispute of `kind` (withdrawing is the raiser's)."""
    return tuple(outcome for outcome in dispute_outcomes(kind.value) if outcome != WITHDRAWN)


def _outcome(action: DisputeAction, given: ActionInput, kind: DisputeKind) -> str | None:
    if action is DisputeAction.WITHDRAW:
        return WITHDRAWN
    if action not in RESOLVING:
        return None
    if given.outcome not in outcomes_for(kind):
        if kind is DisputeKind.CONTRACT and given.outcome in dispute_outcomes(None):
            message = N_("A contract dispute is mediated, not decided: choose settled, partially settled or "
                         "not settled.")  # fmt: skip
            raise ValidationFailed.single("outcome", message)
        if kind is not DisputeKind.CONTRACT and given.outcome in dispute_outcomes(DisputeKind.CONTRACT.value):
            message = N_("This dispute is about a decision: choose whether the decision is upheld or "
                         "overturned.")  # fmt: skip
            raise ValidationFailed.single("outcome", message)
        raise ValidationFailed.single("outcome", N_("Choose one of the listed options."))
    if not given.resolution.strip():
        raise ValidationFailed.single("resolution", N_("This field is required."))
    return given.outcome


def assign(session: Session, *, actor: User, dispute_id: int, assignee_id: int) -> Dispute:
    """Name the person at the legal-partner organisation who handles the dispute."""
    dispute, case = get_dispute(session, actor=actor, dispute_id=dispute_id)
    _handler(actor, dispute)
    assignee = session.get(User, assignee_id)
    if (
        assignee is None
        or not assignee.active
        or assignee.role is not Role.LEGAL_PARTNER
        or assignee.organisation_id != dispute.organisation_id
    ):
        raise ValidationFailed.single("assignee_id", N_("Choose a legal partner of this organisation."))
    dispute.assignee_id = assignee.id
    _claim(session, dispute, None)
    session.flush()
    if assignee.id != actor.id:
        msgid = N_("You were assigned the dispute on “%(title)s”.")
        notify(session, recipients=[assignee], kind="dispute_assigned", case=case, msgid=msgid,
               params={"title": case.title})  # fmt: skip
    return dispute


def colleagues(session: Session, dispute: Dispute) -> list[User]:
    """The active legal partners of the dispute's organisation (whom it can be assigned to)."""
    statement = select(User).where(
        User.active, User.role == Role.LEGAL_PARTNER, User.organisation_id == dispute.organisation_id
    )
    return list(session.exec(statement.order_by(col(User.id))).all())


def parties(session: Session, dispute: Dispute, case: Case) -> list[User]:
    """Everyone who follows the dispute: the enterprise, its case officer (or all regulators), the partner."""
    regulators = User.id == case.case_officer_id if case.case_officer_id else User.role == Role.REGULATOR
    statement = select(User).where(
        User.active,
        or_(
            (col(User.role) == Role.APPLICANT) & (User.enterprise_id == case.enterprise_id),
            (col(User.role) == Role.REGULATOR) & regulators,
            (col(User.role) == Role.LEGAL_PARTNER) & (User.organisation_id == dispute.organisation_id),
        ),
    )
    return list(session.exec(statement.order_by(col(User.id))).all())


def tell(session: Session, dispute: Dispute, case: Case, actor: User, msgid: str) -> None:
    recipients = [user for user in parties(session, dispute, case) if user.id != actor.id]
    notify(session, recipients=recipients, kind=f"dispute:{dispute.stage.value}", case=case, msgid=msgid,
           params={"title": case.title, "dispute": dispute.id})  # fmt: skip


def messages(session: Session, dispute: Dispute) -> list[DisputeMessage]:
    statement = select(DisputeMessage).where(DisputeMessage.dispute_id == dispute.id)
    return list(session.exec(statement.order_by(col(DisputeMessage.id))).all())


def actions_for(actor: User, dispute: Dispute, case: Case) -> list[DisputeAction]:
    """The stage actions `actor` may take now (for pages and the API's `links`)."""
    allowed = []
    for action in available_actions(dispute.stage):
        try:
            _withdrawer(actor, dispute, case) if action is DisputeAction.WITHDRAW else _handler(
                actor, dispute
            )
        except PermissionDenied:
            continue
        allowed.append(action)
    return allowed
