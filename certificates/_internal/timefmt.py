"""RFC 3339 timestamps in UTC with a ``Z`` suffix (private).

Owns the one textual form of an instant in this package: whole seconds, UTC, ``Z``. Whole seconds
because proofs carry ``created`` at that precision, and key lifecycle checks compare the two;
mixing precisions would let a signature made in the same second as an activation look backdated.
Also the forms a printed page shows an instant in: Beijing time (UTC+8, no daylight saving since 1991,
so no time-zone database is needed), in Chinese and in English, and as a PDF date string.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from certificates.errors import CertificateError

# Strict RFC 3339 date-time; fromisoformat alone accepts forms (week dates, no offset) we must not.
_RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BEIJING = timezone(timedelta(hours=8), "CST")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# A time before any certificate: a credential without a readable issue time, or "any time will do".
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def utc_seconds(moment: datetime) -> datetime:
    """Return `moment` in UTC truncated to whole seconds; refuse naive datetimes."""
    if not isinstance(moment, datetime):
        raise CertificateError("expected a datetime")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CertificateError("naive datetime: every instant in a certificate must carry a timezone")
    return moment.astimezone(UTC).replace(microsecond=0)


def format_utc(moment: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    return utc_seconds(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: object) -> datetime:
    """Parse an RFC 3339 date-time with an explicit offset into an aware UTC datetime."""
    if not isinstance(text, str) or not _RFC3339_RE.match(text):
        raise CertificateError(f"not an RFC 3339 date-time with offset: {text!r}")
    fraction = re.search(r"\.(\d+)", text)
    if fraction and len(fraction.group(1)) > 6:
        # Python keeps microseconds only; dropping nanoseconds cannot change a whole-second check.
        text = text.replace(fraction.group(0), "." + fraction.group(1)[:6])
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError as exc:
        raise CertificateError(f"invalid date-time {text!r}") from exc


def format_date(day: date) -> str:
    """Format a calendar date as ``YYYY-MM-DD``."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise CertificateError("expected a date, not a datetime")
    return day.isoformat()


def parse_date(text: str) -> date:
    """Parse ``YYYY-MM-DD``."""
    if not isinstance(text, str) or not _DATE_RE.match(text):
        raise CertificateError(f"not a YYYY-MM-DD date: {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CertificateError(f"invalid date {text!r}") from exc


def beijing_text(moment: datetime) -> tuple[str, str]:
    """Return the instant in Beijing time as printed: ``2026年12月7日 18:31`` and ``7 Dec 2026, 18:31``."""
    local = utc_seconds(moment).astimezone(BEIJING)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    return (
        f"{local.year}年{local.month}月{local.day}日 {clock}",
        f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {clock}",
    )


def pdf_date(moment: datetime) -> str:
    """Return the instant as a PDF date string in Beijing time, e.g. ``D:20261207183100+08'00'``."""
    local = utc_seconds(moment).astimezone(BEIJING)
    return local.strftime("D:%Y%m%d%H%M%S+08'00'")


def xmp_date(moment: datetime) -> str:
    """Return the instant as an XMP date (ISO 8601 with the Beijing offset)."""
    return utc_seconds(moment).astimezone(BEIJING).isoformat()
