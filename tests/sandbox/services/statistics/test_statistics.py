"""Regulator statistics (issue 8, item 3): the dashboard's numbers equal counts computed directly in SQL
on the demo data; working-day medians on a hand-built history; filters; CSV; SVG; the annual report PDF;
who may see them."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import select

from sandbox.errors import PermissionDenied
from sandbox.models.base import UTCDateTime
from sandbox.models.cases import Case, CaseEvent
from sandbox.models.publication import TypicalCase, TypicalCaseStatus
from sandbox.services.accounts import accounts
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases.calendar import BEIJING, beijing_today
from sandbox.services.statistics import statistics
from sandbox.services.statistics.annual_report import build_annual_report
from sandbox.views.statistics import svg as charts
from tests import factories
from workflows.redemptions import HOLDING

SVG = "{http://www.w3.org/2000/svg}"
DEMO_REGULATOR = {"email": "regulator@demo.sandbox", "password": "sandbox-demo-2026"}


@pytest.fixture
def demo(app):
    """The demo data, with the SLA sweep run ten days ahead so that some cases are overdue."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    ahead = (beijing_today() + timedelta(days=10)).isoformat()
    result = runner.invoke(args=["sla-sweep", "--today", ahead])
    assert result.exit_code == 0, result.output
    return app


def regulator_client(app):
    web = app.test_client()
    assert web.post("/login", data=DEMO_REGULATOR).status_code == 302
    return web


def api_statistics(app, query: str = "") -> dict:
    api = app.test_client()
    token = api.post("/api/v1/tokens", json=DEMO_REGULATOR).get_json()["token"]
    response = api.get(f"/api/v1/statistics{query}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def cells(chart: dict) -> dict[tuple[str, str], object]:
    """(category, series) → value, leaving out zeros and empty cells."""
    return {
        (category, series["key"]): series["values"][i]
        for series in chart["series"]
        for i, category in enumerate(chart["categories"])
        if series["values"][i]
    }


def sql(session, statement: str, **params) -> list[tuple]:
    """Run raw SQL; datetime parameters are bound as the app stores them (UTC)."""
    query = text(statement).bindparams(
        *(sa.bindparam(name, type_=UTCDateTime()) for name, v in params.items() if isinstance(v, datetime))
    )
    return [tuple(row) for row in session.execute(query, params).all()]


def test_every_chart_equals_sql_counts_on_the_demo(demo, session) -> None:
    data = {chart["key"]: chart for chart in api_statistics(demo)["charts"]}
    assert list(data) == list(statistics.CHART_KEYS)

    by_stage = sql(
        session,
        """SELECT state, sector, COUNT(*) FROM "case" WHERE state <> 'draft' GROUP BY state, sector""",
    )
    assert cells(data["cases_by_stage"]) == {(state, sector): n for state, sector, n in by_stage}
    assert sum(n for *_, n in by_stage) == 20  # 21 demo cases, one of them a draft

    filings = data["filings_per_month"]
    for i, month in enumerate(filings["categories"]):
        year, number = map(int, month.split("-"))
        start = datetime(year, number, 1, tzinfo=BEIJING)
        end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=BEIJING)
        (filed,) = sql(
            session,
            "SELECT COUNT(*) FROM (SELECT case_id, MIN(created_at) AS at FROM case_event"
            " WHERE event = 'submit' GROUP BY case_id) AS f WHERE f.at >= :start AND f.at < :end",
            start=start, end=end,
        )  # fmt: skip
        (accepted,) = sql(
            session,
            "SELECT COUNT(*) FROM case_event WHERE event = 'accept_filing' AND created_at >= :start"
            " AND created_at < :end",
            start=start, end=end,
        )  # fmt: skip
        assert (filings["series"][0]["values"][i], filings["series"][1]["values"][i]) == (
            filed[0],
            accepted[0],
        )
    assert sum(filings["series"][0]["values"]) == sql(
        session, "SELECT COUNT(DISTINCT case_id) FROM case_event WHERE event = 'submit'"
    )[0][0] == 20  # fmt: skip

    overdue = sql(
        session, """SELECT state, COUNT(*) FROM "case" WHERE overdue = :yes GROUP BY state""", yes=True
    )
    assert {stage: n for (stage, key), n in cells(data["overdue"]).items() if key == "overdue_now"} == dict(
        overdue
    )
    assert overdue, "the sweep ten days ahead flags the filings still in review"

    kinds = {
        "exits": "'approve_exit'",
        "terminations": "'terminate', 'fail_exit'",
        "withdrawals": "'withdraw'",
        "rejections": "'reject'",
    }
    expected = {}
    for kind, events in kinds.items():
        for sector, n in sql(
            session,
            f"""SELECT c.sector, COUNT(DISTINCT e.case_id) FROM case_event e JOIN "case" c ON c.id = e.case_id
            WHERE e.event IN ({events}) GROUP BY c.sector""",  # noqa: S608 -- constants above
        ):
            expected[(sector, kind)] = n
    assert cells(data["outcomes"]) == expected
    assert sum(n for (_, kind), n in expected.items() if kind == "exits") == 5

    certificates = sql(
        session,
        """SELECT c.sector, x.status, COUNT(*) FROM certificate x JOIN "case" c ON c.id = x.case_id
        WHERE x.kind = 'exit' GROUP BY c.sector, x.status""",
    )
    assert cells(data["certificates"]) == {(sector, status): n for sector, status, n in certificates}

    budget = cells(data["voucher_budget"])
    issued = sql(
        session,
        "SELECT sector, COUNT(*), SUM(amount_fen) FROM voucher WHERE status <> 'refused' GROUP BY sector",
    )
    assert {(s, "vouchers"): n for s, n, _ in issued} == {
        k: v for k, v in budget.items() if k[1] == "vouchers"
    }
    assert {(s, "issued_fen"): f for s, _, f in issued} == {
        k: v for k, v in budget.items() if k[1] == "issued_fen"
    }
    redeemed = sql(
        session,
        """SELECT v.sector, r.status, SUM(r.amount_fen) FROM redemption r
        JOIN voucher v ON v.id = r.voucher_id GROUP BY v.sector, r.status""",
    )
    assert {status for _, status, _ in redeemed} >= {"awaiting_holder", "requested", "declined"}
    for sector, status, amount in redeemed:
        if status in HOLDING:  # given back (declined, withdrawn, rejected, lapsed): no budget use
            assert budget[(sector, f"{status}_fen")] == amount
        else:
            assert (sector, f"{status}_fen") not in budget


