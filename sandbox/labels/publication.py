"""Labels of what is published: the registry fields an enterprise consents to, and typical cases — their
facts, write-up sections, statuses and history — on the public pages and in the office's workspace."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sandbox.models.publication import TypicalCaseStatus

# The fields an enterprise may consent to publish, as people read them (order of PUBLISHABLE_FIELDS).
CONSENT_FIELD_LABELS = {
    "enterprise_name": _l("Enterprise name"),
    "uscc": _l("Unified social credit code"),
    "title": _l("Project title"),
    "objectives": _l("Objectives"),
    "data_categories": _l("Data categories"),
    "trial_boundaries": _l("Trial boundaries"),
    "trial_period": _l("Trial period"),
    "risk_level": _l("Risk level"),
}
TYPICAL_FACT_LABELS = {
    "enterprise_name": _l("Enterprise"),
    "uscc": _l("Unified social credit code"),
    "project_title": _l("Project"),
    "filing_number": _l("Filing number"),
    "trial_period": _l("Trial period"),
    "certificate_number": _l("Exit certificate"),
}
TYPICAL_SECTION_LABELS = {
    "background": _l("Background"),
    "tested": _l("What was tested"),
    "boundaries": _l("Boundaries"),
    "results": _l("Results"),
    "lessons": _l("Lessons"),
}
TYPICAL_STATUS_LABELS = {
    TypicalCaseStatus.PROPOSED: _l("Awaiting the enterprise"),
    TypicalCaseStatus.DECLINED: _l("Declined by the enterprise"),
    TypicalCaseStatus.APPROVED: _l("Approved by the enterprise"),
    TypicalCaseStatus.PUBLISHED: _l("Published"),
    TypicalCaseStatus.WITHDRAWN: _l("Withdrawn"),
}
# Badge colours borrowed from the case and dispute states.
TYPICAL_STATUS_CSS = {
    TypicalCaseStatus.PROPOSED: "amend",
    TypicalCaseStatus.DECLINED: "state-rejected",
    TypicalCaseStatus.APPROVED: "state-testing",
    TypicalCaseStatus.PUBLISHED: "state-exited",
    TypicalCaseStatus.WITHDRAWN: "dispute-withdrawn",
}
TYPICAL_LABELS = {
    "facts": TYPICAL_FACT_LABELS,
    "sections": TYPICAL_SECTION_LABELS,
    "statuses": TYPICAL_STATUS_LABELS,
    "css": TYPICAL_STATUS_CSS,
}
# The steps of a typical case's history; a step that sets a status reads as the status does.
TYPICAL_HISTORY_LABELS = {
    "proposed": _l("Proposed by the sandbox office"),
    "revised": _l("Revised by the sandbox office"),
    **{
        status.value: TYPICAL_STATUS_LABELS[status]
        for status in (
            TypicalCaseStatus.APPROVED,
            TypicalCaseStatus.DECLINED,
            TypicalCaseStatus.PUBLISHED,
            TypicalCaseStatus.WITHDRAWN,
        )
    },
}
