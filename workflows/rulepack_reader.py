"""Strict typed reads from a parsed rule-pack TOML document, failing with the file and field named.

Owns the low-level checks every pack field goes through (present, right type, non-empty, in range,
unique, no floats); `workflows.sectors` decides which fields a pack has. Imports the stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NoReturn

from .errors import RulePackError

IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


def join(where: str, key: str) -> str:
    """Return the dotted field path of `key` inside `where` ("" is the document root)."""
    return f"{where}.{key}" if where else key


class PackReader:
    """Reads fields of one pack file; every failure names `source` and the field path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, message: str) -> NoReturn:
        raise RulePackError(f"{self.source}: {field or '<root>'}: {message}")

    def reject_floats(self, value: Any, path: str) -> None:
        """Fail on any float in the document: limits, weights and money are whole numbers here."""
        if isinstance(value, float):
            self.fail(path, f"floats are not allowed (got {value!r}); use a whole number")
        if isinstance(value, dict):
            for key, item in value.items():
                self.reject_floats(item, join(path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.reject_floats(item, f"{path}[{index}]")

    def only_keys(self, table: dict[str, Any], where: str, allowed: Iterable[str]) -> None:
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            self.fail(join(where, unknown[0]), "unknown field")

    def _get(self, table: dict[str, Any], where: str, key: str) -> Any:
        if key not in table:
            self.fail(join(where, key), "missing")
        return table[key]

    def text(self, table: dict[str, Any], where: str, key: str) -> str:
        value = self._get(table, where, key)
        if not isinstance(value, str) or not value.strip():
            self.fail(join(where, key), "must be non-empty text")
        return value.strip()

    def optional_text(self, table: dict[str, Any], where: str, key: str) -> str:
        if key not in table:
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.fail(join(where, key), "must be text")
        return value.strip()

    def bilingual(self, table: dict[str, Any], where: str) -> tuple[str, str]:
        """Return the (zh, en) pair; both languages are mandatory."""
        return self.text(table, where, "zh"), self.text(table, where, "en")

    def ident(self, table: dict[str, Any], where: str, key: str = "id") -> str:
        value = self.text(table, where, key)
        if not IDENT.match(value):
            self.fail(join(where, key), f"{value!r} must be lower-case letters, digits and underscores")
        return value

    def integer(
        self,
        table: dict[str, Any],
        where: str,
        key: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self._get(table, where, key)
        # bool is a subclass of int in Python; `true` is not a number in a pack.
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(join(where, key), f"must be a whole number (got {value!r})")
        if minimum is not None and value < minimum:
            self.fail(join(where, key), f"must be at least {minimum} (got {value})")
        if maximum is not None and value > maximum:
            self.fail(join(where, key), f"must be at most {maximum} (got {value})")
        return value

    def optional_bool(self, table: dict[str, Any], where: str, key: str) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            self.fail(join(where, key), f"must be true or false (got {value!r})")
        return value

    def choice(self, table: dict[str, Any], where: str, key: str, options: list[str]) -> str:
        value = self.text(table, where, key)
        if value not in options:
            self.fail(join(where, key), f"{value!r} is not one of {', '.join(options)}")
        return value

    def table(self, table: dict[str, Any], where: str, key: str) -> dict[str, Any]:
        value = self._get(table, where, key)
        if not isinstance(value, dict):
            self.fail(join(where, key), "must be a table")
        return value

    def tables(
        self, table: dict[str, Any], where: str, key: str, *, required: bool = True
    ) -> list[dict[str, Any]]:
        """Return an array of tables (`[[key]]`), each checked to be a table."""
        if key not in table and not required:
            return []
        value = self._get(table, where, key)
        if not isinstance(value, list) or not value:
            self.fail(join(where, key), "must be a non-empty array of tables")
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                self.fail(f"{join(where, key)}[{index}]", "must be a table")
        return value

    def unique(self, ids: list[str], where: str) -> None:
        seen: set[str] = set()
        for value in ids:
            if value in seen:
                self.fail(where, f"duplicate id {value!r}")
            seen.add(value)
