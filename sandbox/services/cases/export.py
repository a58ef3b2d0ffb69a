"""The case list as an Excel workbook: every case the actor may list that matches the list's filters.

The same query as the list page (`cases.visible_cases`), without its pages. States, sectors and risk
levels are written as words in the reader's language, never as codes.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from sandbox.labels.wording import risk_texts
from sandbox.models.accounts import Enterprise, User
from sandbox.models.cases import Case
from sandbox.services.cases.cases import CaseFilter, visible_cases
from sandbox.services.common.spreadsheets import BEIJING, Column, Sheet, workbook_bytes
from workflows.sectors import default_sector_packs
from workflows.states import state_label

# (zh, en) headers: the export follows the reader's language like the page does.
HEADERS = (
    ("备案编号", "Filing number", 20),
    ("项目名称", "Project", 40),
    ("企业", "Enterprise", 32),
    ("行业", "Sector", 16),
    ("状态", "Stage", 18),
    ("风险等级", "Risk level", 12),
    ("承办人", "Case officer", 14),
    ("阶段期限", "Stage due", 14),
    ("提交/更新日期", "Submitted / updated", 18),
)
SHEET_TITLE = ("沙盒项目", "Sandbox projects")


def case_list_workbook(session: Session, *, actor: User, filters: CaseFilter, language: str) -> bytes:
    """Write every listed case matching `filters` as one sheet, newest first, in `language`."""
    pick = 0 if language == "zh" else 1
    statement = visible_cases(actor, filters).order_by(col(Case.id).desc())
    rows = list(session.exec(statement).all())
    enterprise_ids = {case.enterprise_id for case in rows}
    officer_ids = {case.case_officer_id for case in rows if case.case_officer_id is not None}
    enterprises = dict(
        session.exec(
            select(Enterprise.id, Enterprise.name).where(col(Enterprise.id).in_(enterprise_ids))
        ).all()
    )
    officers = dict(
        session.exec(select(User.id, User.display_name).where(col(User.id).in_(officer_ids))).all()
    )
    sectors = default_sector_packs()
    sheet = Sheet(
        SHEET_TITLE[pick],
        [Column(header[pick], width) for *header, width in HEADERS],
    )
    for case in rows:
        pack = sectors.get(case.sector)
        sheet.rows.append(
            (
                case.filing_number or "",
                case.title,
                enterprises.get(case.enterprise_id, ""),
                (pack.zh if pick == 0 else pack.en) if pack else case.sector,
                state_label(case.state, language),
                risk_texts(case.risk_level)[pick],
                officers.get(case.case_officer_id, "") if case.case_officer_id else "",
                case.stage_due,
                case.updated_at.astimezone(BEIJING).date(),
            )
        )
    return workbook_bytes([sheet])