def test_filters_narrow_every_count(demo, session) -> None:
    this_year = beijing_today().year
    healthcare = {c["key"]: c for c in api_statistics(demo, "?sector=healthcare")["charts"]}
    rows = sql(
        session,
        """SELECT state, COUNT(*) FROM "case"
        WHERE sector = 'healthcare' AND state <> 'draft' GROUP BY state""",
    )
    assert cells(healthcare["cases_by_stage"]) == {(state, "healthcare"): n for state, n in rows}
    assert healthcare["outcomes"]["categories"] == ["healthcare"]
    assert sum(healthcare["filings_per_month"]["series"][0]["values"]) == 3

    everything = {c["key"]: c for c in api_statistics(demo)["charts"]}
    same_year = {c["key"]: c for c in api_statistics(demo, f"?year={this_year}")["charts"]}
    assert cells(same_year["cases_by_stage"]) == cells(everything["cases_by_stage"])
    assert cells(same_year["outcomes"]) == cells(everything["outcomes"])

    earlier = api_statistics(demo, f"?year={this_year - 1}")
    charts_before = {c["key"]: c for c in earlier["charts"]}
    assert not cells(charts_before["cases_by_stage"]) and not cells(charts_before["outcomes"])
    assert sum(charts_before["filings_per_month"]["series"][0]["values"]) == 0
    assert earlier["issued_fen"] == 0

    web = regulator_client(demo)
    assert web.get("/statistics?year=twenty").status_code == 422
    assert web.get("/statistics?sector=mining").status_code == 422
    problem = demo.test_client().get("/api/v1/statistics?sector=mining", headers=_bearer(demo))
    assert problem.status_code == 422 and problem.mimetype == "application/problem+json"


