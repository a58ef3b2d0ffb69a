"""Labels of vouchers, redemptions and voucher ledger entries in the current language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Voucher and redemption statuses share one dictionary: the lists filter on either.
STATUS_LABELS = {
    "active": _l("Active"),
    "frozen": _l("Frozen"),
    "expired": _l("Expired"),
    "refused": _l("Refused"),
    "awaiting_forgo": _l("Awaiting the holder's choice (higher support only)"),
    "awaiting_holder": _l("Awaiting the holder's confirmation"),
    "requested": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "settled": _l("Settled"),
    "declined": _l("Declined by the holder"),
    "withdrawn": _l("Withdrawn by the provider"),
    "rejected": _l("Rejected"),
    "lapsed": _l("Lapsed (the voucher expired)"),
}
LEDGER_KIND_LABELS = {
    "issue": _l("Voucher issued"),
    "hold": _l("Held for a redemption"),
    "release": _l("Released back to the voucher"),
}


def voucher_text(code: str) -> str:
    """Name a voucher or redemption status, or a ledger entry's kind, in the current language."""
    label = STATUS_LABELS.get(code) or LEDGER_KIND_LABELS.get(code)
    return str(label) if label is not None else code
