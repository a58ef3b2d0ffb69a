"""What the exemption pages show: labels, the platform's pre-filled adherence record made readable, and the
exemption request page itself (rendered afresh, or again with a refused form's errors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import render_template
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from certificates.exemption import LIABILITY_EN, LIABILITY_ZH
from sandbox.i18n import in_language, lang
from sandbox.labels.cases import REPORT_KIND_LABELS, boundary_text
from sandbox.labels.decisions import ACTION_LABELS, STATE_LABELS
from sandbox.labels.legal import DECISION_LABELS, EXEMPTION_STAGE_LABELS
from sandbox.models.accounts import Organisation, Role, User
from sandbox.models.cases import Case, TrialReport
from sandbox.models.disputes import ExemptionStage
from sandbox.policies import can_view_case
from sandbox.services.decisions import proposals
from sandbox.services.legal import exemptions
from sandbox.views.decisions.page import panel
from sandbox.views.legal.dispute_page import people
from workflows.sectors import default_sector_packs

EXEMPTION_ROLES = (Role.APPLICANT, Role.REGULATOR, Role.LEGAL_PARTNER)
RECOMMENDATION_LABELS = {
    "support": _l("Supports the exemption"),
    "partly_support": _l("Supports it in part"),
    "oppose": _l("Opposes the exemption"),
}
DECISION_EFFECTS = {
    "granted": _l("No administrative liability for this incident; a signed decision is issued."),
    "partly_granted": _l("The exemption covers only the scope you describe; a signed decision is issued."),
    "denied": _l("No exemption; the reasons are sent to the enterprise."),
}
TABS = {"pending": _l("Pending"), "decided": _l("Decided"), "all": _l("All")}


def moment(text: str | None) -> datetime | None:
    """Read a stored RFC 3339 time ("2026-03-01T08:00:00Z")."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Deviation:
    kind: str
    text: str


def deviation_text(item: dict[str, Any]) -> str:
    kind = item.get("kind")
    if kind == "late_incident_report":
        due = day(item.get("due"))
        return gettext(
            "The incident report “%(title)s” was filed after its deadline (%(due)s).",
            title=item.get("title", ""),
            due=format_date(due, "medium") if due else "—",
        )
    if kind == "guidance_unacknowledged":
        return gettext("Guidance not acknowledged: %(text)s", text=item.get("text", ""))
    if kind == "periodic_reports_missing":
        return gettext(
            "Periodic reports: %(filed)s filed of %(expected)s expected.",
            filed=item.get("filed", 0),
            expected=item.get("expected", 0),
        )
    if kind == "suspended":
        return gettext("The trial was suspended: %(note)s", note=item.get("note") or "—")
    return str(kind)


def readable_record(record: dict[str, Any], case: Case) -> dict[str, Any]:
    """The pre-filled record with times parsed, boundary values worded and deviations in sentences."""
    pack = default_sector_packs().get(case.sector)
    boundaries = []
    for row in record.get("boundaries", []):
        param = pack.boundary(row["id"]) if pack else None
        label = row.get(lang())
        value = (
            boundary_text(param, row.get("value")) if param else f"{row.get('value')} {row.get('unit', '')}"
        )
        boundaries.append({"label": label or row["id"], "value": value.strip()})
    late_reports = {
        item.get("reportId")
        for item in record.get("deviations", [])
        if item.get("kind") == "late_incident_report"
    }
    return {
        "as_of": day(record.get("asOf")),
        "trial_start": day(record.get("trialPeriod", {}).get("start")),
        "trial_end": day(record.get("trialPeriod", {}).get("end")),
        "boundaries": boundaries,
        "conditions": record.get("conditions", []),
        "guidance": [
            {
                "text": item.get("text", ""),
                "issued": moment(item.get("issuedAt")),
                "acknowledged": moment(item.get("acknowledgedAt")),
            }
            for item in record.get("guidance", [])
        ],
        "reports": [
            {
                "kind": REPORT_KIND_LABELS.get(item.get("kind"), item.get("kind")),
                "title": item.get("title", ""),
                "occurred": day(item.get("occurredOn")),
                "filed": moment(item.get("filedAt")),
                "on_time": item.get("onTime"),
                "late": item.get("id") in late_reports,
            }
            for item in record.get("reports", [])
        ],
        "deviations": [
            Deviation(str(item.get("kind")), deviation_text(item)) for item in record.get("deviations", [])
        ],
    }


def render_exemption_page(
    session: Session,
    user: User,
    request_id: int,
    *,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    open_form: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the request page; `open_form` names the form to show open with `errors` and `values`."""
    request, case = exemptions.get_request(session, actor=user, request_id=request_id)
    organisation = session.get(Organisation, request.organisation_id)
    steps = panel(session, user, proposals.for_exemption_request(session, request_id))
    partner = user.role is Role.LEGAL_PARTNER and user.organisation_id == request.organisation_id
    context = {
        "exemption": request,
        "case": case,
        "case_visible": can_view_case(user, case),
        "incident": session.get(TrialReport, request.incident_id),
        "organisation": organisation,
        "people": people(session, {request.applicant_id, request.opinion_by_id, request.decided_by_id}),
        "record": readable_record(request.record, case),
        "can_opine": partner and request.stage is ExemptionStage.AWAITING_OPINION,
        "can_decide": user.role is Role.REGULATOR and request.decided_at is None and steps.pending is None,
        "proposals": steps,
        "proposal_actions": ACTION_LABELS,
        "proposal_states": STATE_LABELS,
        "can_see_certificate": user.role in (Role.APPLICANT, Role.REGULATOR) and bool(request.certificate_id),
        "liability": in_language((LIABILITY_ZH, LIABILITY_EN)),
        "stage_labels": EXEMPTION_STAGE_LABELS,
        "recommendation_labels": RECOMMENDATION_LABELS,
        "decision_labels": DECISION_LABELS,
        "decision_effects": DECISION_EFFECTS,
        "errors": errors or {},
        "values": values or {},
        "open_form": open_form,
    }
    return render_template("exemptions/detail.html", **context), status
