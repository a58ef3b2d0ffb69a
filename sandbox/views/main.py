"""The landing page, each role's dashboard, the language switch and enterprise pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlmodel import Session

from sandbox.db import get_session
from sandbox.labels.enterprise_size import industry_name, size_name
from sandbox.models.accounts import Role, User
from sandbox.models.cases import Case
from sandbox.security import login_required, roles_required, signed_in_user
from sandbox.services.accounts import accounts, enterprises, size_declarations
from sandbox.services.cases import cases, exit_review
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.cases.cases import CaseFilter
from sandbox.services.trust import certificates
from sandbox.services.vouchers.vouchers import vouchers_by_certificate
from sandbox.views.cases.cases import CASE_ROLES
from sandbox.views.cases.tasks import case_events_for, case_tasks
from sandbox.views.forms import Pagination, page_number, safe_next
from sandbox.views.legal.work import legal_work
from sandbox.views.vouchers.vouchers import STATUS_LABELS as VOUCHER_STATUS_LABELS
from workflows.states import CaseState

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    user, db = signed_in_user(), get_session()
    enterprise, size_due = None, False
    if user.role is Role.APPLICANT and user.enterprise_id is not None:
        enterprise = enterprises.get_enterprise(db, actor=user, enterprise_id=user.enterprise_id)
        latest = size_declarations.latest_size(db, enterprise_id=user.enterprise_id)
        size_due = size_declarations.renewal_due(latest, today=beijing_today())
    work = waiting_work(db, user) if user.role in CASE_ROLES else []
    exits = certificates.recent_exits(db, actor=user)
    vouchers = vouchers_by_certificate(db, actor=user, certificate_ids=[cert.id for cert in exits])
    return render_template(
        "main/dashboard.html", enterprise=enterprise, work=work, legal_tasks=legal_work(db, user),
        exits=exits, vouchers=vouchers, summary=certificates.summary, voucher_statuses=VOUCHER_STATUS_LABELS,
        size_due=size_due,
    )  # fmt: skip


def size_context(db: Session, user: User, enterprise_id: int) -> dict:
    """An enterprise's size declarations (newest first), whether one is due, and their labels."""
    rows = size_declarations.list_declarations(db, actor=user, enterprise_id=enterprise_id)
    return {
        "size_rows": rows,
        "size_due": size_declarations.renewal_due(rows[0] if rows else None, today=beijing_today()),
        "size_name": size_name,
        "industry_name": industry_name,
    }


@dataclass(frozen=True)
class WorkItem:
    case: Case
    next_steps: list[str]
    review: bool  # the exit decision was sent to this user for review (提交复核)


def waiting_work(db: Session, user: User, limit: int = 50) -> list[WorkItem]:
    """Return the user's open cases: exit reviews sent to this user first, then those waiting for this
    user, nearest deadline first."""
    rows, _ = cases.list_cases(db, actor=user, filters=CaseFilter(open_only=True), limit=limit)
    records = exit_review.records_of(db, rows) if user.role is Role.REGULATOR else {}
    items = []
    for case in rows:
        events, send_for_review = case_events_for(db, user, case, records.get(case.id or 0))
        steps = [task.label for task in case_tasks(user, case, events, send_for_review)]
        review = case.exit_reviewer_id == user.id and case.state is CaseState.EXIT_EVALUATION
        items.append(WorkItem(case, steps, review))
    return sorted(
        items, key=lambda item: (not item.review, not item.next_steps, item.case.stage_due or date.max)
    )


@bp.post("/language")
def set_language():
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
def enterprise_list():
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
def enterprise_detail(enterprise_id: int):
    db = get_session()
    enterprise = enterprises.get_enterprise(db, actor=signed_in_user(), enterprise_id=enterprise_id)
    declaration = enterprises.latest_declaration(db, enterprise_id=enterprise.id)  # type: ignore[arg-type]
    sizes = size_context(db, signed_in_user(), enterprise.id)  # type: ignore[arg-type]
    return render_template("main/enterprise.html", enterprise=enterprise, declaration=declaration, **sizes)


@bp.get("/enterprise")
@roles_required(Role.APPLICANT)
def own_enterprise():
    return redirect(url_for("main.enterprise_detail", enterprise_id=current_user.enterprise_id))
