"""Work on a case between events: the risk checklist, exit evaluations, trial reports and guidance.

These change data the guards later read (answers, scores, reports on file); they do not move the case
between states and so write no history row, but each bumps the case version like any edit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Field, Session, SQLModel, col, select

from sandbox.errors import N_, NotFound, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.models.base import utcnow
from sandbox.models.cases import Case, Evaluation, GuidanceItem, ReportKind, TrialReport
from sandbox.policies import can_evaluate
from sandbox.services.cases.cases import claim_version, get_case, nfc
from sandbox.services.common.notifications import case_people, notify
from sandbox.services.common.validation import validate
from workflows.assessment import checklist_reasons
from workflows.errors import Reason
from workflows.evaluation import completeness_reasons, evaluation_passes
from workflows.sectors import sector_pack
from workflows.states import CaseState

TRIAL_STATES = frozenset({CaseState.TESTING, CaseState.SUSPENDED, CaseState.EXIT_EVALUATION})


def _require_state(case: Case, states: frozenset[CaseState]) -> None:
    if case.state not in states:
        raise ValidationFailed.single("state", N_("This cannot be done in the case's current stage."))


def _refuse(reasons: list[Reason]) -> None:
    if reasons:
        raise ValidationFailed.from_reasons(reasons)


class RiskAnswers(SQLModel):
    answers: dict[str, str] = Field(default_factory=dict)


def save_risk_answers(
    session: Session, *, actor: User, case_id: int, data: dict[str, Any], expected_version: int | None
) -> Case:
    """Record checklist answers while the risk assessment is open (regulators)."""
    case = get_case(session, actor=actor, case_id=case_id)
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    _require_state(case, frozenset({CaseState.RISK_ASSESSMENT}))
    answers = validate(RiskAnswers, data).answers
    # Partial saves are fine; only the answers given must be known items with allowed values.
    given = {f"answers.{key}" for key in answers}
    _refuse(
        [reason for reason in checklist_reasons(sector_pack(case.sector), answers) if reason.field in given]
    )
    claim_version(session, case, expected_version)
    case.risk_answers = {**case.risk_answers, **answers}
    session.add(case)
    session.flush()
    return case


class EvaluationCreate(SQLModel):
    scores: dict[str, int]
    conclusion: str = Field(min_length=1, max_length=5000)


def add_evaluation(session: Session, *, actor: User, case_id: int, data: dict[str, Any]) -> Evaluation:
    """Score the exit evaluation on every dimension (assessors of the case's lab, or regulators)."""
    case = get_case(session, actor=actor, case_id=case_id)
    if not can_evaluate(actor, case):
        raise PermissionDenied()
    _require_state(case, frozenset({CaseState.EXIT_EVALUATION}))
    new = validate(EvaluationCreate, nfc(data))
    _refuse(completeness_reasons(new.scores))
    evaluation = Evaluation(
        case_id=case.id,  # type: ignore[arg-type]
        evaluator_id=actor.id,  # type: ignore[arg-type]
        scores=dict(new.scores),
        conclusion=new.conclusion.strip(),
    )
    session.add(evaluation)
    session.flush()
    # The case officer acts next: sends a passed evaluation for review (提交复核), or decides otherwise.
    passes = evaluation_passes(evaluation.scores)
    notify(
        session,
        recipients=[user for user in case_people(session, case, Role.REGULATOR) if user.id != actor.id],
        kind="evaluation",
        msgid=EVALUATION_PASSES if passes else EVALUATION_FAILS,
        params={"title": case.title},
        case=case,
    )
    return evaluation


EVALUATION_PASSES = N_("The exit evaluation of “%(title)s” passes; send it for review (提交复核).")
EVALUATION_FAILS = N_("The exit evaluation of “%(title)s” does not pass.")


def latest_evaluation(session: Session, *, case_id: int) -> Evaluation | None:
    statement = select(Evaluation).where(Evaluation.case_id == case_id).order_by(col(Evaluation.id).desc())
    return session.exec(statement).first()


def list_evaluations(session: Session, *, actor: User, case_id: int) -> list[Evaluation]:
    get_case(session, actor=actor, case_id=case_id)
    statement = select(Evaluation).where(Evaluation.case_id == case_id).order_by(col(Evaluation.id))
    return list(session.exec(statement).all())


class ReportCreate(SQLModel):
    kind: ReportKind
    title: str = Field(min_length=2, max_length=200)
    body: str = Field(min_length=1, max_length=20000)
    occurred_on: date | None = None
    requested_end: date | None = None


def file_report(session: Session, *, actor: User, case_id: int, data: dict[str, Any]) -> TrialReport:
    """File a periodic or incident report, or ask for an extension, during the trial (applicants)."""
    case = get_case(session, actor=actor, case_id=case_id)
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied()
    _require_state(case, TRIAL_STATES | frozenset({CaseState.LIABILITY_EXEMPTION}))
    new = validate(ReportCreate, nfc(data))
    if new.kind is ReportKind.INCIDENT and new.occurred_on is None:
        raise ValidationFailed.single("occurred_on", N_("This field is required."))
    if new.kind is ReportKind.EXTENSION_REQUEST:
        _check_extension(case, new.requested_end)
    report = TrialReport(case_id=case.id, filed_by_id=actor.id, **new.model_dump())  # type: ignore[arg-type]
    session.add(report)
    session.flush()
    if new.kind is ReportKind.EXTENSION_REQUEST:
        notify(
            session,
            recipients=case_people(session, case, Role.REGULATOR),
            kind="extension_request",
            msgid=N_("The enterprise asks to extend the trial of “%(title)s” to %(end)s."),
            params={"title": case.title, "end": new.requested_end.isoformat()},  # type: ignore[union-attr]
            case=case,
        )
    return report


def _check_extension(case: Case, requested_end: date | None) -> None:
    """An extension request names a new end date after the current one, while the trial runs."""
    if case.state is not CaseState.TESTING:
        raise ValidationFailed.single("kind", N_("An extension can be requested only while the trial runs."))
    if requested_end is None:
        raise ValidationFailed.single("requested_end", N_("This field is required."))
    if case.trial_end is not None and requested_end <= case.trial_end:
        raise ValidationFailed.single(
            "requested_end", N_("Choose a date after the current end of the trial (%(end)s)."),
            end=case.trial_end.isoformat(),
        )  # fmt: skip


def list_reports(session: Session, *, actor: User, case_id: int) -> list[TrialReport]:
    get_case(session, actor=actor, case_id=case_id)
    statement = select(TrialReport).where(TrialReport.case_id == case_id).order_by(col(TrialReport.id))
    return list(session.exec(statement).all())


class GuidanceCreate(SQLModel):
    text: str = Field(min_length=2, max_length=5000)


def issue_guidance(session: Session, *, actor: User, case_id: int, data: dict[str, Any]) -> GuidanceItem:
    """Give the enterprise guidance during the trial (regulators)."""
    case = get_case(session, actor=actor, case_id=case_id)
    if actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    _require_state(case, TRIAL_STATES)
    new = validate(GuidanceCreate, nfc(data))
    item = GuidanceItem(case_id=case.id, text=new.text.strip(), issued_by_id=actor.id)  # type: ignore[arg-type]
    session.add(item)
    session.flush()
    return item


def acknowledge_guidance(session: Session, *, actor: User, case_id: int, guidance_id: int) -> GuidanceItem:
    """Acknowledge a guidance item (the enterprise's applicants); acknowledging twice changes nothing."""
    get_case(session, actor=actor, case_id=case_id)
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied()
    item = session.get(GuidanceItem, guidance_id)
    if item is None or item.case_id != case_id:
        raise NotFound()
    if item.acknowledged_at is None:
        item.acknowledged_by_id = actor.id
        item.acknowledged_at = utcnow()
        session.add(item)
        session.flush()
    return item


def list_guidance(session: Session, *, actor: User, case_id: int) -> list[GuidanceItem]:
    get_case(session, actor=actor, case_id=case_id)
    statement = select(GuidanceItem).where(GuidanceItem.case_id == case_id).order_by(col(GuidanceItem.id))
    return list(session.exec(statement).all())
