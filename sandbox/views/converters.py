"""URL converters: record ids in paths stay within what the database columns hold.

Werkzeug's `int` converter accepts any number of digits; `/cases/99999999999999999999` then reached the
database and failed there (SQLite: "Python int too large"; PostgreSQL: integer out of range) with a 500.
Ids are 32-bit integer columns on PostgreSQL, so the converter's pattern matches 0 … 2³¹−1 only and a
larger number matches no route: 404, whichever other methods the path has. (A range check in
`to_python` instead would answer 405 where another method's rule shares the path.) Years in paths
(`<year:…>`) get the same treatment within the years the system works with.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

from sandbox.validators import FIRST_YEAR, LAST_YEAR

MAX_RECORD_ID = 2**31 - 1


def at_most(limit: int) -> str:
    """A regular expression matching the decimal numbers 0 … `limit` (leading zeros allowed)."""
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for index, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - index - 1
            options.append(f"{digits[:index]}[0-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class RecordIdConverter(IntegerConverter):
    """`<int:…>` for record ids: 0 … 2³¹−1; a longer or larger number is no route (404)."""

    regex = at_most(MAX_RECORD_ID)


class YearConverter(IntegerConverter):
    """`<year:…>`: a four-digit year within FIRST_YEAR … LAST_YEAR; any other number is no route (404)."""

    regex = "(?:" + "|".join(str(year) for year in range(FIRST_YEAR, LAST_YEAR + 1)) + ")"
