"""Everything the case page shows, gathered in one place for the page and for forms sent back with errors.

The actions offered are exactly the events the workflow allows in the current state and the policies
allow this user; each comes with its own form (see `event_forms`).
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlmodel import Session, col, select

from sandbox.i18n import bilingual, lang
from sandbox.labels.cases import (
    DOCUMENT_KIND_LABELS,
    PLAN_FIELD_LABELS,
    VERIFICATION_RESULT_LABELS,
    boundary_text,
    risk_text,
)
from sandbox.labels.legal import DECISION_LABELS, outcome_choices
from sandbox.models.accounts import LAB_KINDS, LEGAL_KINDS, Organisation, Role, User
from sandbox.models.cases import Case, CaseEvent, ReportKind, TrialReport
from sandbox.models.documents import DocumentKind
from sandbox.policies import can_evaluate
from sandbox.services.case_events import history
from sandbox.services.cases import cases, documents, exit_review, trial, verification
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.cases.documents import UPLOAD_ROLES
from sandbox.services.cases.materials import material_checklist
from sandbox.services.common.settings import settings_of
from sandbox.services.legal import dispute_records
from sandbox.views.cases.diagram import path_from_history, workflow_svg
from sandbox.views.cases.event_forms import CONFIRM_EVENTS, PRIMARY_EVENTS, event_fields
from sandbox.views.cases.history import pending_proposals, record_texts
from sandbox.views.cases.legal_panel import case_legal_context
from sandbox.views.cases.tasks import case_events_for, case_tasks, waiting_for
from sandbox.views.vouchers.support_panel import other_support_context
from workflows.assessment import derive_risk_level, risk_rule
from workflows.evaluation import ALL_SCORED, evaluation_passes
from workflows.guards import EXEMPTION_DECISIONS
from workflows.sectors import default_sector_packs
from workflows.states import CaseState, Event, history_label, is_record_only, state_label

EVENT_VALUES = frozenset(event.value for event in Event)


def latest_amendment(events: list[CaseEvent]) -> CaseEvent | None:
    """Return the newest request_amendment event, if the case is waiting for that amendment."""
    return next((event for event in reversed(events) if event.event == Event.REQUEST_AMENDMENT), None)


def choice_lists(
    session: Session, case: Case, reports: list[TrialReport]
) -> dict[str, list[tuple[str, str]]]:
    """Return the options of the select fields the event forms use."""
    holding = dispute_records.pending_dispute(session, case.id)  # type: ignore[arg-type]
    organisations = session.exec(select(Organisation).where(col(Organisation.kind).in_(LEGAL_KINDS))).all()
    labs = session.exec(select(Organisation).where(col(Organisation.kind).in_(LAB_KINDS))).all()
    incidents = [report for report in reports if report.kind is ReportKind.INCIDENT]
    return {
        "legal_orgs": [(str(org.id), org.name) for org in organisations],
        "labs": [(str(org.id), org.name) for org in labs],
        # The outcomes that fit the dispute holding the case: a contract dispute is mediated, not decided.
        "outcomes": outcome_choices(holding.kind if holding else None),
        "decisions": [
            (key, str(label)) for key, label in DECISION_LABELS.items() if key in EXEMPTION_DECISIONS
        ],
        "incidents": [(str(report.id), f"{report.title}（{report.occurred_on}）") for report in incidents],
        "plan_fields": [(key, str(label)) for key, label in PLAN_FIELD_LABELS.items()],
    }


def render_case_page(
    session: Session,
    user: User,
    case_id: int,
    *,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    open_form: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the case page; `open_form` names the form to show open with `errors` and `values`."""
    case = cases.get_case(session, actor=user, case_id=case_id)
    pack = default_sector_packs()[case.sector]
    events = history.case_history(session, case_id)
    actions, send_for_review = case_events_for(session, user, case)
    actions.sort(key=lambda event: event not in PRIMARY_EVENTS)  # what the stage waits for first
    tasks = case_tasks(user, case, actions, send_for_review)
    evaluations = trial.list_evaluations(session, actor=user, case_id=case_id)
    reports = trial.list_reports(session, actor=user, case_id=case_id)
    deadlines = {case.state: (case.stage_due, case.stage_due_provisional)} if case.stage_due else {}
    context = {
        "case": case,
        "pack": pack,
        "events": events,
        "broken": history.verify_chain(case, events),
        "documents": documents.list_documents(session, actor=user, case_id=case_id),
        "materials": material_checklist(session, actor=user, case_id=case_id),
        "reports": reports,
        "guidance": trial.list_guidance(session, actor=user, case_id=case_id),
        "evaluations": [(row, evaluation_passes(row.scores)) for row in evaluations],
        "actions": actions,
        "tasks": tasks,
        # The form of the step the stage waits for is shown open.
        "open_task": next((task.anchor for task in tasks if task.primary), None),
        # Refusals of an event this user is not offered (a stale page, a hand-made request) are shown at
        # the top, not lost with a form that is not there.
        "stray_errors": errors if open_form in EVENT_VALUES and Event(open_form) not in actions else None,
        "waiting_for": waiting_for(case),
        **_verification(session, user, case),
        **_exit_review(session, user, case, send_for_review),
        "event_fields": event_fields(actions),
        "confirm_events": CONFIRM_EVENTS,
        "primary_events": PRIMARY_EVENTS,
        "choices": choice_lists(session, case, reports),
        "upload_kinds": [
            (kind.value, str(DOCUMENT_KIND_LABELS[kind]))
            for kind, roles in UPLOAD_ROLES.items()
            if user.role in roles and kind is not DocumentKind.FILING_MATERIAL  # uploaded from the checklist
        ],
        "can_score": can_evaluate(user, case) and case.state is CaseState.EXIT_EVALUATION,
        "dimensions": ALL_SCORED,
        "derived_level": derive_risk_level(pack, _answers(case.risk_answers, values)).value,
        "risk_rule": risk_rule(pack),
        "amendment": latest_amendment(events) if case.state is CaseState.AMENDMENT_REQUESTED else None,
        "officer": session.get(User, case.case_officer_id) if case.case_officer_id else None,
        "actors": _actors(session, events),
        "lab": session.get(Organisation, case.assessor_org_id) if case.assessor_org_id else None,
        "regulators": _regulators(session) if user.role is Role.REGULATOR else [],
        "labs": _labs(session) if user.role is Role.REGULATOR else [],
        "diagram": workflow_svg(
            current=case.state,
            path=path_from_history(events),
            deadlines=deadlines,
            lang=lang(),
            today=beijing_today(),
        ),
        "stage_days": settings_of(session).stage_days,
        "errors": errors or {},
        "values": values or {},
        "open_form": open_form,
        "state_label": lambda s: state_label(s, lang()),
        "event_label": lambda e: history_label(e, lang()),
        "record_texts": record_texts(session, events),
        "record_only": is_record_only,
        "history_label": lambda name: history_label(name, lang()),
        "lang": lang(),
        "boundary_text": boundary_text,
        "risk_text": risk_text,
        "bilingual": bilingual,
        "plan_field_labels": PLAN_FIELD_LABELS,
        "document_kind_labels": DOCUMENT_KIND_LABELS,
        **case_legal_context(session, user, case, events),
        **other_support_context(session, user, case),
        **pending_proposals(session, user, case),
    }
    return render_template("cases/detail.html", **context), status


