"""Each filing step is checked when it is saved: a boundary over the sector's limit is refused at the
field (aria-invalid, aria-describedby), what was typed is shown again and nothing is saved; a refused
submit keeps the commitment step's save and opens the step and field at fault."""

from __future__ import annotations

import re

from sandbox.models.cases import Case
from sandbox.services.cases import cases
from tests import factories
from tests.factories import GENERAL_PLAN

DRIVING_PLAN = {
    "objectives": "在亦庄开放道路验证低速无人配送车的数据合规方案。",
    "risk_controls": "车外影像默认匿名化，重要数据境内存储。",
    "exit_plan": "测试结束后三十日内删除原始影像。",
    "consumer_protection": "设立投诉热线，七日内答复。",
    "duration_months": "12",
    "boundaries.test_area_km2": "20",
    "boundaries.vehicle_count": "10",
    "boundaries.safety_driver_required": "yes",
    "boundaries.max_speed_kmh": "90",
    "boundaries.road_type": "designated_roads",
}


def control(body: str, control_id: str) -> str:
    """The opening tag of the control with `control_id`."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(control_id)}"[^>]*>', body)
    assert match, control_id
    return match.group(0)


def test_a_speed_over_the_sector_limit_is_refused_when_the_plan_step_is_saved(client, session, login_as):
    applicant = login_as("applicant")
    case = factories.make_case(session, applicant, sector="autonomous_driving", title="无人配送车测试")
    version = case.version
    response = client.post(
        f"/cases/{case.id}/edit?step=plan", data={**DRIVING_PLAN, "expected_version": version}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    speed = control(body, "boundaries-max_speed_kmh")
    assert 'aria-invalid="true"' in speed and 'value="90"' in speed
    assert 'aria-describedby="plan-boundaries-max_speed_kmh-error boundaries-max_speed_kmh-help"' in speed
    assert "autofocus" in speed
    message = re.search(r'<p class="error" id="plan-boundaries-max_speed_kmh-error">([^<]*)</p>', body)
    assert message and "80" in message.group(1)
    # Everything typed is shown again; the other fields are not marked.
    assert DRIVING_PLAN["objectives"] in body
    assert "aria-invalid" not in control(body, "boundaries-vehicle_count")
    session.expire_all()
    stored = session.get(Case, case.id)
    assert stored is not None and stored.version == version and stored.plan.get("objectives") == ""

    fixed = {**DRIVING_PLAN, "boundaries.max_speed_kmh": "60", "expected_version": version}
    assert client.post(f"/cases/{case.id}/edit?step=plan", data=fixed).status_code == 302
    session.expire_all()
    saved = session.get(Case, case.id)
    assert saved is not None and saved.plan["boundaries"]["max_speed_kmh"] == 60


def test_a_duration_over_the_sector_maximum_is_refused_at_its_field(client, session, login_as):
    applicant = login_as("applicant")
    case = factories.make_case(session, applicant, sector="autonomous_driving", title="无人配送车测试")
    form = {**DRIVING_PLAN, "boundaries.max_speed_kmh": "60", "duration_months": "30"}
    body = client.post(f"/cases/{case.id}/edit?step=plan", data=form).get_data(as_text=True)
    months = control(body, "duration_months")
    assert 'aria-invalid="true"' in months and "plan-duration_months-error" in months
    assert 'value="30"' in months


def test_a_draft_may_still_leave_fields_empty(client, session, login_as):
    applicant = login_as("applicant")
    case = factories.make_case(session, applicant)
    response = client.post(f"/cases/{case.id}/edit?step=plan", data={"objectives": "只写了目标。"})
    assert response.status_code == 302 and response.headers["Location"].endswith("step=commitment")


def test_a_refused_submit_keeps_the_ticks_and_opens_the_step_at_fault(client, session, login_as):
    applicant = login_as("applicant")
    case = factories.make_case(session, applicant)
    plan = {key: value for key, value in GENERAL_PLAN.items() if key != "exit_plan"}
    cases.update_case(session, actor=applicant, case_id=case.id, data={"plan": plan}, expected_version=None)
    session.commit()
    form = {
        "accept_commitment": "yes",
        "publication_consent": "1",
        "publication_fields": ["title", "objectives"],
        "action": "submit",
    }
    response = client.post(f"/cases/{case.id}/edit?step=commitment", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    # The plan step is shown, its form posting to itself, with the exit plan marked and focused.
    assert f'action="/cases/{case.id}/edit?step=plan"' in body
    exit_plan = control(body, "exit_plan")
    assert 'aria-invalid="true"' in exit_plan and "autofocus" in exit_plan
    assert 'id="error-summary"' in body and 'href="#exit_plan"' in body
    session.expire_all()
    stored = session.get(Case, case.id)
    assert stored is not None and stored.state.value == "draft"
    assert stored.commitment_accepted_at is not None  # the tick was saved with the step
    commitment = client.get(f"/cases/{case.id}/edit?step=commitment").get_data(as_text=True)
    assert "checked" in control(commitment, "accept_commitment")
    ticked = re.findall(
        r'<input type="checkbox" name="publication_fields" value="(\w+)" checked>', commitment
    )
    assert sorted(ticked) == ["objectives", "title"]


def test_an_unticked_commitment_is_named_at_its_checkbox_and_other_ticks_stay(client, session, login_as):
    applicant = login_as("applicant")
    case = factories.make_case(session, applicant, plan=GENERAL_PLAN)
    form = {"publication_consent": "1", "publication_fields": ["title"], "action": "submit"}
    response = client.post(f"/cases/{case.id}/edit?step=commitment", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    box = control(body, "accept_commitment")
    assert 'aria-invalid="true"' in box and "plan-commitment_accepted_by-error" in box
    assert "checked" not in box and "autofocus" in box
    assert '<input type="checkbox" name="publication_fields" value="title" checked>' in body
    assert '<input type="checkbox" name="publication_fields" value="objectives" >' in body
