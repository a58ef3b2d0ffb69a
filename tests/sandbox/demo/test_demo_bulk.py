"""Generated demo cases (`flask demo --cases N`) read like real ones, and the busy lists do not grow
their query count with the number of cases (no query per row).

Histories pass `audit verify`, filing numbers are unique and continue the shared counter, every state is
covered; a real filing afterwards takes the next number. Query counts are compared, never timed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, func
from sqlmodel import col, select

from sandbox.demo.bulk import generate_cases
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.demo.seed import seed
from sandbox.models.cases import Case, CaseEvent, FilingSequence
from sandbox.services.cases.calendar import beijing_today
from tests.case_flow import CaseFlow
from workflows.states import CaseState

DEMO_CASES = 21  # what the plain demo seeds


def test_generated_cases_verify_cover_every_state_and_continue_the_filing_numbers(app, session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--cases", "300"])
    assert result.exit_code == 0, result.output
    assert "Generated 300 cases" in result.output

    audit = runner.invoke(args=["audit", "verify"])
    assert audit.exit_code == 0, audit.output
    assert f"All {300 + DEMO_CASES} case histories are intact." in audit.output

    states = dict(session.exec(select(Case.state, func.count()).group_by(Case.state)).all())
    assert set(states) == set(CaseState)
    events = session.exec(select(func.count()).select_from(CaseEvent)).one()
    assert events >= 300 * 5  # histories of about ten events (drafts have none)

    numbers = session.exec(select(Case.filing_number).where(col(Case.filing_number).is_not(None))).all()
    assert len(numbers) == len(set(numbers)) > 100
    # The counter of each year stands at the highest number of that year: no gap, no reuse.
    for row in session.exec(select(FilingSequence)).all():
        of_year = [int(n.rsplit("-", 1)[1]) for n in numbers if n.split("-")[1] == str(row.year)]
        assert sorted(of_year) == list(range(1, row.last_value + 1))

    year = beijing_today().year
    before = session.get(FilingSequence, year)
    flow = CaseFlow(app.test_client(), session)
    flow.create()
    flow.fire("applicant", "submit")
    flow.fire("regulator", "accept_filing")
    expected = (before.last_value if before else 0) + 1
    assert flow.case()["filing_number"] == f"YZSB-{year}-{expected:04d}"


@contextmanager
def counting(app) -> Iterator[list[int]]:
    """Count the SQL statements sent while the block runs."""
    engine, seen = app.extensions["sandbox.engine"], [0]

    def count(*_args: object) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_per_page(app, client, paths: list[str], headers: dict[str, str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        extra = headers if path.startswith("/api/") else {}
        client.get(path, headers=extra)  # first request of a kind may load caches
        with counting(app) as seen:
            response = client.get(path, headers=extra)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = seen[0]
    return counts


def test_lists_issue_as_many_queries_at_300_cases_as_at_50(app, session, client, tmp_path: Path) -> None:
    seed(session, storage=tmp_path / "uploads", today=beijing_today())
    session.commit()
    generate_cases(session, count=50, storage=tmp_path / "uploads", today=beijing_today(), seed=7)
    session.commit()
    login = client.post("/login", data={"email": "regulator@demo.sandbox", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    token = client.post("/api/v1/tokens", json={"email": "regulator@demo.sandbox", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    case_id = session.exec(
        select(Case.id).where(Case.state == CaseState.TESTING).order_by(col(Case.event_count).desc())
    ).first()
    newest = session.exec(select(func.max(Case.id))).one()
    paths = [
        "/cases", f"/cases?cursor={newest - 10}", "/cases?state=testing", "/dashboard", "/api/v1/cases",
        f"/api/v1/cases?cursor={newest - 10}", f"/cases/{case_id}", "/registry", "/registry?page=2",
        "/registry?sector=healthcare", "/api/v1/registry", "/api/v1/registry?page=2",
    ]  # fmt: skip
    at_50 = queries_per_page(app, client, paths, headers)

    generate_cases(session, count=250, storage=tmp_path / "uploads", today=beijing_today(), seed=8)
    session.commit()
    at_300 = queries_per_page(app, client, paths, headers)
    assert at_300 == at_50
    assert session.exec(select(func.count()).select_from(Case)).one() == 300 + DEMO_CASES
