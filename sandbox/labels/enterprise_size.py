"""Labels of enterprise sizes, the standard's industry rows and other-support programmes, in the reader's
language (the (zh, en) pairs are kept with the rule data in `workflows.enterprise_size` and
`services.vouchers.other_support`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sandbox.i18n import lang
from sandbox.services.vouchers.other_support import programme_label
from workflows.enterprise_size import INDUSTRY_BY_KEY, SIZE_LABELS, EnterpriseSize

UNDECLARED = _l("Not declared")


def size_name(code: str | None) -> str:
    """A size code (large, medium, small, micro) as a word; undeclared or unknown: "not declared"."""
    try:
        zh, en = SIZE_LABELS[EnterpriseSize(code or "")]
    except ValueError:
        return str(UNDECLARED)
    return en if lang() == "en" else zh


def industry_name(key: str) -> str:
    row = INDUSTRY_BY_KEY.get(key)
    if row is None:
        return key
    return f"{row.en if lang() == 'en' else row.zh} ({row.sections})"


def support_programme(programme: str) -> str:
    return programme_label(programme, lang())