def _verification(session: Session, user: User, case: Case) -> dict[str, Any]:
    """The testing lab's conclusions, and whether this user may submit one now."""
    can_conclude = (
        user.role is Role.ASSESSOR
        and user.organisation_id == case.assessor_org_id
        and case.state is CaseState.TECHNICAL_VERIFICATION
    )
    return {
        "conclusions": verification.list_conclusions(session, actor=user, case_id=case.id),  # type: ignore[arg-type]
        "can_conclude": can_conclude,
        "verification_results": VERIFICATION_RESULT_LABELS,
    }


def _exit_review(session: Session, user: User, case: Case, send_for_review: bool) -> dict[str, Any]:
    """Who the exit decision was sent to for review, and, for a user who may send it, whom to."""
    reviewer = session.get(User, case.exit_reviewer_id) if case.exit_reviewer_id else None
    candidates: list[User] = []
    if send_for_review:
        candidates = [u for u in exit_review.independent_regulators(session, case) if u.id != user.id]
    pick = exit_review.office_pick(session, candidates) if candidates else None
    return {
        "exit_reviewer": reviewer if case.state is CaseState.EXIT_EVALUATION else None,
        "send_for_review": send_for_review,
        "review_candidates": candidates,
        "office_pick": pick,
    }


def _answers(saved: dict[str, str], values: dict[str, Any] | None) -> dict[str, str]:
    """The checklist answers as the form shows them: the saved ones, overridden by those just sent."""
    sent = {
        key.removeprefix("answers."): value
        for key, value in (values or {}).items()
        if key.startswith("answers.") and isinstance(value, str)
    }
    return {**saved, **sent}


def _actors(session: Session, events: list[CaseEvent]) -> dict[int, User]:
    """Return the people who fired the case's events, by id, in one query."""
    ids = {event.actor_id for event in events if event.actor_id is not None}
    if not ids:
        return {}
    return {user.id: user for user in session.exec(select(User).where(col(User.id).in_(ids))).all()}  # type: ignore[misc]


def _regulators(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User).where(User.role == Role.REGULATOR, User.active).order_by(col(User.id))
        ).all()
    )


def _labs(session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).where(col(Organisation.kind).in_(LAB_KINDS))).all())
