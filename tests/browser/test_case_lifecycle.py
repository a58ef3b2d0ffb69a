"""The whole case lifecycle played in the browser by four people, each in a browser context of their own.

An applicant files a project; regulator A accepts it, assigns the lab and himself, assesses the risk;
the lab's assessor uploads the verification report; A passes verification; the applicant reports and
asks to leave; the assessor scores; A — the case officer — is refused the approval; B approves.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from sandbox.models.accounts import OrganisationKind
from sandbox.models.cases import Evaluation, TrialReport
from sandbox.models.documents import Document, DocumentKind
from sandbox.services.cases.calendar import beijing_today
from tests import factories
from tests.browser.helpers import (
    assert_history_intact,
    case_id_from,
    case_url,
    db_case,
    expect_state,
    fire,
    open_action,
    press_action,
    shot,
    submit_form,
    upload,
    write_pdf,
)  # fmt: skip
from workflows.evaluation import ALL_SCORED
from workflows.sectors import default_sector_packs
from workflows.states import CaseState

pytestmark = pytest.mark.browser
PACK = default_sector_packs()["general_data"]
OBJECTIVES = "验证基于隐私计算的企业信用数据融合服务在真实业务中的合规性与效果。"


def file_project(page: Page, base: str) -> int:
    """The applicant's three steps: basics → plan (every boundary field) → commitment and submit."""
    page.goto(f"{base}/cases/new")
    page.locator("#title").fill("企业信用数据融合服务")
    page.locator("#sector").select_option("general_data")
    page.locator("#data_categories").fill("企业经营数据\n个人信用信息")
    submit_form(page, page.locator("main form.card"))
    expect(page.locator("#objectives")).to_be_visible()
    page.locator("#objectives").fill(OBJECTIVES)
    page.locator("#risk_controls").fill("数据最小化、去标识化处理，访问日志留存六个月。")
    page.locator("#exit_plan").fill("测试结束后三十日内删除测试数据并出具删除证明。")
    page.locator("#consumer_protection").fill("设立投诉渠道，七日内答复；个人可随时撤回同意。")
    page.locator("#boundaries-data_subjects_cap").fill("50000")
    page.locator("#boundaries-data_volume_gb").fill("200")
    page.locator("#boundaries-processing_environment").select_option("privacy_computing")
    page.locator("#boundaries-third_party_access").select_option("no")
    page.locator("#duration_months").fill("6")
    assert {p.id for p in PACK.boundaries} == {"data_subjects_cap", "data_volume_gb",
                                               "processing_environment", "third_party_access"}  # fmt: skip
    shot(page, "applicant-plan-step")
    submit_form(page, page.locator("main form.card"))
    page.locator("input[name=accept_commitment]").check()
    with page.expect_navigation():
        page.locator("button[name=action][value=submit]").click()
    expect_state(page, "submitted")
    return case_id_from(page)


def assess_risk(page: Page) -> None:
    """Regulator A answers the sector checklist, sets level, conditions and boundaries, and completes."""
    details = open_action(page, "complete_risk_assessment")
    for item in PACK.risk_items:
        details.locator(f"input[name='answers.{item.id}'][value='no']").check()
    details.locator("input[name='answers.data_trading'][value='yes']").check()
    details.locator("select[name=risk_level]").select_option("low")
    details.locator("textarea[name=conditions]").fill("每月报送一次数据使用日志\n发生安全事件两小时内报告")
    details.locator("[name='trial_boundaries.data_subjects_cap']").fill("30000")
    details.locator("[name='trial_boundaries.data_volume_gb']").fill("200")
    details.locator("[name='trial_boundaries.processing_environment']").select_option("privacy_computing")
    details.locator("[name='trial_boundaries.third_party_access']").select_option("no")
    shot(page, "regulator-risk-assessment-form")
    press_action(page, "complete_risk_assessment")


