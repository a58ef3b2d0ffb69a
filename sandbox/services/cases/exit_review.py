"""Sending the exit decision to a second regulator (提交复核) before anyone presses "准予出盒".

Whoever prepared the decision may not take it (the two-person rules of `workflows.two_person`). Instead of
learning that from a refusal, the case officer sends a passed exit evaluation for review: to the
regulator chosen, or to the one the office's rule picks (the independent regulator with the fewest exit
reviews waiting, then the longest-serving). The reviewer is told, finds the case first on the workbench,
and approves; the choice is a record-only event in the case's hash chain. Anyone independent of the case
may still approve: the routing tells, it does not bar.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.errors import N_, Conflict, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case, CaseEvent, Evaluation
from sandbox.services.case_events.inputs import exit_approval_records
from sandbox.services.case_events.record_only import record_event
from sandbox.services.cases.cases import get_case
from sandbox.services.common.notifications import notify
from sandbox.services.decisions import policy as two_person_policy
from workflows.errors import InvalidTransition
from workflows.evaluation import evaluation_passes
from workflows.records import check_recorded
from workflows.states import CaseState, Event, RecordEvent
from workflows.two_person import TwoPersonPolicy, approver_reasons

NOBODY_INDEPENDENT = N_("No other regulator is independent of this case; ask the office to add one.")
NOT_NOW = N_("An exit decision can be sent for review only during the exit evaluation.")


def _barred(records: dict[str, Any], user_id: int | None) -> bool:
    policy = records["two_person_policy"]
    return bool(
        approver_reasons(
            user_id,
            evaluator_id=records["evaluator_id"],
            case_officer_id=records["case_officer_id"],
            officer_ids=records["officer_ids"],
            evaluator_ids=records["evaluator_ids"],
            filing_acceptor_ids=records["filing_acceptor_ids"],
            policy=policy if isinstance(policy, TwoPersonPolicy) else None,
        )
    )


def may_approve(session: Session, user: User, case: Case, records: dict[str, Any] | None = None) -> bool:
    """Whether the two-person rules let `user` approve the case's exit (the rest is for the guard);
    `records` as `records_of` gives them (default: read now)."""
    records = records if records is not None else exit_approval_records(session, case)
    return user.role is Role.REGULATOR and not _barred(records, user.id)


def ready_for_review(session: Session, case: Case, records: dict[str, Any] | None = None) -> bool:
    """Whether the case's latest exit evaluation passes, so that its exit can be sent for review."""
    records = records if records is not None else exit_approval_records(session, case)
    return case.state is CaseState.EXIT_EVALUATION and evaluation_passes(records["scores"])


def records_of(session: Session, cases: list[Case]) -> dict[int, dict[str, Any]]:
    """`exit_approval_records` of many cases in a fixed number of queries (for the workspace): case id →
    the same keys, for the cases in the exit evaluation."""
    ids = [case.id for case in cases if case.state is CaseState.EXIT_EVALUATION and case.id is not None]
    if not ids:
        return {}
    officers: dict[int, set[int]] = {case_id: set() for case_id in ids}
    for case_id, payload in session.exec(
        select(CaseEvent.case_id, CaseEvent.payload).where(
            col(CaseEvent.case_id).in_(ids), CaseEvent.event == RecordEvent.ASSIGN_CASE_OFFICER.value
        )
    ).all():
        officers[case_id].update(v for v in (payload.get("from"), payload.get("to")) if isinstance(v, int))
    evaluations: dict[int, list[Evaluation]] = {case_id: [] for case_id in ids}
    for row in session.exec(
        select(Evaluation).where(col(Evaluation.case_id).in_(ids)).order_by(col(Evaluation.id))
    ).all():
        evaluations[row.case_id].append(row)
    acceptors: dict[int, set[int]] = {case_id: set() for case_id in ids}
    for case_id, actor_id in session.exec(
        select(CaseEvent.case_id, CaseEvent.actor_id).where(
            col(CaseEvent.case_id).in_(ids), CaseEvent.event == Event.ACCEPT_FILING.value
        )
    ).all():
        if actor_id is not None:
            acceptors[case_id].add(actor_id)
    policy = two_person_policy.current_policy(session)[1]
    records = {}
    for case in cases:
        if case.id not in officers:
            continue
        latest = evaluations[case.id][-1] if evaluations[case.id] else None
        records[case.id] = {
            "scores": latest.scores if latest else None,
            "evaluator_id": latest.evaluator_id if latest else None,
            "case_officer_id": case.case_officer_id,
            "officer_ids": frozenset(officers[case.id] | ({case.case_officer_id} - {None})),
            "evaluator_ids": frozenset(row.evaluator_id for row in evaluations[case.id]),
            "filing_acceptor_ids": frozenset(acceptors[case.id]),
            "two_person_policy": policy,
            "trial_start": case.trial_start,
        }
    return records


