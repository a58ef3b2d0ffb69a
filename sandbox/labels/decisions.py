"""Labels of two-person proposals: what is proposed and where the proposal stands.

The proposal panels, the case history, the legal partners' work list and the certificate pages use them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sandbox.models.two_person import ProposalState

ACTION_LABELS = {
    "revoke": _l("Revoke the certificate"),
    "suspend": _l("Suspend the certificate"),
    "reinstate": _l("Reinstate the certificate"),
    "granted": _l("Grant the exemption"),
    "partly_granted": _l("Grant the exemption in part"),
    "denied": _l("Deny the exemption"),
}
STATE_LABELS = {
    ProposalState.PENDING: _l("Awaiting a second regulator"),
    ProposalState.CONFIRMED: _l("Confirmed"),
    ProposalState.DECLINED: _l("Declined"),
    ProposalState.WITHDRAWN: _l("Withdrawn"),
}
