"""Filing numbers (备案编号) YZSB-<year>-<4 digits>: unique, consecutive and gap-free per year.

The counter row of the year is incremented with one UPDATE … RETURNING inside the caller's
transaction: concurrent accepts queue on the row lock (PostgreSQL) or the write lock (SQLite), and a
rolled-back accept gives its number back, so numbers never repeat and never skip.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from sandbox.models.cases import FilingSequence

PREFIX = "YZSB"


def next_filing_number(session: Session, *, year: int) -> str:
    """Take the next filing number of `year`."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(FilingSequence).values(year=year, last_value=0).on_conflict_do_nothing(index_elements=["year"])
    )
    value = session.execute(
        update(FilingSequence)
        .where(FilingSequence.year == year)  # type: ignore[arg-type]
        .values(last_value=FilingSequence.last_value + 1)
        .returning(FilingSequence.last_value)
    ).scalar_one()
    return f"{PREFIX}-{year}-{value:04d}"
