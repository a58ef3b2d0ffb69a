"""Contract disputes through the API: outcomes that fit the kind, the mediation agreement recorded by the
mediator, confirmed by both parties, and its PDF (read back with pypdf)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import select

from sandbox.models.notifications import Notification
from tests.case_flow import CaseFlow
from tests.sandbox.api.legal.contract import ITEMS, contract_dispute, record, settle


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def test_a_contract_dispute_needs_its_counterparty(flow: CaseFlow) -> None:
    flow.to("testing")
    body = {"legal_partner_org_id": flow.centre_id, "kind": "contract", "claim": "合同纠纷"}
    response = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/disputes", json=body)
    assert response.status_code == 422
    assert "counterparty_org_id" in str(response.get_json())
    # A testing lab is no counter-party to a contract dispute.
    body["counterparty_org_id"] = flow.lab_id
    response = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/disputes", json=body)
    assert response.status_code == 422


def test_a_contract_dispute_refuses_a_decision_outcome_and_overturns_nothing(flow: CaseFlow) -> None:
    dispute = contract_dispute(flow)
    refused = flow.call("mediator", "POST", f"/api/v1/disputes/{dispute['id']}/actions",
                        json={"action": "settle", "outcome": "overturned", "resolution": "撤销"})  # fmt: skip
    assert refused.status_code == 422
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.get_json()["errors"][0]["field"] == "outcome"
    assert "合同纠纷" in refused.get_json()["errors"][0]["message"]  # said in the caller's language
    settled = settle(flow, dispute["id"], "partially_settled")
    assert (settled["stage"], settled["outcome"]) == ("settled", "partially_settled")
    assert flow.case()["state"] == "testing"  # back where it was; nothing was overturned
    assert dispute["counterparty_org_id"] == flow.users["provider"].organisation_id


def test_the_generic_case_event_refuses_an_outcome_that_does_not_fit(flow: CaseFlow) -> None:
    contract_dispute(flow)
    body = flow.fire("mediator", "resolve_dispute", expect=422, outcome="upheld")
    assert "合同纠纷经调解处理" in str(body) and "upheld" in str(body)
    done = flow.fire("mediator", "resolve_dispute", note="调解未果", outcome="not_settled")
    assert done["case"]["state"] == "testing"


def test_a_decision_dispute_refuses_a_contract_outcome(flow: CaseFlow) -> None:
    flow.to("risk_assessment")
    flow.fire("regulator", "reject", note="材料不全")
    body = {"legal_partner_org_id": flow.centre_id, "claim": "驳回理由与事实不符"}
    dispute = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/disputes", json=body).get_json()
    flow.call("mediator", "POST", f"/api/v1/disputes/{dispute['id']}/actions", json={"action": "acknowledge"})
    refused = flow.call("mediator", "POST", f"/api/v1/disputes/{dispute['id']}/actions",
                        json={"action": "settle", "outcome": "settled", "resolution": "和解"})  # fmt: skip
    assert refused.status_code == 422
    assert "维持" in refused.get_json()["errors"][0]["message"]


def test_the_agreement_is_recorded_confirmed_by_both_parties_and_printed(flow: CaseFlow) -> None:
    dispute = contract_dispute(flow)
    path = f"/api/v1/disputes/{dispute['id']}/agreement"
    record(flow, dispute["id"], expect=409)  # not settled yet
    settle(flow, dispute["id"])
    assert flow.call("provider", "POST", f"{path}/confirmations").status_code == 409  # no terms yet
    record(flow, dispute["id"], expect=422, items="   \n")
    recorded = record(flow, dispute["id"], items="\n".join(ITEMS))
    assert (recorded["items"], recorded["recorded"], recorded["your_side"]) == (ITEMS, True, "mediator")
    assert recorded["ready_for_judicial_confirmation"] is False
    # The applicant confirms; confirming again changes nothing.
    first = flow.call("applicant", "POST", f"{path}/confirmations").get_json()
    again = flow.call("applicant", "POST", f"{path}/confirmations").get_json()
    assert first["enterprise_confirmation"] == again["enterprise_confirmation"]
    assert first["enterprise_confirmation"]["confirmed_by_id"] == flow.users["applicant"].id
    assert again["version"] == first["version"]
    # The other party heard of it, and the terms are now fixed.
    notices = flow.session.exec(
        select(Notification).where(Notification.user_id == flow.users["provider"].id)
    ).all()
    assert any(notice.kind == "mediation_agreement" and "confirmed" in notice.msgid for notice in notices)
    record(flow, dispute["id"], expect=409, items=["改过的条款"])
    done = flow.call("provider", "POST", f"{path}/confirmations").get_json()
    assert done["ready_for_judicial_confirmation"] is True
    assert done["counterparty_confirmation"]["confirmed_by_id"] == flow.users["provider"].id
    pdf = flow.call("provider", "GET", f"{path}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "调解协议书" in text and ITEMS[0] in text and ITEMS[1] in text
    assert flow.users["applicant"].display_name.replace(" ", "") in text  # who confirmed for the enterprise
    assert "司法确认" in text and "北京互联网法院" in text and "第三十三条" in text
    assert "尚未确认" not in text  # both confirmations are printed with their times
    assert text.count("（北京时间）") == 2
    messages = flow.call("mediator", "GET", f"/api/v1/disputes/{dispute['id']}/messages").get_json()
    assert sum("【调解协议】" in message["body"] for message in messages) == 3


def test_only_the_parties_and_the_mediator_see_the_agreement(flow: CaseFlow) -> None:
    dispute = contract_dispute(flow)
    settle(flow, dispute["id"])
    record(flow, dispute["id"])
    path = f"/api/v1/disputes/{dispute['id']}/agreement"
    for who in ("applicant", "provider", "mediator"):
        assert flow.call(who, "GET", f"{path}/pdf").status_code == 200, who
    assert flow.call("regulator", "GET", f"{path}/pdf").status_code == 403
    assert flow.call("other_provider", "GET", f"{path}/pdf").status_code == 404
    assert flow.call("other_provider", "POST", f"{path}/confirmations").status_code == 404
    assert flow.call("assessor", "GET", path).status_code == 404
    # The mediator records; a party cannot.
    assert flow.call("provider", "PUT", path, json={"items": ["x"]}).status_code == 403
    assert flow.call("mediator", "POST", f"{path}/confirmations").status_code == 403


def test_a_stale_version_of_the_terms_is_refused_with_409(flow: CaseFlow) -> None:
    dispute = contract_dispute(flow)
    settle(flow, dispute["id"])
    first = record(flow, dispute["id"])
    second = record(flow, dispute["id"], items=["更正后的条款"], expected_version=first["version"])
    assert second["version"] == first["version"] + 1 and second["items"] == ["更正后的条款"]
    stale = record(flow, dispute["id"], expect=409, items=["迟到的改动"], expected_version=first["version"])
    assert stale["status"] == 409
    current = flow.call("applicant", "GET", f"/api/v1/disputes/{dispute['id']}/agreement").get_json()
    assert current["items"] == ["更正后的条款"] and current["your_side"] == "enterprise"
