"""Text search in lists: what a person types is looked for literally, never as a LIKE pattern.

A search box used to put the text straight into `LIKE '%…%'`, so `q=%` matched every row and `q=_`
any non-empty one. Every list search builds its condition here: `%`, `_` and the escape character
itself match only themselves, and the match ignores case on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import col


def text_matches(query: str, *columns: Any) -> ColumnElement[bool]:
    """A condition: any of `columns` contains `query` (stripped) literally, case-insensitively."""
    needle = query.strip()
    return or_(*(col(column).icontains(needle, autoescape=True) for column in columns))
