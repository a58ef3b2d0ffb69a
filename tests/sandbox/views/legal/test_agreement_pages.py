"""The contract-dispute pages: outcomes that fit the kind, the counter-party on the raise form, the
mediation agreement page (recording, one-button confirmation, refusals that keep what was typed, the
ready mark), and the remedies stated on decisions."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from sandbox.models.disputes import Dispute, MediationAgreement
from sandbox.services.case_events.fire import apply_event
from sandbox.services.legal import agreements, disputes
from tests import factories
from tests.case_flow import CaseFlow
from tests.sandbox.certificate_helpers import exit_case


def signed_in(app: Flask, user) -> FlaskClient:
    web = app.test_client()
    assert web.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    return web


def parties(session: Session):
    """(applicant, mediator, provider, contract dispute in mediation)."""
    applicant = factories.make_user(session, "applicant")
    mediator = factories.make_user(session, "legal_partner")
    provider = factories.make_user(session, "service_provider", display_name="服务商王经理")
    case = factories.submit_case(session, applicant, factories.make_case(session, applicant))
    factories.driver(session, case, regulator=factories.make_user(session, "regulator")).reject()
    dispute = disputes.raise_dispute(
        session, actor=applicant, case_id=case.id,
        data={"legal_partner_org_id": mediator.organisation_id, "kind": "contract", "claim": "服务商逾期交付",
              "counterparty_org_id": provider.organisation_id},
    )  # fmt: skip
    disputes.act(session, actor=mediator, dispute_id=dispute.id, action="acknowledge")
    session.commit()
    return applicant, mediator, provider, dispute


def test_the_settle_form_offers_the_outcomes_of_a_contract_dispute(app: Flask, session: Session) -> None:
    _, mediator, _, dispute = parties(session)
    web = signed_in(app, mediator)
    page = web.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert 'value="settled"' in page and 'value="partially_settled"' in page and 'value="not_settled"' in page
    assert 'value="overturned"' not in page and 'value="upheld"' not in page
    assert "调解成功" in page and "部分达成" in page and "未达成" in page
    assert "合同纠纷不改变沙盒办公室的任何决定" in page
    # A decision outcome posted anyway is refused beside the field, the typed resolution kept.
    refused = web.post(f"/disputes/{dispute.id}/actions/settle",
                       data={"outcome": "overturned", "resolution": "保留这段文字"})  # fmt: skip
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "合同纠纷以调解方式处理" in body and "保留这段文字" in body


def test_the_raise_form_asks_for_the_counterparty(app: Flask, session: Session) -> None:
    applicant = factories.make_user(session, "applicant")
    centre = factories.make_user(session, "legal_partner")
    provider = factories.make_user(session, "service_provider")
    case = factories.submit_case(session, applicant, factories.make_case(session, applicant))
    factories.driver(session, case, regulator=factories.make_user(session, "regulator")).reject()
    session.commit()
    web = signed_in(app, applicant)
    form = web.get(f"/cases/{case.id}/disputes/new").get_data(as_text=True)
    assert 'name="counterparty_org_id"' in form and f'value="{provider.organisation_id}"' in form
    data = {
        "legal_partner_org_id": str(centre.organisation_id),
        "kind": "contract",
        "claim": "逾期交付的经过",
    }
    refused = web.post(f"/cases/{case.id}/disputes/new", data=data)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "请选择合同相对方" in page and "逾期交付的经过" in page  # the claim is kept
    raised = web.post(
        f"/cases/{case.id}/disputes/new", data={**data, "counterparty_org_id": str(provider.organisation_id)}
    )
    assert raised.status_code == 302


def test_the_agreement_is_recorded_and_confirmed_on_its_page(app: Flask, session: Session) -> None:
    applicant, mediator, provider, dispute = parties(session)
    disputes.act(session, actor=mediator, dispute_id=dispute.id, action="settle",
                 data={"outcome": "partially_settled", "resolution": "部分达成"})  # fmt: skip
    session.commit()
    web = signed_in(app, mediator)
    assert 'id="agreement-link"' in web.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    empty = web.post(f"/disputes/{dispute.id}/agreement", data={"items": "  ", "terms": "其他约定保留"})
    assert empty.status_code == 422
    assert "请至少填写一项协议事项" in empty.get_data(as_text=True)
    assert "其他约定保留" in empty.get_data(as_text=True)
    saved = web.post(
        f"/disputes/{dispute.id}/agreement", data={"items": "退还服务费\n重新交付数据", "terms": ""}
    )
    assert saved.status_code == 302
    # The counter-party sees the agreement (not the dispute page) and confirms with one button.
    other = signed_in(app, provider)
    assert other.get(f"/disputes/{dispute.id}").status_code == 403
    page = other.get(f"/disputes/{dispute.id}/agreement").get_data(as_text=True)
    assert "退还服务费" in page and 'id="confirm-agreement"' in page and 'data-state="awaiting"' in page
    assert other.post(f"/disputes/{dispute.id}/agreement/confirm").status_code == 302
    assert other.post(f"/disputes/{dispute.id}/agreement/confirm").status_code == 302  # idempotent
    # Terms are fixed now; the mediator's stale form is refused with 409 and no longer offered.
    stale = web.post(f"/disputes/{dispute.id}/agreement", data={"items": "改动", "expected_version": "1"})
    assert stale.status_code == 409
    assert 'id="record-agreement"' not in web.get(f"/disputes/{dispute.id}/agreement").get_data(as_text=True)
    assert signed_in(app, applicant).post(f"/disputes/{dispute.id}/agreement/confirm").status_code == 302
    session.expire_all()
    agreement = agreements.find_agreement(session, dispute.id)
    assert agreement is not None and agreements.is_ready(agreement)
    assert (agreement.enterprise_confirmed_by_id, agreement.counterparty_confirmed_by_id) == (
        applicant.id,
        provider.id,
    )
    mark = web.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert 'data-state="ready"' in mark and "可向互联网法院申请司法确认" in mark
    pdf = signed_in(app, applicant).get(f"/disputes/{dispute.id}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_regulator_sees_the_dispute_but_not_the_agreement(app: Flask, session: Session) -> None:
    _, mediator, _, dispute = parties(session)
    regulator = factories.make_user(session, "regulator")
    web = signed_in(app, regulator)
    assert web.get(f"/disputes/{dispute.id}").status_code == 200
    assert web.get(f"/disputes/{dispute.id}/agreement").status_code == 403
    stranger = signed_in(app, factories.make_user(session, "service_provider"))
    assert stranger.get(f"/disputes/{dispute.id}/agreement").status_code == 404
    assert session.get(Dispute, dispute.id).kind.value == "contract"
    assert session.exec(select(MediationAgreement)).first() is None  # nothing recorded before settlement


def test_a_rejection_states_its_remedies(app: Flask, session: Session) -> None:
    applicant = factories.make_user(session, "applicant")
    regulator = factories.make_user(session, "regulator")
    case = factories.submit_case(session, applicant, factories.make_case(session, applicant))
    apply_event(session, actor=regulator, case_id=case.id, event="reject", note="材料不全，驳回")
    session.commit()
    page = signed_in(app, applicant).get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="case-remedies"' in page and "材料不全，驳回" in page
    assert "60日内依法申请行政复议" in page and "6个月内依法提起行政诉讼" in page
    assert "《中华人民共和国行政诉讼法》第四十六条" in page and "申请对该决定进行复核" in page


def test_a_revoked_certificate_states_the_review_and_the_statutory_remedies(client, session: Session) -> None:
    flow, cert = exit_case(client, session)
    web = signed_in(client.application, flow.users["applicant"])
    active = web.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert 'id="certificate-remedies"' not in active  # a valid certificate decides nothing against anyone
    flow.change_status(cert.id, "revoke", "提供虚假检测报告")
    page = web.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert 'id="certificate-remedies"' in page and "30日内" in page and "申请复核" in page
    assert "60日内依法申请行政复议" in page and "《中华人民共和国行政复议法》第二十条" in page
    case_page = web.get(f"/cases/{flow.case_id}").get_data(as_text=True)
    assert case_page.count('class="remedies help"') == 1  # one shared snippet, stated once


def test_a_denied_exemption_states_the_remedies_and_a_granted_one_does_not(client, session: Session) -> None:
    flow = CaseFlow(client, session)
    flow.to("testing")
    decided = {}
    for decision in ("granted", "denied"):
        incident = flow.file_report("applicant", kind="incident", title=f"事件{decision}", body="已处置。",
                                    occurred_on=date.today().isoformat())  # fmt: skip
        applied = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/exemptions", json={
            "incident_id": incident, "legal_partner_org_id": flow.centre_id,
            "good_faith_explanation": "严格按照测试方案执行，并在事发当日报告。",
        }).get_json()  # fmt: skip
        opinion = {"opinion": "企业已按方案及监管指导执行，事件系善意试错。", "recommendation": "support"}
        assert (
            flow.call(
                "mediator", "POST", f"/api/v1/exemptions/{applied['id']}/opinion", json=opinion
            ).status_code
            == 200
        )
        flow.decide_exemption(
            applied["id"], {"decision": decision, "reasons": "依据事实作出决定", "scope": "本事件"}
        )
        decided[decision] = applied["id"]
    web = signed_in(client.application, flow.users["applicant"])
    denied = web.get(f"/exemptions/{decided['denied']}").get_data(as_text=True)
    info = flow.call("applicant", "GET", f"/api/v1/exemptions/{decided['denied']}").get_json()
    assert info["decision"] == "denied", info
    assert 'id="exemption-remedies"' in denied and "60日内依法申请行政复议" in denied
    granted = web.get(f"/exemptions/{decided['granted']}").get_data(as_text=True)
    assert 'id="outcome"' in granted and 'id="exemption-remedies"' not in granted
