"""办件进度查询 (no login) and, on the case page, the acceptance receipt and a new query code.

The public page answers a filing number with its query code by the title, the stages reached and the
next deadline — any mismatch gets the same message, and lookups (POST) are limited per client address
(`PROGRESS_RATE_LIMIT`). A QR code on the receipt opens the page with the number filled in.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext

from sandbox.db import get_session
from sandbox.extensions import limiter, progress_limited, progress_rate_limit
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases import cases, progress
from sandbox.views.cases.cases import CASE_ROLES
from sandbox.views.cases.cases import bp as cases_bp
from workflows.states import state_label

bp = Blueprint("progress", __name__)


@bp.route("/progress", methods=["GET", "POST"])
@limiter.limit(progress_rate_limit, methods=["POST"], error_message=progress_limited)
def progress_page():
    values = {"number": request.values.get("number", "").strip()}
    if request.method == "GET":
        return render_template(
            "progress/progress.html", state_label=state_label, values=values, found=None, errors={}
        )
    number, code = request.form.get("number", ""), request.form.get("code", "")
    errors: dict[str, list[str]] = {}
    if not number.strip():
        errors["number"] = [gettext("Type the filing number, e.g. YZSB-2026-0013.")]
    if not code.strip():
        errors["code"] = [gettext("Type the query code printed on the acceptance receipt.")]
    if errors:
        return render_template(
            "progress/progress.html", state_label=state_label, values=values, found=None, errors=errors
        ), 422
    found = progress.find_progress(get_session(), filing_number=number, query_code=code)
    if found is None:
        errors["form"] = [
            gettext("No case matches this filing number and query code. Check both and try again.")
        ]
        return render_template(
            "progress/progress.html", state_label=state_label, values=values, found=None, errors=errors
        ), 404
    return render_template(
        "progress/progress.html", state_label=state_label, values=values, found=found, errors={}
    )


@cases_bp.get("/<int:case_id>/receipt.pdf")
@roles_required(*CASE_ROLES)
def receipt(case_id: int):
    case, pdf = progress.receipt_pdf(get_session(), actor=signed_in_user(), case_id=case_id)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="receipt-{case.filing_number}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@cases_bp.post("/<int:case_id>/query-code")
@roles_required(Role.APPLICANT)
def reissue_query_code(case_id: int):
    """Issue a new query code and show it once; the old code stops working."""
    session = get_session()
    code = progress.reissue_progress_code(session, actor=signed_in_user(), case_id=case_id)
    case = cases.get_case(session, actor=signed_in_user(), case_id=case_id)
    session.commit()
    response = Response(render_template("cases/query_code.html", case=case, code=code))
    response.headers["Cache-Control"] = "no-store"
    return response
