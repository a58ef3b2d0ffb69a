"""Query-string numbers for the API: only ASCII digits, and never beyond what the database holds.

`str.isdigit()` alone accepts "²" (which `int()` refuses) and numbers of any size (which overflow the
database's integer columns); both used to end in a 500. Pages are lenient (nonsense means page 1, a
page past the end is empty), ids and counts are strict (422 naming the parameter).
"""

from __future__ import annotations

from flask import current_app, request

from sandbox.errors import N_, ValidationFailed
from sandbox.views.converters import MAX_RECORD_ID

# Past any real list: a larger page is simply empty, so the offset stays a small number.
MAX_PAGE = 1_000_000


def is_number(raw: str) -> bool:
    """Whether `raw` is a decimal number written in ASCII digits."""
    return raw.isascii() and raw.isdigit()


def whole_number(raw: str, name: str, *, minimum: int = 0, maximum: int = MAX_RECORD_ID) -> int:
    """Read `raw` as a whole number in [minimum, maximum], or refuse with 422 naming `name`."""
    if not is_number(raw) or not minimum <= int(raw) <= maximum:
        raise ValidationFailed.single(name, N_("Enter a whole number."))
    return int(raw)


def paging(max_size: int = 100) -> tuple[int, int]:
    """Return (page, per_page) from the query string; nonsense falls back to page 1 and the default size."""
    page, per_page = request.args.get("page", "1"), request.args.get("per_page", "")
    size = int(per_page) if is_number(per_page) and int(per_page) > 0 else current_app.config["PAGE_SIZE"]
    number = int(page) if is_number(page) and int(page) > 0 else 1
    return min(number, MAX_PAGE), min(size, max_size)
