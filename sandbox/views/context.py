"""Template helpers: the language, labels for roles and organisation kinds, per-role navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import get_locale, lazy_gettext
from flask_login import current_user

from sandbox.i18n import bilingual, lang
from sandbox.labels.cases import risk_text
from sandbox.labels.legal import REMEDIES
from sandbox.models.accounts import OrganisationKind, Role
from sandbox.views.accounts.notifications import unread_badge
from workflows.sectors import default_sector_packs
from workflows.states import state_label

ROLE_LABELS = {
    Role.APPLICANT: lazy_gettext("Applicant"),
    Role.REGULATOR: lazy_gettext("Regulator"),
    Role.ASSESSOR: lazy_gettext("Assessor"),
    Role.LEGAL_PARTNER: lazy_gettext("Legal partner"),
    Role.SERVICE_PROVIDER: lazy_gettext("Service provider"),
    Role.ADMIN: lazy_gettext("Administrator"),
}
ORGANISATION_KIND_LABELS = {
    OrganisationKind.TESTING_LAB: lazy_gettext("Testing laboratory"),
    OrganisationKind.EXPERT_PANEL: lazy_gettext("Expert panel"),
    OrganisationKind.MEDIATION_CENTRE: lazy_gettext("Mediation centre"),
    OrganisationKind.COURT_LIAISON: lazy_gettext("Court liaison"),
    OrganisationKind.LAW_FIRM: lazy_gettext("Law firm"),
    OrganisationKind.SERVICE_PROVIDER: lazy_gettext("Service provider"),
    OrganisationKind.SANDBOX_OFFICE: lazy_gettext("Sandbox office"),
}

# Public pages: every role and anonymous visitors (None).
EVERYONE: frozenset[Role | None] = frozenset({*Role, None})

# (endpoint, label, roles that see it). Later issues add their pages here.
NAVIGATION = (
    ("main.dashboard", lazy_gettext("Workspace"), frozenset(Role)),
    (
        "cases.case_list",
        lazy_gettext("Sandbox projects"),
        frozenset({Role.APPLICANT, Role.REGULATOR, Role.ASSESSOR, Role.LEGAL_PARTNER}),
    ),
    (
        "disputes.dispute_list",
        lazy_gettext("Disputes"),
        frozenset({Role.APPLICANT, Role.REGULATOR, Role.LEGAL_PARTNER}),
    ),
    (
        "exemptions.exemption_list",
        lazy_gettext("Exemptions"),
        frozenset({Role.APPLICANT, Role.REGULATOR, Role.LEGAL_PARTNER}),
    ),
    ("main.own_enterprise", lazy_gettext("My enterprise"), frozenset({Role.APPLICANT})),
    ("main.enterprise_list", lazy_gettext("Enterprises"), frozenset({Role.REGULATOR, Role.ADMIN})),
    ("admin.users", lazy_gettext("Accounts"), frozenset({Role.ADMIN})),
    ("admin.organisation_list", lazy_gettext("Organisations"), frozenset({Role.ADMIN})),
    ("admin.calendar_years", lazy_gettext("Calendar"), frozenset({Role.ADMIN})),
    ("admin.two_person_rules", lazy_gettext("Two-person rules"), frozenset({Role.ADMIN})),
    (
        "certificates.certificate_list",
        lazy_gettext("Certificates"),
        frozenset({Role.APPLICANT, Role.REGULATOR}),
    ),
    ("certificates.keys", lazy_gettext("Signing keys"), frozenset({Role.ADMIN})),
    ("vouchers.voucher_list", lazy_gettext("Vouchers"), frozenset({Role.APPLICANT, Role.REGULATOR})),
    (
        "vouchers.redemption_list",
        lazy_gettext("Redemptions"),
        frozenset({Role.SERVICE_PROVIDER, Role.REGULATOR, Role.APPLICANT}),
    ),
    ("vouchers.redeem", lazy_gettext("Redeem a voucher"), frozenset({Role.SERVICE_PROVIDER})),
    ("vouchers.policy", lazy_gettext("Voucher policy"), frozenset({Role.ADMIN})),
    ("statistics.dashboard", lazy_gettext("Statistics"), frozenset({Role.REGULATOR})),
    ("guide.service_guide", lazy_gettext("Service guide"), frozenset({None})),
    ("registry.registry_list", lazy_gettext("Public registry"), EVERYONE),
    ("typical.public_list", lazy_gettext("Typical cases"), EVERYONE),
    (
        "typical.workspace",
        lazy_gettext("Typical-case work"),
        frozenset({Role.APPLICANT, Role.REGULATOR}),
    ),
)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    url: str
    active: bool


def navigation() -> list[NavItem]:
    """Return the navigation entries for the user's role (anonymous visitors: the public pages)."""
    role = current_user.role if current_user.is_authenticated else None
    return [
        NavItem(endpoint, str(label), url_for(endpoint), request.endpoint == endpoint)
        for endpoint, label, roles in NAVIGATION
        if role in roles
    ]


def sector_name(code: str) -> str:
    """Return a sector's name in the current language (the code itself if unknown)."""
    pack = default_sector_packs().get(code)
    if pack is None:
        return code
    return bilingual(pack)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        navigation=navigation,
        role_label=lambda role: str(ROLE_LABELS[Role(role)]),
        organisation_kind_label=lambda kind: str(ORGANISATION_KIND_LABELS[OrganisationKind(kind)]),
        unread_notifications=unread_badge,
        sector_name=sector_name,
        risk_text=risk_text,
        state_name=lambda state: state_label(state, lang()),
        remedies=REMEDIES,
    )
