"""Every endpoint × every role: the status each must get (200, 302, 401, 403, 404, 422).

Adding a route without adding it here fails `test_every_endpoint_is_in_the_matrix`.
"""

from __future__ import annotations

import pytest

from sandbox.models.accounts import OrganisationKind, Role
from sandbox.policies import Permission, has_permission
from sandbox.services.vouchers import other_support
from tests import factories

ROLES = ["anonymous", "applicant", "regulator", "assessor", "legal_partner", "service_provider", "admin"]


def row(anonymous, applicant, regulator, assessor, legal_partner, service_provider, admin):
    return dict(
        zip(
            ROLES,
            (anonymous, applicant, regulator, assessor, legal_partner, service_provider, admin),
            strict=True,
        )
    )


EVERYONE_200 = row(200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = row(302, 200, 200, 200, 200, 200, 200)
ADMIN_ONLY = row(302, 403, 403, 403, 403, 403, 200)
CASE_READ = row(401, 200, 200, 404, 404, 404, 404)
WEB_CASE_READ = row(302, 200, 200, 404, 404, 403, 403)
APPLICANT_ONLY = row(302, 200, 403, 403, 403, 403, 403)
CASE_HIDDEN = row(401, 404, 404, 404, 404, 404, 404)
# Writable by regulators only, refused in filing review (422); roles that cannot see the case get 404.
CASE_REGULATOR_WRITE = row(401, 403, 422, 404, 404, 404, 404)

# (endpoint, method, path, expected). {own} is the applicant's enterprise, {other} another one.
MATRIX = [
    ("main.index", "GET", "/", EVERYONE_200),
    ("main.dashboard", "GET", "/dashboard", SIGNED_IN),
    ("main.set_language", "POST", "/language", row(302, 302, 302, 302, 302, 302, 302)),
    ("main.enterprise_list", "GET", "/enterprises", row(302, 403, 200, 403, 403, 403, 200)),
    ("main.enterprise_detail", "GET", "/enterprises/{own}", row(302, 200, 200, 404, 404, 404, 200)),
    ("main.enterprise_detail", "GET", "/enterprises/{other}", row(302, 404, 200, 404, 404, 404, 200)),
    ("main.enterprise_detail", "GET", "/enterprises/999999", row(302, 404, 404, 404, 404, 404, 404)),
    ("main.own_enterprise", "GET", "/enterprise", row(302, 302, 403, 403, 403, 403, 403)),
    ("auth.login", "GET", "/login", row(200, 302, 302, 302, 302, 302, 302)),
    ("auth.logout", "POST", "/logout", row(302, 302, 302, 302, 302, 302, 302)),
    ("auth.register", "GET", "/register", row(200, 302, 302, 302, 302, 302, 302)),
    ("auth.change_password", "GET", "/account/password", SIGNED_IN),
    ("auth.account", "GET", "/account", SIGNED_IN),
    ("admin.users", "GET", "/admin/users", ADMIN_ONLY),
    ("admin.new_user", "GET", "/admin/users/new", ADMIN_ONLY),
    ("admin.set_active", "POST", "/admin/users/{other_user}/active", ADMIN_ONLY),
    ("admin.reset_password", "GET", "/admin/users/{other_user}/password", ADMIN_ONLY),
    ("admin.reset_password", "GET", "/admin/users/999999/password", row(302, 403, 403, 403, 403, 403, 404)),
    ("admin.organisation_list", "GET", "/admin/organisations", ADMIN_ONLY),
    ("api.openapi", "GET", "/api/v1/openapi.json", EVERYONE_200),
    ("api.me", "GET", "/api/v1/me", row(401, 200, 200, 200, 200, 200, 200)),
    ("api.create_token", "POST", "/api/v1/tokens", row(422, 422, 422, 422, 422, 422, 422)),
    ("api.register", "POST", "/api/v1/accounts", row(422, 422, 422, 422, 422, 422, 422)),
    ("api.get_enterprise", "GET", "/api/v1/enterprises/{own}", row(401, 200, 200, 404, 404, 404, 200)),
    ("api.get_enterprise", "GET", "/api/v1/enterprises/{other}", row(401, 404, 200, 404, 404, 404, 200)),
    ("api.create_user", "POST", "/api/v1/users", row(401, 403, 403, 403, 403, 403, 422)),
    # Cases: {case} is the applicant's submitted case, {draft} its draft, {other_case} another enterprise's.
    ("cases.case_list", "GET", "/cases", row(302, 200, 200, 200, 200, 403, 403)),
    ("cases.export_xlsx", "GET", "/cases/export.xlsx", row(302, 200, 200, 200, 200, 403, 403)),
    ("cases.case_detail", "GET", "/cases/{case}", row(302, 200, 200, 404, 404, 403, 403)),
    ("cases.case_detail", "GET", "/cases/{other_case}", row(302, 404, 200, 404, 404, 403, 403)),
    ("cases.plan_versions", "GET", "/cases/{case}/plan-versions", WEB_CASE_READ),
    ("cases.download", "GET", "/cases/{case}/documents/{document}", WEB_CASE_READ),
    (
        "cases.download",
        "GET",
        "/cases/{other_case}/documents/{document}",
        row(302, 404, 404, 404, 404, 403, 403),
    ),
    ("cases.fire", "POST", "/cases/{case}/events/submit", row(302, 409, 403, 404, 404, 403, 403)),
    # The receipt and the query code exist once the filing is accepted; {case} is only submitted.
    ("cases.receipt", "GET", "/cases/{case}/receipt.pdf", row(302, 404, 404, 404, 404, 403, 403)),
    ("cases.receipt", "GET", "/cases/{other_case}/receipt.pdf", row(302, 404, 404, 404, 404, 403, 403)),
    ("cases.reissue_query_code", "POST", "/cases/{case}/query-code", row(302, 404, 403, 403, 403, 403, 403)),
    # Hand-offs: the lab's conclusion (only the assigned lab's assessors; {case} has none) and 提交复核
    # (only during the exit evaluation: 409 for the submitted {case}).
    (
        "cases.submit_conclusion",
        "POST",
        "/cases/{case}/verification-conclusions",
        row(302, 403, 403, 404, 403, 403, 403),
    ),
    ("cases.send_for_review", "POST", "/cases/{case}/exit-review", row(302, 403, 409, 403, 403, 403, 403)),
    (
        "api.submit_conclusion",
        "POST",
        "/api/v1/cases/{case}/verification-conclusions",
        row(401, 403, 403, 404, 403, 403, 403),
    ),
    ("api.list_conclusions", "GET", "/api/v1/cases/{case}/verification-conclusions", CASE_READ),
    (
        "api.send_for_review",
        "POST",
        "/api/v1/cases/{case}/exit-review",
        row(401, 403, 409, 403, 403, 403, 403),
    ),
    ("progress.progress_page", "GET", "/progress", EVERYONE_200),
    ("progress.progress_page", "POST", "/progress", row(422, 422, 422, 422, 422, 422, 422)),
    ("api.check_progress", "POST", "/api/v1/progress", row(422, 422, 422, 422, 422, 422, 422)),
    ("api.case_receipt", "GET", "/api/v1/cases/{case}/receipt", CASE_HIDDEN),
    (
        "api.reissue_query_code",
        "POST",
        "/api/v1/cases/{case}/query-code",
        row(401, 404, 403, 404, 404, 404, 404),
    ),
    # Drafts are the enterprise's own until submitted: regulators do not see them.
    ("cases.case_detail", "GET", "/cases/{draft}", row(302, 200, 404, 404, 404, 403, 403)),
    ("api.get_case", "GET", "/api/v1/cases/{draft}", row(401, 200, 404, 404, 404, 404, 404)),
    ("cases.upload", "POST", "/cases/{case}/documents", row(302, 422, 422, 404, 404, 403, 403)),
    # Filing materials are the applicant's: without a file the upload is refused (422).
    (
        "cases.upload_material",
        "POST",
        "/cases/{case}/materials/data_source_legality",
        row(302, 422, 403, 403, 403, 403, 403),
    ),
    (
        "cases.upload_material",
        "POST",
        "/cases/{other_case}/materials/data_source_legality",
        row(302, 404, 403, 403, 403, 403, 403),
    ),
    ("cases.file_report", "POST", "/cases/{case}/reports", row(302, 422, 403, 404, 404, 403, 403)),
    ("cases.issue_guidance", "POST", "/cases/{case}/guidance", row(302, 403, 422, 404, 404, 403, 403)),
    (
        "cases.acknowledge",
        "POST",
        "/cases/{case}/guidance/999999/acknowledge",
        row(302, 404, 403, 404, 404, 403, 403),
    ),
    ("cases.score", "POST", "/cases/{case}/evaluations", row(302, 403, 422, 404, 404, 403, 403)),
    ("cases.assign", "POST", "/cases/{case}/assign", row(302, 403, 302, 403, 403, 403, 403)),
    ("cases.new_case", "GET", "/cases/new", APPLICANT_ONLY),
    ("cases.new_case", "POST", "/cases/new", row(302, 422, 403, 403, 403, 403, 403)),
    ("cases.edit_case", "GET", "/cases/{draft}/edit", APPLICANT_ONLY),
    ("cases.edit_case", "GET", "/cases/{case}/edit", row(302, 302, 403, 403, 403, 403, 403)),
    ("cases.edit_case", "GET", "/cases/{other_case}/edit", row(302, 404, 403, 403, 403, 403, 403)),
    ("cases.edit_case", "POST", "/cases/{draft}/edit", row(302, 422, 403, 403, 403, 403, 403)),
    ("notifications.notification_list", "GET", "/notifications", SIGNED_IN),
    ("notifications.mark_read", "POST", "/notifications/999999/read", row(302, 404, 404, 404, 404, 404, 404)),
    ("notifications.mark_all_read", "POST", "/notifications/read-all", row(302, *[302] * 6)),
    ("admin.calendar_years", "GET", "/admin/calendar", ADMIN_ONLY),
    ("admin.calendar_years", "POST", "/admin/calendar", row(302, 403, 403, 403, 403, 403, 422)),
    ("api.create_case", "POST", "/api/v1/cases", row(401, 422, 403, 403, 403, 403, 403)),
    ("api.list_cases", "GET", "/api/v1/cases", row(401, 200, 200, 200, 200, 403, 403)),
    ("api.export_cases", "GET", "/api/v1/cases/export.xlsx", row(401, 200, 200, 200, 200, 403, 403)),
    ("api.get_case", "GET", "/api/v1/cases/{case}", CASE_READ),
    ("api.get_case", "GET", "/api/v1/cases/{other_case}", row(401, 404, 200, 404, 404, 404, 404)),
    ("api.patch_case", "PATCH", "/api/v1/cases/{case}", CASE_READ),
    ("api.fire_event", "POST", "/api/v1/cases/{case}/events", row(401, 409, 403, 404, 404, 404, 404)),
    ("api.list_events", "GET", "/api/v1/cases/{case}/events", CASE_READ),
    ("api.case_available_events", "GET", "/api/v1/cases/{case}/available-events", CASE_READ),
    ("api.upload_document", "POST", "/api/v1/cases/{case}/documents", row(401, 422, 422, 404, 404, 404, 404)),
    ("api.list_documents", "GET", "/api/v1/cases/{case}/documents", CASE_READ),
    ("api.list_materials", "GET", "/api/v1/cases/{case}/materials", CASE_READ),
    (
        "api.list_materials",
        "GET",
        "/api/v1/cases/{other_case}/materials",
        row(401, 404, 200, 404, 404, 404, 404),
    ),
    ("api.download_document", "GET", "/api/v1/cases/{case}/documents/{document}", CASE_READ),
    ("api.download_document", "GET", "/api/v1/cases/{other_case}/documents/{document}", CASE_HIDDEN),
    ("api.plan_versions", "GET", "/api/v1/cases/{case}/plan-versions", CASE_READ),
    ("api.get_risk_assessment", "GET", "/api/v1/cases/{case}/risk-assessment", CASE_READ),
    ("api.save_risk_assessment", "PUT", "/api/v1/cases/{case}/risk-assessment", CASE_REGULATOR_WRITE),
    ("api.add_evaluation", "POST", "/api/v1/cases/{case}/evaluations", CASE_REGULATOR_WRITE),
    ("api.list_evaluations", "GET", "/api/v1/cases/{case}/evaluations", CASE_READ),
    ("api.file_report", "POST", "/api/v1/cases/{case}/reports", row(401, 422, 403, 404, 404, 404, 404)),
    ("api.list_reports", "GET", "/api/v1/cases/{case}/reports", CASE_READ),
    ("api.issue_guidance", "POST", "/api/v1/cases/{case}/guidance", CASE_REGULATOR_WRITE),
    ("api.list_guidance", "GET", "/api/v1/cases/{case}/guidance", CASE_READ),
    (
        "api.acknowledge_guidance",
        "POST",
        "/api/v1/cases/{case}/guidance/999999/acknowledge",
        row(401, 404, 403, 404, 404, 404, 404),
    ),
    ("api.list_notifications", "GET", "/api/v1/notifications", row(401, 200, 200, 200, 200, 200, 200)),
    (
        "api.read_all_notifications",
        "POST",
        "/api/v1/notifications/read-all",
        row(401, 200, 200, 200, 200, 200, 200),
    ),
    (
        "api.read_notification",
        "POST",
        "/api/v1/notifications/999999/read",
        row(401, 404, 404, 404, 404, 404, 404),
    ),
    ("api.import_year", "POST", "/api/v1/calendar/years", row(401, 403, 403, 403, 403, 403, 422)),
    ("api.list_years", "GET", "/api/v1/calendar/years", row(401, 200, 200, 200, 200, 200, 200)),
    # Certificates and the transparency log (issue 5): the trust API and pages are public.
    ("wellknown.jwks", "GET", "/.well-known/jwks.json", EVERYONE_200),
    # W3C VC 2.0 as served (issue 15): the credential context and the issuer's controller document.
    ("linked_data.credentials_context", "GET", "/ns/credentials/v1", EVERYONE_200),
    ("linked_data.issuer", "GET", "/issuer", EVERYONE_200),
    ("api.trust_bundle", "GET", "/api/v1/trust-bundle", EVERYONE_200),
    ("api.verify_certificate", "POST", "/api/v1/verify", row(422, 422, 422, 422, 422, 422, 422)),
    ("api.list_certificates", "GET", "/api/v1/certificates", EVERYONE_200),
    ("api.get_certificate", "GET", "/api/v1/certificates/x", row(404, 404, 404, 404, 404, 404, 404)),
    ("api.certificate_pdf", "GET", "/api/v1/certificates/x/pdf", row(404, 404, 404, 404, 404, 404, 404)),
    # The one-step route answers 409 for a certificate that exists (propose instead); x does not exist.
    (
        "api.certificate_credential",
        "GET",
        "/api/v1/certificates/x/credential",
        row(404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "api.change_certificate_status",
        "POST",
        "/api/v1/certificates/x/status",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    ("api.get_status_list", "GET", "/api/v1/status/revocation", EVERYONE_200),
    ("api.log_checkpoint", "GET", "/api/v1/log/checkpoint", EVERYONE_200),
    ("api.inclusion_proof", "GET", "/api/v1/log/proof/inclusion?index=0&size=1", EVERYONE_200),
    ("api.consistency_proof", "GET", "/api/v1/log/proof/consistency?first=1&second=1", EVERYONE_200),
    ("api.log_entries", "GET", "/api/v1/log/entries?start=0&end=1", EVERYONE_200),
    # The log as C2SP tlog-tiles (issue 15), outside /api: public, like the JSON log endpoints.
    ("tlog.checkpoint", "GET", "/log/checkpoint", EVERYONE_200),
    ("tlog.tile", "GET", "/log/tile/0/000.p/1", EVERYONE_200),
    ("verify.verify_page", "GET", "/verify", EVERYONE_200),
    ("verify.verify_page", "POST", "/verify", row(422, 422, 422, 422, 422, 422, 422)),
    ("verify.landing", "GET", "/c/x", row(404, 404, 404, 404, 404, 404, 404)),
    ("verify.log_browser", "GET", "/transparency", EVERYONE_200),
    ("verify.log_entry", "GET", "/transparency/0", EVERYONE_200),
    ("certificates.certificate_list", "GET", "/certificates", row(302, 200, 200, 403, 403, 403, 403)),
    ("certificates.certificate_detail", "GET", "/certificates/x", row(302, 404, 404, 403, 403, 403, 403)),
    (
        "certificates.case_certificate",
        "GET",
        "/cases/{case}/certificate",
        row(302, 404, 404, 403, 403, 403, 403),
    ),
    ("certificates.download_pdf", "GET", "/certificates/x/pdf", row(302, 404, 404, 403, 403, 403, 403)),
    ("certificates.change_status", "POST", "/certificates/x/status", row(302, 403, 404, 403, 403, 403, 403)),
    (
        "certificates.reissue_certificate",
        "POST",
        "/certificates/x/reissue",
        row(302, 403, 404, 403, 403, 403, 403),
    ),
    ("certificates.keys", "GET", "/admin/keys", ADMIN_ONLY),
    ("certificates.rotate_key", "POST", "/admin/keys/rotate", row(302, 403, 403, 403, 403, 403, 404)),
    # Vouchers (issue 6): enterprises and regulators read vouchers, providers redeem, regulators decide.
    ("vouchers.voucher_list", "GET", "/vouchers", row(302, 200, 200, 403, 403, 403, 403)),
    ("vouchers.voucher_detail", "GET", "/vouchers/999999", row(302, 404, 404, 403, 403, 403, 403)),
    (
        "vouchers.certificate_voucher",
        "GET",
        "/certificates/x/voucher",
        row(302, 404, 404, 403, 403, 403, 403),
    ),
    ("vouchers.redeem", "GET", "/vouchers/redeem", row(302, 403, 403, 403, 403, 200, 403)),
    ("vouchers.redeem_post", "POST", "/vouchers/redeem", row(302, 403, 403, 403, 403, 422, 403)),
    ("vouchers.redemption_list", "GET", "/vouchers/redemptions", row(302, 200, 200, 403, 403, 200, 403)),
    # {redemption}: a pool provider's request on the applicant's voucher, awaiting its confirmation;
    # {other_redemption}: one on another enterprise's voucher. The world's provider asked for neither.
    # Steps posted without an action are refused (422) for the party that may take them.
    (
        "vouchers.redemption_detail",
        "GET",
        "/vouchers/redemptions/{redemption}",
        row(302, 200, 200, 403, 403, 404, 403),
    ),
    (
        "vouchers.redemption_detail",
        "GET",
        "/vouchers/redemptions/{other_redemption}",
        row(302, 404, 200, 403, 403, 404, 403),
    ),
    (
        "vouchers.redemption_invoice",
        "GET",
        "/vouchers/redemptions/{redemption}/invoice",
        row(302, 200, 200, 403, 403, 404, 403),
    ),
    (
        "vouchers.redemption_invoice",
        "GET",
        "/vouchers/redemptions/{other_redemption}/invoice",
        row(302, 404, 200, 403, 403, 404, 403),
    ),
    (
        "vouchers.holder_decision",
        "POST",
        "/vouchers/redemptions/{redemption}/holder-decision",
        row(302, 422, 403, 403, 403, 403, 403),
    ),
    (
        "vouchers.holder_decision",
        "POST",
        "/vouchers/redemptions/{other_redemption}/holder-decision",
        row(302, 404, 403, 403, 403, 403, 403),
    ),
    (
        "vouchers.withdraw",
        "POST",
        "/vouchers/redemptions/{redemption}/withdrawal",
        row(302, 403, 403, 403, 403, 404, 403),
    ),
    (
        "vouchers.decide",
        "POST",
        "/vouchers/redemptions/{redemption}/decision",
        row(302, 403, 422, 403, 403, 403, 403),
    ),
    (
        "vouchers.decide",
        "POST",
        "/vouchers/redemptions/999999/decision",
        row(302, 403, 404, 403, 403, 403, 403),
    ),
    ("vouchers.budget", "GET", "/vouchers/budget", row(302, 403, 200, 403, 403, 403, 403)),
    ("vouchers.export_csv", "GET", "/vouchers/export.csv", row(302, 403, 200, 403, 403, 403, 403)),
    ("vouchers.export_xlsx", "GET", "/vouchers/export.xlsx", row(302, 403, 200, 403, 403, 403, 403)),
    ("vouchers.provider_pool", "GET", "/vouchers/providers", row(302, 403, 200, 403, 403, 403, 403)),
    ("vouchers.save_provider", "POST", "/vouchers/providers", row(302, 403, 422, 403, 403, 403, 403)),
    ("vouchers.related_parties", "GET", "/vouchers/related-parties", APPLICANT_ONLY),
    (
        "vouchers.declare_related_party",
        "POST",
        "/vouchers/related-parties",
        row(302, 422, 403, 403, 403, 403, 403),
    ),
    ("vouchers.policy", "GET", "/admin/voucher-policy", ADMIN_ONLY),
    ("vouchers.save_policy", "POST", "/admin/voucher-policy", row(302, 403, 403, 403, 403, 403, 422)),
    ("api.list_vouchers", "GET", "/api/v1/vouchers", row(401, 200, 200, 403, 403, 403, 403)),
    ("api.get_voucher", "GET", "/api/v1/vouchers/999999", row(401, 404, 404, 403, 403, 403, 403)),
    ("api.create_redemption", "POST", "/api/v1/redemptions", row(401, 403, 403, 403, 403, 422, 403)),
    ("api.list_redemptions", "GET", "/api/v1/redemptions", row(401, 200, 200, 403, 403, 200, 403)),
    ("api.get_redemption", "GET", "/api/v1/redemptions/999999", row(401, 404, 404, 403, 403, 404, 403)),
    (
        "api.get_redemption",
        "GET",
        "/api/v1/redemptions/{redemption}",
        row(401, 200, 200, 403, 403, 404, 403),
    ),
    (
        "api.get_redemption",
        "GET",
        "/api/v1/redemptions/{other_redemption}",
        row(401, 404, 200, 403, 403, 404, 403),
    ),
    (
        "api.redemption_invoice",
        "GET",
        "/api/v1/redemptions/{redemption}/invoice",
        row(401, 200, 200, 403, 403, 404, 403),
    ),
    (
        "api.redemption_invoice",
        "GET",
        "/api/v1/redemptions/{other_redemption}/invoice",
        row(401, 404, 200, 403, 403, 404, 403),
    ),
    (
        "api.holder_decision",
        "POST",
        "/api/v1/redemptions/{redemption}/holder-decision",
        row(401, 422, 403, 403, 403, 403, 403),
    ),
    (
        "api.holder_decision",
        "POST",
        "/api/v1/redemptions/{other_redemption}/holder-decision",
        row(401, 404, 403, 403, 403, 403, 403),
    ),
    (
        "api.withdraw_redemption",
        "POST",
        "/api/v1/redemptions/{redemption}/withdrawal",
        row(401, 403, 403, 403, 403, 404, 403),
    ),
    (
        "api.decide_redemption",
        "POST",
        "/api/v1/redemptions/{redemption}/decision",
        row(401, 403, 422, 403, 403, 403, 403),
    ),
    (
        "api.decide_redemption",
        "POST",
        "/api/v1/redemptions/999999/decision",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.export_redemptions",
        "GET",
        "/api/v1/redemptions/export.csv",
        row(401, 403, 200, 403, 403, 403, 403),
    ),
    (
        "api.export_voucher_books",
        "GET",
        "/api/v1/vouchers/export.xlsx",
        row(401, 403, 200, 403, 403, 403, 403),
    ),
    ("api.voucher_budget", "GET", "/api/v1/voucher-budget", row(401, 403, 200, 403, 403, 403, 403)),
    ("api.list_providers", "GET", "/api/v1/providers", row(401, 403, 200, 403, 403, 403, 403)),
    ("api.save_provider", "PUT", "/api/v1/providers", row(401, 403, 422, 403, 403, 403, 403)),
    ("api.list_related_parties", "GET", "/api/v1/related-parties", row(401, 200, 403, 403, 403, 403, 403)),
    ("api.declare_related_party", "POST", "/api/v1/related-parties", row(401, 422, 403, 403, 403, 403, 403)),
    ("api.get_voucher_policy", "GET", "/api/v1/voucher-policy", row(401, 200, 200, 200, 200, 200, 200)),
    # --- enterprise size and 从高从优不重复 (issue 20): {support} is declared for {case} ---
    ("main.size_declaration", "GET", "/enterprise/size", APPLICANT_ONLY),
    ("main.declare_size", "POST", "/enterprise/size", row(302, 422, 403, 403, 403, 403, 403)),
    (
        "cases.declare_other_support",
        "POST",
        "/cases/{case}/other-support",
        row(302, 422, 403, 403, 403, 403, 403),
    ),
    (
        "cases.declare_other_support",
        "POST",
        "/cases/{other_case}/other-support",
        row(302, 404, 403, 403, 403, 403, 403),
    ),
    (
        "cases.correct_other_support",
        "POST",
        "/cases/{case}/other-support/{support}",
        row(302, 403, 422, 403, 403, 403, 403),
    ),
    (
        "cases.correct_other_support",
        "POST",
        "/cases/{other_case}/other-support/{support}",
        row(302, 403, 404, 403, 403, 403, 403),
    ),
    (
        "vouchers.forgo_other_support",
        "POST",
        "/vouchers/{voucher}/forgo-other-support",
        row(302, 302, 403, 403, 403, 403, 403),
    ),
    (
        "vouchers.forgo_other_support",
        "POST",
        "/vouchers/{other_voucher}/forgo-other-support",
        row(302, 404, 403, 403, 403, 403, 403),
    ),
    ("api.size_standard", "GET", "/api/v1/size-standard", EVERYONE_200),
    (
        "api.list_size_declarations",
        "GET",
        "/api/v1/enterprises/{own}/size-declarations",
        row(401, 200, 200, 403, 403, 403, 200),
    ),
    (
        "api.list_size_declarations",
        "GET",
        "/api/v1/enterprises/{other}/size-declarations",
        row(401, 404, 200, 403, 403, 403, 200),
    ),
    (
        "api.declare_size",
        "POST",
        "/api/v1/enterprises/{own}/size-declarations",
        row(401, 422, 403, 403, 403, 403, 403),
    ),
    (
        "api.declare_size",
        "POST",
        "/api/v1/enterprises/{other}/size-declarations",
        row(401, 404, 403, 403, 403, 403, 403),
    ),
    (
        "api.list_other_support",
        "GET",
        "/api/v1/cases/{case}/other-support",
        row(401, 200, 200, 403, 403, 403, 403),
    ),
    (
        "api.list_other_support",
        "GET",
        "/api/v1/cases/{other_case}/other-support",
        row(401, 404, 200, 403, 403, 403, 403),
    ),
    (
        "api.declare_other_support",
        "POST",
        "/api/v1/cases/{case}/other-support",
        row(401, 422, 403, 403, 403, 403, 403),
    ),
    (
        "api.declare_other_support",
        "POST",
        "/api/v1/cases/{other_case}/other-support",
        row(401, 404, 403, 403, 403, 403, 403),
    ),
    (
        "api.correct_other_support",
        "PUT",
        "/api/v1/cases/{case}/other-support/{support}",
        row(401, 403, 422, 403, 403, 403, 403),
    ),
    (
        "api.correct_other_support",
        "PUT",
        "/api/v1/cases/{other_case}/other-support/{support}",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.forgo_other_support",
        "POST",
        "/api/v1/vouchers/{voucher}/forgo-other-support",
        row(401, 422, 403, 403, 403, 403, 403),
    ),
    (
        "api.forgo_other_support",
        "POST",
        "/api/v1/vouchers/{other_voucher}/forgo-other-support",
        row(401, 404, 403, 403, 403, 403, 403),
    ),
    ("api.put_voucher_policy", "PUT", "/api/v1/voucher-policy", row(401, 403, 403, 403, 403, 403, 422)),
    # --- disputes API (issue 7) ---
    # {dispute}: the applicant's appeal, handled by the legal partner's organisation; others get 404.
    ("api.raise_dispute", "POST", "/api/v1/cases/{case}/disputes", row(401, 409, 409, 404, 404, 404, 404)),
    ("api.list_disputes", "GET", "/api/v1/disputes", row(401, 200, 200, 403, 200, 403, 403)),
    ("api.get_dispute", "GET", "/api/v1/disputes/{dispute}", row(401, 200, 200, 404, 200, 404, 404)),
    ("api.get_dispute", "GET", "/api/v1/disputes/{other_dispute}", row(401, 404, 200, 404, 404, 404, 404)),
    (
        "api.act_on_dispute",
        "POST",
        "/api/v1/disputes/{dispute}/actions",
        row(401, 422, 422, 404, 422, 404, 404),
    ),
    (
        "api.act_on_dispute",
        "POST",
        "/api/v1/disputes/{other_dispute}/actions",
        row(401, 404, 422, 404, 404, 404, 404),
    ),
    (
        "api.assign_dispute",
        "PUT",
        "/api/v1/disputes/{dispute}/assignee",
        row(401, 403, 403, 404, 422, 404, 404),
    ),
    (
        "api.list_dispute_messages",
        "GET",
        "/api/v1/disputes/{dispute}/messages",
        row(401, 200, 200, 404, 200, 404, 404),
    ),
    (
        "api.post_dispute_message",
        "POST",
        "/api/v1/disputes/{dispute}/messages",
        row(401, 422, 422, 404, 422, 404, 404),
    ),
    (
        "api.list_dispute_evidence",
        "GET",
        "/api/v1/disputes/{dispute}/evidence",
        row(401, 200, 200, 404, 200, 404, 404),
    ),
    (
        "api.list_dispute_evidence",
        "GET",
        "/api/v1/disputes/{other_dispute}/evidence",
        row(401, 404, 200, 404, 404, 404, 404),
    ),
    (
        "api.add_dispute_evidence",
        "POST",
        "/api/v1/disputes/{dispute}/evidence",
        row(401, 422, 422, 404, 422, 404, 404),
    ),
    (
        "api.download_evidence",
        "GET",
        "/api/v1/disputes/{dispute}/evidence/999999",
        row(401, 404, 404, 404, 404, 404, 404),
    ),
    (
        "api.withdraw_evidence",
        "POST",
        "/api/v1/disputes/{dispute}/evidence/999999/withdrawal",
        row(401, 404, 404, 404, 404, 404, 404),
    ),
    (
        "api.evidence_package",
        "GET",
        "/api/v1/disputes/{dispute}/evidence-package",
        row(401, 200, 200, 404, 200, 404, 404),
    ),
    (
        "api.evidence_package",
        "GET",
        "/api/v1/disputes/{other_dispute}/evidence-package",
        row(401, 404, 200, 404, 404, 404, 404),
    ),
    (
        "api.apply_exemption",
        "POST",
        "/api/v1/cases/{case}/exemptions",
        row(401, 422, 403, 404, 404, 404, 404),
    ),
    ("api.list_exemptions", "GET", "/api/v1/exemptions", row(401, 200, 200, 403, 200, 403, 403)),
    ("api.get_exemption", "GET", "/api/v1/exemptions/999999", row(401, 404, 404, 404, 404, 404, 404)),
    (
        "api.give_exemption_opinion",
        "POST",
        "/api/v1/exemptions/999999/opinion",
        row(401, 404, 404, 404, 404, 404, 404),
    ),
    (
        "api.decide_exemption",
        "POST",
        "/api/v1/exemptions/999999/decision",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    # --- the mediation agreement of a contract dispute: the two parties and the mediator; a regulator 403 ---
    (
        "api.get_agreement",
        "GET",
        "/api/v1/disputes/{contract}/agreement",
        row(401, 200, 403, 404, 200, 200, 404),
    ),
    (
        "api.get_agreement",
        "GET",
        "/api/v1/disputes/{dispute}/agreement",
        row(401, 404, 404, 404, 404, 404, 404),
    ),
    (
        "api.record_agreement",
        "PUT",
        "/api/v1/disputes/{contract}/agreement",
        row(401, 403, 403, 404, 422, 403, 404),
    ),
    (
        "api.agreement_pdf",
        "GET",
        "/api/v1/disputes/{contract}/agreement/pdf",
        row(401, 200, 403, 404, 200, 200, 404),
    ),
    (
        "api.confirm_agreement",
        "POST",
        "/api/v1/disputes/{contract}/agreement/confirmations",
        row(401, 200, 403, 404, 403, 200, 404),
    ),
    (
        "disputes.agreement_detail",
        "GET",
        "/disputes/{contract}/agreement",
        row(302, 200, 403, 403, 200, 200, 403),
    ),
    (
        "disputes.agreement_detail",
        "GET",
        "/disputes/{dispute}/agreement",
        row(302, 404, 404, 403, 404, 404, 403),
    ),
    (
        "disputes.record_agreement",
        "POST",
        "/disputes/{contract}/agreement",
        row(302, 403, 403, 403, 422, 403, 403),
    ),
    (
        "disputes.agreement_pdf",
        "GET",
        "/disputes/{contract}/agreement.pdf",
        row(302, 200, 403, 403, 200, 200, 403),
    ),
    (
        "disputes.confirm_agreement",
        "POST",
        "/disputes/{contract}/agreement/confirm",
        row(302, 302, 403, 403, 403, 302, 403),
    ),
    # --- disputes and exemptions pages (issue 7) ---
    # {dispute} is the applicant's appeal (case rejected, dispute opened) at the legal partner's centre.
    ("disputes.dispute_list", "GET", "/disputes", row(302, 200, 200, 403, 200, 403, 403)),
    ("disputes.dispute_detail", "GET", "/disputes/{dispute}", row(302, 200, 200, 403, 200, 403, 403)),
    ("disputes.dispute_detail", "GET", "/disputes/{other_dispute}", row(302, 404, 200, 403, 404, 403, 403)),
    ("disputes.dispute_detail", "GET", "/disputes/999999", row(302, 404, 404, 403, 404, 403, 403)),
    # Settling needs mediation first: the handler gets 409; the parties who may not settle get 403.
    (
        "disputes.act",
        "POST",
        "/disputes/{dispute}/actions/settle",
        row(302, 403, 403, 403, 409, 403, 403),
    ),
    (
        "disputes.act",
        "POST",
        "/disputes/{other_dispute}/actions/settle",
        row(302, 404, 403, 403, 404, 403, 403),
    ),
    ("disputes.assign", "POST", "/disputes/{dispute}/assign", row(302, 403, 403, 403, 422, 403, 403)),
    ("disputes.assign", "POST", "/disputes/{other_dispute}/assign", row(302, 403, 403, 403, 404, 403, 403)),
    ("disputes.post_message", "POST", "/disputes/{dispute}/messages", row(302, 422, 422, 403, 422, 403, 403)),
    (
        "disputes.post_message",
        "POST",
        "/disputes/{other_dispute}/messages",
        row(302, 404, 422, 403, 404, 403, 403),
    ),
    ("disputes.add_evidence", "POST", "/disputes/{dispute}/evidence", row(302, 422, 422, 403, 422, 403, 403)),
    (
        "disputes.withdraw_evidence",
        "POST",
        "/disputes/{dispute}/evidence/999999/withdraw",
        row(302, 404, 404, 403, 404, 403, 403),
    ),
    (
        "disputes.download_evidence",
        "GET",
        "/disputes/{dispute}/evidence/999999",
        row(302, 404, 404, 403, 404, 403, 403),
    ),
    (
        "disputes.evidence_package",
        "GET",
        "/disputes/{dispute}/evidence-package",
        row(302, 200, 200, 403, 200, 403, 403),
    ),
    (
        "disputes.evidence_package",
        "GET",
        "/disputes/{other_dispute}/evidence-package",
        row(302, 404, 200, 403, 404, 403, 403),
    ),
    # {case} is in filing review, where no dispute can be raised (409); {other_case} is not the applicant's.
    ("disputes.new_dispute", "GET", "/cases/{case}/disputes/new", row(302, 409, 409, 403, 403, 403, 403)),
    (
        "disputes.new_dispute",
        "GET",
        "/cases/{other_case}/disputes/new",
        row(302, 404, 409, 403, 403, 403, 403),
    ),
    ("disputes.new_dispute", "POST", "/cases/{case}/disputes/new", row(302, 409, 409, 403, 403, 403, 403)),
    # A review of a certificate revocation (issue 14): {case} has no revoked certificate, so the enterprise's
    # applicants get 409; only they may request one; the office reads where it stands.
    (
        "disputes.request_review",
        "GET",
        "/cases/{case}/certificate-review",
        row(302, 409, 403, 403, 403, 403, 403),
    ),
    (
        "disputes.request_review",
        "GET",
        "/cases/{other_case}/certificate-review",
        row(302, 404, 403, 403, 403, 403, 403),
    ),
    (
        "disputes.request_review",
        "POST",
        "/cases/{case}/certificate-review",
        row(302, 409, 403, 403, 403, 403, 403),
    ),
    (
        "api.get_certificate_review",
        "GET",
        "/api/v1/cases/{case}/certificate-review",
        row(401, 200, 200, 403, 403, 403, 403),
    ),
    (
        "api.get_certificate_review",
        "GET",
        "/api/v1/cases/{other_case}/certificate-review",
        row(401, 404, 200, 403, 403, 403, 403),
    ),
    (
        "api.request_certificate_review",
        "POST",
        "/api/v1/cases/{case}/certificate-review",
        row(401, 409, 403, 403, 403, 403, 403),
    ),
    (
        "api.request_certificate_review",
        "POST",
        "/api/v1/cases/{other_case}/certificate-review",
        row(401, 404, 403, 403, 403, 403, 403),
    ),
    ("exemptions.exemption_list", "GET", "/exemptions", row(302, 200, 200, 403, 200, 403, 403)),
    ("exemptions.exemption_detail", "GET", "/exemptions/999999", row(302, 404, 404, 403, 404, 403, 403)),
    (
        "exemptions.give_opinion",
        "POST",
        "/exemptions/999999/opinion",
        row(302, 403, 403, 403, 404, 403, 403),
    ),
    ("exemptions.decide", "POST", "/exemptions/999999/decision", row(302, 403, 404, 403, 403, 403, 403)),
    # Exemptions are applied for during the trial only: {case} is in filing review (409).
    ("exemptions.new_exemption", "GET", "/cases/{case}/exemptions/new", APPLICANT_ONLY | {"applicant": 409}),
    (
        "exemptions.new_exemption",
        "GET",
        "/cases/{other_case}/exemptions/new",
        APPLICANT_ONLY | {"applicant": 404},
    ),
    ("exemptions.new_exemption", "POST", "/cases/{case}/exemptions/new", APPLICANT_ONLY | {"applicant": 409}),
    # --- public registry and consent (issue 8) ---
    # The registry is public; {case} is in filing review, so it is not in the registry and its consent
    # can still change (by the enterprise's applicants only; regulators read it).
    ("registry.registry_list", "GET", "/registry", EVERYONE_200),
    # --- the service guide and open data (issue 17): public, no login ---
    ("guide.service_guide", "GET", "/guide", EVERYONE_200),
    ("api.get_guide", "GET", "/api/v1/guide", EVERYONE_200),
    ("open_data.open_data", "GET", "/open-data", EVERYONE_200),
    ("open_data.chart_csv", "GET", "/open-data/filings_per_month.csv", EVERYONE_200),
    ("open_data.chart_csv", "GET", "/open-data/voucher_budget.csv", row(404, 404, 404, 404, 404, 404, 404)),
    ("api.get_open_data", "GET", "/api/v1/open-data", EVERYONE_200),
    ("api.get_open_data", "GET", "/api/v1/open-data?sector=x", row(422, 422, 422, 422, 422, 422, 422)),
    ("registry.registry_detail", "GET", "/registry/YZSB-2099-9999", row(404, 404, 404, 404, 404, 404, 404)),
    ("api.list_registry", "GET", "/api/v1/registry", EVERYONE_200),
    ("api.list_registry", "GET", "/api/v1/registry?sector=x", row(422, 422, 422, 422, 422, 422, 422)),
    (
        "api.get_registry_entry",
        "GET",
        "/api/v1/registry/YZSB-2099-9999",
        row(404, 404, 404, 404, 404, 404, 404),
    ),
    ("api.get_publication_consent", "GET", "/api/v1/cases/{case}/publication-consent", CASE_READ),
    (
        "api.get_publication_consent",
        "GET",
        "/api/v1/cases/{other_case}/publication-consent",
        row(401, 404, 200, 404, 404, 404, 404),
    ),
    (
        "api.put_publication_consent",
        "PUT",
        "/api/v1/cases/{case}/publication-consent",
        row(401, 422, 403, 404, 404, 404, 404),
    ),
    (
        "api.put_publication_consent",
        "PUT",
        "/api/v1/cases/{other_case}/publication-consent",
        row(401, 404, 403, 404, 404, 404, 404),
    ),
    (
        "cases.publication_consent",
        "POST",
        "/cases/{case}/publication-consent",
        row(302, 302, 403, 403, 403, 403, 403),
    ),
    (
        "cases.publication_consent",
        "POST",
        "/cases/{other_case}/publication-consent",
        row(302, 404, 403, 403, 403, 403, 403),
    ),
    # --- typical cases (issue 8) ---
    # Public: the list for everyone, nothing published in this world (404). {case} is in filing review, so
    # a regulator's proposal is refused (409); applicants see only their enterprise's typical cases.
    ("typical.public_list", "GET", "/typical-cases", EVERYONE_200),
    ("typical.public_detail", "GET", "/typical-cases/999999", row(404, 404, 404, 404, 404, 404, 404)),
    (
        "typical.collection_pdf",
        "GET",
        "/typical-cases/general_data/2026.pdf",
        row(404, 404, 404, 404, 404, 404, 404),
    ),
    ("typical.workspace", "GET", "/typical-cases/workspace", row(302, 200, 200, 403, 403, 403, 403)),
    ("typical.propose", "GET", "/cases/{case}/typical-case", row(302, 403, 409, 403, 403, 403, 403)),
    ("typical.propose", "POST", "/cases/{case}/typical-case", row(302, 403, 409, 403, 403, 403, 403)),
    ("typical.propose", "GET", "/cases/999999/typical-case", row(302, 403, 404, 403, 403, 403, 403)),
    ("typical.record", "GET", "/typical-cases/workspace/999999", row(302, 404, 404, 403, 403, 403, 403)),
    (
        "typical.revise",
        "POST",
        "/typical-cases/workspace/999999/edit",
        row(302, 403, 404, 403, 403, 403, 403),
    ),
    (
        "typical.decide",
        "POST",
        "/typical-cases/workspace/999999/decision",
        row(302, 404, 403, 403, 403, 403, 403),
    ),
    (
        "typical.publish",
        "POST",
        "/typical-cases/workspace/999999/publish",
        row(302, 403, 404, 403, 403, 403, 403),
    ),
    (
        "typical.withdraw",
        "POST",
        "/typical-cases/workspace/999999/withdraw",
        row(302, 403, 404, 403, 403, 403, 403),
    ),
    ("api.list_typical_cases", "GET", "/api/v1/typical-cases", EVERYONE_200),
    ("api.get_typical_case", "GET", "/api/v1/typical-cases/999999", row(404, 404, 404, 404, 404, 404, 404)),
    (
        "api.typical_case_collection",
        "GET",
        "/api/v1/typical-cases/collections/general_data/2026",
        row(404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "api.list_typical_case_proposals",
        "GET",
        "/api/v1/typical-case-proposals",
        row(401, 200, 200, 403, 403, 403, 403),
    ),
    (
        "api.get_typical_case_proposal",
        "GET",
        "/api/v1/typical-case-proposals/999999",
        row(401, 404, 404, 403, 403, 403, 403),
    ),
    (
        "api.propose_typical_case",
        "POST",
        "/api/v1/cases/{case}/typical-case-proposal",
        row(401, 403, 409, 403, 403, 403, 403),
    ),
    (
        "api.revise_typical_case",
        "PUT",
        "/api/v1/typical-case-proposals/999999",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.decide_typical_case",
        "POST",
        "/api/v1/typical-case-proposals/999999/decision",
        row(401, 404, 404, 403, 403, 403, 403),
    ),
    (
        "api.publish_typical_case",
        "POST",
        "/api/v1/typical-case-proposals/999999/publication",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.withdraw_typical_case",
        "POST",
        "/api/v1/typical-case-proposals/999999/withdrawal",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    # --- statistics (issue 8) ---
    ("statistics.dashboard", "GET", "/statistics", row(302, 403, 200, 403, 403, 403, 403)),
    ("statistics.chart_csv", "GET", "/statistics/outcomes.csv", row(302, 403, 200, 403, 403, 403, 403)),
    (
        "statistics.annual_report",
        "GET",
        "/statistics/annual-report/2026.pdf",
        row(302, 403, 200, 403, 403, 403, 403),
    ),
    ("api.get_statistics", "GET", "/api/v1/statistics", row(401, 403, 200, 403, 403, 403, 403)),
    # --- API completeness (issue 8) ---
    # API twins of the admin, account and lookup pages; JSON bodies are sent empty ({}), so a role that may
    # act gets 422. {own}'s declaration exists (registration records it); no certificate exists.
    ("api.list_users", "GET", "/api/v1/users", row(401, 403, 403, 403, 403, 403, 200)),
    ("api.get_user", "GET", "/api/v1/users/{other_user}", row(401, 403, 403, 403, 403, 403, 200)),
    (
        "api.set_user_active",
        "PUT",
        "/api/v1/users/{other_user}/active",
        row(401, 403, 403, 403, 403, 403, 422),
    ),
    (
        "api.reset_user_password",
        "PUT",
        "/api/v1/users/{other_user}/password",
        row(401, 403, 403, 403, 403, 403, 422),
    ),
    ("api.list_organisations", "GET", "/api/v1/organisations", row(401, 403, 403, 403, 403, 403, 200)),
    ("api.create_organisation", "POST", "/api/v1/organisations", row(401, 403, 403, 403, 403, 403, 422)),
    ("api.list_enterprises", "GET", "/api/v1/enterprises", row(401, 403, 200, 403, 403, 403, 200)),
    (
        "api.get_declaration",
        "GET",
        "/api/v1/enterprises/{own}/declaration",
        row(401, 200, 200, 404, 404, 404, 200),
    ),
    (
        "api.get_declaration",
        "GET",
        "/api/v1/enterprises/{other}/declaration",
        row(401, 404, 200, 404, 404, 404, 200),
    ),
    ("api.list_keys", "GET", "/api/v1/keys", row(401, 403, 403, 403, 403, 403, 200)),
    ("api.rotate_key", "POST", "/api/v1/keys/rotate", row(401, 403, 403, 403, 403, 403, 422)),
    ("api.revoke_key", "POST", "/api/v1/keys/x/revocation", row(401, 403, 403, 403, 403, 403, 422)),
    ("api.update_me", "PATCH", "/api/v1/me", row(401, 200, 200, 200, 200, 200, 200)),
    ("api.change_password", "POST", "/api/v1/me/password", row(401, 422, 422, 422, 422, 422, 422)),
    ("api.my_certificates", "GET", "/api/v1/me/certificates", row(401, 200, 200, 403, 403, 403, 403)),
    # The world's provider organisation is not in the approved pool.
    ("api.my_provider_entry", "GET", "/api/v1/me/provider", row(401, 403, 403, 403, 403, 404, 403)),
    ("api.get_directory", "GET", "/api/v1/directory", row(401, 200, 200, 200, 200, 403, 403)),
    ("api.case_queues", "GET", "/api/v1/case-queues", row(401, 403, 200, 403, 403, 403, 403)),
    (
        "api.case_certificate",
        "GET",
        "/api/v1/cases/{case}/certificate",
        row(401, 404, 404, 403, 403, 403, 403),
    ),
    (
        "api.case_certificate",
        "GET",
        "/api/v1/cases/{other_case}/certificate",
        row(401, 404, 404, 403, 403, 403, 403),
    ),
    (
        "api.certificate_history",
        "GET",
        "/api/v1/certificates/x/history",
        row(401, 404, 404, 403, 403, 403, 403),
    ),
    (
        "api.certificate_voucher",
        "GET",
        "/api/v1/certificates/x/voucher",
        row(401, 404, 404, 403, 403, 403, 403),
    ),
    (
        "api.dispute_colleagues",
        "GET",
        "/api/v1/disputes/{dispute}/colleagues",
        row(401, 403, 403, 403, 200, 403, 403),
    ),
    (
        "api.dispute_colleagues",
        "GET",
        "/api/v1/disputes/{other_dispute}/colleagues",
        row(401, 403, 403, 403, 404, 403, 403),
    ),
    (
        "api.voucher_policy_versions",
        "GET",
        "/api/v1/voucher-policy/versions",
        row(401, 403, 403, 403, 403, 403, 200),
    ),
    # --- operations (issue 9) ---
    # Liveness and readiness answer everyone, for load balancers and orchestrators.
    ("ops.healthz", "GET", "/healthz", EVERYONE_200),
    ("ops.readyz", "GET", "/readyz", EVERYONE_200),
    # Forms posted empty: refused input (422) where the role may post, else the role check answers.
    ("auth.login", "POST", "/login", row(401, 302, 302, 302, 302, 302, 302)),
    ("auth.register", "POST", "/register", row(422, 302, 302, 302, 302, 302, 302)),
    ("auth.change_password", "POST", "/account/password", row(302, 422, 422, 422, 422, 422, 422)),
    ("admin.new_user", "POST", "/admin/users/new", row(302, 403, 403, 403, 403, 403, 422)),
    (
        "admin.reset_password",
        "POST",
        "/admin/users/{other_user}/password",
        row(302, 403, 403, 403, 403, 403, 422),
    ),
    ("admin.organisation_list", "POST", "/admin/organisations", row(302, 403, 403, 403, 403, 403, 422)),
    # --- two-person rules (issue 14) ---
    # Proposals are the office's: regulators act (404 for an id that does not exist), everyone else 403.
    ("admin.two_person_rules", "GET", "/admin/two-person-policy", ADMIN_ONLY),
    # Posted without the confirmation box ticked: refused input.
    ("admin.two_person_rules", "POST", "/admin/two-person-policy", row(302, 403, 403, 403, 403, 403, 422)),
    ("proposals.act", "POST", "/proposals/999999/confirm", row(302, 403, 404, 403, 403, 403, 403)),
    (
        "api.propose_certificate_status",
        "POST",
        "/api/v1/certificates/x/status-proposals",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.reissue_certificate",
        "POST",
        "/api/v1/certificates/x/reissue",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.certificate_status_proposals",
        "GET",
        "/api/v1/certificates/x/status-proposals",
        row(401, 404, 404, 403, 403, 403, 403),
    ),
    (
        "api.propose_exemption_decision",
        "POST",
        "/api/v1/exemptions/999999/decision-proposals",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.exemption_decision_proposals",
        "GET",
        "/api/v1/exemptions/999999/decision-proposals",
        row(401, 404, 404, 403, 404, 403, 403),
    ),
    ("api.list_proposals", "GET", "/api/v1/proposals", row(401, 403, 200, 403, 403, 403, 403)),
    ("api.get_proposal", "GET", "/api/v1/proposals/999999", row(401, 403, 404, 403, 403, 403, 403)),
    (
        "api.confirm_proposal",
        "POST",
        "/api/v1/proposals/999999/confirmation",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.decline_proposal",
        "POST",
        "/api/v1/proposals/999999/declination",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    (
        "api.withdraw_proposal",
        "POST",
        "/api/v1/proposals/999999/withdrawal",
        row(401, 403, 404, 403, 403, 403, 403),
    ),
    ("api.get_two_person_policy", "GET", "/api/v1/two-person-policy", row(401, 403, 200, 403, 403, 403, 200)),
    ("api.put_two_person_policy", "PUT", "/api/v1/two-person-policy", row(401, 403, 403, 403, 403, 403, 422)),
    (
        "api.two_person_policy_versions",
        "GET",
        "/api/v1/two-person-policy/versions",
        row(401, 403, 403, 403, 403, 403, 200),
    ),
    # Last: it revokes the token the rows above use.
    ("api.revoke_token", "DELETE", "/api/v1/tokens", row(401, 204, 204, 204, 204, 204, 204)),
]


@pytest.fixture
def world(app, session):
    """One user per role; the applicant's enterprise with a submitted case (with a document) and a draft;
    another enterprise with a submitted case."""
    users = {role: factories.make_user(session, role) for role in ROLES if role != "anonymous"}
    other = factories.make_user(session, "applicant")
    case = factories.make_case(session, users["applicant"])
    document = factories.make_document(session, app, users["applicant"], case)
    factories.submit_case(session, users["applicant"], case)
    other_case = factories.submit_case(session, other, factories.make_case(session, other))
    draft = factories.make_case(session, users["applicant"], title="草稿项目")
    # {dispute}: the applicant's appeal, assigned to the legal partner's organisation;
    # {other_dispute}: another enterprise's appeal, assigned to another mediation centre.
    dispute = factories.make_dispute(
        session, users["applicant"], organisation_id=users["legal_partner"].organisation_id
    )
    centre = factories.make_organisation(session, OrganisationKind.MEDIATION_CENTRE)
    other_dispute = factories.make_dispute(session, other, organisation_id=centre.id)
    # {contract}: the applicant's contract dispute against the service provider's organisation, settled by
    # the legal partner, its agreement's terms recorded.
    contract = factories.make_contract_dispute(
        session, users["applicant"], organisation_id=users["legal_partner"].organisation_id,
        counterparty_org_id=users["service_provider"].organisation_id, mediator=users["legal_partner"],
    )  # fmt: skip
    vouchers = [factories.make_voucher(session, holder) for holder in (users["applicant"], other)]
    redemption, other_redemption = (factories.make_redemption(session, app, v) for v in vouchers)
    support = other_support.declare(
        session, actor=users["applicant"], case=case,
        data={"programme": "data_voucher", "amount_fen": 100, "status": "applied"},
    )  # fmt: skip
    session.commit()
    return users, {
        "own": users["applicant"].enterprise_id,
        "other": other.enterprise_id,
        "other_user": other.id,
        "case": case.id,
        "other_case": other_case.id,
        "document": document.id,
        "draft": draft.id,
        "dispute": dispute.id,
        "other_dispute": other_dispute.id,
        "contract": contract.id,
        "redemption": redemption.id,
        "other_redemption": other_redemption.id,
        "voucher": vouchers[0].id,
        "other_voucher": vouchers[1].id,
        "support": support.id,
    }


@pytest.mark.parametrize("role", ROLES)
def test_role_gets_the_expected_status_everywhere(app, world, role: str) -> None:
    users, ids = world
    web, api = app.test_client(), app.test_client()
    headers = {}
    if role != "anonymous":
        email = users[role].email
        assert web.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
        token = api.post("/api/v1/tokens", json={"email": email, "password": factories.PASSWORD}).get_json()[
            "token"
        ]
        headers = {"Authorization": f"Bearer {token}"}
    failures = []
    for endpoint, method, path, expected in MATRIX:
        url = path.format(**ids)
        if url.startswith("/api/"):
            body = {"event": "submit"} if endpoint == "api.fire_event" else {}
            response = api.open(url, method=method, headers=headers, json=body if method != "GET" else None)
        else:
            response = web.open(
                url, method=method, data={"locale": "zh"} if endpoint == "main.set_language" else None
            )
        response.close()  # file downloads hold the file open until closed
        if response.status_code != expected[role]:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected[role]}")
        if endpoint == "auth.logout" and role != "anonymous":
            web.post("/login", data={"email": users[role].email, "password": factories.PASSWORD})
    assert not failures, "\n".join(failures)


def test_every_endpoint_is_in_the_matrix(app) -> None:
    covered = {(endpoint, method) for endpoint, method, _, _ in MATRIX}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in covered, f"{method} {rule.rule} is missing from the matrix"


def test_policies_deny_by_default() -> None:
    class Inactive:
        id, role, enterprise_id, organisation_id, active = 1, Role.ADMIN, None, None, False

    assert not has_permission(None, Permission.MANAGE_USERS)
    assert not has_permission(Inactive(), Permission.MANAGE_USERS)  # type: ignore[arg-type]
