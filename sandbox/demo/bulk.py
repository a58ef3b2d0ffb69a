"""Many demo cases at once, for growth benchmarks and for trying the pages with realistic volume.

`generate_cases` adds enterprises with applicants (about fifty cases each), then cases in every sector
and every state with histories of about ten events (`demo_bulk_paths`). Rows are written with Core
executemany in batches, never through the ORM per row, yet read exactly like rows the services write:
hash chains that `audit verify` accepts, filing numbers taken from `FilingSequence` in blocks (so later
real filings continue after them), frozen plan versions, documents, publication consents, stage clocks.
The rare last steps that need the full machinery — issuing a certificate, opening a dispute or an
exemption request — are the case driver's (`sandbox.demo.driver`), through the services. Services-level:
no Flask; the caller commits (per batch, from `on_batch`).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Table, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from sandbox.demo.bulk_paths import Walk, date_walk, walk
from sandbox.demo.bulk_rows import CaseRows, EnterpriseRows
from sandbox.demo.driver import PDF, ROUTES, ServiceDriver, Words
from sandbox.models.accounts import Organisation, OrganisationKind, Role, User
from sandbox.models.cases import Case, FilingSequence
from sandbox.services.cases import calendar as calendar_service
from sandbox.services.cases import tallies
from sandbox.services.cases.calendar import BEIJING
from sandbox.services.cases.documents import store_blob
from sandbox.services.common.filing import PREFIX
from sandbox.services.publication import registry_index
from workflows.sectors import default_sector_packs
from workflows.states import FINAL_STATES, CaseState

S = CaseState
CASES_PER_ENTERPRISE = 50
# Share of generated cases per state (every state appears at least once whatever the count).
# The states finished through the real services (certificate, dispute, exemption) are kept rare: each
# costs tens of milliseconds where a generated case costs about one.
STATE_WEIGHTS: dict[CaseState, float] = {
    S.DRAFT: 3, S.SUBMITTED: 5, S.AMENDMENT_REQUESTED: 4, S.RISK_ASSESSMENT: 8, S.TECHNICAL_VERIFICATION: 8,
    S.TESTING: 24, S.SUSPENDED: 3, S.EXIT_EVALUATION: 7, S.EXITED: 0.4, S.DISPUTE: 0.1,
    S.LIABILITY_EXEMPTION: 0.1, S.REJECTED: 14, S.WITHDRAWN: 10, S.TERMINATED: 6,
}  # fmt: skip


@dataclass
class Cast:
    """The staff the generated cases are handled by (the demo's own accounts)."""

    regulators: list[User]
    assessor: User
    lab_id: int
    mediation_id: int


@dataclass
class BulkResult:
    cases: int = 0
    events: int = 0
    enterprises: int = 0
    seconds: float = 0.0
    by_state: dict[CaseState, int] = field(default_factory=dict)


def find_cast(session: Session) -> Cast:
    """Return the regulators, an assessor of a testing lab and a mediation centre to act on cases."""
    regulators = list(
        session.execute(
            select(User).where(col(User.role) == Role.REGULATOR, col(User.active)).order_by(col(User.id))
        ).scalars()
    )
    organisations = {
        row.kind: row
        for row in session.execute(select(Organisation).order_by(col(Organisation.id))).scalars()
    }
    lab = organisations.get(OrganisationKind.TESTING_LAB)
    mediation = organisations.get(OrganisationKind.MEDIATION_CENTRE)
    assessor = None
    if lab is not None:
        assessors = select(User).where(col(User.role) == Role.ASSESSOR, col(User.organisation_id) == lab.id)
        assessor = session.execute(assessors.order_by(col(User.id))).scalars().first()
    if len(regulators) < 2 or lab is None or assessor is None or mediation is None:
        raise LookupError("Seed the demo first: two regulators, a testing lab with an assessor, a mediator.")
    return Cast(regulators, assessor, lab.id, mediation.id)


def plan_targets(count: int, rng: random.Random) -> list[CaseState]:
    """Every state once, then states drawn by `STATE_WEIGHTS`, shuffled."""
    states = list(STATE_WEIGHTS)
    drawn = states[:count] + rng.choices(
        states, weights=list(STATE_WEIGHTS.values()), k=max(0, count - len(states))
    )
    rng.shuffle(drawn)
    return drawn


def generate_cases(
    session: Session,
    *,
    count: int,
    storage: Path,
    today: date,
    seed: int = 2026,
    batch: int = 1000,
    on_batch: Callable[[BulkResult], None] | None = None,
) -> BulkResult:
    """Add `count` cases (and their enterprises); call `on_batch` after each batch is flushed."""
    started, rng = time.perf_counter(), random.Random(seed)
    result = BulkResult()
    cast = find_cast(session)
    calendar = calendar_service.office_calendar(session)
    now = datetime.now(UTC)
    document = (store_blob(storage, PDF), len(PDF))
    lock_for_writing(session, today.year)
    applicants = EnterpriseRows(session, reserve_ids).add(math.ceil(count / CASES_PER_ENTERPRISE), now=now)
    result.enterprises = len(applicants)
    packs = default_sector_packs()
    sectors = sorted(packs)
    targets = plan_targets(count, rng)
    for first in range(0, count, batch):
        lock_for_writing(session, today.year)
        rows = CaseRows(cast=cast, document=document, now=now, today=today)
        for index in range(first, min(first + batch, count)):
            sector, target = sectors[index % len(sectors)], targets[index]
            pack = packs[sector]
            path = walk(
                target, rng=rng, calendar=calendar, sector_pack=pack, boundaries=rows.boundaries(pack)
            )
            ago = rng.uniform(0, 40) if target not in FINAL_STATES else rng.uniform(1, 700)
            date_walk(path, end=now - timedelta(days=ago), months=min(6, pack.max_trial_months))
            rows.add(path, sector=sector, applicant=rng.choice(applicants), index=index, rng=rng)
        numbers = _filing_numbers(session, rows.accepted())
        case_ids = reserve_ids(session, "case", len(rows))
        rows.write(session, case_ids, numbers)
        # Written with Core INSERTs, which no flush sees: counted and indexed here.
        tallies.count_in(session, case_ids)
        registry_index.note_cases(session, case_ids)
        for case_id, path, applicant_id, officer_id in rows.finishing:
            _finish(session, cast, case_id, path, applicant_id, officer_id, today)
        session.flush()
        result.cases += len(rows)
        result.events += rows.events + len(rows.finishing)
        for target in targets[first : first + len(rows)]:
            result.by_state[target] = result.by_state.get(target, 0) + 1
        result.seconds = time.perf_counter() - started
        if on_batch is not None:
            on_batch(result)
        session.expunge_all()
    result.seconds = time.perf_counter() - started
    return result


def lock_for_writing(session: Session, year: int) -> None:
    """Take the database's write lock now (SQLite), so ids read from MAX(id) stay ours until commit."""
    _upsert_counter(session, year)


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """Return `count` new primary keys of `table` (its sequence on PostgreSQL; after MAX(id) on SQLite)."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        statement = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
        return list(session.execute(statement, {"table": f'"{table}"', "n": count}).scalars())
    rows: Table = _table(table)
    first = session.execute(select(func.coalesce(func.max(rows.c.id), 0))).scalar_one() + 1
    return list(range(first, first + count))


def _table(name: str) -> Table:
    from sandbox.models import metadata

    return metadata.tables[name]


def _upsert_counter(session: Session, year: int) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(FilingSequence).values(year=year, last_value=0).on_conflict_do_nothing(index_elements=["year"])
    )


def _filing_numbers(session: Session, accepted: list[tuple[int, datetime]]) -> dict[int, str]:
    """Take a block of filing numbers per year from the shared counter, in order of acceptance."""
    by_year: dict[int, list[tuple[datetime, int]]] = {}
    for key, at in accepted:
        by_year.setdefault(at.astimezone(BEIJING).year, []).append((at, key))
    numbers = {}
    for year, items in sorted(by_year.items()):
        _upsert_counter(session, year)
        last = session.execute(
            update(FilingSequence).where(col(FilingSequence.year) == year)
            .values(last_value=FilingSequence.last_value + len(items))
            .returning(col(FilingSequence.last_value))
        ).scalar_one()  # fmt: skip
        for offset, (_, key) in enumerate(sorted(items)):
            numbers[key] = f"{PREFIX}-{year}-{last - len(items) + 1 + offset:04d}"
    return numbers


# How the generated cases' last steps are worded (the rest as in the seeded cases).
WORDS = Words(
    claim="驳回理由与事实不符，相关材料已于提交时上传。",
    incident=("设备偏离测试边界事件", "传感器故障导致短时偏离测试边界，已按应急预案处置并两小时内报告。"),
    good_faith="事件发生时严格执行了测试方案与应急预案，并及时报告。",
)


def _finish(
    session: Session, cast: Cast, case_id: int, path: Walk, applicant_id: int, officer_id: int, today: date
) -> None:
    """Take the last step through the real services (the case driver's): certificate, dispute or exemption."""
    assert path.finish is not None
    applicant = session.get(User, applicant_id)
    case = session.get(Case, case_id)
    assert applicant is not None and case is not None
    approver = next(user for user in cast.regulators if user.id != officer_id)  # four eyes
    users = {"applicant": applicant, "assessor": cast.assessor, "regulator2": approver}
    driver = ServiceDriver(session, users, centre_id=cast.mediation_id, today=today, words=WORDS, case=case)
    driver.step(ROUTES[path.finish][-1])  # the walk ends one step before `finish`
