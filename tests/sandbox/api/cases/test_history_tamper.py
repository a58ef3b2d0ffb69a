"""Tampering with the hash-chained case history is detected by `audit verify` and the history API."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from sandbox.models.cases import CaseEvent
from sandbox.services.case_events.history import event_hash
from tests.case_flow import CaseFlow


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def history(flow: CaseFlow, case_id: int) -> dict:
    return flow.call("regulator", "GET", f"/api/v1/cases/{case_id}/events").get_json()


def two_cases(flow: CaseFlow) -> tuple[int, int]:
    flow.to("technical_verification")
    tampered = flow.case_id
    flow.to("submitted")
    untouched = flow.case_id
    assert tampered is not None and untouched is not None
    return tampered, untouched


def run_sql(session, sql: str, **params) -> None:
    session.execute(text(sql), params)
    session.commit()


def test_untampered_histories_verify(app, flow: CaseFlow) -> None:
    tampered, untouched = two_cases(flow)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "All 2 case histories are intact" in result.output
    assert history(flow, tampered)["intact"] is True


def test_edited_note_is_detected_and_named(app, flow: CaseFlow, session) -> None:
    tampered, untouched = two_cases(flow)
    run_sql(
        session,
        "UPDATE case_event SET note = :note WHERE case_id = :case AND seq = 2",
        note="篡改后的意见",
        case=tampered,
    )
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN case {tampered}, seq 2" in result.output
    assert f"case {untouched}," not in result.output
    assert "1 of 2" in result.output
    body = history(flow, tampered)
    assert body["intact"] is False and body["broken_at_seq"] == 2
    assert body["problem"]
    assert history(flow, untouched)["intact"] is True


def test_edited_payload_is_detected(app, flow: CaseFlow, session) -> None:
    tampered, _ = two_cases(flow)
    filing = flow.case()["filing_number"]
    run_sql(
        session,
        "UPDATE case_event SET payload = :payload WHERE case_id = :case AND seq = 2",
        payload='{"filingNumber": "YZSB-2026-9999"}',
        case=tampered,
    )
    assert filing != "YZSB-2026-9999"
    assert verify(app).exit_code == 1
    assert history(flow, tampered)["broken_at_seq"] == 2


def test_deleted_newest_event_is_detected(app, flow: CaseFlow, session) -> None:
    tampered, untouched = two_cases(flow)
    newest = history(flow, tampered)["events"][-1]["seq"]
    run_sql(session, "DELETE FROM case_event WHERE case_id = :case AND seq = :seq", case=tampered, seq=newest)
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN case {tampered}, seq {newest}" in result.output
    body = history(flow, tampered)
    assert body["intact"] is False and body["broken_at_seq"] == newest


def test_deleted_middle_event_is_detected(app, flow: CaseFlow, session) -> None:
    tampered, _ = two_cases(flow)
    run_sql(session, "DELETE FROM case_event WHERE case_id = :case AND seq = 1", case=tampered)
    result = verify(app)
    assert result.exit_code == 1 and f"BROKEN case {tampered}, seq 1" in result.output
    assert history(flow, tampered)["broken_at_seq"] == 1


def test_rehashed_row_still_breaks_the_link(app, flow: CaseFlow, session) -> None:
    """Recomputing the edited row's own hash does not help: the next row links to the old one."""
    tampered, _ = two_cases(flow)
    row = session.exec(select(CaseEvent).where(CaseEvent.case_id == tampered, CaseEvent.seq == 1)).one()
    row.note = "伪造"
    row.hash = event_hash(row.prev_hash, row)
    session.add(row)
    session.commit()
    assert verify(app).exit_code == 1
    assert history(flow, tampered)["broken_at_seq"] == 2
