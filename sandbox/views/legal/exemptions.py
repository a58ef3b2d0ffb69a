"""Liability exemption pages (试错免责): the list, the request page with the legal partner's opinion and the
regulator's decision, and applying for an exemption from a case.

Applicants see their enterprise's requests, regulators all, legal partners those their organisation was
asked about (the services answer 404 otherwise). A regulator proposes the decision; a different one
confirms it (`views.proposals`). A granted decision is a certificate served by the certificate pages; the
request page links to it. What the page shows is in `exemption_page`.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.errors import N_, Conflict, ValidationFailed
from sandbox.labels.legal import DECISION_LABELS, EXEMPTION_STAGE_LABELS
from sandbox.models.accounts import Role
from sandbox.models.cases import Case
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases import cases
from sandbox.services.decisions import proposals
from sandbox.services.legal import exemptions
from sandbox.validators import whole_number_or_none
from sandbox.views.forms import Pagination, page_number
from sandbox.views.legal.dispute_page import legal_organisations, organisations_by_id, refusal, typed
from sandbox.views.legal.exemption_page import EXEMPTION_ROLES, TABS, render_exemption_page
from workflows.cases import available_events
from workflows.errors import WorkflowError
from workflows.states import Event

bp = Blueprint("exemptions", __name__)
APPLY_FIELDS = ("incident_id", "legal_partner_org_id", "good_faith_explanation")


def _version() -> int | None:
    raw = request.form.get("expected_version", "")
    return whole_number_or_none(raw)


def _refused(request_id: int, form_name: str, error: Exception) -> tuple[str, int]:
    session = get_session()
    session.rollback()
    errors, status = refusal(error)
    return render_exemption_page(
        session,
        signed_in_user(),
        request_id,
        errors=errors,
        values=request.form.to_dict(),
        open_form=form_name,
        status=status,
    )


@bp.get("/exemptions")
@roles_required(*EXEMPTION_ROLES)
def exemption_list():
    session = get_session()
    tab = request.args.get("tab", "pending")
    tab = tab if tab in TABS else "pending"
    query = request.args.get("q", "").strip()
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    result = exemptions.list_requests(
        session,
        actor=signed_in_user(),
        pending={"pending": True, "decided": False}.get(tab),
        query=query,
        page=page,
        per_page=per_page,
    )
    return render_template(
        "exemptions/list.html",
        rows=result.rows,
        organisations=organisations_by_id(session, {row.organisation_id for row, _ in result.rows}),
        tab=tab,
        tabs=TABS,
        query=query,
        pagination=Pagination(page, per_page, result.total),
        stage_labels=EXEMPTION_STAGE_LABELS,
        decision_label=lambda key: str(DECISION_LABELS.get(key, key)),
    )


@bp.get("/exemptions/<int:request_id>")
@roles_required(*EXEMPTION_ROLES)
def exemption_detail(request_id: int):
    return render_exemption_page(get_session(), signed_in_user(), request_id)


@bp.post("/exemptions/<int:request_id>/opinion")
@roles_required(Role.LEGAL_PARTNER)
def give_opinion(request_id: int):
    session = get_session()
    data = {key: request.form.get(key, "").strip() for key in ("opinion", "recommendation")}
    try:
        exemptions.give_opinion(
            session,
            actor=signed_in_user(),
            request_id=request_id,
            data={key: value for key, value in data.items() if value},
            expected_version=_version(),
        )
    except (ValidationFailed, Conflict) as error:
        return _refused(request_id, "opinion", error)
    session.commit()
    flash(gettext("Your opinion is on file; the sandbox office has been told."), "success")
    return redirect(url_for("exemptions.exemption_detail", request_id=request_id))


@bp.post("/exemptions/<int:request_id>/decision")
@roles_required(Role.REGULATOR)
def decide(request_id: int):
    """Propose the decision; a different regulator confirms it before it is taken."""
    session = get_session()
    data = {key: request.form.get(key, "").strip() for key in ("decision", "scope", "reasons")}
    try:
        proposals.propose_exemption_decision(
            session,
            actor=signed_in_user(),
            request_id=request_id,
            data={key: value for key, value in data.items() if value},
            expected_version=_version(),
        )
    except (ValidationFailed, Conflict, WorkflowError) as error:
        return _refused(request_id, "decision", error)
    session.commit()
    flash(gettext("Your proposed decision waits for a different regulator to confirm it."), "success")
    return redirect(url_for("exemptions.exemption_detail", request_id=request_id))


# --- applying -------------------------------------------------------------------------------------------


def _applicable_case(case_id: int) -> Case:
    """The case, if the applicant sees it (else 404) and may apply for an exemption now (else 409)."""
    case = cases.get_case(get_session(), actor=signed_in_user(), case_id=case_id)
    if Event.APPLY_EXEMPTION not in available_events(case.state):
        raise Conflict(N_("This action is not possible in the case's current stage."))
    return case


def _new_page(case: Case, values: dict[str, str], errors: dict[str, list[str]], status: int = 200):
    session = get_session()
    incidents = exemptions.incidents(session, actor=signed_in_user(), case_id=case.id)  # type: ignore[arg-type]
    page = render_template(
        "exemptions/new.html",
        case=case,
        incidents=incidents,
        organisations=legal_organisations(session),
        values=values,
        errors=errors,
    )
    return page, status


@bp.route("/cases/<int:case_id>/exemptions/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def new_exemption(case_id: int):
    case = _applicable_case(case_id)
    if request.method == "GET":
        return _new_page(case, {}, {})
    session = get_session()
    values = {key: request.form.get(key, "").strip() for key in APPLY_FIELDS}
    try:
        applied = exemptions.apply(
            session,
            actor=signed_in_user(),
            case_id=case_id,
            data=typed(values),
            expected_version=_version(),
        )
    except (ValidationFailed, Conflict, WorkflowError) as error:
        session.rollback()
        errors, status = refusal(error)
        return _new_page(_applicable_case(case_id), values, errors, status)
    session.commit()
    flash(gettext("Your application was filed; the legal partner will now give its opinion."), "success")
    return redirect(url_for("exemptions.exemption_detail", request_id=applied.id))
