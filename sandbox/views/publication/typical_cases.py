"""Typical-case collections (分行业典型标杆案例集), the public side: the list per sector and year, one case,
and the printable collection of a sector and year. No login; only what `typical_public` projects is shown.

The office's workspace (proposing, the enterprise's review, publishing) is in `typical_work`, on the same
blueprint `typical`.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from sandbox.db import get_session
from sandbox.labels.publication import TYPICAL_LABELS
from sandbox.models.accounts import Role
from sandbox.models.cases import Case
from sandbox.security import signed_in_user
from sandbox.services.publication import typical_cases, typical_public
from sandbox.validators import read_year
from sandbox.views.forms import Pagination, page_number
from workflows.sectors import default_sector_packs
from workflows.states import CaseState

bp = Blueprint("typical", __name__)


@bp.get("/typical-cases")
def public_list():
    session = get_session()
    packs = default_sector_packs()
    sector = request.args.get("sector", "")
    sector = sector if sector in packs else ""
    raw_year = request.args.get("year", "")
    year = read_year(raw_year)
    query = request.args.get("q", "").strip()[:100]
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    result = typical_public.list_published(
        session, sector=sector or None, year=year, query=query, page=page, per_page=per_page
    )
    every = typical_public.collections(session)
    return render_template(
        "typical/list.html",
        rows=result.rows,
        pagination=Pagination(page, per_page, result.total),
        packs=packs,
        sector=sector,
        year=year,
        query=query,
        years=sorted({y for _, y, _ in every}, reverse=True),
        counts={s: sum(n for s2, _, n in every if s2 == s) for s in packs},
        collections=[item for item in every if not sector or item[0] == sector],
        labels=TYPICAL_LABELS,
    )


@bp.get("/typical-cases/<int:typical_id>")
def public_detail(typical_id: int):
    view = typical_public.get_published(get_session(), typical_id)
    return render_template("typical/detail.html", view=view, labels=TYPICAL_LABELS)


@bp.get("/typical-cases/<sector>/<year:year>.pdf")
def collection_pdf(sector: str, year: int):
    pdf = typical_public.collection_pdf(get_session(), sector=sector, year=year)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="typical-cases-{sector}-{year}.pdf"'
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.app_template_global()
def typical_case_link(case: Case) -> tuple[str, str] | None:
    """(URL, label) of the case page's link to its typical case, for the people who may follow it."""
    if not current_user.is_authenticated or current_user.role not in (Role.REGULATOR, Role.APPLICANT):
        return None
    session = get_session()
    record = typical_cases.record_for_case(session, actor=signed_in_user(), case_id=case.id)  # type: ignore[arg-type]
    if record is not None:
        return url_for("typical.record", typical_id=record.id), str(_l("Typical case"))
    if current_user.role is Role.REGULATOR and case.state is CaseState.EXITED:
        return url_for("typical.propose", case_id=case.id), str(_l("Propose as a typical case"))
    return None
