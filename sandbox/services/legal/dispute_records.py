"""The dispute record behind a case's `dispute` hold, written in the same step as the case event.

`apply_event` calls `open_record` when `raise_dispute` fires and `record_outcome` when `resolve_dispute`
fires, so a dispute raised or resolved through any path (pages, `/disputes`, the generic case-event API)
always has its record. Reading and acting on disputes lives in `sandbox.services.legal.disputes`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, ValidationFailed
from sandbox.models.accounts import Organisation, OrganisationKind, Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, DisputeKind
from sandbox.services.common.validation import validate
from workflows.calendar import WorkingCalendar
from workflows.disputes import OPEN_STAGES, DisputeStage
from workflows.states import CaseState

# What each role may raise: applicants appeal or complain about the process; regulators record
# complaints from users and third parties; either may bring a contract dispute.
KINDS_BY_ROLE: dict[Role, frozenset[DisputeKind]] = {
    Role.APPLICANT: frozenset({DisputeKind.APPEAL, DisputeKind.PROCESS_COMPLAINT, DisputeKind.CONTRACT}),
    Role.REGULATOR: frozenset({DisputeKind.THIRD_PARTY_COMPLAINT, DisputeKind.CONTRACT}),
}
DECIDED_STATES = frozenset({CaseState.REJECTED, CaseState.TERMINATED})


class DisputeInput(SQLModel):
    kind: DisputeKind | None = None
    claim: str = Field(min_length=1, max_length=10000)
    remedy: str = Field(default="", max_length=5000)
    complainant_name: str = Field(default="", max_length=200)
    complainant_contact: str = Field(default="", max_length=200)
    counterparty_org_id: int | None = Field(
        default=None, description="A contract dispute's other party: a service provider organisation."
    )


def default_kind(actor: User, state: CaseState) -> DisputeKind:
    if actor.role is Role.REGULATOR:
        return DisputeKind.THIRD_PARTY_COMPLAINT
    return DisputeKind.APPEAL if state in DECIDED_STATES else DisputeKind.PROCESS_COMPLAINT


def check_input(actor: User, state: CaseState, data: dict[str, Any]) -> DisputeInput:
    """Validate what a dispute needs beyond the guard's organisation and claim (422 naming the field)."""
    fields = {key: data[key] for key in DisputeInput.model_fields if data.get(key) not in (None, "")}
    given = validate(DisputeInput, {"claim": data.get("claim") or "x", **fields})
    kind = given.kind or default_kind(actor, state)
    if kind is DisputeKind.CERTIFICATE_REVIEW:
        message = N_("A review of a certificate revocation is requested on the page of the exited project.")
        raise ValidationFailed.single("kind", message)
    if kind not in KINDS_BY_ROLE.get(actor.role, frozenset()):
        raise ValidationFailed.single("kind", N_("Your role cannot raise this kind of dispute."))
    if kind is DisputeKind.APPEAL and state not in DECIDED_STATES:
        raise ValidationFailed.single(
            "kind", N_("An appeal is against a rejection or a termination; choose a complaint instead.")
        )
    if kind is DisputeKind.THIRD_PARTY_COMPLAINT and not given.complainant_name.strip():
        raise ValidationFailed.single("complainant_name", N_("Name the complainant."))
    if kind is DisputeKind.CONTRACT and given.counterparty_org_id is None:
        raise ValidationFailed.single("counterparty_org_id", N_("Choose the other party to the contract."))
    given.kind = kind
    return given


def check_counterparty(session: Session, given: DisputeInput) -> None:
    """Refuse a contract dispute's counter-party that is no service provider organisation (422)."""
    if given.kind is not DisputeKind.CONTRACT:
        return
    organisation = session.get(Organisation, given.counterparty_org_id) if given.counterparty_org_id else None
    if organisation is None or organisation.kind is not OrganisationKind.SERVICE_PROVIDER:
        raise ValidationFailed.single("counterparty_org_id", N_("Choose the other party to the contract."))


def open_record(
    session: Session,
    *,
    case: Case,
    actor: User,
    from_state: CaseState,
    data: dict[str, Any],
    organisation_id: int,
    calendar: WorkingCalendar,
    today: date,
    acknowledge_days: int,
    given: DisputeInput | None = None,
) -> Dispute:
    """Create the dispute record for a `raise_dispute` that is firing now (or, with `given` already
    checked, for a dispute outside the case machine)."""
    given = given or check_input(actor, from_state, data)
    dispute = Dispute(
        case_id=case.id,  # type: ignore[arg-type]
        kind=given.kind,  # type: ignore[arg-type]
        case_state_at_opening=from_state,
        raised_by_id=actor.id,  # type: ignore[arg-type]
        raised_by_role=actor.role.value,
        complainant_name=given.complainant_name.strip() or None,
        complainant_contact=given.complainant_contact.strip() or None,
        counterparty_org_id=given.counterparty_org_id if given.kind is DisputeKind.CONTRACT else None,
        claim=data["claim"].strip(),
        remedy=given.remedy.strip(),
        organisation_id=organisation_id,
        acknowledge_due=calendar.add_working_days(today, acknowledge_days),
    )
    session.add(dispute)
    session.flush()
    return dispute


# Disputes that are records only: they never hold the case (`services.certificate_reviews`).
OUTSIDE_THE_CASE_MACHINE = frozenset({DisputeKind.CERTIFICATE_REVIEW})


def pending_dispute(session: Session, case_id: int) -> Dispute | None:
    """The dispute holding the case (no outcome yet), if any."""
    statement = (
        select(Dispute)
        .where(
            Dispute.case_id == case_id,
            col(Dispute.outcome).is_(None),
            col(Dispute.kind).not_in(OUTSIDE_THE_CASE_MACHINE),
        )
        .order_by(col(Dispute.id).desc())
    )
    return session.exec(statement).first()


def record_outcome(session: Session, *, case: Case, outcome: str, note: str) -> Dispute | None:
    """Write the outcome of a `resolve_dispute` that is firing now onto the pending dispute.

    The dispute service moves the stage itself (settled, judgment, withdrawn) before firing; a dispute
    resolved through the generic case-event API is closed here (or marked withdrawn).
    """
    dispute = pending_dispute(session, case.id)  # type: ignore[arg-type]
    if dispute is None:
        return None
    return close_record(session, dispute, outcome=outcome, note=note)


def close_record(session: Session, dispute: Dispute, *, outcome: str, note: str) -> Dispute:
    """Write a dispute's outcome; close it unless a judgment awaits its closing step."""
    dispute.outcome = outcome
    if note and not dispute.resolution:
        dispute.resolution = note
    if dispute.stage in OPEN_STAGES:
        dispute.stage = DisputeStage.WITHDRAWN if outcome == "withdrawn" else DisputeStage.CLOSED
    if dispute.stage is not DisputeStage.JUDGMENT:
        dispute.closed_at = utcnow()
    dispute.version += 1
    session.add(dispute)
    session.flush()
    return dispute
