"""The case list as .xlsx: every matching row (not one page), the list's filters, words not codes in
the reader's language, and nothing of another enterprise."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlmodel import Session

from sandbox.models.accounts import Enterprise
from sandbox.services.common.spreadsheets import MEDIA_TYPE
from tests import factories
from tests.case_flow import token

HOSTILE_TITLE = '=HYPERLINK("http://evil.example","点我")'


def rows_of(response) -> list[list]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == MEDIA_TYPE
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def filed(session: Session, applicant, **overrides):
    return factories.submit_case(session, applicant, factories.make_case(session, applicant, **overrides))


def test_the_regulator_exports_every_matching_case_in_chinese(app, client, session, login_as) -> None:
    applicant = factories.make_user(session, "applicant")
    titles = ["项目一", "项目二", HOSTILE_TITLE]
    for title in titles:
        filed(session, applicant, title=title)
    factories.make_case(session, applicant, title="仍在起草")  # drafts stay with the enterprise
    enterprise = session.get(Enterprise, applicant.enterprise_id)
    app.config["PAGE_SIZE"] = 2  # the page shows two; the export has them all
    login_as("regulator")

    rows = rows_of(client.get("/cases/export.xlsx?sector=general_data"))
    assert rows[0] == ["备案编号", "项目名称", "企业", "行业", "状态", "风险等级", "承办人", "阶段期限",
                       "提交/更新日期"]  # fmt: skip
    body = rows[1:]
    assert [row[1] for row in body] == ["'" + HOSTILE_TITLE, "项目二", "项目一"]
    assert {row[2] for row in body} == {enterprise.name}
    assert {row[4] for row in body} == {"备案审查"} and "submitted" not in str(body)
    assert body[0][8].year >= 2026  # a real date, not text

    page = client.get("/cases?sector=general_data").get_data(as_text=True)
    assert "/cases/export.xlsx?sector=general_data" in page
    searched = rows_of(client.get("/cases/export.xlsx?q=项目二"))
    assert [row[1] for row in searched[1:]] == ["项目二"]


def test_an_applicant_exports_only_its_own_enterprise(client, session, login_as) -> None:
    other = factories.make_user(session, "applicant")
    filed(session, other, title="别家的项目")
    me = login_as("applicant")
    factories.make_case(session, me, title="我的草稿")
    rows = rows_of(client.get("/cases/export.xlsx"))
    assert [row[1] for row in rows[1:]] == ["我的草稿"]
    assert "别家的项目" not in str(rows)
    assert rows_of(client.get("/cases/export.xlsx?q=别家的项目"))[1:] == []


def test_the_api_twin_follows_accept_language_and_refuses_bad_filters(client, session) -> None:
    applicant = factories.make_user(session, "applicant")
    filed(session, applicant, title="英文导出")
    headers = token(client, factories.make_user(session, "regulator"))
    rows = rows_of(client.get("/api/v1/cases/export.xlsx", headers={**headers, "Accept-Language": "en"}))
    assert rows[0][:5] == ["Filing number", "Project", "Enterprise", "Sector", "Stage"]
    assert rows[1][1] == "英文导出" and rows[1][4] == "Filing review"
    refused = client.get("/api/v1/cases/export.xlsx?state=nope", headers=headers)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert client.get("/api/v1/cases/export.xlsx").status_code == 401
