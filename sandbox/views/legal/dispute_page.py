"""What the dispute pages show: labels, the stage progress line with its deadlines, what each outcome does
to the case, and the dispute page itself (rendered afresh, or again with a refused form's errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import render_template
from flask_babel import format_date, format_datetime, gettext
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from sandbox.errors import Conflict, ValidationFailed
from sandbox.i18n import in_language, lang, translate
from sandbox.labels.legal import DISPUTE_KIND_LABELS, FINAL_OUTCOME_LABELS, stage_text
from sandbox.models.accounts import LEGAL_KINDS, Organisation, OrganisationKind, Role, User
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, DisputeKind, EvidenceItem
from sandbox.policies import can_view_case
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.legal import agreements, disputes, evidence
from sandbox.validators import whole_number_or_none
from sandbox.views.forms import field_errors
from workflows.disputes import ACTION_LABELS, FINISHED_STAGES, DisputeAction, DisputeStage
from workflows.errors import GuardFailed
from workflows.states import CaseState, state_label

DISPUTE_ROLES = (Role.APPLICANT, Role.REGULATOR, Role.LEGAL_PARTNER)
TABS = {"open": _l("In progress"), "finished": _l("Finished"), "all": _l("All")}
S = DisputeStage


def action_text(action: DisputeAction | str) -> str:
    try:
        return in_language(ACTION_LABELS[DisputeAction(action)])
    except ValueError:
        return str(action)


def due_date(dispute: Dispute) -> date | None:
    """The deadline of the dispute's current stage: acknowledging it, then finishing mediation."""
    if dispute.stage is S.OPENED:
        return dispute.acknowledge_due
    if dispute.stage is S.MEDIATION:
        return dispute.mediation_due
    return None


