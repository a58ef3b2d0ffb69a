"""A contract dispute played in the browser: the applicant raises it against a service provider, the
mediator acknowledges it, settles it with a contract outcome and records the agreement; the provider and
the applicant each confirm with one button; the dispute page marks it ready for judicial confirmation and
the 调解协议书 PDF downloads with both confirmations (read back with pypdf)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from sandbox.models.disputes import Dispute
from tests import factories
from tests.browser.helpers import case_url, db_case, expect_state, prepared_case, shot, submit_form
from tests.browser.test_dispute_flow import open_form

pytestmark = pytest.mark.browser
ITEMS = ("乙方于2026年12月31日前退还服务费人民币五万元", "乙方于2027年1月15日前重新交付数据标注成果")


def test_contract_dispute_is_mediated_and_the_agreement_confirmed_by_both(live_app, live_db, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "testing")
    provider_user = factories.make_user(live_db, "service_provider", display_name="王经理")
    case_id = flow.case_id
    assert case_id is not None

    # The applicant raises a contract dispute against the provider.
    applicant = sign_in(flow.users["applicant"])
    applicant.goto(f"{base}/cases/{case_id}/disputes/new")
    form = applicant.locator("#dispute-form")
    form.locator("#legal_partner_org_id").select_option(str(flow.centre_id))
    form.locator("#kind").select_option("contract")
    form.locator("#counterparty_org_id").select_option(str(provider_user.organisation_id))
    form.locator("#claim").fill("服务商未按合同约定的期限交付数据标注成果。")
    submit_form(applicant, form)
    expect(applicant.locator("#dispute-stage")).to_have_attribute("data-stage", "opened")
    live_db.expire_all()
    dispute = live_db.exec(select(Dispute).where(Dispute.case_id == case_id)).one()

    # The mediator acknowledges it and settles it: only contract outcomes are offered.
    mediator = sign_in(flow.users["mediator"])
    mediator.goto(f"{base}/disputes/{dispute.id}")
    open_form(mediator, "action-acknowledge")
    submit_form(mediator, mediator.locator("#action-acknowledge form"))
    settle = open_form(mediator, "action-settle")
    expect(settle.locator("input[name=outcome][value=overturned]")).to_have_count(0)
    settle.locator("input[name=outcome][value=settled]").check()
    settle.locator("textarea[name=resolution]").fill("经调解，双方达成协议。")
    submit_form(mediator, settle.locator("form"))
    expect(mediator.locator("#dispute-outcome")).to_contain_text("调解成功")

    # The mediator records the agreement's terms on its page.
    with mediator.expect_navigation():
        mediator.locator("#agreement-link").click()
    record = mediator.locator("#record-agreement form")
    record.locator("#agreement-items").fill("\n".join(ITEMS))
    record.locator("#agreement-terms-text").fill("双方就本纠纷再无其他争议。")
    submit_form(mediator, record)
    expect(mediator.locator("#agreement-state")).to_have_attribute("data-state", "awaiting")

    # The provider, who cannot open the case, confirms from the agreement page; then the applicant.
    provider = sign_in(provider_user)
    provider.goto(f"{base}/disputes/{dispute.id}/agreement")
    expect(provider.locator("#agreement-terms")).to_contain_text(ITEMS[0])
    submit_form(provider, provider.locator("#confirm-agreement"))
    expect(provider.locator("#confirmed-note")).to_be_visible()
    applicant.goto(f"{base}/disputes/{dispute.id}/agreement")
    shot(applicant, "agreement-awaiting-zh")
    submit_form(applicant, applicant.locator("#confirm-agreement"))
    expect(applicant.locator("#agreement-state")).to_have_attribute("data-state", "ready")
    shot(applicant, "agreement-ready-zh")

    # The dispute page marks it ready; the case is back in testing, nothing overturned.
    applicant.goto(f"{base}/disputes/{dispute.id}")
    expect(applicant.locator("#agreement-status")).to_have_attribute("data-state", "ready")
    expect(applicant.locator("#agreement-status")).to_contain_text("可向互联网法院申请司法确认")
    applicant.goto(case_url(base, case_id))
    expect_state(applicant, "testing")
    assert db_case(live_db, case_id).state.value == "testing"

    # The PDF downloads and carries the parties, terms and both confirmations.
    provider.goto(f"{base}/disputes/{dispute.id}/agreement")
    with provider.expect_download() as download_info:
        provider.locator("#agreement-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = "".join(page.extract_text() for page in PdfReader(download.path()).pages).replace(" ", "")
    assert "调解协议书" in text and provider_user.display_name in text
    assert ITEMS[0] in text.replace("\n", "") and "司法确认" in text
    assert "尚未确认" not in text and text.count("北京时间") >= 2
