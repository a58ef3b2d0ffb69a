"""Labels of a case's plan, documents and reports; its boundaries and risk level in the current language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from sandbox.i18n import in_language
from sandbox.labels.wording import boundary_texts, risk_texts
from sandbox.models.cases import ReportKind, VerificationResult
from sandbox.models.documents import DocumentKind
from workflows.assessment import RiskLevel
from workflows.sectors import BoundaryParam

PLAN_FIELD_LABELS = {
    "title": _l("Project"),
    "data_categories": _l("Data categories"),
    "objectives": _l("Objectives"),
    "boundaries": _l("Trial boundaries"),
    "duration_months": _l("Duration"),
    "risk_controls": _l("Risk controls"),
    "exit_plan": _l("Exit plan"),
    "consumer_protection": _l("Consumer protection"),
}
VERIFICATION_RESULT_LABELS = {
    VerificationResult.PASSED: _l("Passed"),
    VerificationResult.PASSED_WITH_CONDITIONS: _l("Passed with conditions"),
    VerificationResult.FAILED: _l("Failed"),
}
DOCUMENT_KIND_LABELS = {
    DocumentKind.PLAN: _l("Sandbox plan"),
    DocumentKind.COMMITMENT: _l("Commitment statement"),
    DocumentKind.TECHNICAL_VERIFICATION_REPORT: _l("Technical verification report"),
    DocumentKind.SELF_ASSESSMENT: _l("Self-assessment report"),
    DocumentKind.PERIODIC_REPORT: _l("Periodic report"),
    DocumentKind.INCIDENT_REPORT: _l("Incident report"),
    DocumentKind.LEGAL_OPINION: _l("Legal opinion"),
    DocumentKind.EVIDENCE: _l("Evidence"),
    DocumentKind.FILING_MATERIAL: _l("Filing material"),
    DocumentKind.OTHER: _l("Other"),
}
# The trial reports an exemption record lists, named as the documents of the same kind.
REPORT_KIND_LABELS = {
    ReportKind.PERIODIC: DOCUMENT_KIND_LABELS[DocumentKind.PERIODIC_REPORT],
    ReportKind.INCIDENT: DOCUMENT_KIND_LABELS[DocumentKind.INCIDENT_REPORT],
}


def boundary_text(param: BoundaryParam, value: Any) -> str:
    """Show a boundary value as people read it: yes/no, the choice's label, the number with its unit."""
    return in_language(boundary_texts(param, value))


def risk_text(level: RiskLevel | str | None) -> str:
    """Name a risk level in the current language ("—" when none is set yet)."""
    return in_language(risk_texts(level))
