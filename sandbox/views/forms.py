"""Helpers shared by the page views: nested form data, translated field errors, pagination."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import request, url_for
from werkzeug.datastructures import MultiDict

from sandbox.errors import ValidationFailed
from sandbox.i18n import translate
from sandbox.validators import whole_number_or_none

MAX_PAGE = 1_000_000  # past any real list: a larger page is simply empty


def nested(form: MultiDict[str, str], *, checkboxes: tuple[str, ...] = ()) -> dict[str, Any]:
    """Turn dotted field names ("enterprise.uscc") into nested dicts; unticked boxes become False."""
    data: dict[str, Any] = {}
    names = set(form.keys()) | set(checkboxes)
    for name in names:
        if name == "csrf_token":
            continue
        value: Any = form.get(name, "")
        if name in checkboxes:
            value = name in form
        elif isinstance(value, str):
            value = value.strip()
            if value == "":
                continue  # an empty field is a missing one: "This field is required."
        target = data
        *parents, leaf = name.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return data


def field_errors(error: ValidationFailed) -> dict[str, list[str]]:
    """Return the refused fields with their messages in the current language."""
    return {field: [translate(message) for message in messages] for field, messages in error.errors.items()}


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number() -> int:
    """Return the requested page number (1 when missing or nonsense)."""
    number = whole_number_or_none(request.args.get("page", "1"), maximum=MAX_PAGE)
    return number if number else 1


def safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else the dashboard (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.dashboard")
