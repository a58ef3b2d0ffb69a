"""The public side of typical cases: a fact the enterprise did not consent to show never reaches a public
page, the public API, a search result or the PDF collection; the PDF's contents, certificate number and QR
code; the workspace pages; the demo data."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlmodel import select

from certificates.pdf.qr import credential_digest_b64url, parse_verification_url
from sandbox.models.accounts import Enterprise
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate
from sandbox.models.publication import TypicalCase, TypicalCaseStatus
from sandbox.services.cases import calendar as calendar_service
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.statistics import annual_report
from tests.certificates.pdf.test_pdf import QR_ONLY
from tests.conftest import REQUIRE_ALL
from tests.sandbox.api.publication.test_typical_cases import WRITE_UP, act, exited_flow, propose

SECRET_NAME = "北京亦庄保密演示科技有限公司"
SECRET_PROJECT = "保密项目甲数据融合试点"
POPPLER = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not REQUIRE_ALL, reason="needs poppler-utils"
)


def publish(flow, typical_id: int) -> None:
    act(flow, "applicant", typical_id, "decision", decision="approve", expected_version=1)
    act(flow, "regulator", typical_id, "publication", expected_version=1)


@pytest.fixture
def published(client, session) -> dict[str, Any]:
    """Two published typical cases: one showing everything, one hiding the enterprise (and what follows)."""
    shown = exited_flow(client, session)
    shown_id = propose(shown, title="企业信用数据融合典型案例（公开）")["id"]
    publish(shown, shown_id)
    hidden = exited_flow(client, session, enterprise_name=SECRET_NAME)
    case = session.get(Case, hidden.case_id)
    case.title = SECRET_PROJECT
    session.add(case)
    session.commit()
    hidden_id = propose(
        hidden, title="企业信用数据融合典型案例（匿名）", redacted_fields=["enterprise_name"]
    )["id"]
    publish(hidden, hidden_id)
    cert = session.exec(select(Certificate).where(Certificate.case_id == hidden.case_id)).one()
    enterprise = session.get(Enterprise, hidden.users["applicant"].enterprise_id)
    secrets = [SECRET_NAME, enterprise.uscc, SECRET_PROJECT, case.filing_number, cert.number, cert.id]
    assert all(secrets)
    shown_cert = session.exec(select(Certificate).where(Certificate.case_id == shown.case_id)).one()
    shown_name = session.get(Enterprise, shown.users["applicant"].enterprise_id).name
    assert shown_name != SECRET_NAME
    return {"shown": shown, "shown_id": shown_id, "hidden": hidden, "hidden_id": hidden_id,
            "secrets": secrets, "shown_cert": shown_cert, "shown_name": shown_name}  # fmt: skip


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_text_naming_a_hidden_fact_is_refused(client, session) -> None:
    flow = exited_flow(client, session, enterprise_name=SECRET_NAME)
    uscc = session.get(Enterprise, flow.users["applicant"].enterprise_id).uscc
    named = f"{SECRET_NAME}在经开区开展了数据融合测试，效果良好。"
    problem = propose(flow, expect=422, background=named, lessons=f"统一社会信用代码 {uscc} 的企业经验。",
                      redacted_fields=["enterprise_name"])  # fmt: skip
    assert {error["field"] for error in problem["errors"]} == {"background", "lessons"}
    shown = propose(flow, background=named)
    assert shown["redacted_fields"] == []  # the same text is fine when the name is shown


def test_hidden_facts_never_reach_a_public_page_the_api_or_the_pdf(client, published) -> None:
    year = beijing_today().year
    pages = {
        url: client.get(url)
        for url in (
            "/typical-cases",
            "/typical-cases?sector=general_data",
            f"/typical-cases?year={year}",
            f"/typical-cases/{published['hidden_id']}",
            f"/typical-cases/{published['shown_id']}",
            "/api/v1/typical-cases",
            f"/api/v1/typical-cases/{published['hidden_id']}",
            f"/typical-cases/general_data/{year}.pdf",
            f"/api/v1/typical-cases/collections/general_data/{year}",
        )
    }
    texts = {}
    for url, response in pages.items():
        assert response.status_code == 200, url
        texts[url] = (
            pdf_text(response.data) if response.mimetype == "application/pdf" else response.get_data(True)
        )
    for url, text in texts.items():
        for secret in published["secrets"]:
            assert secret not in text, (url, secret)
    # The test can fail: the shown case's facts and the hidden case's text are there.
    pdf = texts[f"/typical-cases/general_data/{year}.pdf"]
    assert published["shown_cert"].number in pdf and published["shown_name"] in pdf
    assert WRITE_UP["lessons"] in pdf.replace("\n", "") and "不公开" in pdf
    detail = texts[f"/typical-cases/{published['hidden_id']}"]
    assert "企业信用数据融合典型案例（匿名）" in detail and 'data-fact="enterprise_name"' in detail
    body = client.get(f"/api/v1/typical-cases/{published['hidden_id']}").get_json()
    assert (
        body["enterprise_name"] is None
        and body["certificate_id"] is None
        and body["verification_url"] is None
    )
    assert body["hidden"] == [
        "enterprise_name",
        "uscc",
        "project_title",
        "filing_number",
        "trial_period",
        "certificate_number",
    ]
    assert body["trial_start"] is None and body["exit_date"] is None


def test_searching_for_a_hidden_name_finds_nothing(client, published) -> None:
    assert client.get("/api/v1/typical-cases", query_string={"q": SECRET_NAME}).get_json()["total"] == 0
    assert client.get("/api/v1/typical-cases", query_string={"q": SECRET_PROJECT}).get_json()["total"] == 0
    page = client.get("/typical-cases", query_string={"q": SECRET_NAME}).get_data(as_text=True)
    assert 'id="no-cases"' in page
    found = client.get("/api/v1/typical-cases", query_string={"q": "匿名"}).get_json()
    assert [item["id"] for item in found["items"]] == [published["hidden_id"]]


def test_a_hidden_value_written_into_the_text_later_is_blotted(client, session, published) -> None:
    # The enterprise renames itself to words the approved text happens to use.
    enterprise = session.get(Enterprise, published["hidden"].users["applicant"].enterprise_id)
    enterprise.name = "隐私计算"
    session.add(enterprise)
    session.commit()
    detail = client.get(f"/typical-cases/{published['hidden_id']}").get_data(as_text=True)
    assert "隐私计算" not in detail and "＊＊＊" in detail
    body = client.get(f"/api/v1/typical-cases/{published['hidden_id']}").get_json()
    assert "隐私计算" not in str(body)
    # The annual report's lessons go through the same public view: rename to words of the lessons.
    enterprise.name = "可行边界"
    session.add(enterprise)
    session.commit()
    year = calendar_service.beijing_today().year
    lessons = {
        lesson.heading: lesson.text
        for lesson in annual_report.lessons_for(session, year)
        if lesson.source == "typical_case"
    }
    assert "可行边界" in lessons["企业信用数据融合典型案例（公开）"]
    hidden_lesson = lessons["企业信用数据融合典型案例（匿名）"]
    assert "可行边界" not in hidden_lesson and "＊＊＊" in hidden_lesson


@POPPLER
def test_the_pdf_collection_has_contents_numbers_and_a_qr_that_verifies(
    app, client, published, tmp_path
) -> None:
    year = beijing_today().year
    response = client.get(f"/typical-cases/general_data/{year}.pdf")
    assert response.data.startswith(b"%PDF-") and "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title.startswith(f"{year}年度通用数据领域典型标杆案例集")
    contents = (reader.pages[1].extract_text() or "").replace("\u3000", " ")
    assert "案例1 企业信用数据融合典型案例（公开）" in contents
    assert "案例2 企业信用数据融合典型案例（匿名）" in contents
    (tmp_path / "c.pdf").write_bytes(response.data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", tmp_path / "c.pdf", tmp_path / "p"], check=True)
    codes = [
        code
        for image in sorted(tmp_path.glob("p*.png"))
        for code in zxingcpp.read_barcodes(Image.open(image), formats=QR_ONLY)
    ]
    cert = published["shown_cert"]
    expected = (
        f"{app.config['PUBLIC_BASE_URL']}/c/{cert.id}#sha256={credential_digest_b64url(cert.credential)}"
    )
    assert [code.text for code in codes] == [expected]  # one QR: the hidden case's certificate has none
    assert parse_verification_url(codes[0].text)[1] == cert.id
    assert client.get(f"/typical-cases/general_data/{year - 1}.pdf").status_code == 404
    assert client.get(f"/typical-cases/no_such_sector/{year}.pdf").status_code == 404


def test_the_workspace_pages_take_a_case_from_proposal_to_publication(client, session, login_as) -> None:
    flow = exited_flow(client, session)
    regulator, applicant = flow.users["regulator"], flow.users["applicant"]
    web = client.application.test_client()
    web.post("/login", data={"email": regulator.email, "password": "correct horse battery"})
    case_page = web.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    assert f'href="/cases/{flow.case_id}/typical-case"' in case_page
    form = web.get(f"/cases/{flow.case_id}/typical-case").get_data(as_text=True)
    assert "验证基于隐私计算的企业信用数据融合服务" in form  # the draft starts from the plan's objectives
    refused = web.post(f"/cases/{flow.case_id}/typical-case", data={**WRITE_UP, "title": ""})
    assert refused.status_code == 422 and 'id="title-error"' in refused.get_data(as_text=True)
    created = web.post(f"/cases/{flow.case_id}/typical-case", data={**WRITE_UP, "redacted_fields": ["uscc"]})
    assert created.status_code == 302
    tc = session.exec(select(TypicalCase).where(TypicalCase.case_id == flow.case_id)).one()
    assert tc.redacted_fields == ["uscc", "filing_number", "trial_period", "certificate_number"]
    assert web.get(f"/cases/{flow.case_id}/typical-case").headers["Location"].endswith(f"/workspace/{tc.id}")
    record = web.get(f"/typical-cases/workspace/{tc.id}").get_data(as_text=True)
    assert 'id="preview"' in record and 'id="edit-form"' in record and 'id="publish-form"' not in record

    other = login_as("applicant")  # the fixture's client, now an applicant of another enterprise
    assert other.enterprise_id != applicant.enterprise_id
    assert client.get(f"/typical-cases/workspace/{tc.id}").status_code == 404
    enterprise = client.application.test_client()
    enterprise.post("/login", data={"email": applicant.email, "password": "correct horse battery"})
    review = enterprise.get(f"/typical-cases/workspace/{tc.id}").get_data(as_text=True)
    assert 'id="decision-form"' in review and 'id="edit-form"' not in review
    decision = f"/typical-cases/workspace/{tc.id}/decision"
    stale = enterprise.post(decision, data={"decision": "approve", "expected_version": "0"})
    assert stale.status_code == 409
    approved = enterprise.post(decision, data={"decision": "approve", "expected_version": "1"})
    assert approved.status_code == 302

    unconfirmed = web.post(f"/typical-cases/workspace/{tc.id}/publish", data={"expected_version": "1"})
    assert unconfirmed.status_code == 422
    assert web.post(f"/typical-cases/workspace/{tc.id}/publish",
                    data={"expected_version": "1", "confirm": "yes"}).status_code == 302  # fmt: skip
    session.expire_all()
    assert session.get(TypicalCase, tc.id).status is TypicalCaseStatus.PUBLISHED
    listing = web.get("/typical-cases/workspace?status=published").get_data(as_text=True)
    assert f'data-typical="{tc.id}"' in listing
    withdraw = f"/typical-cases/workspace/{tc.id}/withdraw"
    assert web.post(withdraw, data={"reason": "撤下", "expected_version": "1"}).status_code == 422
    assert (
        web.post(withdraw, data={"reason": "撤下", "confirm": "yes", "expected_version": "1"}).status_code
        == 302
    )
    assert client.get(f"/typical-cases/{tc.id}").status_code == 404


def test_demo_has_published_and_proposed_typical_cases(app, session) -> None:
    from sandbox.demo.typical import seed_typical_cases

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    rows = session.exec(select(TypicalCase)).all()
    published = [row for row in rows if row.status is TypicalCaseStatus.PUBLISHED]
    assert len({row.sector for row in published}) == 2
    assert any("enterprise_name" in row.redacted_fields for row in published)
    assert [row.status for row in rows if row not in published] == [TypicalCaseStatus.PROPOSED]
    assert seed_typical_cases(session) == 0  # idempotent
    client = app.test_client()
    listing = client.get("/api/v1/typical-cases").get_json()
    assert listing["total"] == 2
    hidden = next(item for item in listing["items"] if item["hidden"])
    assert hidden["enterprise_name"] is None and hidden["certificate_number"] is None
