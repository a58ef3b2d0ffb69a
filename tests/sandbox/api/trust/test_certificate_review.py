"""A review (复核) of a certificate revocation, requested from the case page (issue 14 §4).

`raise_dispute` cannot fire from `exited`, so the review is a dispute of its own kind outside the case
state machine: the case stays exited, the request and its outcome are record-only events in the
hash-chained history, a legal partner of the chosen organisation hears it with the usual stages.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from sandbox.errors import Conflict
from sandbox.models.cases import Case
from sandbox.models.certificates import Certificate
from sandbox.models.disputes import Dispute, DisputeKind
from sandbox.services.case_events import history
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.trust import reviews as certificate_reviews
from tests import factories
from tests.case_flow import CaseFlow, token
from tests.sandbox.api.legal.test_disputes_api import act, documented
from tests.sandbox.certificate_helpers import exit_case

REASON = "提供虚假检测报告"
CLAIM = "撤销理由所称虚假材料系检测机构笔误，更正说明已于撤销前提交。"


def revoke(flow: CaseFlow, cert: Certificate) -> None:
    flow.change_status(cert.id, "revoke", REASON)


def sign_in(client, user) -> None:
    signed = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert signed.status_code == 302


def kinds(flow: CaseFlow, who: str) -> list[str]:
    return [item["kind"] for item in flow.call(who, "GET", "/api/v1/notifications").get_json()["items"]]


def test_an_applicant_requests_a_review_from_the_case_page(app, client, session) -> None:
    flow, cert = exit_case(client, session)
    sign_in(client, flow.users["applicant"])
    page_url, form_url = f"/cases/{flow.case_id}", f"/cases/{flow.case_id}/certificate-review"
    assert 'id="certificate-review"' not in client.get(page_url).get_data(as_text=True)
    assert client.get(form_url).status_code == 409  # nothing revoked, nothing to review

    revoke(flow, cert)
    deadline = beijing_today() + timedelta(days=30)
    page = client.get(page_url).get_data(as_text=True)
    assert 'id="certificate-review"' in page and REASON in page
    assert f'id="request-review" href="{form_url}"' in page and "申请复核" in page
    form = client.get(form_url).get_data(as_text=True)
    assert REASON in form and f"{deadline.year}年{deadline.month}月{deadline.day}日" in form
    assert "行政复议" in form and "行政诉讼" in form
    office = app.test_client()
    sign_in(office, flow.users["regulator"])
    seen = office.get(page_url).get_data(as_text=True)
    assert REASON in seen and "企业可于" in seen and 'id="request-review"' not in seen
    assert office.get(form_url).status_code == 403

    refused = client.post(form_url, data={"claim": CLAIM})
    assert refused.status_code == 422 and "legal_partner_org_id-error" in refused.get_data(as_text=True)
    version = session.get(Case, flow.case_id).version
    stale = client.post(form_url, data={"legal_partner_org_id": flow.centre_id, "claim": CLAIM,
                                        "expected_version": version - 1})  # fmt: skip
    assert stale.status_code == 409
    done = client.post(form_url, data={"legal_partner_org_id": flow.centre_id, "claim": CLAIM,
                                      "remedy": "恢复证明效力", "expected_version": version})  # fmt: skip
    assert done.status_code == 302 and done.headers["Location"].startswith("/disputes/")

    session.expire_all()
    dispute = session.exec(select(Dispute).where(Dispute.case_id == flow.case_id)).one()
    assert (dispute.kind, dispute.organisation_id, dispute.claim) == (
        DisputeKind.CERTIFICATE_REVIEW, flow.centre_id, CLAIM,
    )  # fmt: skip
    case = session.get(Case, flow.case_id)
    events = history.case_history(session, flow.case_id)
    assert case.state.value == "exited" and history.verify_chain(case, events) is None
    assert (events[-1].event, events[-1].from_state.value, events[-1].to_state.value) == (
        "request_certificate_review", "exited", "exited",
    )  # fmt: skip
    assert events[-1].payload["disputeId"] == dispute.id and events[-1].payload["certificateId"] == cert.id
    page = client.get(page_url).get_data(as_text=True)
    assert f'href="/disputes/{dispute.id}"' in page and 'id="request-review"' not in page
    assert "申请复核（证明撤销）" in page  # the timeline names the recorded event
    again = client.post(form_url, data={"legal_partner_org_id": flow.centre_id, "claim": CLAIM})
    assert again.status_code == 409
    assert "certificate_review_requested" in kinds(flow, "mediator")
    assert "certificate_review_requested" in kinds(flow, "regulator")


def test_the_legal_partner_hears_it_and_the_case_stays_exited(client, session) -> None:
    flow, cert = exit_case(client, session)
    revoke(flow, cert)
    body = {"legal_partner_org_id": flow.centre_id, "claim": CLAIM}
    created = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/certificate-review", json=body)
    assert created.status_code == 201, created.get_json()
    review = created.get_json()
    documented(client, "/api/v1/cases/{case_id}/certificate-review", "post", 201, review)
    assert review["kind"] == "certificate_review" and review["stage"] == "opened"

    outsider = token(client, factories.make_user(session, "legal_partner"))
    assert client.get(f"/api/v1/disputes/{review['id']}", headers=outsider).status_code == 404
    assert flow.call("mediator", "GET", f"/api/v1/cases/{flow.case_id}").status_code == 200
    assert flow.call("regulator", "GET", f"/api/v1/disputes/{review['id']}").status_code == 200
    act(flow, "mediator", review["id"], "acknowledge")
    settled = act(flow, "mediator", review["id"], "settle", outcome="overturned", resolution="撤销依据不足")
    assert (settled["stage"], settled["outcome"]) == ("settled", "overturned")

    session.expire_all()
    case = session.get(Case, flow.case_id)
    events = history.case_history(session, flow.case_id)
    assert case.state.value == "exited" and history.verify_chain(case, events) is None
    assert (events[-1].event, events[-1].payload["outcome"]) == ("resolve_certificate_review", "overturned")
    assert session.get(Certificate, cert.id).status.value == "revoked"  # the office decides what follows
    assert "certificate_review_overturned" in kinds(flow, "regulator")
    state = flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/certificate-review").get_json()
    assert state["dispute_id"] == review["id"] and state["can_request"] is False


def test_who_may_request_it_and_until_when(client, session) -> None:
    flow, cert = exit_case(client, session)
    path = f"/api/v1/cases/{flow.case_id}/certificate-review"
    before = flow.call("applicant", "GET", path).get_json()
    assert (before["certificate_status"], before["can_request"]) == ("active", False)
    assert before["review_deadline"] is None
    assert before["refusal"] and before["remedies"] == {"reconsideration_days": 60, "lawsuit_months": 6}
    revoke(flow, cert)
    state = flow.call("regulator", "GET", path).get_json()
    documented(client, "/api/v1/cases/{case_id}/certificate-review", "get", 200, state)
    assert state["reason"] == REASON and state["can_request"] is False  # regulators do not request it
    assert state["review_deadline"] == (beijing_today() + timedelta(days=30)).isoformat()
    assert flow.call("applicant", "GET", path).get_json()["can_request"] is True

    body = {"legal_partner_org_id": flow.centre_id, "claim": CLAIM}
    assert flow.call("regulator", "POST", path, json=body).status_code == 403
    other = token(client, factories.make_user(session, "applicant"))
    assert client.post(path, json=body, headers=other).status_code == 404
    assert client.get(path, headers=other).status_code == 404
    assert flow.call("applicant", "POST", path, json={**body, "claim": " "}).status_code == 422
    late = beijing_today() + timedelta(days=31)
    with pytest.raises(Conflict):
        certificate_reviews.request_review(
            session, actor=flow.users["applicant"], case_id=flow.case_id, data=body, today=late
        )
    session.rollback()

    withdrawn = flow.call("applicant", "POST", path, json=body).get_json()
    act(flow, "applicant", withdrawn["id"], "withdraw")
    session.expire_all()
    assert session.get(Dispute, withdrawn["id"]).outcome == "withdrawn"
    assert history.case_history(session, flow.case_id)[-1].event == "resolve_certificate_review"
    assert flow.call("applicant", "POST", path, json=body).status_code == 409  # once per revocation


def test_it_is_not_a_kind_the_ordinary_dispute_route_raises(client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("testing")
    body = {"legal_partner_org_id": flow.centre_id, "claim": CLAIM, "kind": "certificate_review"}
    refused = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/disputes", json=body)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "kind"
    assert flow.case()["state"] == "testing"
