"""A liability exemption played in the browser: the applicant of a case in testing, with an incident on
file, applies; the mediation centre's legal partner writes the opinion; a regulator proposes granting it
and a second regulator confirms. The signed decision's PDF downloads, and the credential embedded in it
verifies offline against the trust bundle."""

from __future__ import annotations

import urllib.request
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from certificates.offline import verify_with_trust_bundle
from certificates.pdf.read import extract_bundle
from certificates.pdf.verify import verify_pdf_with_trust_bundle
from sandbox.models.disputes import ExemptionRequest
from tests.browser.helpers import case_url, db_case, expect_state, prepared_case, shot, submit_form

pytestmark = pytest.mark.browser


def test_exemption_is_applied_for_opined_on_and_granted(live_app, live_db, sign_in) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "testing")
    case_id = flow.case_id
    report = flow.call(
        "applicant",
        "POST",
        f"/api/v1/cases/{case_id}/reports",
        json={
            "kind": "incident",
            "title": "测试接口越权访问事件",
            "body": "一名运维人员越权查询了测试数据，已立即停用账号并报告。",
            "occurred_on": date.today().isoformat(),
        },
    )
    assert report.status_code == 201, report.get_json()

    # The applicant applies from the case page.
    applicant = sign_in(flow.users["applicant"])
    applicant.goto(case_url(base, case_id))
    with applicant.expect_navigation():
        applicant.locator("#action-apply_exemption a").click()
    form = applicant.locator("#exemption-form")
    expect(form.locator("#incident_id")).to_contain_text("测试接口越权访问事件")
    form.locator("#legal_partner_org_id").select_option(str(flow.centre_id))
    form.locator("#good_faith_explanation").fill(
        "事件发生后十分钟内停用账号，两小时内报告监管部门；测试全程遵守测试边界和监管指导意见。"
    )
    submit_form(applicant, form)
    expect(applicant.locator("#exemption-stage")).to_have_attribute("data-stage", "awaiting_opinion")
    expect(applicant.locator("#record-reports")).to_contain_text("✓")  # reported on time
    live_db.expire_all()
    request = live_db.exec(select(ExemptionRequest).where(ExemptionRequest.case_id == case_id)).one()
    url = f"{base}/exemptions/{request.id}"

    # The legal partner of the chosen centre writes the opinion.
    partner = sign_in(flow.users["mediator"])
    partner.goto(url)
    opinion = partner.locator("#opinion-form")
    opinion.locator("input[name=recommendation][value=support]").check()
    opinion.locator("#opinion-text").fill("企业按方案及监管指导意见尽职履责，事件报告及时，建议予以免责。")
    submit_form(partner, opinion)
    expect(partner.locator("#exemption-stage")).to_have_attribute("data-stage", "awaiting_decision")

    # A regulator proposes granting the exemption; a second regulator confirms it.
    proposer = sign_in(flow.users["regulator"])
    proposer.goto(url)
    decision = proposer.locator("#decision-form")
    decision.locator("input[name=decision][value=granted]").check()
    decision.locator("#decision-reasons").fill("企业尽职履责，事件及时报告并处置，予以免责。")
    submit_form(proposer, decision)
    expect(proposer.locator("#exemption-stage")).to_have_attribute("data-stage", "awaiting_decision")
    expect(proposer.locator("#withdraw-proposal")).to_be_visible()
    regulator = sign_in(flow.users["regulator2"])
    regulator.goto(url)
    expect(regulator.locator("#pending-proposal")).to_contain_text("企业尽职履责")
    with regulator.expect_navigation():
        regulator.locator("#confirm-proposal").click()
    with regulator.expect_navigation():
        regulator.locator("#proposal-dialog button[name=confirm]").click()
    expect(regulator.locator("#exemption-stage")).to_have_attribute("data-stage", "decided")
    expect(regulator.locator("#outcome")).to_contain_text("不影响企业依法对第三方承担的民事责任")
    shot(regulator, "exemption-zh")

    # The signed decision's PDF downloads, and its embedded credential verifies offline.
    with regulator.expect_download() as download_info:
        regulator.locator("#decision-pdf").click()
    with open(download_info.value.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    bundle = extract_bundle(pdf)
    assert "SandboxLiabilityExemption" in bundle["credential"]["type"]
    with urllib.request.urlopen(f"{base}/api/v1/trust-bundle") as response:  # noqa: S310  (loopback)
        trust = response.read()
    # Pinned to the root fingerprint the office publishes on its transparency page.
    regulator.goto(f"{base}/transparency")
    pin = regulator.locator("#root-fingerprint").inner_text().strip()
    report = verify_with_trust_bundle(bundle, trust, expected_root_fingerprint=pin)
    assert report.verdict == "valid", report
    paper = verify_pdf_with_trust_bundle(pdf, trust, expected_root_fingerprint=pin)
    assert paper.verdict == "valid", paper.to_dict()  # the decision's PDF is signed and its QR matches

    # The case is back in testing, and its page links to the decision.
    applicant.goto(case_url(base, case_id))
    expect_state(applicant, "testing")
    assert db_case(live_db, case_id).state.value == "testing"
    expect(applicant.locator(f'#disputes a[href="/exemptions/{request.id}"]')).to_be_visible()
