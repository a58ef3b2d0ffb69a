"""Notifications to whoever acts next (in-app and outbox e-mail), and the idempotent SLA sweep."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sandbox.services.case_events.fire import apply_event
from tests.case_flow import CaseFlow
from tests.outbox_helpers import mail_files


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def inbox(flow: CaseFlow, who: str, kind: str | None = None) -> list[dict]:
    items = flow.call(who, "GET", "/api/v1/notifications").get_json()["items"]
    return [item for item in items if kind is None or item["kind"] == kind]


def sweep(app, day: date):
    result = app.test_cli_runner().invoke(args=["sla-sweep", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_submit_notifies_regulators_and_writes_mail(app, flow: CaseFlow) -> None:
    flow.to("submitted")
    for regulator in ("regulator", "regulator2"):
        items = inbox(flow, regulator, "event:submit")
        assert len(items) == 1 and items[0]["case_id"] == flow.case_id and items[0]["read_at"] is None
        assert items[0]["text"]
    assert inbox(flow, "applicant") == []
    mails = mail_files(app)
    recipients = {line for mail in mails for line in mail.read_text().splitlines() if line.startswith("To:")}
    assert recipients == {f"To: {flow.users[r].email}" for r in ("regulator", "regulator2")}


def test_the_actor_is_not_notified(flow: CaseFlow) -> None:
    flow.to("risk_assessment")
    assert inbox(flow, "regulator", "event:accept_filing") == []
    assert len(inbox(flow, "regulator2", "event:accept_filing")) == 1
    assert len(inbox(flow, "applicant", "event:accept_filing")) == 1


def test_mark_read_only_by_the_recipient(flow: CaseFlow) -> None:
    flow.to("submitted")
    item = inbox(flow, "regulator")[0]
    assert flow.call("regulator2", "POST", f"/api/v1/notifications/{item['id']}/read").status_code == 404
    assert flow.call("applicant", "POST", f"/api/v1/notifications/{item['id']}/read").status_code == 404
    body = flow.call("regulator", "GET", "/api/v1/notifications").get_json()
    assert body["unread"] == 1
    response = flow.call("regulator", "POST", f"/api/v1/notifications/{item['id']}/read")
    assert response.status_code == 200 and response.get_json()["read_at"] is not None
    body = flow.call("regulator", "GET", "/api/v1/notifications").get_json()
    assert body["unread"] == 0 and body["total"] == 1
    assert flow.call("regulator", "GET", "/api/v1/notifications?unread=true").get_json()["items"] == []


def test_sweep_flags_overdue_once(app, flow: CaseFlow) -> None:
    case = flow.to("submitted")
    due = date.fromisoformat(case["stage_due"])
    assert "0 case(s)" in sweep(app, due)
    assert flow.case()["overdue"] is False
    assert "1 case(s)" in sweep(app, due + timedelta(days=1))
    assert flow.case()["overdue"] is True
    listed = flow.call("regulator", "GET", "/api/v1/cases?overdue=true").get_json()["items"]
    assert [item["id"] for item in listed] == [flow.case_id]
    assert flow.call("regulator", "GET", "/api/v1/cases?overdue=false").get_json()["items"] == []
    assert "0 case(s)" in sweep(app, due + timedelta(days=2))
    assert len(inbox(flow, "regulator", "overdue")) == 1
    assert len(inbox(flow, "regulator2", "overdue")) == 1
    assert inbox(flow, "applicant", "overdue") == []
    flow.fire("regulator", "accept_filing")
    assert flow.case()["overdue"] is False


def test_paused_clock_is_not_flagged_and_resumes_with_days_left(app, flow: CaseFlow, session) -> None:
    flow.create()
    users = flow.users

    def fire(who: str, event: str, day: date, note: str = "") -> None:
        apply_event(session, actor=users[who], case_id=flow.case_id, event=event, note=note, today=day)
        session.commit()

    fire("applicant", "submit", date(2026, 3, 2))  # Monday; 5 working days → Monday 9 March
    assert flow.case()["stage_due"] == "2026-03-09"
    fire("regulator", "request_amendment", date(2026, 3, 4), note="补充材料")  # 5, 6, 9 March left
    case = flow.case()
    assert case["state"] == "amendment_requested" and case["stage_due"] is None
    assert "0 case(s)" in sweep(app, date(2026, 3, 20))
    assert flow.case()["overdue"] is False
    assert inbox(flow, "regulator", "overdue") == []
    fire("applicant", "resubmit", date(2026, 3, 16))
    case = flow.case()
    assert case["state"] == "submitted" and case["stage_due"] == "2026-03-19"
    assert "0 case(s)" in sweep(app, date(2026, 3, 19))
    assert "1 case(s)" in sweep(app, date(2026, 3, 20))


def test_deadline_skips_the_spring_festival(flow: CaseFlow, session) -> None:
    flow.create()
    apply_event(
        session,
        actor=flow.users["applicant"],
        case_id=flow.case_id,
        event="submit",
        today=date(2026, 2, 13),
    )
    session.commit()
    # 2026: 15–23 February off, Saturday 14 February worked: 14, 24, 25, 26, 27.
    case = flow.case()
    assert case["stage_due"] == "2026-02-27" and case["stage_due_provisional"] is False


def test_withdrawal_while_paused_leaves_no_deadline(app, flow: CaseFlow, session) -> None:
    flow.create()
    for who, event, day in (
        ("applicant", "submit", date(2026, 3, 2)),
        ("regulator", "request_amendment", date(2026, 3, 4)),
        ("applicant", "withdraw", date(2026, 3, 5)),
    ):
        apply_event(session, actor=flow.users[who], case_id=flow.case_id, event=event, note="说明", today=day)
        session.commit()
    case = flow.case()
    assert case["state"] == "withdrawn" and case["stage_due"] is None
    assert "0 case(s)" in sweep(app, date(2026, 6, 1))
    assert flow.case()["overdue"] is False and inbox(flow, "regulator", "overdue") == []
