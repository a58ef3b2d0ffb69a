"""Rows to JSON Lines and back, the same on SQLite and PostgreSQL.

Each column gets a `kind` from its SQLAlchemy type; values travel as plain JSON in a form that does not
depend on the dialect (ISO 8601 times with their zone, base64 bytes, enum values, decimal strings,
arbitrarily large integers) and are decoded back to the Python objects the models use, so the column
types do the dialect-specific work on insert. JSON columns travel as the database's JSON text, which
keeps a JSON `null` apart from an SQL NULL.
"""

from __future__ import annotations

import base64
import enum
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

BATCH = 500


def column_kind(column: sa.Column[Any]) -> str:
    """Name how values of `column` are written to the archive; unknown types are refused."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    for cls, name in (
        (sa.Enum, "enum"),
        (sa.JSON, "json"),
        (sa.DateTime, "datetime"),
        (sa.Date, "date"),
        (sa.Time, "time"),
        (sa.LargeBinary, "bytes"),
        (sa.Boolean, "bool"),
        (sa.Float, "float"),
        (sa.Numeric, "decimal"),
        (sa.Integer, "int"),
        (sa.Uuid, "uuid"),
        (sa.String, "text"),
    ):
        if isinstance(kind, cls):
            return name
    raise TypeError(f"no backup encoding for {column.table.name}.{column.name} ({column.type!r})")


def table_columns(table: sa.Table) -> list[dict[str, str]]:
    return [{"name": column.name, "kind": column_kind(column)} for column in table.columns]


def _encode(kind: str, value: Any) -> Any:
    if value is None or kind in ("int", "bool", "text", "json", "float"):
        return value
    if kind == "enum":
        return value.value if isinstance(value, enum.Enum) else value
    if kind in ("datetime", "date", "time"):
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    return str(value)  # decimal, uuid


def _decoder(column: sa.Column[Any], kind: str) -> Callable[[Any], Any]:
    if kind == "json":
        return lambda text: sa.null() if text is None else _json_value(column, json.loads(text))
    if kind == "enum":
        enum_class = getattr(column.type, "enum_class", None)
        return lambda value: enum_class(value) if enum_class and value is not None else value
    parse: Callable[[Any], Any] | None = {
        "datetime": datetime.fromisoformat,
        "date": date.fromisoformat,
        "time": time.fromisoformat,
        "bytes": lambda text: base64.b64decode(text, validate=True),
        "decimal": Decimal,
        "uuid": uuid.UUID,
    }.get(kind)
    if parse is None:
        return lambda value: value
    return lambda value: None if value is None else parse(value)


def _json_value(column: sa.Column[Any], value: Any) -> Any:
    # A JSON null must stay a JSON null even where Python None would mean SQL NULL.
    return column.type.NULL if value is None else value  # type: ignore[attr-defined]


def dump_table(connection: Connection, table: sa.Table) -> Iterator[bytes]:
    """Yield the table's rows in primary-key order, one JSON line each."""
    kinds = [(column.name, column_kind(column)) for column in table.columns]
    selected = [
        sa.cast(column, sa.Text).label(column.name) if kind == "json" else column
        for column, (_, kind) in zip(table.columns, kinds, strict=True)
    ]
    statement = sa.select(*selected).order_by(*table.primary_key.columns)
    result = connection.execute(statement.execution_options(yield_per=BATCH))
    for row in result:
        record = {name: _encode(kind, value) for (name, kind), value in zip(kinds, row, strict=True)}
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def load_table(connection: Connection, table: sa.Table, columns: list[str], lines: Iterable[bytes]) -> int:
    """Insert the rows of `lines` into `table` (only `columns`, no defaults), in batches; return the count."""
    known = {column.name: column for column in table.columns}
    decoders = {name: _decoder(known[name], column_kind(known[name])) for name in columns}
    # A bare copy of the table: no Python-side defaults fill in anything the archive did not hold.
    target = sa.Table(table.name, sa.MetaData(), *(sa.Column(name, known[name].type) for name in columns))
    count, batch = 0, []
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        batch.append({name: decoders[name](record.get(name)) for name in columns})
        if len(batch) >= BATCH:
            connection.execute(target.insert(), batch)
            count, batch = count + len(batch), []
    if batch:
        connection.execute(target.insert(), batch)
        count += len(batch)
    return count


def reset_sequences(connection: Connection, tables: Iterable[sa.Table]) -> None:
    """On PostgreSQL, move each serial column's sequence past the restored ids."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes the next rowid from the rows themselves
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.primary_key.columns:
            if column_kind(column) != "int":
                continue
            sequence = connection.execute(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": quote(table.name), "column": column.name},
            ).scalar()
            if sequence is None:
                continue
            highest = connection.execute(
                sa.text(f"SELECT MAX({quote(column.name)}) FROM {quote(table.name)}")  # noqa: S608  (quoted identifiers)
            ).scalar()
            connection.execute(
                sa.text("SELECT setval(:sequence, :value, :called)"),
                {
                    "sequence": sequence,
                    "value": 1 if highest is None else highest,
                    "called": highest is not None,
                },
            )


def first_nonempty_table(connection: Connection, tables: Iterable[sa.Table]) -> str | None:
    """Name the first existing table that holds a row, or None when the database is empty."""
    existing = set(sa.inspect(connection).get_table_names())
    for table in tables:
        if (
            table.name in existing
            and connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
        ):
            return table.name
    return None


def current_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at (None for a database without schema)."""
    if "alembic_version" not in sa.inspect(connection).get_table_names():
        return None
    revisions = [row[0] for row in connection.execute(sa.text("SELECT version_num FROM alembic_version"))]
    if len(revisions) > 1:
        raise ValueError("the database has more than one Alembic head")
    return revisions[0] if revisions else None
