"""The shapes of the regulator statistics: filters, charts and their series, the annual report, and who may
read them.

Plain data only: `sandbox.services.statistics.statistics` fills them, views translate and draw them, the API
serialises them. Imports no flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sandbox.errors import N_, Message, PermissionDenied, ValidationFailed
from sandbox.models.accounts import Role, User
from sandbox.services.cases.calendar import BEIJING
from sandbox.validators import read_year
from workflows.sectors import default_sector_packs
from workflows.states import CaseState

Number = int | float


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    sector: str | None = None

    @classmethod
    def parse(cls, year: object = None, sector: object = None) -> Filters:
        """Read the filters from request values (empty means all); refuse unknown ones with 422."""
        errors = {}
        chosen_year = None
        if year not in (None, ""):
            chosen_year = read_year(str(year).strip())
            if chosen_year is None:
                errors["year"] = N_("Enter a year such as 2026.")
        chosen_sector = str(sector).strip() if sector not in (None, "") else None
        if chosen_sector is not None and chosen_sector not in default_sector_packs():
            errors["sector"] = N_("Choose one of the listed sectors.")
        if errors:
            raise ValidationFailed({name: [Message(text)] for name, text in errors.items()})
        return cls(chosen_year, chosen_sector)

    def bounds(self) -> tuple[datetime, datetime] | None:
        """The selected year in Beijing time, as [start, end) instants."""
        if self.year is None:
            return None
        return datetime(self.year, 1, 1, tzinfo=BEIJING), datetime(self.year + 1, 1, 1, tzinfo=BEIJING)


@dataclass(frozen=True)
class Series:
    key: str  # a sector code when the chart's series are sectors, else a measure name
    label: str  # message id; empty for sectors (their names come from the sector packs)
    values: list[Number | None]
    drawn: bool = True  # False: a column of the data and the CSV, not a mark on the chart
    unit: str = ""  # when it differs from the chart's (e.g. a count of vouchers beside amounts)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str  # message id
    kind: str  # "bar" (side by side), "stacked" or "line"
    category_kind: str  # "stage", "sector" or "month"
    series_kind: str  # "sector" or "measure"
    unit: str  # "cases", "working_days", "fen" or "certificates"
    categories: list[str]
    series: list[Series]
    targets: list[Number | None] | None = None  # the deadline per stage, in working days
    note: str = ""  # message id saying what is counted

    def rows(self) -> list[list[object]]:
        """One row per category: the category code, each series' value, then the target if any."""
        return [
            [category, *(s.values[i] for s in self.series), *([self.targets[i]] if self.targets else [])]
            for i, category in enumerate(self.categories)
        ]

    def total(self, series_key: str) -> Number:
        return sum(v or 0 for s in self.series if s.key == series_key for v in s.values)


@dataclass(frozen=True)
class Statistics:
    filters: Filters
    years: list[int]
    charts: list[Chart]
    budget_fen: int = 0
    issued_fen: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    def chart(self, key: str) -> Chart:
        return next(chart for chart in self.charts if chart.key == key)


@dataclass(frozen=True)
class Lesson:
    sector: str
    source: str  # "typical_case" or "evaluation"
    heading: str  # the typical case's title, or the case's filing number
    text: str


@dataclass(frozen=True)
class AnnualReport:
    """What `annual_report` collects and `annual_report_pdf` draws."""

    year: int
    as_of: date
    statistics: Statistics
    lessons: list[Lesson]


CHART_KEYS = (
    "cases_by_stage",
    "filings_per_month",
    "stage_durations",
    "overdue",
    "outcomes",
    "voucher_budget",
    "certificates",
    "participation_by_size",
)
STAGES = [state for state in CaseState if state is not CaseState.DRAFT]


def require_regulator(actor: User | None) -> User:
    if actor is None or not actor.active or actor.role is not Role.REGULATOR:
        raise PermissionDenied()
    return actor


def deadline_stages(stage_days: Mapping[object, int]) -> dict[CaseState, int]:
    """The configured deadlines in workflow order (configuration may name stages by their values)."""
    chosen = {CaseState(str(key)): int(days) for key, days in stage_days.items()}
    return {state: chosen[state] for state in CaseState if state in chosen}


def sector_order(codes: set[str], filters: Filters) -> list[str]:
    """Sectors in the packs' order: those with data, or the one chosen."""
    if filters.sector:
        return [filters.sector]
    known = list(default_sector_packs())
    return [code for code in known if code in codes] + sorted(codes - set(known))
