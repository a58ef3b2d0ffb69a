"""Reading JSON request bodies: the one place the API parses JSON, under size and depth limits.

Hostile bodies must end in a clear 4xx, never a 500: a body larger than `API_JSON_MAX_BYTES` is refused
(413) before it is parsed; a body that is not UTF-8, not JSON, nested deeper than `API_JSON_MAX_DEPTH`,
or holds something two parsers could read differently (a key given twice, NaN/Infinity, a number no
column can hold, a lone surrogate or a NUL character in text) is refused with 400 and a message saying
what is wrong; a body sent as another media type gets 415.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import current_app, request

from sandbox.errors import N_, SandboxError

# The widest integer any column holds (PostgreSQL BIGINT); larger numbers are never meaningful here.
MAX_INTEGER = 2**63 - 1


class MalformedBody(SandboxError):
    status = 400
    default = N_("The body is not valid JSON.")


class BodyTooLarge(SandboxError):
    status = 413
    default = N_("The JSON body is larger than %(limit)s KB.")


class UnsupportedBody(SandboxError):
    status = 415
    default = N_("Send the body as JSON with Content-Type application/json.")


def read_json(max_bytes: int | None = None, max_depth: int | None = None) -> Any:
    """Return the request's JSON value (None when the body is empty), or refuse the body."""
    limit = max_bytes or current_app.config["API_JSON_MAX_BYTES"]
    depth = max_depth or current_app.config["API_JSON_MAX_DEPTH"]
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge(limit=limit // 1024)
    raw = request.get_data(cache=True)
    if len(raw) > limit:  # a body sent without a length
        raise BodyTooLarge(limit=limit // 1024)
    if not raw.strip():
        return None
    if not request.is_json:
        raise UnsupportedBody()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedBody(N_("The body is not valid UTF-8.")) from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constant,
            parse_int=_int,
            parse_float=_float,
        )
    except RecursionError:
        raise MalformedBody(N_("The JSON is nested more than %(depth)s levels deep."), depth=depth) from None
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise MalformedBody(
                N_("The body is not valid JSON (line %(line)s, column %(column)s)."),
                line=error.lineno,
                column=error.colno,
            ) from None
        raise MalformedBody(N_("A number in the body is too large.")) from None
    _check_tree(value, depth)
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedBody(N_("The key “%(key)s” appears twice in one JSON object."), key=key[:100])
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise MalformedBody(N_("%(value)s is not a JSON number."), value=name)


def _int(digits: str) -> int:
    value = int(digits)  # Python refuses more than 4,300 digits with ValueError
    if abs(value) > MAX_INTEGER:
        raise MalformedBody(N_("A number in the body is too large."))
    return value


def _float(digits: str) -> float:
    value = float(digits)
    if not math.isfinite(value):
        raise MalformedBody(N_("A number in the body is too large."))
    return value


def _check_tree(value: Any, max_depth: int) -> None:
    """Refuse nesting deeper than `max_depth`, lone surrogates and NUL characters (without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise MalformedBody(N_("The JSON is nested more than %(depth)s levels deep."), depth=max_depth)
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise MalformedBody(N_("Text in the body must not contain the NUL character."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedBody(
            N_("Text in the body contains an unpaired surrogate (\\ud800–\\udfff).")
        ) from None
