"""A strict JSON reader for documents handed to us by third parties (private).

Refuses duplicate object keys (two parsers could pick different values, so a signature checked by
one would cover text shown by another), floats and the non-standard NaN/Infinity constants, and
input that is not UTF-8. Standard library only.
"""

from __future__ import annotations

import json
from typing import Any

from certificates.errors import CertificateError


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CertificateError(f"duplicate JSON object key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> Any:
    raise CertificateError(f"floats are not allowed: {text}")


def _no_constant(text: str) -> Any:
    raise CertificateError(f"{text} is not JSON")


def loads_strict(data: str | bytes) -> Any:
    """Parse JSON text, raising `CertificateError` on anything ambiguous or not plain I-JSON."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CertificateError("JSON must be UTF-8") from exc
    try:
        return json.loads(
            data,
            object_pairs_hook=_no_duplicates,
            parse_float=_no_float,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as exc:
        raise CertificateError(f"not valid JSON: {exc}") from exc
    except RecursionError:
        raise CertificateError("JSON nested too deeply") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise CertificateError(f"not valid JSON: {exc}") from None
