"""The sandbox's annual report: the year's statistics and the lessons learnt, as data and as a PDF.

Lessons come from the typical cases (典型案例) published for the year — those published in it or about
a case that exited in it; when there are none yet, from the exit evaluations' conclusions of the cases
that exited in the year (named by filing number, which is public once a filing is accepted).
Regulators only. Imports no flask.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from certificates.pdf.fonts import find_cjk_font
from sandbox.models.accounts import User
from sandbox.models.cases import Case, CaseEvent, Evaluation
from sandbox.models.publication import TypicalCase
from sandbox.services.common.settings import settings_of
from sandbox.services.publication import typical_public
from sandbox.services.statistics.annual_report_pdf import render_annual_report
from sandbox.services.statistics.model import AnnualReport, Lesson, require_regulator
from sandbox.services.statistics.statistics import Filters, collect

LESSON_LIMIT = 20


def _exited_in(year: int):
    start, end = Filters(year=year).bounds()  # type: ignore[misc]
    return select(CaseEvent.case_id).where(
        CaseEvent.event == "approve_exit",
        CaseEvent.created_at >= start,
        CaseEvent.created_at < end,
    )


def lessons_for(session: Session, year: int) -> list[Lesson]:
    """Lessons of the year: published typical cases first, else exit evaluation conclusions."""
    start, end = Filters(year=year).bounds()  # type: ignore[misc]
    in_year = sa.and_(col(TypicalCase.published_at) >= start, col(TypicalCase.published_at) < end)
    # Through the public view: only cases still public (certificate in force), with hidden facts blotted.
    typical = session.exec(
        select(TypicalCase, Case)
        .where(*typical_public.published_conditions())
        .where(sa.or_(in_year, col(TypicalCase.case_id).in_(_exited_in(year))))
        .order_by(col(TypicalCase.sector), col(TypicalCase.published_at), col(TypicalCase.id))
        .limit(LESSON_LIMIT)
    ).all()
    views = [typical_public.public_view(session, tc, case) for tc, case in typical]
    found = [Lesson(v.sector, "typical_case", v.title, v.lessons.strip()) for v in views if v.lessons.strip()]
    if found:
        return found
    rows = session.exec(
        select(Case.id, Case.sector, Case.filing_number, Evaluation.conclusion)
        .join(Evaluation, col(Evaluation.case_id) == Case.id)
        .where(col(Case.id).in_(_exited_in(year)))
        .order_by(col(Case.sector), col(Case.id), col(Evaluation.created_at), col(Evaluation.id))
    ).all()
    latest: dict[int, Lesson] = {}
    for case_id, sector, filing_number, conclusion in rows:
        latest[case_id] = Lesson(sector, "evaluation", filing_number or "—", conclusion.strip())  # type: ignore[index]
    return [lesson for lesson in latest.values() if lesson.text][:LESSON_LIMIT]


def build_annual_report(session: Session, *, actor: User | None, year: int, today: date) -> AnnualReport:
    """Collect the year's statistics (all sectors) and lessons (regulators only)."""
    require_regulator(actor)
    stats = collect(session, actor=actor, filters=Filters(year=year), today=today)
    return AnnualReport(year, today, stats, lessons_for(session, year))


def annual_report_pdf(session: Session, *, actor: User | None, year: int, today: date) -> bytes:
    """Render the year's annual report as a PDF (Chinese first, the Chinese font embedded)."""
    report = build_annual_report(session, actor=actor, year=year, today=today)
    return render_annual_report(report, font=find_cjk_font(settings_of(session).font_path))
