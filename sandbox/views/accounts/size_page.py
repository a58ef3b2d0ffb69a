"""The enterprise's size declaration page (中小企业划型): last year's figures in, the derived size out,
every earlier version listed. Adds its routes to the `main` blueprint, beside the enterprise pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.errors import ValidationFailed
from sandbox.labels.enterprise_size import industry_name, size_name
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.accounts import size_declarations
from sandbox.services.cases.calendar import beijing_today
from sandbox.views.forms import field_errors
from sandbox.views.main import bp, size_context
from sandbox.views.vouchers.vouchers import _fen
from workflows.enterprise_size import INDUSTRIES

FIELDS = ("year", "industry", "employees", "operating_revenue", "total_assets")


def _page(values: dict, errors: dict, status: int = 200):
    user = signed_in_user()
    industries = [(row.key, industry_name(row.key)) for row in INDUSTRIES]
    context = size_context(get_session(), user, user.enterprise_id)  # type: ignore[arg-type]
    return render_template("main/size.html", values=values, errors=errors, industries=industries,
                           **context), status  # fmt: skip


@bp.get("/enterprise/size")
@roles_required(Role.APPLICANT)
def size_declaration():
    return _page({"year": str(beijing_today().year - 1)}, {})


@bp.post("/enterprise/size")
@roles_required(Role.APPLICANT)
def declare_size():
    session = get_session()
    values = {key: request.form.get(key, "").strip() for key in FIELDS}
    try:
        data: dict = {key: values[key] for key in ("year", "industry", "employees")}
        data["operating_revenue_fen"] = _fen(values["operating_revenue"], "operating_revenue_fen")
        if values["total_assets"]:
            data["total_assets_fen"] = _fen(values["total_assets"], "total_assets_fen")
        row = size_declarations.declare_size(session, actor=signed_in_user(), data=data)
    except ValidationFailed as error:
        errors = {key.removesuffix("_fen"): messages for key, messages in field_errors(error).items()}
        return _page(values, errors, 422)
    session.commit()
    flash(gettext("Declared. By the SME standard your enterprise is: %(size)s.", size=size_name(row.size)),
          "success")  # fmt: skip
    return redirect(url_for("main.size_declaration"))
