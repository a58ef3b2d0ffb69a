"""Dispute pages: the list, the dispute page with its stage actions and assignment, raising a dispute.

Applicants see their enterprise's disputes, regulators all, legal partners those of their organisation
(the services answer 404 for anything else). Each form posts to its own handler, which calls one
service, commits once and redirects back; a refusal re-renders the dispute page with that form open and
the reasons beside its fields. Messages, evidence and the evidence package are in `dispute_evidence`,
what the page shows (stages, deadlines, outcomes) in `dispute_page`.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from sandbox.db import get_session
from sandbox.errors import N_, Conflict, ValidationFailed
from sandbox.labels.legal import DISPUTE_KIND_LABELS, stage_text
from sandbox.models.accounts import Role
from sandbox.models.cases import Case
from sandbox.models.disputes import DisputeKind
from sandbox.security import roles_required, signed_in_user
from sandbox.services.accounts import directory
from sandbox.services.case_events.inputs import can_raise_from
from sandbox.services.cases import cases
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.legal import disputes
from sandbox.services.legal.dispute_records import DECIDED_STATES, KINDS_BY_ROLE, default_kind
from sandbox.validators import whole_number_or_none
from sandbox.views.forms import Pagination, page_number
from sandbox.views.legal.dispute_page import (
    DISPUTE_ROLES,
    TABS,
    action_text,
    due_date,
    legal_organisations,
    organisations_by_id,
    refusal,
    render_dispute_page,
    typed,
)
from workflows.disputes import DisputeAction
from workflows.errors import WorkflowError

bp = Blueprint("disputes", __name__)
RAISE_FIELDS = (
    "legal_partner_org_id", "kind", "claim", "remedy", "complainant_name", "complainant_contact",
    "counterparty_org_id",
)  # fmt: skip


def _version() -> int | None:
    raw = request.form.get("expected_version", "")
    return whole_number_or_none(raw)


def _back(dispute_id: int, anchor: str = "") -> Response:
    return redirect(
        url_for("disputes.dispute_detail", dispute_id=dispute_id) + (f"#{anchor}" if anchor else "")
    )


def refused(dispute_id: int, form_name: str, error: Exception) -> tuple[str, int]:
    """Show the dispute page again with `form_name` open and the reasons beside its fields."""
    session = get_session()
    session.rollback()
    errors, status = refusal(error)
    values = request.form.to_dict()
    return render_dispute_page(
        session,
        signed_in_user(),
        dispute_id,
        errors=errors,
        values=values,
        open_form=form_name,
        status=status,
    )


@bp.get("/disputes")
@roles_required(*DISPUTE_ROLES)
def dispute_list():
    session = get_session()
    tab = request.args.get("tab", "open")
    tab = tab if tab in TABS else "open"
    query = request.args.get("q", "").strip()
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    result = disputes.list_disputes(
        session,
        actor=signed_in_user(),
        stage=None if tab == "all" else tab,
        query=query,
        page=page,
        per_page=per_page,
    )
    return render_template(
        "disputes/list.html",
        rows=[(dispute, case, due_date(dispute)) for dispute, case in result.rows],
        organisations=organisations_by_id(session, {dispute.organisation_id for dispute, _ in result.rows}),
        tab=tab,
        tabs=TABS,
        query=query,
        pagination=Pagination(page, per_page, result.total),
        kind_labels=DISPUTE_KIND_LABELS,
        stage_text=stage_text,
        today=beijing_today(),
    )


@bp.get("/disputes/<int:dispute_id>")
@roles_required(*DISPUTE_ROLES)
def dispute_detail(dispute_id: int):
    return render_dispute_page(get_session(), signed_in_user(), dispute_id)


@bp.post("/disputes/<int:dispute_id>/actions/<action>")
@roles_required(*DISPUTE_ROLES)
def act(dispute_id: int, action: str):
    session, user = get_session(), signed_in_user()
    dispute, case = disputes.get_dispute(session, actor=user, dispute_id=dispute_id)
    form_name = f"action-{action}"
    if (
        action == DisputeAction.WITHDRAW
        and DisputeAction.WITHDRAW in disputes.actions_for(user, dispute, case)
        and request.form.get("confirm") != "yes"
    ):
        error = ValidationFailed.single("confirm", N_("Tick the box to confirm this step."))
        return refused(dispute_id, form_name, error)
    data = {
        key: request.form.get(key, "").strip()
        for key in ("outcome", "resolution", "court_name", "court_case_number")
    }
    try:
        disputes.act(
            session,
            actor=user,
            dispute_id=dispute_id,
            action=action,
            data=data,
            expected_version=_version(),
        )
    except (ValidationFailed, Conflict, WorkflowError) as error:
        return refused(dispute_id, form_name, error)
    session.commit()
    flash(gettext("Done: %(action)s.", action=action_text(action)), "success")
    return _back(dispute_id)


@bp.post("/disputes/<int:dispute_id>/assign")
@roles_required(Role.LEGAL_PARTNER)
def assign(dispute_id: int):
    session = get_session()
    raw = request.form.get("assignee_id", "")
    try:
        disputes.assign(
            session,
            actor=signed_in_user(),
            dispute_id=dispute_id,
            assignee_id=whole_number_or_none(raw) or 0,
        )
    except ValidationFailed as error:
        return refused(dispute_id, "assign", error)
    session.commit()
    flash(gettext("Assignment saved."), "success")
    return _back(dispute_id, "parties")


# --- raising a dispute ---------------------------------------------------------------------------------


def _raisable_case(case_id: int) -> Case:
    """The case, if the signed-in user sees it (else 404) and a dispute can be raised now (else 409)."""
    case = cases.get_case(get_session(), actor=signed_in_user(), case_id=case_id)
    if not can_raise_from(case.state):
        raise Conflict(N_("This action is not possible in the case's current stage."))
    return case


def _new_page(case: Case, values: dict[str, str], errors: dict[str, list[str]], status: int = 200):
    user = signed_in_user()
    allowed = KINDS_BY_ROLE.get(user.role, frozenset())
    kinds = [
        kind
        for kind in DISPUTE_KIND_LABELS
        if kind in allowed and (kind.value != "appeal" or case.state in DECIDED_STATES)
    ]
    page = render_template(
        "disputes/new.html",
        case=case,
        kinds=kinds,
        default_kind=default_kind(user, case.state).value,
        kind_labels=DISPUTE_KIND_LABELS,
        organisations=legal_organisations(get_session()),
        counterparties=directory.contract_counterparties(get_session(), actor=user)
        if DisputeKind.CONTRACT in kinds
        else [],
        values=values,
        errors=errors,
        is_regulator=user.role is Role.REGULATOR,
    )
    return page, status


@bp.route("/cases/<int:case_id>/disputes/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT, Role.REGULATOR)
def new_dispute(case_id: int):
    case = _raisable_case(case_id)
    if request.method == "GET":
        return _new_page(case, {}, {})
    session = get_session()
    values = {key: request.form.get(key, "").strip() for key in RAISE_FIELDS}
    try:
        dispute = disputes.raise_dispute(
            session,
            actor=signed_in_user(),
            case_id=case_id,
            data=typed(values),
            expected_version=_version(),
        )
    except (ValidationFailed, Conflict, WorkflowError) as error:
        session.rollback()
        errors, status = refusal(error)
        return _new_page(_raisable_case(case_id), values, errors, status)
    session.commit()
    flash(gettext("The dispute was raised; the legal partner has been notified."), "success")
    return redirect(url_for("disputes.dispute_detail", dispute_id=dispute.id))
