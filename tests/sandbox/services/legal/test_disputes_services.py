"""Dispute and exemption services: records written with the case events, deadlines and reminders,
the pre-filled exemption record, and the signed exemption decision checked by the offline verifier."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlmodel import select

from certificates.pdf.read import extract_bundle
from sandbox.errors import PermissionDenied, ValidationFailed
from sandbox.models.certificates import Certificate, CertificateKind
from sandbox.models.disputes import Dispute, ExemptionRequest
from sandbox.models.notifications import Notification
from sandbox.services.cases import calendar as calendar_service
from sandbox.services.cases import trial
from sandbox.services.decisions import proposals
from sandbox.services.legal import disputes, exemptions
from sandbox.services.trust.certificates import pdf_path
from sandbox.services.trust.signing_keys import root_key_fingerprint
from tests.case_flow import CaseFlow
from workflows.disputes import DisputeStage


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def test_generic_events_write_and_close_the_dispute_record(flow: CaseFlow, session) -> None:
    flow.to("risk_assessment")
    flow.fire("regulator", "reject", note="风险不可控")
    body = flow.fire(
        "applicant", "raise_dispute", legal_partner_org_id=flow.centre_id, claim="驳回理由不成立"
    )
    dispute = session.get(Dispute, body["event"]["payload"]["disputeId"])
    assert dispute.kind.value == "appeal" and dispute.stage is DisputeStage.OPENED
    assert dispute.case_state_at_opening.value == "rejected"
    calendar = calendar_service.office_calendar(session)
    assert dispute.acknowledge_due == calendar.add_working_days(calendar_service.beijing_today(), 2)
    flow.fire("mediator", "resolve_dispute", note="调解成功，撤销驳回", outcome="overturned")
    session.expire_all()
    dispute = session.get(Dispute, dispute.id)
    assert (dispute.outcome, dispute.stage) == ("overturned", DisputeStage.CLOSED)
    assert dispute.resolution == "调解成功，撤销驳回" and dispute.closed_at is not None


def test_only_the_raising_side_withdraws_and_applicants_cannot_decide(flow: CaseFlow, session) -> None:
    flow.to("risk_assessment")
    flow.fire("applicant", "raise_dispute", legal_partner_org_id=flow.centre_id, claim="评估程序不当")
    body = flow.fire("applicant", "resolve_dispute", expect=422, outcome="overturned")
    assert body["errors"][0]["field"] == "outcome"
    dispute = disputes.list_disputes(session, actor=flow.users["applicant"]).rows[0][0]
    with pytest.raises(PermissionDenied):
        disputes.act(session, actor=flow.users["regulator"], dispute_id=dispute.id, action="withdraw")
    session.rollback()
    disputes.act(session, actor=flow.users["applicant"], dispute_id=dispute.id, action="withdraw")
    session.commit()
    assert flow.case()["state"] == "risk_assessment"
    session.expire_all()
    assert session.get(Dispute, dispute.id).stage is DisputeStage.WITHDRAWN


def test_reminder_before_the_deadline_then_one_overdue_notice(app, flow: CaseFlow, session) -> None:
    flow.to("risk_assessment")
    flow.fire("applicant", "raise_dispute", legal_partner_org_id=flow.centre_id, claim="评估程序不当")
    dispute = session.exec(select(Dispute).where(Dispute.case_id == flow.case_id)).one()
    calendar = calendar_service.office_calendar(session)
    due = dispute.acknowledge_due
    day_before = next(
        due - timedelta(days=n)
        for n in range(1, 10)
        if calendar.add_working_days(due - timedelta(days=n), 1) == due
    )
    runner = app.test_cli_runner()

    def sweep(day):
        result = runner.invoke(args=["sla-sweep", "--today", day.isoformat()])
        assert result.exit_code == 0, result.output
        session.expire_all()
        return session.exec(select(Notification).where(Notification.kind.like("dispute_%"))).all()

    assert sweep(day_before - timedelta(days=7)) == []
    reminders = sweep(day_before)
    assert {(n.kind, n.user_id) for n in reminders} == {("dispute_reminder", flow.users["mediator"].id)}
    assert len(sweep(day_before)) == 1  # idempotent
    overdue = [n for n in sweep(due + timedelta(days=1)) if n.kind == "dispute_overdue"]
    assert {n.user_id for n in overdue} >= {flow.users["mediator"].id}
    assert any(n.user_id == flow.users["regulator"].id for n in overdue)
    assert len([n for n in sweep(due + timedelta(days=2)) if n.kind == "dispute_overdue"]) == len(overdue)
    disputes.act(session, actor=flow.users["mediator"], dispute_id=dispute.id, action="acknowledge")
    session.commit()
    assert session.get(Dispute, dispute.id).mediation_due == calendar.add_working_days(
        calendar_service.beijing_today(), 30
    )


def test_exemption_record_is_prefilled_and_flags_deviations(flow: CaseFlow, session) -> None:
    flow.to("testing")
    applicant, regulator = flow.users["applicant"], flow.users["regulator"]
    guidance = trial.issue_guidance(
        session, actor=regulator, case_id=flow.case_id, data={"text": "每周报送访问日志"}
    )
    trial.issue_guidance(session, actor=regulator, case_id=flow.case_id, data={"text": "补充应急预案"})
    trial.acknowledge_guidance(session, actor=applicant, case_id=flow.case_id, guidance_id=guidance.id)
    late = calendar_service.beijing_today() - timedelta(days=20)
    incident = trial.file_report(session, actor=applicant, case_id=flow.case_id, data={
        "kind": "incident", "title": "接口超量调用", "body": "第三方调用超出测试边界，已封禁。",
        "occurred_on": late.isoformat(),
    })  # fmt: skip
    session.commit()
    request = exemptions.apply(session, actor=applicant, case_id=flow.case_id, data={
        "incident_id": incident.id, "legal_partner_org_id": flow.centre_id,
        "good_faith_explanation": "严格执行方案",
    })  # fmt: skip
    session.commit()
    record = request.record
    assert {b["id"] for b in record["boundaries"]} == {
        "data_subjects_cap", "data_volume_gb", "processing_environment", "third_party_access"
    }  # fmt: skip
    acknowledged = {g["text"]: g["acknowledgedAt"] is not None for g in record["guidance"]}
    assert acknowledged == {"每周报送访问日志": True, "补充应急预案": False}
    assert [(r["title"], r["onTime"]) for r in record["reports"]] == [("接口超量调用", False)]
    kinds = {d["kind"] for d in record["deviations"]}
    assert {"late_incident_report", "guidance_unacknowledged"} <= kinds


def test_granted_exemption_is_a_signed_decision_the_offline_verifier_accepts(
    flow: CaseFlow, session, client, tmp_path
) -> None:
    flow.to("testing")
    applicant = flow.users["applicant"]
    incident = trial.file_report(session, actor=applicant, case_id=flow.case_id, data={
        "kind": "incident", "title": "无人机偏航", "body": "强风导致偏航，已返航。",
        "occurred_on": calendar_service.beijing_today().isoformat(),
    })  # fmt: skip
    request = exemptions.apply(session, actor=applicant, case_id=flow.case_id, data={
        "incident_id": incident.id, "legal_partner_org_id": flow.centre_id,
        "good_faith_explanation": "按预案处置",
    })  # fmt: skip
    session.commit()
    with pytest.raises(ValidationFailed) as early:
        proposals.propose_exemption_decision(session, actor=flow.users["regulator"], request_id=request.id,
                                             data={"decision": "granted", "reasons": "善意履责"},
                                             expected_version=None)  # fmt: skip
    assert list(early.value.errors) == ["legal_opinion_on_file"]
    session.rollback()
    opinion = {"opinion": "企业按方案及指导意见处置，建议免责。", "recommendation": "support"}
    exemptions.give_opinion(session, actor=flow.users["mediator"], request_id=request.id, data=opinion)
    session.commit()
    decision = {"decision": "granted", "reasons": "企业善意履责，及时报告"}
    proposal = proposals.propose_exemption_decision(
        session, actor=flow.users["regulator"], request_id=request.id, data=decision, expected_version=None
    )
    proposals.confirm(session, actor=flow.users["regulator2"], proposal_id=proposal.id)
    session.commit()
    decided, _ = exemptions.get_request(session, actor=flow.users["regulator"], request_id=request.id)
    assert flow.case()["state"] == "testing"
    cert = session.get(Certificate, decided.certificate_id)
    assert cert.kind is CertificateKind.EXEMPTION and cert.number.startswith("YZMZ-")
    subject = cert.credential["credentialSubject"]
    assert cert.credential["type"] == ["VerifiableCredential", "SandboxLiabilityExemption"]
    assert subject["incident"]["title"] == "无人机偏航" and "民事责任" in subject["liabilityScope"]["zh"]
    pdf = pdf_path(session, cert).read_bytes()
    bundle = extract_bundle(pdf)
    assert bundle["credential"] == cert.credential
    (tmp_path / "decision.json").write_text(json.dumps(bundle), encoding="utf-8")
    (tmp_path / "decision.pdf").write_bytes(pdf)  # signed like an exit certificate's
    (tmp_path / "trust.json").write_text(client.get("/api/v1/trust-bundle").get_data(as_text=True))
    pin = root_key_fingerprint(session)
    for document in ("decision.json", "decision.pdf"):
        run = subprocess.run(  # noqa: S603 -- our own CLI with paths we wrote
            [sys.executable, "-m", "certificates", "verify", str(tmp_path / document),
             "--trust-bundle", str(tmp_path / "trust.json"), "--root-fingerprint", pin],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        assert cert.number in run.stdout and f"Root key fingerprint: {pin} (pinned)" in run.stdout
    # The exit certificate of the same case is still found as the case's certificate, not this decision.
    assert (
        session.exec(select(ExemptionRequest).where(ExemptionRequest.case_id == flow.case_id)).one().decision
        == "granted"
    )
