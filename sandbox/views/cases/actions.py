"""Case page forms: fire an event, upload, report, guide, acknowledge, score, assign.

Each handler parses the form, calls one service, commits once and redirects back to the case page; a
refusal re-renders the page with the form open, its errors beside the fields and nothing typed lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from sandbox.db import get_session
from sandbox.errors import N_, Conflict, TwoPersonRule, ValidationFailed
from sandbox.i18n import lang, translate
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases import cases, documents, trial
from sandbox.uploads import send_document, upload_from_request
from sandbox.validators import whole_number_or_none
from sandbox.views.cases.cases import CASE_ROLES, bp
from sandbox.views.cases.event_forms import CONFIRM_EVENTS, read_event_form
from sandbox.views.cases.page import render_case_page
from sandbox.views.forms import field_errors, nested
from workflows.errors import GuardFailed, InvalidTransition
from workflows.sectors import default_sector_packs
from workflows.states import Event, event_label


def _back(case_id: int, anchor: str = "") -> Response:
    return redirect(url_for("cases.case_detail", case_id=case_id) + (f"#{anchor}" if anchor else ""))


def _refused(case_id: int, form_name: str, error: Exception) -> tuple[str, int]:
    """Show the case page again with `form_name` open and the reasons beside its fields."""
    session = get_session()
    session.rollback()
    if isinstance(error, GuardFailed):
        error = ValidationFailed.from_reasons(error.reasons)
    if isinstance(error, ValidationFailed):
        errors, status = field_errors(error), 422
    elif isinstance(error, TwoPersonRule):
        errors, status = {"__root__": [translate(error.message)]}, 403
    else:
        message = gettext("This action is not possible in the case's current stage.")
        if isinstance(error, Conflict):
            message = translate(error.message)
        errors, status = {"__root__": [message]}, 409
    values: dict[str, Any] = request.form.to_dict()
    values["__lists__"] = {key: request.form.getlist(key) for key in request.form}
    return render_case_page(
        session, signed_in_user(), case_id, errors=errors, values=values, open_form=form_name, status=status
    )


def form_version() -> int | None:
    raw = request.form.get("expected_version", "")
    return whole_number_or_none(raw)


@bp.post("/<int:case_id>/events/<event>")
@roles_required(*CASE_ROLES)
def fire(case_id: int, event: str):
    session, user = get_session(), signed_in_user()
    case = cases.get_case(session, actor=user, case_id=case_id)
    try:
        chosen = Event(event)
    except ValueError:
        return _refused(case_id, event, InvalidTransition(case.state, event))
    if chosen in CONFIRM_EVENTS and request.form.get("confirm") != "yes":
        error = ValidationFailed.single("confirm", N_("Tick the box to confirm this step."))
        return _refused(case_id, event, error)
    note, data = read_event_form(chosen, request.form, default_sector_packs()[case.sector])
    try:
        apply_event(
            session,
            actor=user,
            case_id=case_id,
            event=chosen,
            note=note,
            data=data,
            expected_version=form_version(),
        )
    except (ValidationFailed, GuardFailed, InvalidTransition, Conflict, TwoPersonRule) as error:
        return _refused(case_id, event, error)
    session.commit()
    flash(
        gettext("Done: %(action)s.", action=event_label(chosen, lang())),
        "success",
    )
    return _back(case_id)


@bp.post("/<int:case_id>/documents")
@roles_required(*CASE_ROLES)
def upload(case_id: int):
    session = get_session()
    try:
        upload_from_request(session, actor=signed_in_user(), case_id=case_id)
    except ValidationFailed as error:
        return _refused(case_id, "upload", error)
    session.commit()
    flash(gettext("The file was uploaded."), "success")
    return _back(case_id, "documents")


@bp.get("/<int:case_id>/documents/<int:document_id>")
@roles_required(*CASE_ROLES)
def download(case_id: int, document_id: int):
    document = documents.get_document(
        get_session(), actor=signed_in_user(), case_id=case_id, document_id=document_id
    )
    return send_document(document)


def run_form(
    case_id: int, form_name: str, action: Any, message: str | Callable[[Any], str], anchor: str
) -> Any:
    """Run one service call for a case page form; commit and go back to the page with `message` (or
    `message(result)`), or show the page again with the form open and its errors."""
    session = get_session()
    try:
        result = action(session)
    except (ValidationFailed, Conflict) as error:
        return _refused(case_id, form_name, error)
    session.commit()
    flash(message(result) if callable(message) else message, "success")
    return _back(case_id, anchor)


@bp.post("/<int:case_id>/reports")
@roles_required(*CASE_ROLES)
def file_report(case_id: int):
    data = nested(request.form)
    return run_form(
        case_id,
        "report",
        lambda s: trial.file_report(s, actor=signed_in_user(), case_id=case_id, data=data),
        gettext("The report was filed."),
        "reports",
    )


@bp.post("/<int:case_id>/guidance")
@roles_required(*CASE_ROLES)
def issue_guidance(case_id: int):
    data = nested(request.form)
    return run_form(
        case_id,
        "guidance",
        lambda s: trial.issue_guidance(s, actor=signed_in_user(), case_id=case_id, data=data),
        gettext("The guidance was sent to the enterprise."),
        "reports",
    )


@bp.post("/<int:case_id>/guidance/<int:guidance_id>/acknowledge")
@roles_required(*CASE_ROLES)
def acknowledge(case_id: int, guidance_id: int):
    return run_form(
        case_id,
        "guidance",
        lambda s: trial.acknowledge_guidance(
            s, actor=signed_in_user(), case_id=case_id, guidance_id=guidance_id
        ),
        gettext("Guidance acknowledged."),
        "reports",
    )


@bp.post("/<int:case_id>/evaluations")
@roles_required(*CASE_ROLES)
def score(case_id: int):
    scores = {
        key.removeprefix("scores."): int(value)
        for key, value in request.form.items()
        if key.startswith("scores.") and whole_number_or_none(value) is not None
    }
    data = {"scores": scores, "conclusion": request.form.get("conclusion", "").strip()}
    return run_form(
        case_id,
        "evaluation",
        lambda s: trial.add_evaluation(s, actor=signed_in_user(), case_id=case_id, data=data),
        gettext("The evaluation was recorded."),
        "evaluation",
    )


@bp.post("/<int:case_id>/assign")
@roles_required(Role.REGULATOR)
def assign(case_id: int):
    data: dict[str, Any] = {}
    for key in ("case_officer_id", "assessor_org_id"):
        if key in request.form:
            value = request.form[key]
            data[key] = whole_number_or_none(value)
    return run_form(
        case_id,
        "assign",
        lambda s: cases.update_case(
            s, actor=signed_in_user(), case_id=case_id, data=data, expected_version=form_version()
        ),
        gettext("Assignment saved."),
        "assign",
    )
