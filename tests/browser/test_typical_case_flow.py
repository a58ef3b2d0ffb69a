"""A typical case played in the browser: a regulator proposes an exited case from its page, the enterprise's
applicant reviews the exact text and approves it, the regulator publishes it; the public page shows it and
the sector's PDF collection downloads with the case in it."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import case_url, prepared_case, shot, submit_form

pytestmark = pytest.mark.browser

TEXT = {
    "title": "企业信用数据融合的隐私计算路径",
    "background": "企业信用数据分散在多个部门，直接汇集存在泄露风险，需要验证隐私计算下的融合方式。",
    "tested": "以隐私计算方式融合企业经营数据和公共信用数据，输出评估结果而不输出原始数据。",
    "boundaries": "数据主体不超过五万家；仅在隐私计算环境中处理；不向第三方提供原始数据。",
    "results": "测试期间未发生数据安全事件，评估结果稳定，按期出盒。",
    "lessons": "输出结果而不输出数据，是公共数据与企业数据融合应用的可行边界。",
}


def test_typical_case_is_proposed_approved_published_and_downloaded(live_app, live_db, sign_in, page) -> None:
    base, app = live_app
    flow = prepared_case(app, live_db, "exited")

    # The regulator proposes the exited case from its page; the form starts from the case's plan.
    regulator = sign_in(flow.users["regulator"])
    regulator.goto(case_url(base, flow.case_id))
    with regulator.expect_navigation():
        regulator.locator("#typical-case-link").click()
    form = regulator.locator("#propose-form")
    expect(form.locator("#background")).to_have_value(
        "验证基于隐私计算的企业信用数据融合服务在真实业务中的合规性与效果。"
    )
    for name, value in TEXT.items():
        form.locator(f"#{name}").fill(value)
    form.locator("input[name=redacted_fields][value=uscc]").check()
    submit_form(regulator, form)
    expect(regulator.locator("#typical-status .badge")).to_have_attribute("data-status", "proposed")
    expect(regulator.locator("#preview [data-fact=uscc]")).not_to_contain_text("91110302")
    record_url = regulator.url

    # The enterprise's applicant reviews exactly what will be public and approves it.
    applicant = sign_in(flow.users["applicant"])
    applicant.goto(record_url)
    expect(applicant.locator("#preview")).to_contain_text(TEXT["lessons"])
    expect(applicant.locator("#hidden-list")).to_be_visible()
    shot(applicant, "typical-case-review-zh")
    decision = applicant.locator("#decision-form")
    decision.locator("input[name=decision][value=approve]").check()
    submit_form(applicant, decision)
    expect(applicant.locator("#typical-status .badge")).to_have_attribute("data-status", "approved")

    # The regulator publishes it, confirming.
    regulator.reload()
    publish = regulator.locator("#publish-form")
    publish.locator("input[name=confirm]").check()
    submit_form(regulator, publish)
    expect(regulator.locator("#typical-status .badge")).to_have_attribute("data-status", "published")

    # Anyone finds it on the public page of its sector, without the hidden credit code.
    page.goto(f"{base}/typical-cases")
    page.locator("#sector-tabs a[data-sector=general_data]").click()
    card = page.locator("#typical-cases .typical-case").first
    expect(card).to_contain_text(TEXT["title"])
    with page.expect_navigation():
        card.get_by_role("link", name=TEXT["title"]).click()
    expect(page.locator("#typical-title")).to_have_text(TEXT["title"])
    expect(page.locator("[data-fact=filing_number]")).not_to_contain_text("YZSB")
    expect(page.locator("#public-text")).to_contain_text(TEXT["boundaries"])
    shot(page, "typical-case-zh")

    # The sector's collection downloads as a PDF with the case in it.
    with page.expect_download() as download_info:
        page.locator("#collection-link").click()
    with open(download_info.value.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert "通用数据领域典型标杆案例集" in reader.metadata.title
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert TEXT["title"] in text and TEXT["lessons"] in text.replace("\n", "")
