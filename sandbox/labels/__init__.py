"""Labels and wording shared by pages, the API and the PDFs: one copy of each.

A label dictionary lives here once several modules show it; a page module never serves labels to another
(`views.cases.page` used to). `wording` is plain data and functions over the rule packs, giving both
languages as (zh, en) pairs, so services and PDF renderers use it without Flask; the other modules hold
lazily translated strings (`lazy_gettext`, turned into text in the request's language when shown), for
pages and the API, and pick the current language's half of a pair with `sandbox.i18n`.
"""
