"""Small checks shared by the guards, each producing bilingual refusal `Reason`s.

Owns what "filled in", "a date", "on file" and "one of" mean for guard input (plain Python values from
the API or a form). Imports the standard library only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .errors import Reason
from .reasons import reason
from .sectors import SectorPack


def filled(value: Any) -> bool:
    """Text is filled when not blank; a list of texts when it holds at least one non-blank text."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return any(isinstance(item, str) and item.strip() for item in value)
    return False


def need_text(field: str, value: Any) -> list[Reason]:
    return [] if filled(value) else [reason("required", field)]


def is_date(value: Any) -> bool:
    # datetime is a date subclass, but comparing it with a date raises; deadlines are whole days.
    return isinstance(value, date) and not isinstance(value, datetime)


def need_dates(**values: Any) -> list[Reason]:
    return [
        reason("wrong_type", name, expected_zh="日期", expected_en="a date")
        if value is not None
        else reason("required", name)
        for name, value in values.items()
        if not is_date(value)
    ]


def on_file(field: str, value: Any) -> list[Reason]:
    return [] if value is True else [reason("not_on_file", field)]


def one_of(field: str, value: Any, options: tuple[str, ...]) -> list[Reason]:
    if value is None or value == "":
        return [reason("required", field)]
    return [] if value in options else [reason("invalid_choice", field, value=value, choices=options)]


def need_pack(pack: Any) -> list[Reason]:
    return [] if isinstance(pack, SectorPack) else [reason("required", "pack")]
