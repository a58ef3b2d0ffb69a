"""The dispute and exemption pages: each role's view, the stage forms, evidence, refusals shown in Chinese
beside the fields, 404 for a legal partner of another organisation, CSRF on the forms."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from sandbox.db import open_session
from sandbox.models.accounts import OrganisationKind, User
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, EvidenceItem, ExemptionRequest
from sandbox.services.case_events.fire import apply_event
from tests import factories
from tests.case_flow import PDF, CaseFlow
from tests.conftest import make_test_app


def signed_in(app: Flask, user: User) -> FlaskClient:
    web = app.test_client()
    response = web.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return web


def text(response) -> str:
    return response.get_data(as_text=True)


def fresh(session: Session, model, row_id: int):
    session.expire_all()
    return session.get(model, row_id)


def reject(session: Session, regulator: User, case_id: int) -> None:
    apply_event(session, actor=regulator, case_id=case_id, event="reject", note="材料不全")
    session.commit()


def appeal(session: Session) -> tuple[User, User, User, Dispute]:
    """A rejected case appealed to a mediation centre; (applicant, mediator, regulator, dispute)."""
    applicant = factories.make_user(session, "applicant")
    mediator = factories.make_user(session, "legal_partner")
    regulator = factories.make_user(session, "regulator")
    dispute = factories.make_dispute(
        session, applicant, organisation_id=mediator.organisation_id, regulator=regulator
    )
    return applicant, mediator, regulator, dispute


# --- disputes ----------------------------------------------------------------------------------------


def test_each_party_sees_the_dispute_and_its_own_actions(app, session) -> None:
    applicant, mediator, regulator, dispute = appeal(session)
    for user in (applicant, mediator, regulator):
        web = signed_in(app, user)
        listing = text(web.get("/disputes"))
        assert (
            f'data-dispute="{dispute.id}"' in listing
            and "被驳回的项目" in listing
            and "已受理待确认" in listing
        )
        page = web.get(f"/disputes/{dispute.id}")
        assert page.status_code == 200
        body = text(page)
        assert "驳回理由与事实不符" in body  # the claim
        assert 'id="dispute-progress"' in body and "调解中" in body  # the stage line
        assert ("action-acknowledge" in body) is (user is mediator)
        assert ("action-withdraw" in body) is (user is applicant)
        assert ('id="assign-form"' in body) is (user is mediator)
        assert "下载证据包" in body or "Download the evidence package" in body
    tabs = text(signed_in(app, regulator).get("/disputes?tab=finished"))
    assert (
        'href="/disputes?tab=finished" aria-current="page"' in tabs
        and f'data-dispute="{dispute.id}"' not in tabs
    )

    stranger = factories.make_user(session, "legal_partner")
    assert signed_in(app, stranger).get(f"/disputes/{dispute.id}").status_code == 404
    assert f'data-dispute="{dispute.id}"' not in text(signed_in(app, stranger).get("/disputes?tab=all"))
    assert signed_in(app, factories.make_user(session, "assessor")).get("/disputes").status_code == 403


def test_search_and_tabs_on_the_list(app, session) -> None:
    applicant, _, regulator, dispute = appeal(session)
    web = signed_in(app, regulator)
    assert f'data-dispute="{dispute.id}"' in text(web.get("/disputes?q=事实不符"))
    assert f'data-dispute="{dispute.id}"' not in text(web.get("/disputes?q=没有这样的内容"))
    assert f'data-dispute="{dispute.id}"' not in text(web.get("/disputes?tab=finished"))
    assert f'data-dispute="{dispute.id}"' in text(web.get("/disputes?tab=all&page=1"))


def test_mediator_acknowledges_and_settles_with_the_outcome_explained(app, session) -> None:
    applicant, mediator, _, dispute = appeal(session)
    web = signed_in(app, mediator)
    assert web.post(f"/disputes/{dispute.id}/actions/acknowledge").status_code == 302
    page = text(web.get(f"/disputes/{dispute.id}"))
    assert 'data-stage="mediation"' in page and "action-settle" in page and "action-refer" in page
    assert "北京互联网法院" in page  # the default court of the refer form
    assert "维持原决定" in page and "撤销原决定" in page  # the outcomes, each with what it does
    refused = web.post(f"/disputes/{dispute.id}/actions/settle", data={"resolution": "双方达成一致"})
    assert refused.status_code == 422
    assert "请从列出的选项中选择。" in text(
        refused
    ) and 'id="action-settle" class="action primary" open' in text(refused)
    assert "双方达成一致" in text(refused)  # nothing typed is lost
    settled = web.post(
        f"/disputes/{dispute.id}/actions/settle", data={"outcome": "overturned", "resolution": "撤销驳回决定"}
    )
    assert settled.status_code == 302
    assert fresh(session, Dispute, dispute.id).outcome == "overturned"
    assert fresh(session, Case, dispute.case_id).state.value == "submitted"  # the decision's stage reopens


def test_mediator_refers_records_the_judgment_and_closes(app, session) -> None:
    _, mediator, _, dispute = appeal(session)
    web = signed_in(app, mediator)
    assert web.post(f"/disputes/{dispute.id}/actions/refer", data={"court_name": ""}).status_code == 302
    assert fresh(session, Dispute, dispute.id).court_name == "北京互联网法院"
    missing = web.post(
        f"/disputes/{dispute.id}/actions/record_judgment",
        data={"outcome": "upheld", "resolution": "驳回诉请"},
    )
    assert missing.status_code == 422 and "此项为必填项。" in text(missing)
    done = web.post(
        f"/disputes/{dispute.id}/actions/record_judgment",
        data={"court_case_number": "（2026）京0491民初1号", "outcome": "upheld", "resolution": "驳回诉请"},
    )
    assert done.status_code == 302
    assert fresh(session, Case, dispute.case_id).state.value == "rejected"
    assert web.post(f"/disputes/{dispute.id}/actions/close").status_code == 302
    page = text(web.get(f"/disputes/{dispute.id}"))
    assert 'data-stage="closed"' in page and "（2026）京0491民初1号" in page and "维持原决定" in page
    again = web.post(f"/disputes/{dispute.id}/actions/close")
    assert again.status_code == 409


def test_withdrawing_a_dispute_needs_a_confirmation(app, session) -> None:
    applicant, mediator, _, dispute = appeal(session)
    web = signed_in(app, applicant)
    refused = web.post(f"/disputes/{dispute.id}/actions/withdraw", data={"resolution": "已和解"})
    assert refused.status_code == 422 and "请勾选确认框以确认此操作。" in text(refused)
    assert fresh(session, Dispute, dispute.id).stage.value == "opened"
    assert (
        signed_in(app, mediator)
        .post(f"/disputes/{dispute.id}/actions/withdraw", data={"confirm": "yes"})
        .status_code
        == 403
    )
    done = web.post(
        f"/disputes/{dispute.id}/actions/withdraw", data={"resolution": "已和解", "confirm": "yes"}
    )
    assert done.status_code == 302
    assert fresh(session, Dispute, dispute.id).stage.value == "withdrawn"
    assert fresh(session, Case, dispute.case_id).state.value == "rejected"


def test_assigning_a_colleague(app, session) -> None:
    _, mediator, _, dispute = appeal(session)
    colleague = factories.make_user(
        session, "legal_partner", organisation_id=mediator.organisation_id, display_name="王调解员"
    )
    web = signed_in(app, mediator)
    assert "王调解员" in text(web.get(f"/disputes/{dispute.id}"))
    assert web.post(f"/disputes/{dispute.id}/assign", data={"assignee_id": "x"}).status_code == 422
    assert web.post(f"/disputes/{dispute.id}/assign", data={"assignee_id": colleague.id}).status_code == 302
    assert fresh(session, Dispute, dispute.id).assignee_id == colleague.id


def test_messages_evidence_withdrawal_and_downloads(app, session) -> None:
    applicant, mediator, regulator, dispute = appeal(session)
    web = signed_in(app, applicant)
    url = f"/disputes/{dispute.id}"
    empty = web.post(f"{url}/evidence", data={"title": "说明"})
    assert empty.status_code == 422
    assert (
        web.post(
            f"{url}/evidence", data={"title": "情况说明", "statement": "材料已于提交时上传。"}
        ).status_code
        == 302
    )
    upload = {"title": "提交回执", "file": (io.BytesIO(PDF), "回执.pdf")}
    assert web.post(f"{url}/evidence", data=upload, content_type="multipart/form-data").status_code == 302
    bad = {"title": "可执行文件", "file": (io.BytesIO(b"MZ\x90\x00binary"), "x.exe")}
    refused = web.post(f"{url}/evidence", data=bad, content_type="multipart/form-data")
    assert refused.status_code == 422 and "仅接受 PDF、PNG、JPEG、Office 文档和 ZIP 压缩包。" in text(refused)
    assert web.post(f"{url}/messages", data={"body": ""}).status_code == 422
    message = {
        "body": "请调解员查阅附件。",
        "files": [(io.BytesIO(PDF), "附件一.pdf"), (io.BytesIO(PDF), "附件二.pdf")],
    }
    assert web.post(f"{url}/messages", data=message, content_type="multipart/form-data").status_code == 302

    items = session.exec(select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id)).all()
    assert len(items) == 4 and sum(1 for item in items if item.message_id) == 2
    page = text(signed_in(app, mediator).get(url))
    assert "请调解员查阅附件。" in page and "附件二.pdf" in page and items[1].sha256[:12] in page
    assert f'title="{items[1].sha256}"' in page  # the whole digest on hover

    download = web.get(f"{url}/evidence/{items[1].id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    assert (
        signed_in(app, regulator)
        .post(f"{url}/evidence/{items[0].id}/withdraw", data={"reason": "x", "confirm": "yes"})
        .status_code
        == 403
    )
    unconfirmed = web.post(f"{url}/evidence/{items[0].id}/withdraw", data={"reason": "重复提交"})
    assert unconfirmed.status_code == 422 and "请勾选确认框以确认此操作。" in text(unconfirmed)
    no_reason = web.post(f"{url}/evidence/{items[0].id}/withdraw", data={"confirm": "yes"})
    assert no_reason.status_code == 422 and "此项为必填项。" in text(no_reason)
    done = web.post(f"{url}/evidence/{items[0].id}/withdraw", data={"reason": "重复提交", "confirm": "yes"})
    assert done.status_code == 302
    page = text(web.get(url))
    assert re.search(rf'class="withdrawn" data-evidence="{items[0].id}"', page) and "重复提交" in page


def test_evidence_package_is_a_signed_zip(app, session) -> None:
    applicant, *_, dispute = appeal(session)
    web = signed_in(app, applicant)
    web.post(f"/disputes/{dispute.id}/evidence", data={"title": "说明", "statement": "事实如此。"})
    response = web.get(f"/disputes/{dispute.id}/evidence-package")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    response.close()
    assert "manifest.json" in names and "timeline.json" in names


def test_raise_form_refuses_bad_input_in_chinese_and_raises(app, session) -> None:
    applicant = factories.make_user(session, "applicant")
    regulator = factories.make_user(session, "regulator")
    centre = factories.make_organisation(session, OrganisationKind.MEDIATION_CENTRE)
    lab = factories.make_organisation(session, OrganisationKind.TESTING_LAB)
    case = factories.submit_case(session, applicant, factories.make_case(session, applicant))
    web = signed_in(app, applicant)
    assert web.get(f"/cases/{case.id}/disputes/new").status_code == 409  # nothing to dispute yet
    reject(session, regulator, case.id)
    form = text(web.get(f"/cases/{case.id}/disputes/new"))
    assert centre.name in form and lab.name not in form and 'value="appeal" selected' in form
    assert 'name="complainant_name"' not in form  # only regulators record third-party complaints
    refused = web.post(f"/cases/{case.id}/disputes/new", data={"kind": "appeal"})
    assert refused.status_code == 422
    assert "承办纠纷的法律合作机构为必填项" in text(refused) and "纠纷请求事项为必填项" in text(refused)
    wrong = web.post(f"/cases/{case.id}/disputes/new", data={"legal_partner_org_id": lab.id, "claim": "不服"})
    assert wrong.status_code == 422 and "请选择调解中心、法院联络处或律师事务所。" in text(wrong)
    assert "不服" in text(wrong)  # nothing typed is lost
    raised = web.post(
        f"/cases/{case.id}/disputes/new",
        data={
            "legal_partner_org_id": centre.id,
            "kind": "appeal",
            "claim": "驳回理由不成立",
            "remedy": "撤销驳回",
        },
    )
    assert raised.status_code == 302
    dispute = session.exec(select(Dispute).where(Dispute.case_id == case.id)).one()
    assert raised.headers["Location"].endswith(f"/disputes/{dispute.id}")
    assert (dispute.kind.value, dispute.remedy) == ("appeal", "撤销驳回")


def test_regulator_records_a_third_party_complaint(app, client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("risk_assessment")
    web = signed_in(app, flow.users["regulator"])
    form = text(web.get(f"/cases/{flow.case_id}/disputes/new"))
    assert 'name="complainant_name"' in form and 'value="appeal"' not in form
    refused = web.post(
        f"/cases/{flow.case_id}/disputes/new",
        data={"legal_partner_org_id": flow.centre_id, "kind": "third_party_complaint", "claim": "用户投诉"},
    )
    assert refused.status_code == 422 and 'id="complainant_name-error"' in text(refused)
    raised = web.post(
        f"/cases/{flow.case_id}/disputes/new",
        data={
            "legal_partner_org_id": flow.centre_id,
            "kind": "third_party_complaint",
            "claim": "用户投诉",
            "complainant_name": "赵先生",
            "complainant_contact": "138-0000-0000",
        },
    )
    assert raised.status_code == 302
    page = text(web.get(raised.headers["Location"]))
    assert "赵先生" in page and "138-0000-0000" in page


# --- exemptions --------------------------------------------------------------------------------------


def incident_case(client: FlaskClient, session: Session) -> tuple[CaseFlow, int]:
    """A case in testing with one incident report filed through the API; (flow, incident id)."""
    flow = CaseFlow(client, session)
    flow.to("testing")
    incident = {
        "title": "越权访问事件",
        "body": "一次越权访问，已处置。",
        "occurred_on": date.today().isoformat(),
    }
    return flow, flow.file_report("applicant", kind="incident", **incident)


def test_exemption_application_opinion_and_decision(app, client, session) -> None:
    flow, incident_id = incident_case(client, session)
    applicant = signed_in(app, flow.users["applicant"])
    form = text(applicant.get(f"/cases/{flow.case_id}/exemptions/new"))
    assert "越权访问事件" in form and 'name="good_faith_explanation"' in form
    refused = applicant.post(f"/cases/{flow.case_id}/exemptions/new", data={"incident_id": incident_id})
    assert refused.status_code == 422 and "此项为必填项。" in text(refused)
    applied = applicant.post(
        f"/cases/{flow.case_id}/exemptions/new",
        data={
            "incident_id": incident_id,
            "legal_partner_org_id": flow.centre_id,
            "good_faith_explanation": "严格执行测试方案，两小时内报告。",
        },
    )
    assert applied.status_code == 302
    request = session.exec(select(ExemptionRequest).where(ExemptionRequest.case_id == flow.case_id)).one()
    url = f"/exemptions/{request.id}"
    page = text(applicant.get(url))
    assert "越权访问事件" in page and "严格执行测试方案" in page and 'id="record-reports"' in page
    assert "50000" in page and "✓" in page  # a boundary and the incident reported on time
    assert 'id="opinion-form"' not in page and 'id="decision-form"' not in page
    assert f'data-exemption="{request.id}"' in text(applicant.get("/exemptions"))

    assert signed_in(app, factories.make_user(session, "legal_partner")).get(url).status_code == 404
    mediator = signed_in(app, flow.users["mediator"])
    assert 'id="opinion-form"' in text(mediator.get(url))
    short = mediator.post(f"{url}/opinion", data={"opinion": "同意", "recommendation": "support"})
    assert short.status_code == 422 and "请至少输入 10 个字符。" in text(short)
    opinion = {"opinion": "企业已按方案及指导意见尽职履责，建议予以免责。", "recommendation": "support"}
    assert mediator.post(f"{url}/opinion", data=opinion).status_code == 302

    regulator = signed_in(app, flow.users["regulator"])
    page = text(regulator.get(url))
    assert 'id="decision-form"' in page and "企业已按方案及指导意见尽职履责" in page
    partial = regulator.post(f"{url}/decision", data={"decision": "partly_granted", "reasons": "部分免责"})
    assert partial.status_code == 422 and 'id="scope-error"' in text(partial)
    none = regulator.post(f"{url}/decision", data={"reasons": "免责"})
    assert none.status_code == 422 and "免责决定" in text(none)
    granted = regulator.post(
        f"{url}/decision", data={"decision": "granted", "reasons": "尽职履责，予以免责。"}
    )
    assert granted.status_code == 302  # proposed: a second regulator confirms it
    page = text(regulator.get(url))
    assert 'id="withdraw-proposal"' in page and 'id="confirm-proposal"' not in page
    assert 'id="decision-certificate"' not in page
    second = signed_in(app, flow.users["regulator2"])
    page = text(second.get(url))
    proposal = re.search(r'data-proposal="(\d+)"', page)
    assert proposal and 'id="confirm-proposal"' in page and "尽职履责，予以免责。" in page
    confirm = f"/proposals/{proposal[1]}/confirm"
    dialog = second.post(confirm)
    assert dialog.status_code == 200 and 'name="confirm" value="yes"' in text(dialog)
    assert second.post(confirm, data={"confirm": "yes"}).status_code == 302
    page = text(applicant.get(url))
    assert 'id="decision-certificate"' in page and 'id="decision-pdf"' in page
    assert "不影响企业依法对第三方承担的民事责任" in page
    assert fresh(session, Case, flow.case_id).state.value == "testing"


def test_applying_without_an_incident_explains_what_to_do(app, client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("testing")
    web = signed_in(app, flow.users["applicant"])
    page = text(web.get(f"/cases/{flow.case_id}/exemptions/new"))
    assert 'id="no-incident"' in page and f"/cases/{flow.case_id}#reports" in page
    assert (
        signed_in(app, flow.users["regulator"]).get(f"/cases/{flow.case_id}/exemptions/new").status_code
        == 403
    )


def test_case_page_links_to_the_dispute_pages(app, session) -> None:
    applicant, mediator, _, dispute = appeal(session)
    page = text(signed_in(app, applicant).get(f"/cases/{dispute.case_id}"))
    assert f'href="/disputes/{dispute.id}"' in page and 'id="disputes"' in page
    assert 'id="action-raise_dispute"' not in page  # the case is in its dispute hold
    mediator_page = text(signed_in(app, mediator).get(f"/cases/{dispute.case_id}"))
    assert f'href="/disputes/{dispute.id}"' in mediator_page  # the resolve action leads to the dispute

    other = factories.make_user(session, "applicant")
    regulator = factories.make_user(session, "regulator")
    case = factories.submit_case(session, other, factories.make_case(session, other))
    reject(session, regulator, case.id)
    rejected = text(signed_in(app, other).get(f"/cases/{case.id}"))
    assert f'href="/cases/{case.id}/disputes/new"' in rejected


def test_dashboard_lists_legal_work(app, client, session) -> None:
    applicant, mediator, regulator, dispute = appeal(session)
    assert "被驳回的项目" in text(signed_in(app, mediator).get("/dashboard"))
    flow, incident_id = incident_case(client, session)
    flow.fire(
        "applicant",
        "apply_exemption",
        incident_id=incident_id,
        legal_partner_org_id=flow.centre_id,
        good_faith_explanation="严格执行方案",
    )
    request = session.exec(select(ExemptionRequest).where(ExemptionRequest.case_id == flow.case_id)).one()
    assert f"/exemptions/{request.id}" in text(signed_in(app, flow.users["mediator"]).get("/dashboard"))
    signed_in(app, flow.users["mediator"]).post(
        f"/exemptions/{request.id}/opinion",
        data={"opinion": "企业尽职履责，建议予以免责。", "recommendation": "support"},
    )
    assert f"/exemptions/{request.id}" in text(signed_in(app, flow.users["regulator"]).get("/dashboard"))


def test_pages_in_english(app, session) -> None:
    applicant, _, _, dispute = appeal(session)
    web = signed_in(app, applicant)
    web.post("/language", data={"locale": "en"})
    page = text(web.get(f"/disputes/{dispute.id}"))
    assert "Opened" in page and 'lang="en"' in page


def test_csrf_is_enforced_on_the_dispute_forms(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    with open_session(app) as session:
        applicant, _, _, dispute = appeal(session)
    web = app.test_client()
    login = text(web.get("/login"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    data = {"email": applicant.email, "password": factories.PASSWORD, "csrf_token": token}
    assert web.post("/login", data=data).status_code == 302
    page = text(web.get(f"/disputes/{dispute.id}"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert web.post(f"/disputes/{dispute.id}/messages", data={"body": "你好"}).status_code == 400
    posted = web.post(f"/disputes/{dispute.id}/messages", data={"body": "你好", "csrf_token": token})
    assert posted.status_code == 302
    app.extensions["sandbox.engine"].dispose()
