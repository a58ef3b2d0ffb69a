"""The workspace lists each user's open projects, those waiting for the user first, with the next step."""

from __future__ import annotations

from tests import factories
from tests.case_flow import CaseFlow


def sign_in(app, user):
    web = app.test_client()
    assert web.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    return web


def test_each_role_sees_its_next_step(app, client, session) -> None:
    flow = CaseFlow(client, session)
    verification = flow.to("technical_verification")
    waiting = CaseFlow(client, session)
    waiting.users, waiting.headers = flow.users, flow.headers
    submitted = waiting.to("submitted")

    assessor_page = sign_in(app, flow.users["assessor"]).get("/dashboard").get_data(as_text=True)
    assert verification["title"] in assessor_page
    assert "提交技术验证结论" in assessor_page

    regulator_page = sign_in(app, flow.users["regulator"]).get("/dashboard").get_data(as_text=True)
    # The filing waiting for review comes with its actions; the regulator's own case list is complete.
    assert "予以备案" in regulator_page
    assert submitted["filing_number"] is None

    applicant_page = sign_in(app, flow.users["applicant"]).get("/dashboard").get_data(as_text=True)
    assert "撤回" in applicant_page  # the applicant may withdraw while the office reviews
    assert applicant_page.index(verification["title"]) > 0 and submitted["title"] in applicant_page


def test_after_exit_the_applicant_finds_the_certificate_and_the_voucher_at_home(app, client, session) -> None:
    flow = CaseFlow(client, session)
    exited = flow.to("exited")
    certificate = flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/certificate").get_json()
    page = sign_in(app, flow.users["applicant"]).get("/dashboard").get_data(as_text=True)
    exits = page[page.index('id="exited"') :]
    assert "已出盒项目" in exits and exited["title"] in exits
    assert f"/certificates/{certificate['id']}/pdf" in exits and "下载出盒证明" in exits
    assert "使用创新服务券" in exits and "/vouchers/" in exits

    # Nobody else's home shows it: another applicant, and the regulator (whose work is the office's).
    other = factories.make_user(session, "applicant")
    assert 'id="exited"' not in sign_in(app, other).get("/dashboard").get_data(as_text=True)
    assert 'id="exited"' not in sign_in(app, flow.users["regulator"]).get("/dashboard").get_data(as_text=True)
