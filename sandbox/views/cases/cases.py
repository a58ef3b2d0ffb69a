"""Case pages: the list every role sees (its own cases; queues per stage for regulators) and the case page.

Every query goes through the case services, so the same visibility rules apply as in the API. The
forms on the case page are handled in `case_actions`, new projects and plan editing in `case_edit`.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from sandbox.db import get_session
from sandbox.downloads import xlsx_response
from sandbox.i18n import lang
from sandbox.labels.cases import PLAN_FIELD_LABELS, risk_text
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services.cases import cases
from sandbox.services.cases import export as case_export
from sandbox.services.cases.cases import CaseFilter
from sandbox.validators import whole_number_or_none
from sandbox.views.cases.page import render_case_page
from workflows.assessment import RiskLevel
from workflows.sectors import default_sector_packs
from workflows.states import FINAL_STATES, CaseState, state_label

bp = Blueprint("cases", __name__, url_prefix="/cases")
CASE_ROLES = (Role.APPLICANT, Role.REGULATOR, Role.ASSESSOR, Role.LEGAL_PARTNER)
# The regulator's queues: every open stage (drafts are private to the enterprise).
QUEUE_STATES = tuple(s for s in CaseState if s not in FINAL_STATES and s is not CaseState.DRAFT)


def _choice(enum_class, raw: str):
    return enum_class(raw) if raw in {member.value for member in enum_class} else None


def _filters(user, args) -> CaseFilter:
    """Read the list's filters from the query string (the list and its export read the same ones)."""
    return CaseFilter(
        state=_choice(CaseState, args.get("state", "")),
        sector=args.get("sector") or None,
        overdue=True if args.get("overdue") == "1" else None,
        assignee_id=user.id if args.get("mine") == "1" else None,
        risk_level=_choice(RiskLevel, args.get("risk", "")),
        query=args.get("q", ""),
    )


@bp.get("")
@roles_required(*CASE_ROLES)
def case_list():
    user, session = signed_in_user(), get_session()
    args = request.args
    filters = _filters(user, args)
    cursor = args.get("cursor", "")
    rows, next_cursor = cases.list_cases(
        session,
        actor=user,
        filters=filters,
        before_id=whole_number_or_none(cursor),
        limit=current_app.config["PAGE_SIZE"],
    )
    plain_args = {key: value for key, value in args.items() if key != "cursor"}
    queues = {}
    if user.role is Role.REGULATOR:
        counts = cases.count_cases_by_state(session)
        queues = {state: counts.get(state, 0) for state in QUEUE_STATES}
    return render_template(
        "cases/list.html",
        rows=rows,
        next_url=url_for("cases.case_list", **plain_args, cursor=next_cursor) if next_cursor else None,
        first_page_args=plain_args,
        filters=args,
        states=list(CaseState),
        risk_levels=list(RiskLevel),
        queues=queues,
        overdue_count=cases.count_overdue(session) if user.role is Role.REGULATOR else 0,
        sectors=default_sector_packs(),
        state_label=lambda s: state_label(s, lang()),
        risk_text=risk_text,
        export_args={key: value for key, value in plain_args.items() if value},
    )


@bp.get("/export.xlsx")
@roles_required(*CASE_ROLES)
def export_xlsx():
    user = signed_in_user()
    data = case_export.case_list_workbook(
        get_session(), actor=user, filters=_filters(user, request.args), language=lang()
    )
    return xlsx_response(data, "sandbox-projects.xlsx")


@bp.get("/<int:case_id>")
@roles_required(*CASE_ROLES)
def case_detail(case_id: int):
    return render_case_page(get_session(), signed_in_user(), case_id)


@bp.get("/<int:case_id>/plan-versions")
@roles_required(*CASE_ROLES)
def plan_versions(case_id: int):
    session, user = get_session(), signed_in_user()
    case = cases.get_case(session, actor=user, case_id=case_id)
    versions = cases.plan_versions(session, actor=user, case_id=case_id)
    changes = [
        cases.diff_versions(older, newer) for older, newer in zip(versions, versions[1:], strict=False)
    ]
    return render_template(
        "cases/plan_versions.html",
        case=case,
        versions=versions,
        changes=[[], *changes],
        plan_field_labels=PLAN_FIELD_LABELS,
    )
