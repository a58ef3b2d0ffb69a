"""Pages of issue 20: the size declaration (derived size, versions, yearly renewal prompt), other support
and the voucher decision on the case page, the office's correction, and forgoing on the voucher page."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlmodel import select

from sandbox.models.base import utcnow
from sandbox.models.enterprise_size import SizeDeclaration
from sandbox.models.vouchers import Voucher, VoucherStatus
from tests import factories
from tests.case_flow import CaseFlow


def signed_in(app, user) -> FlaskClient:
    web = app.test_client()
    response = web.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    web.post("/language", data={"locale": "zh"})
    return web


def test_the_applicant_declares_and_sees_the_derived_size(app, session) -> None:
    applicant = factories.make_user(session, "applicant")
    web = signed_in(app, applicant)
    page = web.get("/enterprise/size").get_data(as_text=True)
    assert "小型企业" in page and "软件和信息技术服务业 (I (软件和信息技术服务))" in page
    assert 'id="size-renewal"' not in page
    form = {"year": "2025", "industry": "construction", "employees": "5", "operating_revenue": "2000000"}
    refused = web.post("/enterprise/size", data={**form, "total_assets": ""})
    assert refused.status_code == 422
    assert 'id="total_assets-error"' in refused.get_data(as_text=True)  # the assets are asked for
    form = {"year": "2025", "industry": "software", "employees": "9", "operating_revenue": "499999.99"}
    done = web.post("/enterprise/size", data={**form, "total_assets": ""})
    assert done.status_code == 302
    page = web.get("/enterprise/size").get_data(as_text=True)
    assert "微型企业" in page and page.count("<tr><td>") == 2  # both versions listed
    regulator = signed_in(app, factories.make_user(session, "regulator"))
    office = regulator.get(f"/enterprises/{applicant.enterprise_id}").get_data(as_text=True)
    assert 'id="size-declarations"' in office and "微型企业" in office


def test_a_year_old_declaration_is_asked_again(app, session) -> None:
    applicant = factories.make_user(session, "applicant")
    row = session.exec(
        select(SizeDeclaration).where(SizeDeclaration.enterprise_id == applicant.enterprise_id)
    ).one()
    web = signed_in(app, applicant)
    assert 'id="size-renewal"' not in web.get("/dashboard").get_data(as_text=True)
    assert 'id="size-renewal"' not in web.get("/cases/new").get_data(as_text=True)
    row.declared_at = utcnow() - timedelta(days=370)
    session.add(row)
    session.commit()
    assert 'id="size-renewal"' in web.get("/dashboard").get_data(as_text=True)
    assert 'id="size-renewal"' in web.get("/enterprise/size").get_data(as_text=True)
    assert 'id="size-renewal"' in web.get("/cases/new").get_data(as_text=True)  # the filing form asks too


def test_other_support_on_the_case_page_then_forgone_on_the_voucher_page(app, client, session) -> None:
    flow = CaseFlow(client, session)
    flow.create()
    web = signed_in(app, flow.users["applicant"])
    case_url = f"/cases/{flow.case_id}"
    assert 'id="other-support"' in web.get(case_url).get_data(as_text=True)
    bad = web.post(
        f"{case_url}/other-support", data={"programme": "data_voucher", "amount": "-3", "status": "received"}
    )
    assert bad.status_code == 422
    ok = web.post(f"{case_url}/other-support", data={
        "programme": "data_voucher", "amount": "150000", "status": "received",
        "granted_on": "2026-02-01", "approval_number": "京开数据券〔2026〕3号",
    })  # fmt: skip
    assert ok.status_code == 302
    flow.drive("exited")
    voucher = session.exec(select(Voucher).where(Voucher.case_id == flow.case_id)).one()
    assert voucher.status is VoucherStatus.AWAITING_FORGO
    office = signed_in(app, flow.users["regulator"]).get(case_url).get_data(as_text=True)
    assert 'id="voucher-decision"' in office and "数据券" in office and "京开数据券〔2026〕3号" in office
    voucher_page = web.get(f"/vouchers/{voucher.id}").get_data(as_text=True)
    assert 'id="forgo-other-support"' in voucher_page and "150,000.00" in voucher_page
    assert web.post(f"/vouchers/{voucher.id}/forgo-other-support").status_code == 302
    session.expire_all()
    assert session.get(Voucher, voucher.id).status is VoucherStatus.ACTIVE
    timeline = web.get(case_url).get_data(as_text=True)
    assert "确认放弃其他支持" in timeline


def test_the_office_corrects_on_the_case_page(app, client, session) -> None:
    flow = CaseFlow(client, session)
    flow.create()
    body = {"programme": "model_voucher", "amount_fen": 100, "status": "applied"}
    declared = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/other-support", json=body)
    declared = declared.get_json()
    flow.step("submit")
    web = signed_in(app, flow.users["regulator"])
    url = f"/cases/{flow.case_id}/other-support/{declared['id']}"
    form = {"programme": "other", "programme_name": "模型券", "amount": "300000", "status": "received"}
    assert web.post(url, data={**form, "reason": ""}).status_code == 422
    assert web.post(url, data={**form, "reason": "依批复更正"}).status_code == 302
    page = web.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    assert "依批复更正" in page and "300,000.00" in page
