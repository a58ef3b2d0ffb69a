"""Filing a project: the applicant's multi-step form (basics → plan → commitment), saved as a draft at
every step and used again when the sandbox office asks for an amendment.

Saving a step checks that step's values as the submit will (`services.cases.filing_steps`); a refused
save shows the step again with what was typed and the message at the field. A refused submit keeps the
commitment step's save (its ticks included) and opens the first step at fault at the field concerned.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from sandbox.db import get_session
from sandbox.errors import Conflict, ValidationFailed
from sandbox.i18n import bilingual, lang, translate
from sandbox.labels.cases import PLAN_FIELD_LABELS
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.accounts import size_declarations
from sandbox.services.case_events import history
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases import cases, filing_steps
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.cases.materials import material_checklist
from sandbox.validators import whole_number_or_none
from sandbox.views.cases.cases import bp
from sandbox.views.cases.event_forms import read_boundaries
from sandbox.views.cases.page import latest_amendment
from sandbox.views.forms import field_errors
from sandbox.views.publication.consent import save_from_filing_form
from workflows.errors import GuardFailed, InvalidTransition, Reason
from workflows.sectors import ParamType, default_sector_packs
from workflows.states import CaseState, Event

STEPS = filing_steps.FILING_STEPS


def _basics(form: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": form.get("title", "").strip(),
        "data_categories": [
            line.strip() for line in form.get("data_categories", "").splitlines() if line.strip()
        ],
    }
    if "sector" in form:
        data["sector"] = form["sector"]
    return data


def _plan(form: Any, sector: str) -> dict[str, Any]:
    months = form.get("duration_months", "").strip()
    plan: dict[str, Any] = {
        key: form.get(key, "").strip()
        for key in ("objectives", "risk_controls", "exit_plan", "consumer_protection")
    }
    plan["boundaries"] = read_boundaries(form, default_sector_packs()[sector], prefix="boundaries")
    plan["duration_months"] = whole_number_or_none(months)
    return {"plan": plan}


def field_id(field: str) -> str:
    """The id of the form control that holds `field` (a form name or a guard's field path)."""
    name = field.removeprefix("plan.")
    if name.startswith("materials."):
        return "material-file-" + name.removeprefix("materials.")
    if name == "commitment_accepted_by":
        return "accept_commitment"
    return name.replace(".", "-")


def _error_links(case: Any, step: str, errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Each error message with a link to its field: on this step an anchor, else the step's page."""
    links = []
    for field, messages in errors.items():
        owner = filing_steps.step_of(field) or step
        anchor = "#" + field_id(field)
        if owner != step and case is not None:
            anchor = url_for("cases.edit_case", case_id=case.id, step=owner) + anchor
        links += [(message, anchor) for message in messages]
    return links


def _first_error(step: str, errors: dict[str, list[str]]) -> str | None:
    """The id of the first refused control on `step` (focused when the page opens)."""
    here = [field for field in errors if (filing_steps.step_of(field) or step) == step]
    return field_id(here[0]) if here else None


def render_step(
    case: Any,
    step: str,
    *,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    form: Any = None,
    submit_refused: bool = False,
) -> Any:
    session = get_session()
    errors = errors or {}
    form = request.form if form is None else form
    amendment, amend_fields = None, set()
    if case is not None and case.state is CaseState.AMENDMENT_REQUESTED:
        amendment = latest_amendment(history.case_history(session, case.id))
        amend_fields = set((amendment.payload or {}).get("fields", [])) if amendment else set()
    return (
        render_template(
            "cases/edit.html",
            case=case, step=step, steps=STEPS, errors=errors, form=form, posted=bool(form),
            error_links=_error_links(case, step, errors), field_id=field_id,
            first_error=_first_error(step, errors), submit_refused=submit_refused,
            sectors=default_sector_packs(), pack=default_sector_packs()[case.sector] if case else None,
            amendment=amendment, amend_fields=amend_fields,
            materials=material_checklist(session, actor=signed_in_user(), case_id=case.id) if case else None,
            plan_field_labels=PLAN_FIELD_LABELS, bilingual=bilingual, lang=lang(), ParamType=ParamType,
            size_due=size_renewal_due(session, signed_in_user()),
        ),
        status,
    )  # fmt: skip



def size_renewal_due(session: Any, user: Any) -> bool:
    """The filing form asks to renew the enterprise's size declaration when it is missing or a year old."""
    if user.enterprise_id is None:
        return False
    latest = size_declarations.latest_size(session, enterprise_id=user.enterprise_id)
    return size_declarations.renewal_due(latest, today=beijing_today())

@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def new_case():
    if request.method == "GET":
        return render_step(None, "basics")
    session = get_session()
    try:
        case = cases.create_case(session, actor=signed_in_user(), data=_basics(request.form))
    except ValidationFailed as error:
        return render_step(None, "basics", errors=field_errors(error), status=422)
    session.commit()
    flash(gettext("Draft saved. Now describe the sandbox plan."), "success")
    return redirect(url_for("cases.edit_case", case_id=case.id, step="plan"))


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def edit_case(case_id: int):
    session, user = get_session(), signed_in_user()
    case = cases.get_case(session, actor=user, case_id=case_id)
    step = request.args.get("step", "basics")
    if step not in STEPS:
        abort(404)
    if case.state not in (CaseState.DRAFT, CaseState.AMENDMENT_REQUESTED):
        flash(
            gettext("The plan can only be changed while drafting or when an amendment is requested."), "error"
        )
        return redirect(url_for("cases.case_detail", case_id=case_id))
    if request.method == "GET":
        return render_step(case, step)
    if step == "basics":
        data = _basics(request.form)
    elif step == "plan":
        data = _plan(request.form, case.sector)
    else:
        data = {"accept_commitment": request.form.get("accept_commitment") == "yes"}
    version = request.form.get("expected_version", "")
    action = request.form.get("action", "save")
    try:
        case = cases.update_case(session, actor=user, case_id=case_id, data=data,
                                 expected_version=whole_number_or_none(version))  # fmt: skip
        if step == "commitment":
            save_from_filing_form(session, actor=user, case_id=case_id, form=request.form)
    except (ValidationFailed, Conflict) as error:
        return _refused(case_id, step, error)
    if step == "commitment" and action == "submit":
        reasons = filing_steps.submission_reasons(case, default_sector_packs()[case.sector])
        if reasons:
            # The save stands (every tick as left); the submit is refused where the fault is.
            session.commit()
            return _submit_refused(case, reasons)
    if step == "commitment" and action in ("submit", "resubmit"):
        try:
            apply_event(session, actor=user, case_id=case_id, event=Event(action))
        except (ValidationFailed, GuardFailed, Conflict, InvalidTransition) as error:
            return _refused(case_id, step, error)
    session.commit()
    if step == "commitment" and action in ("submit", "resubmit"):
        flash(gettext("Submitted. The sandbox office will review your filing."), "success")
        return redirect(url_for("cases.case_detail", case_id=case_id))
    flash(gettext("Draft saved."), "success")
    following = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
    return redirect(url_for("cases.edit_case", case_id=case_id, step=following))


def _refused(case_id: int, step: str, error: Exception) -> Any:
    """Show the step again with what was typed and the reasons at the fields; nothing is saved."""
    session, user = get_session(), signed_in_user()
    session.rollback()
    case = cases.get_case(session, actor=user, case_id=case_id)
    if isinstance(error, GuardFailed):
        error = ValidationFailed.from_reasons(error.reasons)
    if isinstance(error, ValidationFailed):
        return render_step(case, step, errors=field_errors(error), status=422)
    message = (
        translate(error.message)
        if isinstance(error, Conflict)
        else gettext("This action is not possible in the case's current stage.")
    )
    return render_step(case, step, errors={"__root__": [message]}, status=409)


def _submit_refused(case: Any, reasons: list[Reason]) -> Any:
    """Open the first step at fault with every reason at its field (the saved values shown)."""
    step = filing_steps.first_faulty_step(reasons) or "commitment"
    errors = field_errors(ValidationFailed.from_reasons(reasons))
    return render_step(case, step, errors=errors, status=422, form=MultiDict(), submit_refused=True)
