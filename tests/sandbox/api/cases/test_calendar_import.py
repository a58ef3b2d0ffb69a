"""Entering a year's official holiday arrangement (CLI and API) and its effect on case deadlines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sandbox.services.case_events.fire import apply_event
from tests import factories
from tests.case_flow import CaseFlow, token

ARRANGEMENT_2027 = """\
year = 2027
# 元旦, 春节 (an arrangement as the State Council publishes it, shortened)
holidays = ["2027-01-01", "2027-01-02", "2027-01-03",
            "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"]
workdays = ["2027-02-20"]
"""
WEEKDAY_AS_WORKDAY = 'year = 2027\nholidays = ["2027-01-01"]\nworkdays = ["2027-01-04"]\n'


@pytest.fixture
def flow(client, session) -> CaseFlow:
    return CaseFlow(client, session)


def submit_on(flow: CaseFlow, session, day: date) -> dict:
    flow.create()
    apply_event(session, actor=flow.users["applicant"], case_id=flow.case_id, event="submit", today=day)
    session.commit()
    return flow.case()


def test_cli_import_makes_2027_deadlines_final(app, flow: CaseFlow, session, tmp_path: Path) -> None:
    before = submit_on(flow, session, date(2026, 12, 28))
    # Counted Monday–Friday: 29, 30, 31 December, 1 and 4 January.
    assert (before["stage_due"], before["stage_due_provisional"]) == ("2027-01-04", True)
    path = tmp_path / "2027.toml"
    path.write_text(ARRANGEMENT_2027, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["calendar", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Year 2027: 10 holidays, 1 make-up working days" in result.output
    after = submit_on(flow, session, date(2026, 12, 28))
    # 1 January 2027 is now a holiday: 29, 30, 31 December, 4 and 5 January.
    assert (after["stage_due"], after["stage_due_provisional"]) == ("2027-01-05", False)
    festival = submit_on(flow, session, date(2027, 2, 5))
    # 6–12 February off, Saturday 20 February worked: 15, 16, 17, 18, 19.
    assert (festival["stage_due"], festival["stage_due_provisional"]) == ("2027-02-19", False)
    spring = submit_on(flow, session, date(2027, 2, 17))
    assert spring["stage_due"] == "2027-02-23"  # 18, 19, 20 (Saturday, worked), 22, 23


def test_cli_refuses_a_bad_file_clearly(app, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(WEEKDAY_AS_WORKDAY, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["calendar", "import", str(path)])
    assert result.exit_code != 0
    assert "2027-01-04 is a weekday" in result.output
    path.write_text("year = 2027\nholidays = [", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["calendar", "import", str(path)])
    assert result.exit_code != 0 and "TOML" in result.output


def test_api_import_is_for_admins_only(client, session) -> None:
    for role in ("applicant", "regulator", "assessor", "legal_partner"):
        headers = token(client, factories.make_user(session, role))
        response = client.post("/api/v1/calendar/years", headers=headers, json={"toml": ARRANGEMENT_2027})
        assert response.status_code == 403, role
    admin = token(client, factories.make_user(session, "admin"))
    response = client.post(
        "/api/v1/calendar/years", headers=admin, json={"toml": ARRANGEMENT_2027, "source": "国办发明电"}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["year"] == 2027 and body["workdays"] == ["2027-02-20"] and len(body["holidays"]) == 10
    listed = client.get("/api/v1/calendar/years", headers=admin).get_json()
    assert [row["year"] for row in listed] == [2027]
    again = client.post(
        "/api/v1/calendar/years",
        headers=admin,
        json={"toml": ARRANGEMENT_2027.replace('"2027-02-12"]', '"2027-02-12", "2027-02-13"]')},
    )
    assert again.status_code == 201 and len(again.get_json()["holidays"]) == 11
    assert len(client.get("/api/v1/calendar/years", headers=admin).get_json()) == 1


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        (WEEKDAY_AS_WORKDAY, "2027-01-04"),
        ('year = 2027\nholidays = ["2026-10-01"]\n', "2026-10-01"),
        ('year = 2027\nholidays = ["2027-13-01"]\n', "YYYY-MM-DD"),
        ('year = 2027\nholidays = ["2027-01-01", "2027-01-01"]\n', "twice"),
        ('year = "2027"\nholidays = []\n', "year"),
        ("year = 2027\nholidays = []\nleap = true\n", "leap"),
        ("not toml at all [", "TOML"),
    ],
)
def test_api_refuses_a_bad_arrangement_with_a_clear_message(client, session, toml: str, needle: str) -> None:
    admin = token(client, factories.make_user(session, "admin"))
    response = client.post("/api/v1/calendar/years", headers=admin, json={"toml": toml})
    assert response.status_code == 422
    messages = " ".join(error["message"] for error in response.get_json()["errors"])
    assert needle in messages, messages
    assert client.get("/api/v1/calendar/years", headers=admin).get_json() == []
    assert client.post("/api/v1/calendar/years", headers=admin, json={}).status_code == 422
