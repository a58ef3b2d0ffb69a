"""Values survive the JSON Lines form exactly, from each dialect into each other one: aware and naive
times to the microsecond, dates, JSON (a JSON null stays apart from an SQL NULL), enums, bytes, integers
beyond 32 bits, booleans and Chinese text."""

from __future__ import annotations

import enum
import itertools
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from sandbox.db import make_engine
from sandbox.models.base import UTCDateTime, enum_column
from sandbox.services.backup.rows import dump_table, load_table, reset_sequences
from tests.conftest import BACKENDS
from tests.sandbox.services.backup.helpers import empty_database


class Colour(enum.Enum):
    RED = "red"
    DEEP_BLUE = "deep_blue"


def probe_table() -> sa.Table:
    return sa.Table(
        "backup_probe",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("big", sa.BigInteger),
        sa.Column("at", UTCDateTime),
        sa.Column("naive", sa.DateTime),
        sa.Column("day", sa.Date),
        sa.Column("doc", sa.JSON),
        sa.Column("blob", sa.LargeBinary),
        enum_column(Colour, name="colour"),
        sa.Column("flag", sa.Boolean),
        sa.Column("ratio", sa.Float),
        sa.Column("name", sa.String(40)),
    )


ROWS = [
    {
        "id": 1,
        "big": 2**62 + 12345,
        "at": datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC),
        "naive": datetime(1999, 12, 31, 23, 59, 59, 999999),
        "day": date(2027, 12, 31),
        "doc": {"名称": "亦庄", "n": 2**53 + 1, "list": [1, None, True], "nested": {"x": "y"}},
        "blob": bytes(range(256)),
        "colour": Colour.DEEP_BLUE,
        "flag": True,
        "ratio": 0.1,
        "name": "北京经开区 ✓",
    },
    {"id": 2, "big": -(2**63), "doc": sa.JSON.NULL, "blob": b"", "colour": Colour.RED, "flag": False},
    {"id": 7, "doc": sa.null()},  # SQL NULL in every nullable column
]


@pytest.mark.parametrize(("source", "target"), list(itertools.product(BACKENDS, repeat=2)))
def test_values_round_trip_across_dialects(source: str, target: str, tmp_path: Path) -> None:
    table = probe_table()
    with (
        empty_database(source, tmp_path / "a") as source_url,
        empty_database(target, tmp_path / "b") as target_url,
    ):
        source_engine, target_engine = make_engine(source_url), make_engine(target_url)
        try:
            table.metadata.create_all(source_engine)
            table.metadata.create_all(target_engine)
            with source_engine.begin() as connection:
                connection.execute(
                    table.insert(), [{column.name: None for column in table.columns} | row for row in ROWS]
                )
                lines = list(dump_table(connection, table))
            with target_engine.begin() as connection:
                assert load_table(connection, table, [column.name for column in table.columns], lines) == 3
                reset_sequences(connection, [table])
                connection.execute(table.insert(), [{"name": "after restore"}])
            with source_engine.connect() as a, target_engine.connect() as b:
                original = [tuple(row) for row in a.execute(sa.select(table).order_by(table.c.id))]
                restored = [tuple(row) for row in b.execute(sa.select(table).order_by(table.c.id))]
                null_docs = [
                    connection.execute(sa.select(table.c.id).where(table.c.doc.is_(None))).scalars().all()
                    for connection in (a, b)
                ]
            assert restored[:3] == original
            assert restored[0][1] == 2**62 + 12345 and restored[0][6] == bytes(range(256))
            assert null_docs == [[7], [7, 8]]  # row 2 kept its JSON null; row 8 is the new one
            assert restored[3][0] == 8  # the sequence moved past the restored ids
        finally:
            source_engine.dispose()
            target_engine.dispose()
