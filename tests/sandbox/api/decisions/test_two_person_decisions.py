"""Certificate status changes and exemption decisions need two regulators: one proposes with a reason, a
different one confirms (or declines), the proposer may withdraw; only the confirmation changes anything,
both steps are in the certificate's (or request's) history and the case's, and the proposer hears the
outcome. The old one-step routes refuse with a clear message."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from sandbox.models.notifications import Notification
from sandbox.services.cases.calendar import beijing_today
from tests.case_flow import CaseFlow
from tests.sandbox.certificate_helpers import bundle_of, exit_case, outcomes, verify


def _notices(session, user_id: int) -> list[str]:
    session.expire_all()
    rows = session.exec(select(Notification).where(Notification.user_id == user_id)).all()
    return [row.msgid % row.params for row in rows if row.kind.startswith("proposal")]


def _case_steps(flow: CaseFlow) -> list[tuple[str, int, dict[str, Any], str]]:
    body = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()
    assert body["intact"] is True
    return [
        (e["event"], e["actor_id"], e["payload"], e["note"])
        for e in body["events"]
        if e["record_only"] and "proposalId" in e["payload"]
    ]


@pytest.fixture
def exited(client, session):
    return exit_case(client, session)


def test_a_suspension_takes_effect_only_when_a_second_regulator_confirms(exited, session, client) -> None:
    flow, cert = exited
    proposer, confirmer = flow.users["regulator"], flow.users["regulator2"]
    path = f"/api/v1/certificates/{cert.id}/status-proposals"
    proposed = flow.call("regulator", "POST", path, json={"action": "suspend", "reason": "涉嫌超出测试边界"})
    assert proposed.status_code == 201, proposed.get_json()
    proposal = proposed.get_json()
    assert (proposal["state"], proposal["proposed_by"]["id"], proposal["decided_by"]) == (
        "pending", proposer.id, None
    )  # fmt: skip
    assert outcomes(verify(client, bundle=bundle_of(client, cert.id)))["status"] == "pass"  # nothing changed
    assert (
        flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/certificate").get_json()["status"]
        == "active"
    )
    assert _notices(session, confirmer.id) == [
        f"{proposer.display_name} proposes to suspend certificate {cert.number}; "
        "another regulator must confirm or decline."
    ]

    confirm = f"/api/v1/proposals/{proposal['id']}/confirmation"
    own = flow.call("regulator", "POST", confirm, json={})
    assert own.status_code == 403 and own.get_json()["code"] == "two_person_rule"
    assert "另一名监管人员" in own.get_json()["detail"]
    assert flow.call("applicant", "POST", confirm, json={}).status_code == 403
    stale = flow.client.post(confirm, json={}, headers={**flow.headers["regulator2"], "If-Match": '"7"'})
    assert stale.status_code == 409

    confirmed = flow.call("regulator2", "POST", confirm, json={"note": "核实无误"})
    assert confirmed.status_code == 200, confirmed.get_json()
    assert (confirmed.get_json()["state"], confirmed.get_json()["decided_by"]["id"]) == (
        "confirmed",
        confirmer.id,
    )
    assert outcomes(verify(client, bundle=bundle_of(client, cert.id)))["status"] == "fail"
    voucher = flow.call("applicant", "GET", f"/api/v1/certificates/{cert.id}/voucher").get_json()
    assert voucher["status"] == "frozen"
    again = flow.call("regulator2", "POST", confirm, json={})
    assert again.status_code == 409

    history = flow.call("applicant", "GET", f"/api/v1/certificates/{cert.id}/history").get_json()
    assert [(h["purpose"], h["value"], h["reason"]) for h in history] == [
        ("suspension", True, "涉嫌超出测试边界")
    ]
    steps = flow.call("applicant", "GET", path).get_json()
    assert [(s["action"], s["state"], s["proposed_by"]["id"], s["decided_by"]["id"]) for s in steps] == [
        ("suspend", "confirmed", proposer.id, confirmer.id)
    ]
    assert [(event, actor, payload.get("action")) for event, actor, payload, _ in _case_steps(flow)] == [
        ("propose_certificate_status", proposer.id, "suspend"),
        ("confirm_certificate_status", confirmer.id, "suspend"),
    ]
    assert _notices(session, proposer.id) == [
        f"{confirmer.display_name} confirmed your proposal to suspend certificate {cert.number}."
    ]


def test_declining_or_withdrawing_changes_nothing_and_only_one_proposal_waits(exited, session) -> None:
    flow, cert = exited
    path = f"/api/v1/certificates/{cert.id}/status-proposals"
    first = flow.call("regulator", "POST", path, json={"action": "revoke", "reason": "数据泄露"}).get_json()
    second = flow.call("regulator2", "POST", path, json={"action": "suspend", "reason": "待核查"})
    assert second.status_code == 409  # one proposal waits at a time
    decline = f"/api/v1/proposals/{first['id']}/declination"
    assert flow.call("regulator", "POST", decline, json={"note": "x"}).status_code == 403  # withdraw instead
    no_reason = flow.call("regulator2", "POST", decline, json={})
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["field"] == "note"
    declined = flow.call("regulator2", "POST", decline, json={"note": "证据不足"})
    assert declined.status_code == 200 and declined.get_json()["state"] == "declined"
    assert (
        flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/certificate").get_json()["status"]
        == "active"
    )
    proposer = flow.users["regulator"]
    assert _notices(session, proposer.id)[-1] == (
        f"{flow.users['regulator2'].display_name} declined your proposal to revoke certificate "
        f"{cert.number}: 证据不足"
    )

    later = flow.call("regulator2", "POST", path, json={"action": "suspend", "reason": "待核查"}).get_json()
    withdraw = f"/api/v1/proposals/{later['id']}/withdrawal"
    assert flow.call("regulator", "POST", withdraw, json={}).status_code == 403  # not the proposer
    withdrawn = flow.call("regulator2", "POST", withdraw, json={})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["state"] == "withdrawn"
    confirm_late = flow.call("regulator", "POST", f"/api/v1/proposals/{later['id']}/confirmation", json={})
    assert confirm_late.status_code == 409
    assert [event for event, *_ in _case_steps(flow)] == [
        "propose_certificate_status",
        "decline_certificate_status",
        "propose_certificate_status",
        "withdraw_certificate_status",
    ]
    assert _case_steps(flow)[1][3] == "证据不足"
    pending = flow.call("regulator", "GET", "/api/v1/proposals?pending=true").get_json()
    assert pending["items"] == [] and pending["total"] == 0
    every = flow.call("regulator", "GET", f"/api/v1/proposals?case_id={flow.case_id}").get_json()
    assert [item["state"] for item in every["items"]] == ["withdrawn", "declined"]
    assert flow.call("applicant", "GET", "/api/v1/proposals").status_code == 403


def test_the_one_step_routes_refuse_and_name_the_proposal_route(exited) -> None:
    flow, cert = exited
    one_step = flow.call("regulator", "POST", f"/api/v1/certificates/{cert.id}/status",
                         json={"action": "revoke", "reason": "x"})  # fmt: skip
    assert one_step.status_code == 409
    assert one_step.get_json()["code"] == "proposal_required"
    assert f"/api/v1/certificates/{cert.id}/status-proposals" in one_step.get_json()["detail"]
    assert (
        flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/certificate").get_json()["status"]
        == "active"
    )


def _exemption_with_opinion(flow: CaseFlow) -> dict[str, Any]:
    flow.to("testing")
    incident = flow.call(
        "applicant", "POST", f"/api/v1/cases/{flow.case_id}/reports",
        json={"kind": "incident", "title": "越权访问事件", "body": "测试期间发生一次越权访问，已即时处置。",
              "occurred_on": beijing_today().isoformat()},
    ).get_json()  # fmt: skip
    request = flow.call(
        "applicant", "POST", f"/api/v1/cases/{flow.case_id}/exemptions",
        json={"incident_id": incident["id"], "legal_partner_org_id": flow.centre_id,
              "good_faith_explanation": "严格按照测试方案执行，并在事发当日报告。"},
    ).get_json()  # fmt: skip
    opinion = {"opinion": "企业已按方案及监管指导执行，事件系善意试错。", "recommendation": "support"}
    assert (
        flow.call("mediator", "POST", f"/api/v1/exemptions/{request['id']}/opinion", json=opinion).status_code
        == 200
    )
    return request


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def test_an_exemption_is_decided_by_the_confirming_regulator(flow: CaseFlow, session) -> None:
    request = _exemption_with_opinion(flow)
    path = f"/api/v1/exemptions/{request['id']}"
    proposer, confirmer = flow.users["regulator"], flow.users["regulator2"]
    one_step = flow.call(
        "regulator", "POST", f"{path}/decision", json={"decision": "granted", "reasons": "x"}
    )
    assert one_step.status_code == 409 and one_step.get_json()["code"] == "proposal_required"
    alone = flow.fire("regulator", "decide_exemption", expect=422, decision="granted")
    assert alone["errors"][0]["field"] == "proposer_id"

    body = {
        "decision": "partly_granted",
        "scope": "仅限本次越权访问事件",
        "reasons": "企业善意履责并及时报告。",
    }
    stale = flow.client.post(f"{path}/decision-proposals", json=body,
                             headers={**flow.headers["regulator"], "If-Match": '"99"'})  # fmt: skip
    assert stale.status_code == 409
    no_scope = flow.call("regulator", "POST", f"{path}/decision-proposals", json={**body, "scope": ""})
    assert no_scope.status_code == 422 and no_scope.get_json()["errors"][0]["field"] == "scope"
    proposed = flow.call("regulator", "POST", f"{path}/decision-proposals", json=body)
    assert proposed.status_code == 201, proposed.get_json()
    proposal = proposed.get_json()
    assert flow.call("regulator", "GET", path).get_json()["stage"] == "awaiting_decision"
    assert flow.case()["state"] == "liability_exemption"

    by_proposer = flow.fire("regulator", "decide_exemption", expect=403)
    assert by_proposer["code"] == "two_person_rule"
    other_decision = flow.fire("regulator2", "decide_exemption", expect=422, decision="denied")
    assert other_decision["errors"][0]["field"] == "decision"
    confirmed = flow.call("regulator2", "POST", f"/api/v1/proposals/{proposal['id']}/confirmation", json={})
    assert confirmed.status_code == 200, confirmed.get_json()
    decided = flow.call("applicant", "GET", path).get_json()
    assert (decided["stage"], decided["decision"], decided["decision_scope"]) == (
        "decided", "partly_granted", "仅限本次越权访问事件"
    )  # fmt: skip
    assert decided["certificate_id"]
    assert flow.case()["state"] == "testing"

    events = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/events").get_json()["events"]
    decision = next(e for e in events if e["event"] == "decide_exemption")
    assert decision["actor_id"] == confirmer.id
    assert decision["payload"]["proposalId"] == proposal["id"]
    assert decision["payload"]["proposedById"] == proposer.id
    proposal_event = next(e for e in events if e["event"] == "propose_exemption_decision")
    assert (proposal_event["actor_id"], proposal_event["note"]) == (proposer.id, "企业善意履责并及时报告。")
    steps = flow.call("mediator", "GET", f"{path}/decision-proposals").get_json()
    assert [(s["state"], s["proposed_by"]["id"], s["decided_by"]["id"]) for s in steps] == [
        ("confirmed", proposer.id, confirmer.id)
    ]
    assert _notices(session, proposer.id) == [
        f"{confirmer.display_name} confirmed your proposed exemption decision for “企业信用数据融合服务”."
    ]


def test_the_exemption_decision_over_the_generic_event_is_the_confirmation(flow: CaseFlow) -> None:
    request = _exemption_with_opinion(flow)
    body = {"decision": "granted", "reasons": "企业善意履责。"}
    assert (
        flow.call(
            "regulator2", "POST", f"/api/v1/exemptions/{request['id']}/decision-proposals", json=body
        ).status_code
        == 201
    )
    decided = flow.fire("regulator", "decide_exemption", note="同意")
    assert decided["event"]["payload"]["decision"] == "granted"
    assert flow.call("regulator", "GET", "/api/v1/proposals?pending=true").get_json()["total"] == 0
