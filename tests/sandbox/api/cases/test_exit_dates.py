"""The exit date: the approval day in Beijing, never before the trial's start; and exit is neither
requested nor approved before the trial starts. Around midnight the Beijing date is a day ahead of UTC."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from sandbox.models.cases import CaseEvent
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases import trial
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.trust import certificates
from tests.case_flow import CaseFlow
from workflows.errors import GuardFailed

START = "2026-03-02"
# 16:30 UTC on 1 March is 00:30 on 2 March in Beijing: the trial has started there, not yet in UTC.
JUST_AFTER_BEIJING_MIDNIGHT = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
JUST_BEFORE_BEIJING_MIDNIGHT = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)


@pytest.fixture
def flow(client, session) -> CaseFlow:
    flow = CaseFlow(client, session)
    flow.to("technical_verification")
    flow.upload("assessor", "technical_verification_report", "技术验证报告.pdf")
    # Verified in February, for a trial that starts on 2 March.
    apply_event(
        session, actor=flow.users["regulator"], case_id=flow.case_id, event="pass_verification",
        data={"trial_start": START, "trial_end": "2026-06-01"}, now=datetime(2026, 2, 20, 2, 0, tzinfo=UTC),
    )  # fmt: skip
    session.commit()
    flow.upload("applicant", "self_assessment", "自评估报告.pdf")
    return flow


def _request_exit(flow: CaseFlow, session, now: datetime):
    applicant = flow.users["applicant"]
    return apply_event(session, actor=applicant, case_id=flow.case_id, event="request_exit", now=now)


def test_exit_is_refused_before_the_trial_starts_in_beijing(flow: CaseFlow, session) -> None:
    with pytest.raises(GuardFailed) as refused:
        _request_exit(flow, session, JUST_BEFORE_BEIJING_MIDNIGHT)
    assert [(r.code, r.field) for r in refused.value.reasons] == [("exit_before_start", "trial_start")]
    session.rollback()
    over_api = flow.fire("applicant", "request_exit", expect=200)  # today, long after the start
    assert over_api["case"]["state"] == "exit_evaluation"


def test_the_api_names_the_start_date_when_refusing(client, session) -> None:
    flow = CaseFlow(client, session)
    flow.to("technical_verification")
    flow.upload("assessor", "technical_verification_report", "技术验证报告.pdf")
    later = beijing_today() + timedelta(days=30)
    flow.fire("regulator", "pass_verification", trial_start=later.isoformat(),
              trial_end=(later + timedelta(days=60)).isoformat())  # fmt: skip
    flow.upload("applicant", "self_assessment", "自评估报告.pdf")
    for who in ("applicant", "regulator"):
        refused = flow.fire(who, "request_exit", expect=422)
        assert any(later.isoformat() in error["message"] for error in refused["errors"]), refused
    assert flow.case()["state"] == "testing"


def test_the_exit_date_is_the_approval_day_in_beijing(flow: CaseFlow, session, client) -> None:
    _request_exit(flow, session, JUST_AFTER_BEIJING_MIDNIGHT)
    session.commit()
    trial.add_evaluation(
        session, actor=flow.users["assessor"], case_id=flow.case_id,
        data={"scores": {name: 5 for name in SCORED}, "conclusion": "测试目标达成。"},
    )  # fmt: skip
    session.commit()
    approved_at = datetime(2026, 3, 1, 16, 45, tzinfo=UTC)
    apply_event(
        session, actor=flow.users["regulator2"], case_id=flow.case_id, event="approve_exit", now=approved_at
    )
    session.commit()
    cert = certificates.certificate_for_case(session, flow.case_id)
    assert cert is not None
    subject = cert.credential["credentialSubject"]
    assert subject["exitDate"] == START  # not 2026-03-01, the UTC date of the approval
    assert subject["trialPeriod"]["start"] == START
    assert cert.number.startswith("YZCC-2026-")
    approval = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == flow.case_id, CaseEvent.event == "approve_exit")
    ).one()
    assert approval.created_at == approved_at
    pdf = client.get(f"/api/v1/certificates/{cert.id}/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    pdf.close()
    assert START in text


SCORED = (
    "innovation_value", "legal_compliance", "data_security", "personal_information_protection",
    "risk_control", "consumer_protection", "service_quality", "business_continuity", "commitment_fulfilment",
)  # fmt: skip