def organisations_by_id(session: Session, ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    rows = session.exec(select(Organisation).where(col(Organisation.id).in_(ids))).all()
    return {org.id: org for org in rows}  # type: ignore[misc]


def legal_organisations(session: Session) -> list[tuple[OrganisationKind, list[Organisation]]]:
    """Mediation centres, court liaisons and law firms, grouped by kind, by name within a kind."""
    rows = session.exec(
        select(Organisation).where(col(Organisation.kind).in_(LEGAL_KINDS)).order_by(col(Organisation.name))
    ).all()
    groups = [(kind, [org for org in rows if org.kind is kind]) for kind in LEGAL_KINDS]
    return [(kind, members) for kind, members in groups if members]


def typed(values: dict[str, str]) -> dict[str, int | str]:
    """The filled-in fields, with the ids chosen from select boxes as numbers."""
    numbers = {key: whole_number_or_none(value) for key, value in values.items() if key.endswith("_id")}
    return {
        key: number if (number := numbers.get(key)) is not None else value
        for key, value in values.items()
        if value
    }


def refusal(error: Exception) -> tuple[dict[str, list[str]], int]:
    """Return (field errors in the current language, HTTP status) for a refused form."""
    if isinstance(error, GuardFailed):
        error = ValidationFailed.from_reasons(error.reasons)
    if isinstance(error, ValidationFailed):
        return field_errors(error), 422
    if isinstance(error, Conflict):
        return {"__root__": [translate(error.message)]}, 409
    return {"__root__": [gettext("This action is not possible in the case's current stage.")]}, 409


@dataclass(frozen=True)
class Step:
    stage: DisputeStage
    status: str  # done | current | todo | skipped
    notes: list[str] = field(default_factory=list)


def _day(value: date | None) -> str:
    return format_date(value, "medium") if value else "—"


def progress(dispute: Dispute) -> tuple[list[Step], bool]:
    """The stages on the dispute's path so far and ahead; True when the court branch is still possible."""
    stage = dispute.stage
    court = stage in (S.REFERRED, S.JUDGMENT, S.CLOSED) or (stage is S.WITHDRAWN and bool(dispute.court_name))
    if stage is S.WITHDRAWN:
        path = [S.OPENED, S.MEDIATION] + ([S.REFERRED] if court else []) + [S.WITHDRAWN]
    elif court:
        path = [S.OPENED, S.MEDIATION, S.REFERRED, S.JUDGMENT, S.CLOSED]
    else:
        path = [S.OPENED, S.MEDIATION, S.SETTLED]
    reached = path.index(stage)
    notes = {
        S.OPENED: [
            gettext("Raised %(date)s", date=format_datetime(dispute.created_at, "short")),
            gettext("Acknowledge by %(date)s", date=_day(dispute.acknowledge_due)),
        ],
        S.MEDIATION: [gettext("Mediate by %(date)s", date=_day(dispute.mediation_due))]
        if dispute.mediation_due
        else [],
        S.REFERRED: [dispute.court_name] if dispute.court_name else [],
        S.JUDGMENT: [dispute.court_case_number] if dispute.court_case_number else [],
    }
    if dispute.closed_at and stage in FINISHED_STAGES:
        notes[stage] = [format_datetime(dispute.closed_at, "short")]
    steps = []
    for index, step in enumerate(path):
        if step is S.MEDIATION and dispute.acknowledged_at is None and index < reached:
            status = "skipped"
        else:
            status = "done" if index < reached else "current" if index == reached else "todo"
        steps.append(Step(step, status, [note for note in notes.get(step, []) if note]))
    return steps, stage in (S.OPENED, S.MEDIATION)


def outcome_effects(case: Case, dispute: Dispute) -> dict[str, str]:
    """Say in words what upholding and overturning would do to the case."""
    if dispute.kind is DisputeKind.CERTIFICATE_REVIEW:
        return {
            "upheld": gettext("The revocation stands: the certificate stays revoked."),
            "overturned": gettext(
                "The revocation is found unjustified: the sandbox office is told and decides how the "
                "certificate is restored; until then it stays revoked."
            ),
        }
    back = CaseState(case.hold_return_state or dispute.case_state_at_opening)
    where = state_label(back, lang())
    if dispute.kind is DisputeKind.CONTRACT:
        back_only = gettext(
            "The case returns to “%(state)s”; a contract dispute changes no decision of the office.",
            state=where,
        )
        return dict.fromkeys(disputes.outcomes_for(dispute.kind), back_only)
    if back in (CaseState.REJECTED, CaseState.TERMINATED) and case.decision_state is not None:
        reopened = state_label(CaseState(case.decision_state), lang())
        return {
            "upheld": gettext("The decision stands: the case returns to “%(state)s”.", state=where),
            "overturned": gettext(
                "The decision is set aside: the case reopens in “%(state)s”, the stage where it was taken.",
                state=reopened,
            ),
        }
    same = gettext("The case returns to “%(state)s”, where it was when the dispute was raised.", state=where)
    return {"upheld": same, "overturned": same}


def people(session: Session, ids: set[int | None]) -> dict[int, User]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    return {user.id: user for user in session.exec(select(User).where(col(User.id).in_(wanted))).all()}  # type: ignore[misc]


def withdrawable(actor: User, items: list[EvidenceItem], known: dict[int, User]) -> set[int]:
    """The pieces `actor` may withdraw: those its own side added (the service has the last word)."""
    allowed = set()
    for item in items:
        adder = known.get(item.added_by_id)
        if item.withdrawn_at is not None or adder is None:
            continue
        same_enterprise = (
            actor.role is Role.APPLICANT
            and adder.role is Role.APPLICANT
            and adder.enterprise_id == actor.enterprise_id
        )
        if adder.id == actor.id or same_enterprise:
            allowed.add(item.id)
    return allowed  # type: ignore[return-value]


def render_dispute_page(
    session: Session,
    user: User,
    dispute_id: int,
    *,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    open_form: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the dispute page; `open_form` names the form to show open with `errors` and `values`."""
    dispute, case = disputes.get_dispute(session, actor=user, dispute_id=dispute_id)
    items = evidence.list_evidence(session, dispute)
    thread = disputes.messages(session, dispute)
    known = people(
        session,
        {dispute.raised_by_id, dispute.assignee_id}
        | {item.added_by_id for item in items}
        | {item.withdrawn_by_id for item in items}
        | {message.author_id for message in thread},
    )
    steps, court_possible = progress(dispute)
    due = due_date(dispute)
    handler = user.role is Role.LEGAL_PARTNER and user.organisation_id == dispute.organisation_id
    agreed = dispute.kind is DisputeKind.CONTRACT and dispute.outcome in agreements.AGREED_OUTCOMES
    agreement = agreements.find_agreement(session, dispute.id) if agreed else None  # type: ignore[arg-type]
    context = {
        "dispute": dispute,
        "case": case,
        "case_visible": can_view_case(user, case),
        "organisation": session.get(Organisation, dispute.organisation_id),
        "people": known,
        "colleagues": disputes.colleagues(session, dispute) if handler else [],
        "actions": disputes.actions_for(user, dispute, case),
        "steps": steps,
        "court_possible": court_possible,
        "due": due,
        "overdue": due is not None and due < beijing_today(),
        "effects": outcome_effects(case, dispute) if dispute.stage not in FINISHED_STAGES else {},
        "thread": thread,
        "attachments": {
            item.message_id: [i for i in items if i.message_id == item.message_id]
            for item in items
            if item.message_id is not None
        },
        "evidence": items,
        "withdrawable": withdrawable(user, items, known),
        "can_contribute": user.role in evidence.PARTIES and dispute.stage not in FINISHED_STAGES,
        "default_court": disputes.DEFAULT_COURT,
        "kind_labels": DISPUTE_KIND_LABELS,
        "outcome_labels": FINAL_OUTCOME_LABELS,
        "outcome_options": disputes.outcomes_for(dispute.kind),
        # A (partly) settled contract dispute's agreement: the parties and the mediator open it.
        "agreement_shown": agreed and agreements.side_of(user, dispute, case) is not None,
        "agreement": agreement,
        "agreement_ready": agreements.is_ready(agreement),
        "stage_text": stage_text,
        "action_text": action_text,
        "errors": errors or {},
        "values": values or {},
        "open_form": open_form,
    }
    return render_template("disputes/detail.html", **context), status
