"""Case pages: the list every role sees (its own cases) and the case page with its history.

Read-only for now; the forms for each workflow action come with the role pages. Every query goes
through the case services, so the same visibility rules apply as in the API.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import get_locale

from sandbox.db import get_session
from sandbox.models.accounts import Role
from sandbox.security import roles_required, signed_in_user
from sandbox.services import cases, documents, history, trial
from sandbox.services.cases import CaseFilter
from workflows.cases import available_events
from workflows.sectors import default_sector_packs
from workflows.states import CaseState, event_label, state_label

bp = Blueprint("cases", __name__, url_prefix="/cases")
CASE_ROLES = (Role.APPLICANT, Role.REGULATOR, Role.ASSESSOR, Role.LEGAL_PARTNER)


def lang() -> str:
    return "en" if str(get_locale()) == "en" else "zh"


@bp.get("")
@roles_required(*CASE_ROLES)
def case_list():  # type: ignore[no-untyped-def]
    user = signed_in_user()
    args = request.args
    state = args.get("state", "")
    filters = CaseFilter(
        state=CaseState(state) if state in CaseState.__members__.values() else None,
        sector=args.get("sector") or None,
        overdue=True if args.get("overdue") == "1" else None,
        assignee_id=user.id if args.get("mine") == "1" else None,
        query=args.get("q", ""),
    )
    cursor = args.get("cursor", "")
    rows, next_cursor = cases.list_cases(
        get_session(),
        actor=user,
        filters=filters,
        before_id=int(cursor) if cursor.isdigit() else None,
        limit=current_app.config["PAGE_SIZE"],
    )
    plain_args = {key: value for key, value in args.items() if key != "cursor"}
    next_url = url_for("cases.case_list", **plain_args, cursor=next_cursor) if next_cursor else None
    return render_template(
        "cases/list.html",
        rows=rows,
        next_url=next_url,
        first_page_args=plain_args,
        filters=args,
        states=list(CaseState),
        sectors=default_sector_packs(),
        state_label=lambda s: state_label(s, lang()),
    )


@bp.get("/<int:case_id>")
@roles_required(*CASE_ROLES)
def case_detail(case_id: int):  # type: ignore[no-untyped-def]
    user, session = signed_in_user(), get_session()
    case = cases.get_case(session, actor=user, case_id=case_id)
    events = history.case_history(session, case_id)
    broken = history.verify_chain(case, events)
    return render_template(
        "cases/detail.html",
        case=case,
        pack=default_sector_packs()[case.sector],
        events=events,
        broken=broken,
        documents=documents.list_documents(session, actor=user, case_id=case_id),
        reports=trial.list_reports(session, actor=user, case_id=case_id),
        guidance=trial.list_guidance(session, actor=user, case_id=case_id),
        next_events=[event_label(event, lang()) for event in available_events(case.state)],
        state_label=lambda s: state_label(s, lang()),
        event_label=lambda e: event_label(e, lang()),
        lang=lang(),
    )