def score_evaluation(page: Page) -> None:
    section = page.locator("#evaluation")
    section.locator("details > summary").click()
    for dimension in ALL_SCORED:
        section.locator(f"input[name='scores.{dimension.id}'][value='5']").check()
    section.locator("#conclusion").fill("测试目标达成，风险可控，承诺履行到位。")
    shot(page, "assessor-scoring-form")
    submit_form(page, section.locator("form"))


def test_whole_lifecycle_through_the_ui(live_app, live_db: Session, sign_in, tmp_path: Path) -> None:
    base, _ = live_app
    lab = factories.make_organisation(live_db, OrganisationKind.TESTING_LAB)
    applicant_user = factories.make_user(live_db, "applicant")
    regulator_a = factories.make_user(live_db, "regulator", display_name="监管员甲")
    regulator_b = factories.make_user(live_db, "regulator", display_name="监管员乙")
    assessor_user = factories.make_user(live_db, "assessor", organisation_id=lab.id, display_name="评估员丙")

    applicant = sign_in(applicant_user)
    case_id = file_project(applicant, base)
    case = db_case(live_db, case_id)
    assert case.state is CaseState.SUBMITTED and case.commitment_accepted_at is not None
    assert case.plan["boundaries"]["data_subjects_cap"] == 50000
    assert case.plan["boundaries"]["third_party_access"] is False

    # Regulator A accepts the filing, assigns the lab and himself, and assesses the risk.
    reg_a = sign_in(regulator_a)
    reg_a.goto(f"{base}/cases")
    expect(reg_a.locator("nav.queues")).to_be_visible()
    shot(reg_a, "regulator-case-list")
    reg_a.goto(case_url(base, case_id))
    # The testing lab is chosen in the acceptance form itself (required there), and is told at once.
    fire(reg_a, "accept_filing", assessor_org_id=str(lab.id), note="材料齐全，予以备案。")
    expect_state(reg_a, "risk_assessment")
    filing_number = db_case(live_db, case_id).filing_number
    assert filing_number and filing_number.startswith("YZSB-")
    expect(reg_a.locator(".page-head")).to_contain_text(filing_number)

    reg_a.locator("#assign > summary").click()
    reg_a.locator("select[name=case_officer_id]").select_option(str(regulator_a.id))
    submit_form(reg_a, reg_a.locator("#assign form"))
    case = db_case(live_db, case_id)
    assert (case.case_officer_id, case.assessor_org_id) == (regulator_a.id, lab.id)
    facts = reg_a.locator("article.card").first
    expect(facts).to_contain_text(regulator_a.display_name)
    expect(facts).to_contain_text(lab.name)

    assess_risk(reg_a)
    expect_state(reg_a, "technical_verification")
    case = db_case(live_db, case_id)
    assert case.state is CaseState.TECHNICAL_VERIFICATION and case.risk_level.value == "low"
    assert case.conditions == ["每月报送一次数据使用日志", "发生安全事件两小时内报告"]
    assert case.trial_boundaries["data_subjects_cap"] == 30000
    expect(facts).to_contain_text("30000")  # the approved boundary, beside the 50000 the plan asked for

    # The lab's assessor was told at acceptance; the case page starts with what to do now: the
    # structured verification conclusion (result, findings, report), and the case officer is told.
    assessor = sign_in(assessor_user)
    assessor.goto(f"{base}/notifications")
    expect(assessor.locator("main")).to_contain_text(case.title)
    assessor.goto(case_url(base, case_id))
    expect(assessor.locator("#actions .tasks li").first).to_contain_text("提交技术验证结论")
    form = assessor.locator("#verification form")
    form.locator("input[name=result][value=passed_with_conditions]").check()
    form.locator("#findings").fill("日志留存周期需延长至六个月")
    form.locator("#verification-file").set_input_files(str(write_pdf(tmp_path, "技术验证报告.pdf")))
    submit_form(assessor, form)
    expect(assessor.locator("#verification .conclusion")).to_contain_text("有条件通过")
    shot(assessor, "assessor-verification-conclusion")
    reg_a.goto(f"{base}/notifications")
    expect(reg_a.locator("main")).to_contain_text("有条件通过")

    # Regulator A passes verification with trial dates.
    start = beijing_today()
    reg_a.goto(case_url(base, case_id))
    fire(reg_a, "pass_verification", trial_start=start.isoformat(),
         trial_end=(start + timedelta(days=90)).isoformat())  # fmt: skip
    expect_state(reg_a, "testing")
    shot(reg_a, "regulator-case-testing")
    case = db_case(live_db, case_id)
    assert (case.trial_start, case.trial_end) == (start, start + timedelta(days=90))

    # The applicant files a periodic report, uploads a self-assessment and asks to leave the sandbox.
    applicant.goto(case_url(base, case_id))
    reports = applicant.locator("#reports")
    reports.locator("details > summary").click()
    reports.locator("select[name=kind]").select_option("periodic")
    reports.locator("#report-title").fill("第一季度运行报告")
    reports.locator("#report-body").fill("本季度共处理数据主体一万二千人，未发生安全事件。")
    submit_form(applicant, reports.locator("form"))
    expect(reports).to_contain_text("第一季度运行报告")
    upload(applicant, "self_assessment", write_pdf(tmp_path, "自评估报告.pdf"))
    fire(applicant, "request_exit", note="测试目标已达成，申请出盒。")
    expect_state(applicant, "exit_evaluation")

    # The assessor scores the exit evaluation.
    assessor.reload()
    score_evaluation(assessor)
    expect(assessor.locator("#evaluation .evaluation")).to_have_count(1)

    # Regulator A handled the case: instead of an approval the two-person rule would refuse, he is
    # offered 提交复核 and sends the decision to regulator B, who is told and finds it first.
    reg_a.reload()
    expect(reg_a.locator("#action-approve_exit")).to_have_count(0)
    review = reg_a.locator("#exit-review")
    expect(review).to_contain_text("双人复核")
    review.locator("select[name=reviewer_id]").select_option(str(regulator_b.id))
    submit_form(reg_a, review.locator("form"))
    expect(reg_a.locator("#exit-reviewer")).to_contain_text(regulator_b.display_name)
    assert db_case(live_db, case_id).exit_reviewer_id == regulator_b.id
    shot(reg_a, "regulator-sent-for-review")

    # Regulator B: the notification, the case at the top of the workbench, then the approval.
    reg_b = sign_in(regulator_b)
    reg_b.goto(f"{base}/notifications")
    expect(reg_b.locator("main")).to_contain_text("双人复核")
    reg_b.goto(f"{base}/dashboard")
    expect(reg_b.locator("table.table tbody tr").first).to_contain_text(case.title)
    reg_b.goto(case_url(base, case_id))
    expect(reg_b.locator("#exit-reviewer")).to_contain_text("提交您复核")
    fire(reg_b, "approve_exit", note="评估通过，准予出盒。")
    expect_state(reg_b, "exited")
    assert_history_intact(reg_b, live_db, case_id)
    shot(reg_b, "regulator-case-exited")

    assert db_case(live_db, case_id).state is CaseState.EXITED
    kinds = {d.kind for d in live_db.exec(select(Document).where(Document.case_id == case_id)).all()}
    assert {DocumentKind.TECHNICAL_VERIFICATION_REPORT, DocumentKind.SELF_ASSESSMENT} <= kinds
    assert len(live_db.exec(select(TrialReport).where(TrialReport.case_id == case_id)).all()) == 1
    evaluation = live_db.exec(select(Evaluation).where(Evaluation.case_id == case_id)).one()
    assert evaluation.evaluator_id == assessor_user.id and set(evaluation.scores.values()) == {5}
    applicant.reload()
    expect_state(applicant, "exited")
