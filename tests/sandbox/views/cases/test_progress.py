"""The public progress page, the receipt on the case page, and a new query code shown once."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sandbox.db import open_session
from sandbox.models.accounts import Enterprise
from tests import factories
from tests.conftest import make_test_app
from tests.sandbox.progress_helpers import accepted, code_in

MISMATCH = "No case matches this filing number and query code"
MISMATCH_ZH = "未查询到与该备案编号和查询码相符的办件"


def in_english(client):
    assert client.post("/language", data={"locale": "en"}).status_code == 302
    return client


def sign_in(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_every_page_links_to_the_progress_page(client) -> None:
    assert 'href="/progress"' in client.get("/").get_data(as_text=True)


def test_the_qr_link_fills_in_the_number(client) -> None:
    page = client.get("/progress?number=YZSB-2026-0013").get_data(as_text=True)
    assert 'value="YZSB-2026-0013"' in page and 'name="code"' in page and 'name="csrf_token"' in page


def test_number_and_code_show_the_stage_dates_and_deadline_only(app, client, session) -> None:
    flow, case, pdf = accepted(client, session)
    anonymous = app.test_client()
    response = anonymous.post(
        "/progress", data={"number": case["filing_number"], "code": code_in(pdf).lower()}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert case["title"] in page and "风险评估" in page and "Risk assessment" in page and "备案审查" in page
    due = date.fromisoformat(case["stage_due"])
    assert f"{due.year}年{due.month}月{due.day}日" in page
    enterprise = session.get(Enterprise, flow.users["applicant"].enterprise_id)
    for private in (
        enterprise.name,
        flow.users["applicant"].display_name,
        flow.users["regulator"].display_name,
    ):
        assert private not in page


def test_any_mismatch_gets_one_message_in_the_users_language(app, client, session) -> None:
    _, case, pdf = accepted(client, session)
    anonymous = in_english(app.test_client())
    wrong_code = anonymous.post("/progress", data={"number": case["filing_number"], "code": "ZZZZ-ZZZZ"})
    wrong_number = anonymous.post("/progress", data={"number": "YZSB-2026-9999", "code": code_in(pdf)})
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert MISMATCH in wrong_code.get_data(as_text=True) and MISMATCH in wrong_number.get_data(as_text=True)
    assert case["title"] not in wrong_code.get_data(as_text=True)
    chinese = app.test_client().post("/progress", data={"number": "YZSB-2026-9999", "code": "AAAA"})
    assert MISMATCH_ZH in chinese.get_data(as_text=True)
    empty = anonymous.post("/progress", data={"number": "", "code": ""})
    assert empty.status_code == 422 and "Type the filing number" in empty.get_data(as_text=True)


def test_the_page_is_limited_per_address(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "limited", PROGRESS_RATE_LIMIT="1 per minute")
    try:
        client = in_english(app.test_client())
        data = {"number": "YZSB-2026-0001", "code": "AAAA-AAAA"}
        assert client.post("/progress", data=data).status_code == 404
        limited = client.post("/progress", data=data)
        assert limited.status_code == 429 and "Retry-After" in limited.headers
        assert "Too many progress lookups" in limited.get_data(as_text=True)
        assert client.get("/progress").status_code == 200  # the form itself is never limited
    finally:
        app.extensions["sandbox.engine"].dispose()


def test_the_case_page_offers_the_receipt_and_strangers_get_404(app, client, session) -> None:
    flow, case, pdf = accepted(client, session)
    sign_in(client, flow.users["applicant"])
    page = client.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    assert f"/cases/{flow.case_id}/receipt.pdf" in page and f"/cases/{flow.case_id}/query-code" in page
    receipt = client.get(f"/cases/{flow.case_id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data == pdf
    assert receipt.headers["Cache-Control"] == "no-store"
    stranger_client = app.test_client()
    with open_session(app) as db:
        stranger = factories.make_user(db, "applicant")
    sign_in(stranger_client, stranger)
    assert stranger_client.get(f"/cases/{flow.case_id}/receipt.pdf").status_code == 404


def test_a_new_code_is_shown_once_and_the_old_one_stops_working(app, client, session) -> None:
    flow, case, pdf = accepted(client, session)
    old = code_in(pdf)
    sign_in(client, flow.users["applicant"])
    response = client.post(f"/cases/{flow.case_id}/query-code")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    new = re.search(r'id="query-code">([0-9A-Z-]+)<', response.get_data(as_text=True)).group(1)
    assert new != old
    anonymous = app.test_client()
    number = case["filing_number"]
    assert anonymous.post("/progress", data={"number": number, "code": old}).status_code == 404
    assert anonymous.post("/progress", data={"number": number, "code": new}).status_code == 200
    assert new not in client.get(f"/cases/{flow.case_id}").get_data(as_text=True)


def test_regulators_cannot_issue_codes(client, session) -> None:
    flow, _, _ = accepted(client, session)
    sign_in(client, flow.users["regulator"])
    assert client.post(f"/cases/{flow.case_id}/query-code").status_code == 403
