"""How long cases spend in each stage that has a deadline, in Chinese working days, from their histories.

A stage visit starts with the event that moves a case into the stage and ends with the next event that
moves it out. Time waiting for the applicant (`amendment_requested`, where the stage clock pauses) is
not counted: a visit that is paused and resumed into the same stage is one visit, as the clock sees it.
A visit is counted in the year (Beijing time) in which it ended; visits still open are not counted.
Rows that stay in one state (`extend_trial`, record-only events) neither start nor end a visit.
Imports no flask.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from sandbox.models.cases import Case, CaseEvent
from sandbox.services.cases.calendar import BEIJING, office_calendar
from workflows.calendar import CLOCK_PAUSED_STATES, WorkingCalendar
from workflows.states import CaseState

# (case id, sector, from state, to state, time) — one history row, in order per case.
EventRow = tuple[int, str, CaseState, CaseState, datetime]


@dataclass(frozen=True)
class StageVisit:
    case_id: int
    sector: str
    stage: CaseState
    ended_on: date
    working_days: int


@dataclass(frozen=True)
class StageSummary:
    stage: CaseState
    completed: int
    median_days: float | None
    deadline_days: int
    over_deadline: int


@dataclass
class _Open:
    stage: CaseState
    since: date
    days: int = 0
    paused: bool = False


def visits_from_events(
    rows: Iterable[EventRow], *, calendar: WorkingCalendar, stages: Collection[CaseState]
) -> list[StageVisit]:
    """Turn ordered history rows into completed visits of `stages`."""
    visits: list[StageVisit] = []
    current_case, visit, sector = None, None, ""
    for case_id, case_sector, from_state, to_state, at in rows:
        if case_id != current_case:
            current_case, visit, sector = case_id, None, case_sector
        if from_state is to_state:
            # extend_trial and record-only events (assignments, two-person steps) move no case anywhere.
            continue
        day = at.astimezone(BEIJING).date()
        if (
            visit is not None
            and not visit.paused
            and from_state is visit.stage
            and to_state is not from_state
        ):
            visit.days += calendar.working_days_between(visit.since, day)
            if to_state in CLOCK_PAUSED_STATES:
                visit.paused = True
                continue
            visits.append(StageVisit(case_id, sector, visit.stage, day, visit.days))
            visit = None
        elif visit is not None and visit.paused and from_state in CLOCK_PAUSED_STATES:
            if to_state is visit.stage:
                visit.since, visit.paused = day, False
                continue
            # Left the pause for elsewhere (withdrawn): the visit ends with the working days it had.
            visits.append(StageVisit(case_id, sector, visit.stage, day, visit.days))
            visit = None
        if visit is None and to_state in stages and to_state is not from_state:
            visit = _Open(to_state, day)
    return visits


def completed_visits(
    session: Session,
    *,
    stages: Collection[CaseState],
    bounds: tuple[datetime, datetime] | None = None,
    sector: str | None = None,
) -> list[StageVisit]:
    """Return the visits of `stages` that ended within `bounds` (UTC), for one sector or all."""
    statement = (
        select(  # type: ignore[call-overload]  # sqlmodel types select() for up to four columns
            CaseEvent.case_id, Case.sector, CaseEvent.from_state, CaseEvent.to_state, CaseEvent.created_at
        )
        .join(Case, col(Case.id) == CaseEvent.case_id)
        .order_by(col(CaseEvent.case_id), col(CaseEvent.seq))
    )
    if sector:
        statement = statement.where(Case.sector == sector)
    if bounds:
        # Only cases with an event in the period can have a visit ending in it; their whole history is read.
        active = select(CaseEvent.case_id).where(
            CaseEvent.created_at >= bounds[0],
            CaseEvent.created_at < bounds[1],
        )
        statement = statement.where(col(CaseEvent.case_id).in_(active))
    rows = session.exec(statement).all()
    visits = visits_from_events(rows, calendar=office_calendar(session), stages=stages)
    if bounds:
        first, last = (moment.astimezone(BEIJING).date() for moment in bounds)
        visits = [v for v in visits if first <= v.ended_on < last]
    return visits


def summarise(visits: Iterable[StageVisit], stage_days: Mapping[CaseState, int]) -> list[StageSummary]:
    """Median working days and how many visits overran the deadline, per stage with a deadline."""
    by_stage: dict[CaseState, list[int]] = {stage: [] for stage in stage_days}
    for visit in visits:
        if visit.stage in by_stage:
            by_stage[visit.stage].append(visit.working_days)
    return [
        StageSummary(
            stage=stage,
            completed=len(days),
            median_days=round(float(statistics.median(days)), 1) if days else None,
            deadline_days=stage_days[stage],
            over_deadline=sum(1 for d in days if d > stage_days[stage]),
        )
        for stage, days in by_stage.items()
    ]
