"""The landing page, each role's dashboard, the language switch and enterprise pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from sandbox.db import get_session
from sandbox.models.accounts import Role
from sandbox.security import login_required, roles_required, signed_in_user
from sandbox.services import accounts, enterprises
from sandbox.views.forms import Pagination, page_number, safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    return render_template("main/index.html")


@bp.get("/dashboard")
@login_required
def dashboard():  # type: ignore[no-untyped-def]
    enterprise = None
    if current_user.role is Role.APPLICANT and current_user.enterprise_id is not None:
        enterprise = enterprises.get_enterprise(
            get_session(), actor=signed_in_user(), enterprise_id=current_user.enterprise_id
        )
    return render_template("main/dashboard.html", enterprise=enterprise)


@bp.post("/language")
def set_language():  # type: ignore[no-untyped-def]
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        db = get_session()
        accounts.set_locale(db, user=signed_in_user(), locale=locale)
        db.commit()
    return redirect(safe_next(request.form.get("next")))


@bp.get("/enterprises")
@roles_required(Role.REGULATOR, Role.ADMIN)
def enterprise_list():  # type: ignore[no-untyped-def]
    query = request.args.get("q", "")
    page = page_number()
    per_page = current_app.config["PAGE_SIZE"]
    rows, total = enterprises.list_enterprises(
        get_session(), actor=signed_in_user(), query=query, page=page, per_page=per_page
    )
    return render_template(
        "main/enterprises.html", rows=rows, query=query, pagination=Pagination(page, per_page, total)
    )


@bp.get("/enterprises/<int:enterprise_id>")
@login_required
def enterprise_detail(enterprise_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    enterprise = enterprises.get_enterprise(db, actor=signed_in_user(), enterprise_id=enterprise_id)
    declaration = enterprises.latest_declaration(db, enterprise_id=enterprise.id)
    return render_template("main/enterprise.html", enterprise=enterprise, declaration=declaration)


@bp.get("/enterprise")
@roles_required(Role.APPLICANT)
def own_enterprise():  # type: ignore[no-untyped-def]
    return redirect(url_for("main.enterprise_detail", enterprise_id=current_user.enterprise_id))
