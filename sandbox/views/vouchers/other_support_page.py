"""Other support for the same project on the case page (从高从优不重复): the enterprise declares it, the
office corrects it with a reason; on the voucher page the enterprise forgoes lower support to use a
higher voucher. Adds its routes to the `cases` and `vouchers` blueprints."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from sqlmodel import Session

from sandbox.db import get_session
from sandbox.errors import ValidationFailed
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases import cases
from sandbox.services.vouchers import other_support
from sandbox.views.cases.cases import bp as cases_bp
from sandbox.views.cases.page import render_case_page
from sandbox.views.forms import field_errors
from sandbox.views.vouchers.vouchers import _fen
from sandbox.views.vouchers.vouchers import bp as vouchers_bp

FIELDS = ("programme", "programme_name", "amount", "status", "granted_on", "approval_number", "reason")


def _data(values: dict[str, str]) -> dict[str, Any]:
    programme = values["programme"] if values["programme"] != "other" else values["programme_name"]
    data: dict[str, Any] = {
        "programme": programme, "status": values["status"],
        "granted_on": values["granted_on"] or None, "approval_number": values["approval_number"],
        "amount_fen": _fen(values["amount"], "amount_fen"),
    }  # fmt: skip
    if values.get("reason") is not None:
        data["reason"] = values["reason"]
        data["withdrawn"] = request.form.get("withdrawn") == "1"
    return data


def _refused(session: Session, case_id: int, values: dict, error: ValidationFailed, form: str):
    errors = {key.removesuffix("_fen"): messages for key, messages in field_errors(error).items()}
    return render_case_page(session, signed_in_user(), case_id, errors=errors, values=values, open_form=form,
                            status=422)  # fmt: skip


@cases_bp.post("/<int:case_id>/other-support")
@roles_required(Role.APPLICANT)
def declare_other_support(case_id: int):
    session, user = get_session(), signed_in_user()
    case = cases.get_case(session, actor=user, case_id=case_id)
    values = {key: request.form.get(key, "").strip() for key in FIELDS if key != "reason"}
    try:
        other_support.declare(session, actor=user, case=case, data=_data(values))
    except ValidationFailed as error:
        return _refused(session, case_id, values, error, "other-support")
    session.commit()
    flash(gettext("The other support was recorded; it is weighed against the voucher at exit."), "success")
    return redirect(url_for("cases.case_detail", case_id=case_id, _anchor="other-support"))


@cases_bp.post("/<int:case_id>/other-support/<int:support_id>")
@roles_required(Role.REGULATOR)
def correct_other_support(case_id: int, support_id: int):
    session, user = get_session(), signed_in_user()
    case = cases.get_case(session, actor=user, case_id=case_id)
    other_support.get_for_case(session, actor=user, case=case, support_id=support_id)
    values = {key: request.form.get(key, "").strip() for key in FIELDS}
    try:
        other_support.correct(session, actor=user, case=case, support_id=support_id, data=_data(values))
    except ValidationFailed as error:
        return _refused(session, case_id, values, error, f"support-{support_id}")
    session.commit()
    flash(gettext("The declaration was corrected; the case history keeps what it said before."), "success")
    return redirect(url_for("cases.case_detail", case_id=case_id, _anchor="other-support"))


@vouchers_bp.post("/vouchers/<int:voucher_id>/forgo-other-support")
@roles_required(Role.APPLICANT)
def forgo_other_support(voucher_id: int):
    session = get_session()
    try:
        other_support.forgo(session, actor=signed_in_user(), voucher_id=voucher_id)
    except ValidationFailed as error:
        for messages in field_errors(error).values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("vouchers.voucher_detail", voucher_id=voucher_id))
    session.commit()
    flash(gettext("You forgo the other support for this project; the voucher is now usable."), "success")
    return redirect(url_for("vouchers.voucher_detail", voucher_id=voucher_id))
