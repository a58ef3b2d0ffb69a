"""Yearly serial numbers: filing numbers (备案编号) YZSB-<year>-<4 digits>, and the counter behind them.

A counter row per year is incremented with one UPDATE … RETURNING inside the caller's transaction:
concurrent callers queue on the row lock (PostgreSQL) or the write lock (SQLite), and a rolled-back
transaction gives its number back, so numbers never repeat and never skip. Certificate numbers use
the same counter on their own table.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from sandbox.models.cases import FilingSequence

PREFIX = "YZSB"
# A filing number's place in the registry's order: year × YEAR_SCALE + sequence (`Case.filing_order`).
YEAR_SCALE = 10**9
NUMBER = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{1,9}})$")


def take_next(session: Session, counter: Any, *, year: int) -> int:
    """Increment `counter` (a table with `year` and `last_value`) for `year` and return the new value."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(counter).values(year=year, last_value=0).on_conflict_do_nothing(index_elements=["year"])
    )
    return session.execute(
        update(counter)
        .where(counter.year == year)
        .values(last_value=counter.last_value + 1)
        .returning(counter.last_value)
    ).scalar_one()


def next_filing_number(session: Session, *, year: int) -> str:
    """Take the next filing number of `year`."""
    return f"{PREFIX}-{year}-{take_next(session, FilingSequence, year=year):04d}"


def filing_order(number: str | None) -> int | None:
    """The number `number` sorts by: YZSB-2026-10000 after YZSB-2026-9999 (None for another format)."""
    match = NUMBER.match(number or "")
    return int(match.group(1)) * YEAR_SCALE + int(match.group(2)) if match else None
