"""The filing form helps as it goes: a speed over the sector's limit is refused when the plan step is
saved, at the field, with everything typed still there; a refused submit keeps every tick and takes
the applicant to the step and field at fault."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from tests import factories
from tests.browser.helpers import case_id_from, db_case, shot
from workflows.states import CaseState

pytestmark = pytest.mark.browser

TEXTS = {
    "objectives": "在亦庄开放道路验证低速无人配送车的数据合规方案。",
    "risk_controls": "车外影像默认匿名化，重要数据境内存储。",
    "consumer_protection": "设立投诉热线，七日内答复。",
}


def fill_plan(page, *, speed: str, exit_plan: str = "") -> None:
    for key, text in TEXTS.items():
        page.locator(f"#{key}").fill(text)
    page.locator("#exit_plan").fill(exit_plan)
    page.locator("#boundaries-test_area_km2").fill("20")
    page.locator("#boundaries-vehicle_count").fill("10")
    page.locator("#boundaries-safety_driver_required").select_option("yes")
    page.locator("#boundaries-max_speed_kmh").fill(speed)
    page.locator("#boundaries-road_type").select_option("designated_roads")
    page.locator("#duration_months").fill("12")


def save(page) -> None:
    with page.expect_navigation():
        page.locator("main form.card button[name=action][value=save]").click()


def test_steps_are_checked_on_save_and_a_refused_submit_keeps_the_ticks(
    live_server: str, live_db: Session, sign_in
) -> None:
    applicant = factories.make_user(live_db, "applicant")
    page = sign_in(applicant)
    page.goto(f"{live_server}/cases/new")
    page.locator("#title").fill("无人配送车数据合规测试")
    page.locator("#sector").select_option("autonomous_driving")
    page.locator("#data_categories").fill("车外影像\n行驶轨迹")
    save(page)
    case_id = case_id_from(page)

    # Step 2 with 90 km/h: refused at the field, everything typed kept, nothing saved.
    fill_plan(page, speed="90", exit_plan="测试结束后三十日内删除原始影像。")
    save(page)
    speed = page.locator("#boundaries-max_speed_kmh")
    expect(speed).to_have_attribute("aria-invalid", "true")
    expect(speed).to_have_value("90")
    expect(speed).to_be_focused()
    message = page.locator("#plan-boundaries-max_speed_kmh-error")
    expect(message).to_contain_text("80")
    assert "plan-boundaries-max_speed_kmh-error" in (speed.get_attribute("aria-describedby") or "")
    expect(page.locator("#objectives")).to_have_value(TEXTS["objectives"])
    shot(page, "applicant-plan-step-refused")
    live_db.expire_all()
    assert db_case(live_db, case_id).plan.get("objectives") == ""

    # Corrected, but the exit plan left empty: the draft is saved and the submit will name the gap.
    speed.fill("60")
    page.locator("#exit_plan").fill("")
    save(page)
    assert "step=commitment" in page.url

    # Tick the commitment and two publication fields, submit: refused, taken to the exit plan.
    page.locator("#accept_commitment").check()
    page.locator("input[name=publication_fields][value=title]").check()
    page.locator("input[name=publication_fields][value=objectives]").check()
    with page.expect_navigation():
        page.locator("button[name=action][value=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    exit_plan = page.locator("#exit_plan")
    expect(exit_plan).to_have_attribute("aria-invalid", "true")
    expect(exit_plan).to_be_focused()
    expect(page.locator("#boundaries-max_speed_kmh")).to_have_value("60")
    shot(page, "applicant-submit-refused")
    live_db.expire_all()
    assert db_case(live_db, case_id).state is CaseState.DRAFT

    # Back on the commitment step every tick is as it was left.
    page.locator("ol.steps a").nth(2).click()
    expect(page.locator("#accept_commitment")).to_be_checked()
    expect(page.locator("input[name=publication_fields][value=title]")).to_be_checked()
    expect(page.locator("input[name=publication_fields][value=objectives]")).to_be_checked()
    expect(page.locator("input[name=publication_fields][value=enterprise_name]")).not_to_be_checked()

    # With the exit plan filled in, the submit goes through.
    page.locator("ol.steps a").nth(1).click()
    page.locator("#exit_plan").fill("测试结束后三十日内删除原始影像。")
    save(page)
    with page.expect_navigation():
        page.locator("button[name=action][value=submit]").click()
    live_db.expire_all()
    assert db_case(live_db, case_id).state is CaseState.SUBMITTED
