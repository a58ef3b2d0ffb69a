"""Labels of disputes and liability-exemption requests: kinds, stages, outcomes and decisions.

The case page, the dispute and exemption pages and the certificate pages name them the same way.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sandbox.i18n import in_language
from sandbox.models.disputes import DisputeKind, ExemptionStage
from workflows.certificate_review import LAWSUIT_MONTHS, RECONSIDERATION_DAYS
from workflows.disputes import STAGE_LABELS, DisputeStage
from workflows.guards import dispute_outcomes

DISPUTE_KIND_LABELS = {
    DisputeKind.APPEAL: _l("Appeal against a decision"),
    DisputeKind.PROCESS_COMPLAINT: _l("Complaint about how the case was handled"),
    DisputeKind.THIRD_PARTY_COMPLAINT: _l("Complaint by a user or third party"),
    DisputeKind.CONTRACT: _l("Contract dispute"),
    DisputeKind.CERTIFICATE_REVIEW: _l("Review of a certificate revocation"),
}
# What resolving a dispute decides (a decision dispute) or reaches (a mediated contract dispute); a
# dispute may also end withdrawn by the party that raised it. `workflows.guards` says which fit a kind.
OUTCOME_LABELS = {
    "upheld": _l("Decision upheld"),
    "overturned": _l("Decision overturned"),
    "settled": _l("Mediation succeeded"),
    "partially_settled": _l("Partly agreed"),
    "not_settled": _l("No agreement reached"),
}
FINAL_OUTCOME_LABELS = {**OUTCOME_LABELS, "withdrawn": _l("Withdrawn by the party that raised it")}


def outcome_choices(kind: DisputeKind | str | None, *, withdrawn: bool = True) -> list[tuple[str, str]]:
    """The (value, label) outcomes that fit a dispute of `kind`, in the current language."""
    fitting = dispute_outcomes(DisputeKind(kind).value if kind else None)
    return [(key, str(FINAL_OUTCOME_LABELS[key])) for key in fitting if withdrawn or key != "withdrawn"]
# The statutory remedies against an administrative decision of the office (行政复议 within 60 days,
# 行政诉讼 within six months), as every decision page states them (`templates/_remedies.html`).
REMEDIES = {"days": RECONSIDERATION_DAYS, "months": LAWSUIT_MONTHS}
EXEMPTION_STAGE_LABELS = {
    ExemptionStage.AWAITING_OPINION: _l("Awaiting the legal opinion"),
    ExemptionStage.AWAITING_DECISION: _l("Awaiting the decision"),
    ExemptionStage.DECIDED: _l("Decided"),
    ExemptionStage.WITHDRAWN: _l("Withdrawn"),
}
DECISION_LABELS = {
    "granted": _l("Exemption granted"),
    "partly_granted": _l("Exemption partly granted"),
    "denied": _l("Exemption denied"),
}


def stage_text(stage: DisputeStage | str) -> str:
    """Name a dispute's stage in the current language."""
    return in_language(STAGE_LABELS[DisputeStage(stage)])
