"""Checks of identifiers used across the domain, as pure functions.

`check_uscc` implements the check character of the unified social credit code (统一社会信用代码,
GB 32100-2015): 18 characters from 0-9 and A-Y without I, O, S, V and Z; character 18 is derived from
the first 17 with weights 3^i mod 31.
"""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


class USCCError(ValueError):
    """The value is not a valid USCC; `code` says why (length, charset, check)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def uscc_check_character(first17: str) -> str:
    """Return the check character for the first 17 characters of a USCC."""
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(value: str) -> str:
    """Return the USCC in canonical form (upper case, no spaces) or raise `USCCError`."""
    code = "".join(value.split()).upper()
    if len(code) != 18:
        raise USCCError("length")
    if any(char not in USCC_ALPHABET for char in code):
        raise USCCError("charset")
    if uscc_check_character(code[:17]) != code[17]:
        raise USCCError("check")
    return code


MAX_WHOLE_NUMBER = 2**31 - 1  # the database's integer columns (PostgreSQL integer)


def whole_number_or_none(raw: str | None, *, maximum: int = MAX_WHOLE_NUMBER) -> int | None:
    """Read a form or query value as a whole number in ASCII digits, at most `maximum`; None otherwise.

    `str.isdigit()` alone accepts "²" (which `int()` refuses) and numbers of any size (which overflow
    the database's integer columns); both used to end in a 500.
    """
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= maximum else None


# The years any page, filter, collection or report may name. Beyond them `date(year + 1, 1, 1)` and
# friends used to fail deep inside a query (a 500 for /typical-cases/…/9999); one range, checked early.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def is_year(value: int) -> bool:
    """Whether `value` is a year this system works with (FIRST_YEAR … LAST_YEAR)."""
    return FIRST_YEAR <= value <= LAST_YEAR


def read_year(raw: str | None) -> int | None:
    """Read a year written as four ASCII digits within FIRST_YEAR … LAST_YEAR; None otherwise."""
    value = whole_number_or_none(raw) if raw is not None and len(raw) == 4 else None
    return value if value is not None and is_year(value) else None