def _bearer(app) -> dict[str, str]:
    token = app.test_client().post("/api/v1/tokens", json=DEMO_REGULATOR).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_csv_rows_equal_the_chart_data(demo) -> None:
    web, data = regulator_client(demo), api_statistics(demo)
    for chart in data["charts"]:
        response = web.get(f"/statistics/{chart['key']}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.data.startswith(b"\xef\xbb\xbf")
        header, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert len(header) == 2 + len(chart["series"]) + (1 if chart["targets"] is not None else 0)
        assert [row[0] for row in rows] == chart["categories"]
        for i, row in enumerate(rows):
            for j, series in enumerate(chart["series"]):
                value, shown = series["values"][i], row[2 + j]
                if value is None:
                    assert shown == ""
                elif series["unit"] == "fen":
                    assert Decimal(shown) * 100 == value
                else:
                    assert Decimal(shown) == Decimal(str(value))
    stages = web.get("/statistics/cases_by_stage.csv").data.decode("utf-8-sig")
    assert "阶段" in stages.splitlines()[0] and "已出盒" in stages
    assert web.get("/statistics/nonsense.csv").status_code == 404


def test_dashboard_svg_is_well_formed_without_script(demo) -> None:
    response = regulator_client(demo).get("/statistics")
    page = response.get_data(as_text=True)
    # The page's one script is the menu button's file from /static; nothing inline, nothing in a chart.
    assert response.status_code == 200
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="/static/nav.js" defer>']
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    drawings = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(drawings) == len(statistics.CHART_KEYS)
    assert not any("<script" in drawing for drawing in drawings)
    for drawing in drawings:
        root = ET.fromstring(drawing)  # noqa: S314 -- our own output
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
        assert not [node for node in root.iter() if node.tag.endswith("script") or "style" in node.attrib]
    assert "已出盒" in page and "医药健康" in page  # stages and sectors by name, in Chinese first
    web = regulator_client(demo)
    web.post("/language", data={"locale": "en"})
    english = web.get("/statistics?sector=healthcare").get_data(as_text=True)
    assert "Cases by stage and sector" in english and "Healthcare" in english and "医药健康" not in english


def test_chart_text_is_escaped() -> None:
    spec = charts.ChartSpec(
        dom_id="x", title="<b>&", description="", categories=["<script>alert(1)</script>"],
        series=[charts.Series("a\"b", [3])], targets=[5], target_label="Deadline",
    )  # fmt: skip
    for drawing in (charts.bar_chart(spec), charts.bar_chart(spec, stacked=True), charts.line_chart(spec)):
        root = ET.fromstring(drawing)  # noqa: S314 -- our own output
        assert not [node for node in root.iter() if node.tag.endswith("script")]
        assert "<script>alert(1)</script>" in "".join(root.itertext())
        assert any(node.text == "3" for node in root.iter(f"{SVG}text"))


def test_annual_report_pdf_has_the_chinese_title_and_the_counts(demo, session) -> None:
    year = beijing_today().year
    web = regulator_client(demo)
    response = web.get(f"/statistics/annual-report/{year}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert b"/FontFile2" in response.data  # the Chinese font is embedded
    reader = PdfReader(io.BytesIO(response.data))
    words = "".join(page.extract_text() for page in reader.pages)
    compact = re.sub(r"\s+", "", words)
    assert f"{year}年度报告" in compact and f"AnnualReport{year}" in compact
    assert (
        "出盒Exits5" in compact
        and "新备案申请（首次提交）FilingsReceived(firstsubmission)20".lower() in compact.lower()
    )
    published = sql(session, "SELECT lessons FROM typical_case WHERE status = 'published'")
    conclusions = sql(session, "SELECT conclusion FROM evaluation")
    for (lesson,) in published or conclusions:  # typical cases first, else the evaluations' conclusions
        assert re.sub(r"\s+", "", lesson)[:20] in compact
    assert web.get(f"/statistics/annual-report/{year}.pdf").data == response.data  # reproducible


def test_lessons_come_from_published_typical_cases_first(demo, session) -> None:
    actor = accounts.find_user_by_email(session, DEMO_REGULATOR["email"])
    session.execute(text("DELETE FROM typical_case"))
    session.commit()

    def lessons() -> list[tuple[str, str]]:
        year, today = beijing_today().year, beijing_today()
        report = build_annual_report(session, actor=actor, year=year, today=today)
        return [(lesson.source, lesson.text) for lesson in report.lessons]

    conclusions = lessons()
    assert len(conclusions) == 5 and {source for source, _ in conclusions} == {"evaluation"}
    assert conclusions[0][1] == sql(session, "SELECT conclusion FROM evaluation")[0][0]
    exited = session.exec(select(Case).where(Case.state == "exited")).first()
    session.add(
        TypicalCase(
            case_id=exited.id, sector=exited.sector, status=TypicalCaseStatus.PUBLISHED, title="典型案例一",
            background="b", tested="t", boundaries="x", results="r", lessons="先小范围测试，再逐步放开。",
            proposed_by_id=actor.id, published_at=datetime.now(BEIJING),
        )
    )  # fmt: skip
    session.commit()
    assert lessons() == [("typical_case", "先小范围测试，再逐步放开。")]


def _on(result, day: date) -> None:
    result.event.created_at = datetime.combine(day, time(10), tzinfo=BEIJING)


def test_median_working_days_on_a_hand_built_history(app, session) -> None:
    """March 2026 has no holidays: Monday the 2nd to Wednesday the 4th is two working days, and so on."""
    regulator = factories.make_user(session, "regulator")
    applicant = factories.make_user(session, "applicant")
    march = {d: date(2026, 3, d) for d in range(1, 32)}

    def submitted(sector: str) -> int:
        case = factories.submit_case(session, applicant, factories.make_case(session, applicant))
        event = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
        event.created_at = datetime.combine(march[2], time(10), tzinfo=BEIJING)
        case.sector = sector  # the factory's plan fits general data; statistics read the column only
        session.commit()
        return case.id

    lab = factories.make_organisation(session)

    def fire(who, case_id: int, event: str, day: int, note: str = "理由充分，记录在案。") -> None:
        data = {"assessor_org_id": lab.id} if event == "accept_filing" else {}
        _on(
            apply_event(
                session, actor=who, case_id=case_id, event=event, note=note, data=data, today=march[day]
            ),
            march[day],
        )
        session.commit()

    # 2 working days, amendment (not counted), 2 more: 4. The resubmit checks the plan against the sector,
    # so the case becomes a healthcare one after it (statistics read the column only).
    paused = submitted("general_data")
    fire(regulator, paused, "request_amendment", 4)
    fire(applicant, paused, "resubmit", 9)
    session.get(Case, paused).sector = "healthcare"
    session.commit()
    fire(regulator, paused, "accept_filing", 11)
    quick = submitted("healthcare")  # 6 working days
    fire(regulator, quick, "accept_filing", 10)
    late = submitted("general_data")  # 10 working days, then rejected
    fire(regulator, late, "reject", 16)

    def durations(**filters) -> dict[str, tuple]:
        data = statistics.collect(
            session, actor=regulator, filters=statistics.Filters(**filters), today=date(2026, 11, 30),
        )  # fmt: skip
        chart = data.chart("stage_durations")
        return {str(row[0]): tuple(row[1:]) for row in chart.rows()}

    # (median, completed visits, completed after the 5-day deadline, deadline)
    assert durations(year=2026)["submitted"] == (6.0, 3, 2, 5)
    assert durations(year=2026, sector="healthcare")["submitted"] == (5.0, 2, 1, 5)
    assert durations(year=2025)["submitted"] == (None, 0, 0, 5)
    assert durations()["risk_assessment"] == (None, 0, 0, 15)  # still open: not counted
    months = statistics.collect(
        session, actor=regulator, filters=statistics.Filters(year=2026), today=date(2026, 11, 30),
    ).chart("filings_per_month")  # fmt: skip
    assert months.categories[2] == "2026-03" and len(months.categories) == 11
    assert [s.values[2] for s in months.series] == [3, 2]  # the resubmission is not a new filing


def test_only_regulators_see_statistics(app, session, client) -> None:
    year = beijing_today().year
    paths = ["/statistics", "/statistics/outcomes.csv", f"/statistics/annual-report/{year}.pdf"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/v1/statistics").status_code == 401
    for role in ("applicant", "assessor", "legal_partner", "service_provider", "admin"):
        user = factories.make_user(session, role)
        web = app.test_client()
        web.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert [web.get(path).status_code for path in paths] == [403, 403, 403], role
        assert "/statistics" not in web.get("/dashboard").get_data(as_text=True)
        token = web.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
        bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
        assert web.get("/api/v1/statistics", headers=bearer).status_code == 403
    with pytest.raises(PermissionDenied):
        statistics.collect(session, actor=None, filters=statistics.Filters(), today=date.today())
    regulator = factories.make_user(session, "regulator")
    web = app.test_client()
    web.post("/login", data={"email": regulator.email, "password": factories.PASSWORD})
    assert 'href="/statistics"' in web.get("/dashboard").get_data(as_text=True)
    assert web.get("/statistics").status_code == 200