def independent_regulators(session: Session, case: Case) -> list[User]:
    """The active regulators the two-person rules let approve the case's exit, oldest account first."""
    records = exit_approval_records(session, case)
    regulators = session.exec(
        select(User).where(User.role == Role.REGULATOR, col(User.active)).order_by(col(User.id))
    ).all()
    return [user for user in regulators if not _barred(records, user.id)]


def waiting_reviews(session: Session, user_ids: list[int]) -> dict[int, int]:
    """How many exit reviews wait for each of `user_ids`."""
    statement = (
        select(Case.exit_reviewer_id, func.count())
        .where(col(Case.exit_reviewer_id).in_(user_ids), Case.state == CaseState.EXIT_EVALUATION)
        .group_by(col(Case.exit_reviewer_id))
    )
    return {reviewer: count for reviewer, count in session.exec(statement).all() if reviewer is not None}


def office_pick(session: Session, candidates: list[User]) -> User | None:
    """The office's rule: the candidate with the fewest exit reviews waiting (then the oldest account)."""
    load = waiting_reviews(session, [user.id for user in candidates if user.id is not None])
    return min(candidates, key=lambda user: (load.get(user.id or 0, 0), user.id), default=None)


def submit_for_review(
    session: Session,
    *,
    actor: User,
    case_id: int,
    reviewer_id: int | None,
    note: str = "",
    expected_version: int | None = None,
) -> User:
    """Send the case's passed exit evaluation to `reviewer_id` (None: the office's rule picks); return
    the reviewer, who is told."""
    case = get_case(session, actor=actor, case_id=case_id)
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    try:
        check_recorded(case.state, RecordEvent.SUBMIT_EXIT_REVIEW)
    except InvalidTransition:
        raise Conflict(NOT_NOW) from None
    records = exit_approval_records(session, case)
    if not evaluation_passes(records["scores"]):
        raise ValidationFailed.single(
            "reviewer_id", N_("The exit evaluation has not passed yet; there is nothing to approve.")
        )
    candidates = [user for user in independent_regulators(session, case) if user.id != actor.id]
    if reviewer_id is None:
        reviewer = office_pick(session, candidates)
        if reviewer is None:
            raise ValidationFailed.single("reviewer_id", NOBODY_INDEPENDENT)
    else:
        reviewer = next((user for user in candidates if user.id == reviewer_id), None)
        if reviewer is None:
            raise ValidationFailed.single(
                "reviewer_id", N_("Choose a regulator who has not prepared this decision.")
            )
    before = case.exit_reviewer_id
    case.exit_reviewer_id = reviewer.id
    session.add(case)
    record_event(
        session, case=case, actor=actor, event=RecordEvent.SUBMIT_EXIT_REVIEW, note=note,
        payload={"field": "exit_reviewer_id", "from": before, "to": reviewer.id},
        expected_version=expected_version,
    )  # fmt: skip
    notify(
        session,
        recipients=[reviewer],
        kind="exit_review",
        msgid=N_("“%(title)s” was sent to you to approve its exit (two-person review)."),
        params={"title": case.title},
        case=case,
    )
    return reviewer
