"""当前可办理事项: what this person can do on a case now, for the top of the case page and the workbench.

The workflow events the user may fire (`allowed_events`), less the exit approval when the two-person rules
bar this user (they send the decision for review instead), plus the work of a stage that is not an event:
the testing lab's verification conclusion, scoring the exit evaluation, the legal opinion. Each task
names where on the case page it is done, and whether it is what the stage waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from sandbox.i18n import lang
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.services.case_events.table import EVENTS, allowed_events
from sandbox.services.cases import exit_review
from workflows.states import CaseState, Event, event_label


@dataclass(frozen=True)
class Task:
    label: str
    anchor: str  # the element of the case page where it is done
    primary: bool  # what the stage waits for


# Work that is not a workflow event: what the role does in that stage before someone fires the next event.
STAGE_TASKS = {
    (Role.ASSESSOR, CaseState.TECHNICAL_VERIFICATION): (
        _l("Submit the verification conclusion"),
        "verification",
    ),
    (Role.ASSESSOR, CaseState.EXIT_EVALUATION): (_l("Score the exit evaluation"), "evaluation"),
    (Role.LEGAL_PARTNER, CaseState.LIABILITY_EXEMPTION): (_l("Give the legal opinion"), "disputes"),
}
SEND_FOR_REVIEW = _l("Send for review (提交复核)")
# Whom an open case waits for, said to those it is not waiting for.
WAITING_FOR = {
    CaseState.SUBMITTED: _l("the sandbox office's review of the filing"),
    CaseState.AMENDMENT_REQUESTED: _l("the enterprise's amended filing"),
    CaseState.RISK_ASSESSMENT: _l("the sandbox office's risk assessment"),
    CaseState.TECHNICAL_VERIFICATION: _l("the testing laboratory's verification conclusion"),
    CaseState.TESTING: _l("the trial to run its course (the enterprise reports as it goes)"),
    CaseState.SUSPENDED: _l("the sandbox office to resume or end the trial"),
    CaseState.EXIT_EVALUATION: _l("the exit evaluation, then the approval by a second regulator"),
    CaseState.DISPUTE: _l("the legal partner's handling of the dispute"),
    CaseState.LIABILITY_EXEMPTION: _l("the legal opinion, then the sandbox office's decision"),
}


def waiting_for(case: Case) -> str | None:
    """What an open case is waiting for (None: closed)."""
    text = WAITING_FOR.get(case.state)
    return str(text) if text is not None else None


def case_events_for(
    session: Session, user: User, case: Case, records: dict[str, Any] | None = None
) -> tuple[list[Event], bool]:
    """The events to offer `user` on the case page, and whether to offer sending the exit for review
    instead of approving it: the user prepared the decision, so the two-person rules bar them, and the
    exit evaluation has passed (before that there is nothing to review). `records`: the case's
    `exit_review.records_of` when read for many cases at once."""
    events = allowed_events(user, case)
    if Event.APPROVE_EXIT in events and not exit_review.may_approve(session, user, case, records):
        others: list[Event] = [event for event in events if event != Event.APPROVE_EXIT]
        return others, exit_review.ready_for_review(session, case, records)
    return events, False


def case_tasks(user: User, case: Case, events: list[Event], send_for_review: bool) -> list[Task]:
    """The tasks, what the stage waits for first."""
    tasks = []
    stage_task = STAGE_TASKS.get((user.role, case.state))
    if stage_task is not None:
        tasks.append(Task(str(stage_task[0]), stage_task[1], True))
    if send_for_review:
        tasks.append(Task(str(SEND_FOR_REVIEW), "exit-review", case.exit_reviewer_id is None))
    for event in events:
        primary = EVENTS[event].primary and not (
            # An exit sent to someone else for review waits for them; an enterprise resolves a dispute
            # only by withdrawing it, which is no step the dispute waits for.
            (event is Event.APPROVE_EXIT and case.exit_reviewer_id not in (None, user.id))
            or (event is Event.RESOLVE_DISPUTE and user.role is Role.APPLICANT)
        )
        tasks.append(Task(event_label(event, lang()), f"action-{event.value}", primary))
    return sorted(tasks, key=lambda task: not task.primary)
