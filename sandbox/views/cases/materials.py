"""Uploading one of the sector's filing materials from its checklist, on the filing form or the case page.

The file is stored by the same document service as every upload (checked by content and size) and
tagged with the material's id; a refusal shows the page it came from again with the message at the
item's upload control.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from sandbox.db import get_session
from sandbox.errors import Conflict, ValidationFailed
from sandbox.i18n import translate
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases import cases
from sandbox.uploads import upload_from_request
from sandbox.views.cases.cases import bp
from sandbox.views.cases.edit import STEPS, render_step
from sandbox.views.cases.page import render_case_page
from sandbox.views.forms import field_errors


@bp.post("/<int:case_id>/materials/<material_id>")
@roles_required(Role.APPLICANT)
def upload_material(case_id: int, material_id: str):
    session, user = get_session(), signed_in_user()
    asked = request.form.get("step", "")
    step = asked if asked in STEPS else None
    try:
        upload_from_request(session, actor=user, case_id=case_id, material=material_id)
    except (ValidationFailed, Conflict) as error:
        return _refused(case_id, material_id, step, error)
    session.commit()
    flash(gettext("The file was uploaded."), "success")
    if step is not None:
        return redirect(url_for("cases.edit_case", case_id=case_id, step=step) + "#materials")
    return redirect(url_for("cases.case_detail", case_id=case_id) + "#materials")


def _refused(case_id: int, material_id: str, step: str | None, error: ValidationFailed | Conflict) -> Any:
    """Show the page the upload came from with the message at the material's upload control."""
    session, user = get_session(), signed_in_user()
    session.rollback()
    if isinstance(error, ValidationFailed):
        messages = [message for values in field_errors(error).values() for message in values]
    else:
        messages = [translate(error.message)]
    errors = {f"materials.{material_id}": messages}
    if step is not None:
        case = cases.get_case(session, actor=user, case_id=case_id)
        return render_step(case, step, errors=errors, status=422, form=MultiDict())
    return render_case_page(session, user, case_id, errors=errors, open_form="materials", status=422)
