"""The public registry pages, no login: the searchable list of filed projects and one project's entry.

The pages receive `RegistryEntry` objects from `services.registry`, which carry only the facts the
enterprise consented to publish; the templates show what they get and nothing else.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from sandbox.db import get_session
from sandbox.i18n import lang
from sandbox.labels.cases import risk_text
from sandbox.labels.publication import CONSENT_FIELD_LABELS
from sandbox.labels.trust import STATUS_LABELS
from sandbox.services.publication import registry
from sandbox.validators import read_year
from sandbox.views.forms import Pagination, page_number
from workflows.sectors import default_sector_packs
from workflows.states import CaseState

bp = Blueprint("registry", __name__)


def read_filters(args: Any) -> dict[str, Any]:
    """Return the list's filters from the query string; nonsense values are ignored."""
    state = args.get("state", "")
    year = args.get("year", "")
    return {
        "sector": args.get("sector") if args.get("sector") in default_sector_packs() else None,
        "state": CaseState(state) if state in {s.value for s in registry.PUBLIC_STATES} else None,
        "year": read_year(year),
        "query": args.get("q", "").strip()[: registry.MAX_QUERY],
    }


def _helpers() -> dict[str, Any]:
    return {
        "field_labels": CONSENT_FIELD_LABELS,
        "risk_text": risk_text,
        "lang": lang(),
        "status_labels": STATUS_LABELS,
    }


@bp.get("/registry")
def registry_list():
    session = get_session()
    filters = read_filters(request.args)
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    result = registry.registry_entries(session, **filters, page=page, per_page=per_page)
    link_args = {
        key: value
        for key, value in (
            ("q", filters["query"]),
            ("sector", filters["sector"]),
            ("state", filters["state"].value if filters["state"] else None),
            ("year", filters["year"]),
        )
        if value
    }
    return render_template(
        "registry/list.html",
        entries=result.entries,
        pagination=Pagination(page, per_page, result.total),
        filters=filters,
        link_args=link_args,
        sectors=default_sector_packs(),
        sector_counts=registry.registry_sector_counts(session),
        states=registry.PUBLIC_STATES,
        years=registry.registry_years(session),
        **_helpers(),
    )


@bp.get("/registry/<filing_number>")
def registry_detail(filing_number: str):
    entry = registry.registry_entry(get_session(), filing_number)
    return render_template("registry/detail.html", entry=entry, **_helpers())
