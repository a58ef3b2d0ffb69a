"""The review (复核) of a certificate revocation, as rules: what can be reviewed and until when.

An enterprise whose exit certificate the sandbox office revoked may ask the office to review the decision
within `REVIEW_DAYS` calendar days of the revocation (Beijing date), once per revocation; the request is
a dispute of its own kind handled by a legal partner, recorded in the case history without moving the
case (`workflows.records`). Besides it, the statutory remedies stay open: administrative reconsideration
(行政复议) within 60 days of learning of the decision (《中华人民共和国行政复议法》第二十条) and an
administrative lawsuit (行政诉讼) within six months (《中华人民共和国行政诉讼法》第四十六条); the
notification and the case page name them. Imports the standard library only.
"""

from __future__ import annotations

from datetime import date, timedelta

# Calendar days from the revocation in which the enterprise may ask the office for a review; a
# deployment sets CERTIFICATE_REVIEW_DAYS to change it.
REVIEW_DAYS = 30
# Certificate statuses that can be reviewed: a revocation. A suspension ends by reinstatement.
REVIEWABLE_STATUSES = frozenset({"revoked"})
# The statutory periods the notification and the case page state: days, and months.
RECONSIDERATION_DAYS = 60
LAWSUIT_MONTHS = 6


def review_deadline(revoked_on: date, days: int = REVIEW_DAYS) -> date:
    """The last day (inclusive) on which a review of a revocation made on `revoked_on` may be requested."""
    return revoked_on + timedelta(days=days)

