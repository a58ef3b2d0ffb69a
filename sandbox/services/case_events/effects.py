"""What follows an accepted event: telling the people who must act next, and the SLA sweep."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from sandbox.errors import N_
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.services.common.notifications import case_people, notify
from workflows.calendar import CLOCK_PAUSED_STATES
from workflows.certificate_review import LAWSUIT_MONTHS, RECONSIDERATION_DAYS
from workflows.states import CaseState, Event

A, R, S, L = Role.APPLICANT, Role.REGULATOR, Role.ASSESSOR, Role.LEGAL_PARTNER

# Who must act (or be told) once a case enters a state.
NEXT_ACTORS: dict[CaseState, tuple[Role, ...]] = {
    CaseState.SUBMITTED: (R,),
    CaseState.AMENDMENT_REQUESTED: (A,),
    CaseState.RISK_ASSESSMENT: (R, A, S),  # the testing lab is chosen at acceptance: told at once
    CaseState.TECHNICAL_VERIFICATION: (R, S, A),
    CaseState.TESTING: (A, R),
    CaseState.SUSPENDED: (A, R),
    CaseState.EXIT_EVALUATION: (R, S, A),
    CaseState.EXITED: (A, R),
    CaseState.DISPUTE: (L, R, A),
    CaseState.LIABILITY_EXEMPTION: (L, R, A),
    CaseState.REJECTED: (A, R),
    CaseState.WITHDRAWN: (R,),
    CaseState.TERMINATED: (A, R),
}


DECIDED_AGAINST = frozenset({CaseState.REJECTED, CaseState.TERMINATED})
DECISION_NOTICE = N_(
    "“%(title)s” is now in the stage: %(state)s. You may ask for a review by raising an appeal on the "
    "case page, apply for administrative reconsideration within %(days)s days, or bring an administrative "
    "lawsuit within %(months)s months of learning of the decision."
)


def after_event(session: Session, *, case: Case, event: Event, actor: User) -> None:
    """Notify everyone concerned with the case's new state, except the person who acted."""
    recipients = [
        user for user in case_people(session, case, *NEXT_ACTORS.get(case.state, ())) if user.id != actor.id
    ]
    params: dict[str, object] = {"title": case.title, "state": case.state.value, "event": event.value}
    msgid = N_("“%(title)s” is now in the stage: %(state)s.")
    if case.state in DECIDED_AGAINST:
        # A refusal or a termination is an administrative decision: its notice states the remedies.
        msgid = DECISION_NOTICE
        params |= {"days": RECONSIDERATION_DAYS, "months": LAWSUIT_MONTHS}
    notify(session, recipients=recipients, kind=f"event:{event.value}", msgid=msgid, params=params, case=case)


def sweep_overdue(session: Session, *, today: date) -> list[Case]:
    """Flag cases past their stage deadline and notify once per case, stage and deadline."""
    statement = select(Case).where(
        col(Case.stage_due).is_not(None),
        col(Case.stage_due) < today,
        col(Case.state).not_in(CLOCK_PAUSED_STATES),
    )
    flagged = []
    for case in session.exec(statement).all():
        if not case.overdue:
            case.overdue = True
            session.add(case)
            flagged.append(case)
        notify(
            session,
            recipients=case_people(session, case, R),
            kind="overdue",
            msgid=N_("“%(title)s” is overdue in the stage %(state)s (due %(due)s)."),
            params={"title": case.title, "state": case.state.value, "due": case.stage_due.isoformat()},  # type: ignore[union-attr]
            case=case,
            dedupe_key=f"overdue:{case.id}:{case.state.value}:{case.stage_due.isoformat()}",  # type: ignore[union-attr]
        )
    session.flush()
    return flagged
