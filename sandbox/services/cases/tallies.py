"""Exact case counts that cost the same at a thousand cases as at a million (`CaseTally`).

The queue counts (cases per stage, overdue cases) and the registry's (entries per sector, stage and
filing year) are sums over `case_tally` rows, one per combination of those facts: a few hundred rows
at most, however many cases there are. The rows are kept exact in the transaction that moves a case:

* every flush reports the cases it inserts, deletes or moves between combinations (`_after_flush`), and
  `cases.hold_changes` reports the changes an event writes with its own UPDATE (`note_move`);
* the moves wait in the session until the commit, which adds them up and writes each changed row once,
  in the rows' sorted order (`_before_commit`): two transactions moving cases in opposite directions
  take the rows in the same order, so they queue on PostgreSQL instead of deadlocking;
* reads add the moves not yet written (`counts`), so a session sees its own changes;
* a rolled-back transaction or savepoint takes its moves with it.

`check` compares the rows with a full count (run by `flask audit verify`); `rebuild` counts again (`flask
counts rebuild`, a restore, the migration that made the table). A change that bypasses both the ORM and
`hold_changes` (a Core UPDATE of `case`) must call `rebuild` or `note_move` itself; the bulk demo does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction, attributes
from sqlmodel import Session, col, select

from sandbox.models.cases import Case, CaseTally
from sandbox.services.common.filing import YEAR_SCALE
from sandbox.services.common.session_events import listen_to_sessions
from workflows.states import CaseState

# The case columns a tally key is made of (a case is in the registry once its filing number, and so its
# filing order, is set: `services.common.filing.filing_order`).
COUNTED = ("state", "sector", "overdue", "filing_order")
PENDING = "sandbox.case_tally"


@dataclass(frozen=True, order=True)
class TallyKey:
    state: str
    sector: str
    overdue: bool
    registered: bool
    filing_year: int


def key_of(values: Mapping[str, Any]) -> TallyKey:
    """The tally a case with these column values counts in."""
    order = values["filing_order"]
    return TallyKey(
        state=CaseState(values["state"]).value,
        sector=values["sector"],
        overdue=bool(values["overdue"]),
        registered=order is not None,
        filing_year=int(order) // YEAR_SCALE if order else 0,
    )


def _now(case: Case) -> TallyKey:
    return key_of({name: getattr(case, name) for name in COUNTED})


# -- collecting moves --------------------------------------------------------------------------------------


def _innermost(session: OrmSession) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def _add(session: OrmSession, key: TallyKey, delta: int) -> None:
    session.info.setdefault(PENDING, []).append((_innermost(session), key, delta))


def note_move(case: Case, stored: Mapping[str, Any]) -> None:
    """Record that `case` moved from the values in `stored` (the columns that changed) to its current ones;
    for a change the ORM will not flush (`cases.hold_changes`)."""
    session = attributes.instance_state(case).session
    if session is None or case.id is None or not stored.keys() & set(COUNTED):
        return
    before = key_of({name: stored.get(name, getattr(case, name)) for name in COUNTED})
    after = _now(case)
    if before != after:
        _add(session, before, -1)
        _add(session, after, +1)


def _stored(case: Case) -> dict[str, Any]:
    """The values of the counted columns as the database held them before this flush."""
    state = attributes.instance_state(case)
    stored = {}
    for name in COUNTED:
        history = state.attrs[name].history
        if history.deleted:
            stored[name] = history.deleted[0]
        elif history.unchanged:
            stored[name] = history.unchanged[0]
        else:
            stored[name] = getattr(case, name)
    return stored


def _after_flush(session: OrmSession, _context: Any) -> None:
    for case in session.new:
        if isinstance(case, Case):
            _add(session, _now(case), +1)
    for case in session.deleted:
        if isinstance(case, Case):
            _add(session, key_of(_stored(case)), -1)
    for case in session.dirty:
        if isinstance(case, Case) and case not in session.deleted:
            before, after = key_of(_stored(case)), _now(case)
            if before != after:
                _add(session, before, -1)
                _add(session, after, +1)


def _inside(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _drop_rolled_back(session: OrmSession, previous: SessionTransaction) -> None:
    """A rolled-back savepoint takes the moves made inside it (and inside savepoints within it) along."""
    if previous.nested:
        kept = [entry for entry in session.info.get(PENDING, []) if not _inside(entry[0], previous)]
        session.info[PENDING] = kept
    else:
        session.info.pop(PENDING, None)


def _forget(session: OrmSession) -> None:
    session.info.pop(PENDING, None)


def pending(session: OrmSession) -> Counter[TallyKey]:
    """The moves of this transaction not yet written, added up."""
    total: Counter[TallyKey] = Counter()
    for _transaction, key, delta in session.info.get(PENDING, []):
        total[key] += delta
    return total


def _before_commit(session: OrmSession) -> None:
    session.flush()  # the moves of changes still in the unit of work
    changes = sorted((key, delta) for key, delta in pending(session).items() if delta)
    session.info.pop(PENDING, None)
    if changes:
        write(session.connection(), changes)


def write(connection: Connection, changes: Iterable[tuple[TallyKey, int]]) -> None:
    """Add each delta to its tally row (creating it), one statement, rows in the order given."""
    rows = [{**vars(key), "cases": delta} for key, delta in changes]
    if not rows:
        return
    table = CaseTally.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(rows)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["state", "sector", "overdue", "registered", "filing_year"],
            set_={"cases": table.c.cases + statement.excluded.cases},
        )
    )


def _load_old_value(*_args: Any) -> None:
    """Nothing to do: listening with active_history makes setting the column load what it replaces."""


def install() -> None:
    """Listen to every session (idempotent)."""
    if event.contains(OrmSession, "after_flush", _after_flush):
        return
    listen_to_sessions([("after_flush", _after_flush), ("before_commit", _before_commit),
                        ("after_soft_rollback", _drop_rolled_back), ("after_commit", _forget)])  # fmt: skip
    # Setting a counted column loads the value it replaces (an expired case included): the move needs it.
    for name in COUNTED:
        event.listen(getattr(Case, name), "set", _load_old_value, active_history=True)


# -- reading -----------------------------------------------------------------------------------------------


def counts(session: Session) -> Counter[TallyKey]:
    """Every tally, this transaction's unwritten moves included: one query over a few hundred rows."""
    table = CaseTally.__table__  # type: ignore[attr-defined]
    found: Counter[TallyKey] = Counter()
    rows = session.execute(
        sa.select(
            table.c.state,
            table.c.sector,
            table.c.overdue,
            table.c.registered,
            table.c.filing_year,
            table.c.cases,
        )  # fmt: skip
    ).all()
    for state, sector, overdue, registered, year, cases in rows:
        found[TallyKey(CaseState(state).value, sector, bool(overdue), bool(registered), int(year))] += cases
    found.update(pending(session))
    return found


