"""Public statistics (issue 17 §3): /open-data and GET /api/v1/open-data for anyone, without login; the
numbers equal direct SQL counts on the demo data with small cells hidden; nothing names an enterprise,
a project or a filing number."""

from __future__ import annotations

import statistics as stats
from datetime import UTC, date, datetime

from sqlmodel import select

from sandbox.models.accounts import Enterprise
from sandbox.models.cases import Case
from sandbox.services.cases.calendar import BEIJING, office_calendar
from sandbox.services.statistics.model import Chart, Filters, Series
from sandbox.services.statistics.public import MIN_CASES, PUBLIC_CHART_KEYS, exit_durations, hide_small, total
from sandbox.views.statistics import svg
from tests.sandbox.services.statistics.test_statistics import demo, sql  # noqa: F401 -- the fixture

OUTCOME_EVENTS = {"exits": "'approve_exit'", "withdrawals": "'withdraw'", "rejections": "'reject'"}


def open_data_document(client, query: str = "") -> dict:
    response = client.get(f"/api/v1/open-data{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def open_data(client, query: str = "") -> dict[str, dict]:
    return {chart["key"]: chart for chart in open_data_document(client, query)["charts"]}


def values(chart: dict, key: str) -> dict[str, object]:
    series = next(s for s in chart["series"] if s["key"] == key)
    return dict(zip(chart["categories"], series["values"], strict=True))


def beijing_day(moment: object) -> date:
    """A stored UTC time (SQLite returns text) as its Beijing date."""
    at = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(BEIJING).date()


def test_open_data_equals_sql_with_small_cells_hidden(demo, session) -> None:  # noqa: F811
    data = open_data(demo.test_client())  # no token
    assert list(data) == list(PUBLIC_CHART_KEYS)

    filed = sql(
        session, "SELECT case_id, MIN(created_at) FROM case_event WHERE event = 'submit' GROUP BY case_id"
    )
    per_month: dict[str, int] = {}
    for _, at in filed:
        month = beijing_day(at).strftime("%Y-%m")
        per_month[month] = per_month.get(month, 0) + 1
    assert sum(per_month.values()) == 20
    shown = values(data["filings_per_month"], "submitted")
    assert {m: v for m, v in shown.items() if v} == {m: n for m, n in per_month.items() if hide_small(n)}

    for kind, events in OUTCOME_EVENTS.items():
        counted = sql(
            session,
            f"""SELECT c.sector, COUNT(DISTINCT e.case_id) FROM case_event e JOIN "case" c ON c.id = e.case_id
            WHERE e.event IN ({events}) GROUP BY c.sector""",  # noqa: S608 -- constants above
        )
        assert {s: v for s, v in values(data["outcomes"], kind).items() if v} == {
            s: n for s, n in counted if hide_small(n)
        }
        hidden = {s for s, n in counted if 0 < n < MIN_CASES}
        assert all(values(data["outcomes"], kind)[s] is None for s in hidden)

    exits = dict(sql(
        session,
        """SELECT c.sector, COUNT(*) FROM case_event e JOIN "case" c ON c.id = e.case_id
        WHERE e.event = 'approve_exit' GROUP BY c.sector""",
    ))  # fmt: skip
    assert sum(exits.values()) == 5
    durations = data["exit_durations"]
    assert set(durations["categories"]) == set(exits)
    figures = {f["key"]: f["value"] for f in open_data_document(demo.test_client())["figures"]}
    # 20 filings over the months and 5 exits: large enough to publish unless one month or sector alone
    # is hidden (then the total would give it away).
    lone_month = sum(1 for n in per_month.values() if 0 < n < MIN_CASES) == 1
    assert figures["filed"] == (None if lone_month else 20)
    lone_sector = sum(1 for n in exits.values() if 0 < n < MIN_CASES) == 1
    assert figures["exits"] == (None if lone_sector else 5)
    for sector, n in exits.items():
        shown_sector = (values(durations, "exits")[sector], values(durations, "median_days")[sector])
        assert (
            (shown_sector[0] == n and shown_sector[1] is not None)
            if n >= MIN_CASES
            else shown_sector == (None, None)
        )


def test_exit_durations_are_medians_of_working_days(demo, session) -> None:  # noqa: F811
    rows = sql(
        session,
        """SELECT c.sector, f.at, e.created_at FROM case_event e JOIN "case" c ON c.id = e.case_id
        JOIN (SELECT case_id, MIN(created_at) AS at FROM case_event WHERE event = 'submit' GROUP BY case_id) f
        ON f.case_id = e.case_id WHERE e.event = 'approve_exit'""",
    )
    calendar = office_calendar(session)
    days: dict[str, list[int]] = {}
    for sector, start, end in rows:
        days.setdefault(sector, []).append(
            calendar.working_days_between(beijing_day(start), beijing_day(end))
        )
    chart = exit_durations(session, Filters())  # before small cells are hidden
    assert dict(zip(chart.categories, chart.series[0].values, strict=True)) == {
        sector: stats.median(found) for sector, found in days.items()
    }


def test_public_page_is_anonymous_filtered_and_names_no_one(demo, session) -> None:  # noqa: F811
    client = demo.test_client()
    page = client.get("/open-data").get_data(as_text=True)
    assert "数据公开" in page and 'id="small-cells"' in page and "/open-data/outcomes.csv" in page
    english = demo.test_client()
    english.post("/language", data={"locale": "en"})
    assert "Open data" in english.get("/open-data?sector=healthcare").get_data(as_text=True)
    api = client.get("/api/v1/open-data").get_data(as_text=True)
    csvs = [client.get(f"/open-data/{key}.csv").get_data(as_text=True) for key in PUBLIC_CHART_KEYS]
    names = [e.name for e in session.exec(select(Enterprise)).all()]
    usccs = [e.uscc for e in session.exec(select(Enterprise)).all() if e.uscc]
    cases = session.exec(select(Case)).all()
    identifying = [
        *names,
        *usccs,
        *(c.filing_number for c in cases if c.filing_number),
        *(c.title for c in cases),
    ]
    assert len(identifying) > 40
    for text in (page, api, *csvs):
        assert not [value for value in identifying if value in text]
    assert client.get("/open-data?year=twenty").status_code == 422
    assert client.get("/api/v1/open-data?sector=mining").status_code == 422
    assert client.get("/open-data/cases_by_stage.csv").status_code == 404  # a regulator-only chart
    healthcare = open_data(client, "?sector=healthcare")
    assert healthcare["outcomes"]["categories"] in ([], ["healthcare"])
    assert client.get("/statistics").status_code in (302, 401, 403)  # the staff dashboard stays closed


def test_a_total_never_gives_one_hidden_cell_away() -> None:
    def chart(*values: int) -> Chart:
        categories = [f"c{i}" for i in range(len(values))]
        return Chart(
            "k", "t", "bar", "sector", "measure", "cases", categories, [Series("n", "", list(values))]
        )

    assert total(chart(5, 1, 0), "n") is None  # 6 - 5 would show the hidden 1
    assert total(chart(5, 1, 2), "n") == 8  # two hidden cells: only their sum shows
    assert total(chart(2), "n") is None and total(chart(0, 0), "n") == 0
    assert total(chart(3, 4), "n") == 7


def test_a_stack_with_a_hidden_part_is_labelled_with_a_dash() -> None:
    spec = svg.ChartSpec(
        dom_id="c", title="t", description="", categories=["a", "b"],
        series=[svg.Series("x", [None, 4]), svg.Series("y", [0, 3])], value_axis="n", fmt=svg.number,
    )  # fmt: skip
    drawn = svg.bar_chart(spec, stacked=True)
    assert drawn.count('font-weight="bold">—</text>') == 1 and 'font-weight="bold">7</text>' in drawn
