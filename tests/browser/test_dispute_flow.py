"""An appeal played in the browser: the applicant whose case was rejected in risk assessment raises a
dispute, the mediation centre's mediator acknowledges it and records a settlement that overturns the
rejection; the case is back in risk assessment. The evidence package downloads as a signed ZIP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from sandbox.models.disputes import Dispute
from tests.browser.helpers import case_url, db_case, expect_state, prepared_case, shot, submit_form

pytestmark = pytest.mark.browser


def open_form(page: Page, name: str):
    """Open the dispute page's `<details id=NAME>` form and return it."""
    details = page.locator(f"#{name}")
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    expect(details.locator("form")).to_be_visible()
    return details


def test_appeal_is_mediated_and_the_rejection_overturned(live_app, live_db, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "risk_assessment")
    flow.fire("regulator", "reject", note="风险评估材料不足以证明风险可控。")
    case_id = flow.case_id
    assert case_id is not None

    # The applicant appeals from the case page.
    applicant = sign_in(flow.users["applicant"])
    applicant.goto(case_url(base, case_id))
    expect_state(applicant, "rejected")
    with applicant.expect_navigation():
        applicant.locator("#action-raise_dispute a").click()
    form = applicant.locator("#dispute-form")
    expect(form.locator("#kind")).to_have_value("appeal")
    form.locator("#legal_partner_org_id").select_option(str(flow.centre_id))
    form.locator("#claim").fill("驳回理由所称材料缺失与事实不符，风险控制措施已在方案第三节说明。")
    form.locator("#remedy").fill("撤销驳回决定，恢复风险评估。")
    shot(applicant, "dispute-raise-form")
    submit_form(applicant, form)
    expect(applicant.locator("#dispute-stage")).to_have_attribute("data-stage", "opened")
    applicant.locator("#evidence details.add-evidence > summary").click()
    evidence = applicant.locator("#evidence-form")
    evidence.locator("#evidence-title").fill("情况说明")
    evidence.locator("#evidence-statement").fill("提交时已上传全部材料，见系统记录。")
    submit_form(applicant, evidence)
    expect(applicant.locator("#evidence tbody tr")).to_have_count(1)
    live_db.expire_all()
    dispute = live_db.exec(select(Dispute).where(Dispute.case_id == case_id)).one()

    # The mediator of the chosen centre finds it in the list, acknowledges it and records the settlement.
    mediator = sign_in(flow.users["mediator"])
    mediator.goto(f"{base}/disputes")
    with mediator.expect_navigation():
        mediator.locator(f'tr[data-dispute="{dispute.id}"] a').first.click()
    open_form(mediator, "action-acknowledge")
    submit_form(mediator, mediator.locator("#action-acknowledge form"))
    expect(mediator.locator("#dispute-stage")).to_have_attribute("data-stage", "mediation")
    settle = open_form(mediator, "action-settle")
    expect(settle).to_contain_text("风险评估")  # what overturning does, in words
    settle.locator("input[name=outcome][value=overturned]").check()
    settle.locator("textarea[name=resolution]").fill("经调解，双方同意撤销驳回决定，恢复风险评估。")
    submit_form(mediator, settle.locator("form"))
    expect(mediator.locator("#dispute-stage")).to_have_attribute("data-stage", "settled")
    expect(mediator.locator("#dispute-outcome")).to_be_visible()

    # The case is back in risk assessment.
    applicant.goto(case_url(base, case_id))
    expect_state(applicant, "risk_assessment")
    expect(applicant.locator(".page-head .badge.big")).to_have_text("风险评估")
    assert db_case(live_db, case_id).state.value == "risk_assessment"
    expect(applicant.locator("#disputes")).to_contain_text(str(dispute.id))

    # The evidence package downloads as a ZIP with a manifest.
    applicant.goto(f"{base}/disputes/{dispute.id}")
    with applicant.expect_download() as download_info:
        applicant.locator("#evidence-package").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with open(download.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert "manifest.json" in archive.namelist()
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest  # a non-empty, well-formed manifest
    shot(applicant, "dispute-zh")