def by_state(session: Session) -> dict[CaseState, int]:
    """Filed cases per state (drafts are private to their enterprise)."""
    result: Counter[CaseState] = Counter()
    for key, number in counts(session).items():
        if key.state != CaseState.DRAFT.value and number:
            result[CaseState(key.state)] += number
    return dict(result)


def overdue(session: Session) -> int:
    return sum(number for key, number in counts(session).items() if key.overdue)


def registered(
    session: Session, *, sector: str | None = None, state: CaseState | None = None, year: int | None = None
) -> int:
    """Registry entries in `sector`, `state` and filing `year` (each optional)."""
    return sum(
        number
        for key, number in counts(session).items()
        if key.registered
        and (not sector or key.sector == sector)
        and (state is None or key.state == state.value)
        and (year is None or key.filing_year == year)
    )


def registered_by_sector(session: Session) -> dict[str, int]:
    result: Counter[str] = Counter()
    for key, number in counts(session).items():
        if key.registered and number:
            result[key.sector] += number
    return dict(result)


def registered_years(session: Session) -> list[int]:
    """The filing years with registry entries, newest first."""
    found = {key.filing_year for key, number in counts(session).items() if key.registered and number}
    return sorted((year for year in found if year), reverse=True)


# -- checking and rebuilding ---------------------------------------------------------------------------------


def full_count(connection: Connection) -> Counter[TallyKey]:
    """Count every case (one aggregate query over the case table)."""
    table = Case.__table__  # type: ignore[attr-defined]
    registered_ = table.c.filing_order.is_not(None)
    year = func.coalesce(table.c.filing_order // YEAR_SCALE, 0)
    rows = connection.execute(
        sa.select(table.c.state, table.c.sector, table.c.overdue, registered_, year, func.count()).group_by(
            table.c.state, table.c.sector, table.c.overdue, registered_, year
        )
    ).all()
    found: Counter[TallyKey] = Counter()
    for state, sector, overdue_, registered_now, filing_year, number in rows:
        key = TallyKey(CaseState(state).value, sector, bool(overdue_), bool(registered_now), int(filing_year))
        found[key] += number
    return found


@dataclass(frozen=True)
class Mismatch:
    key: TallyKey
    kept: int
    counted: int


def check(session: Session) -> list[Mismatch]:
    """The tallies that differ from a full count of the cases (none: the counts are exact)."""
    session.flush()
    kept, counted = counts(session), full_count(session.connection())
    return [
        Mismatch(key, kept.get(key, 0), counted.get(key, 0))
        for key in sorted(set(kept) | set(counted))
        if kept.get(key, 0) != counted.get(key, 0)
    ]


def rebuild(connection: Connection) -> int:
    """Count every case again and replace the tallies; returns the number of cases counted."""
    counted = full_count(connection)
    connection.execute(sa.delete(CaseTally.__table__))  # type: ignore[attr-defined]
    write(connection, sorted(counted.items()))
    return sum(counted.values())


def count_in(session: Session, case_ids: Iterable[int]) -> None:
    """Count cases written without the ORM (Core INSERTs of the bulk demo) as this transaction's moves."""
    ids = list(case_ids)
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        rows = session.execute(
            select(*(getattr(Case, name) for name in COUNTED)).where(col(Case.id).in_(chunk))
        ).all()
        for row in rows:
            _add(session, key_of(dict(zip(COUNTED, row, strict=True))), +1)
