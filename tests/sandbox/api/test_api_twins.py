"""Everything a person can do or see in the pages has a JSON API twin, documented with examples.

`PAGE_TWINS` names, for every page endpoint, the API endpoints that do or show the same; a new page
without an entry fails `test_every_page_has_an_api_twin`. Every documented example must match its own
schema, and ids beyond what the database holds are a 404 or 422, never a 500.
"""

from __future__ import annotations

import jsonschema

PAGE_TWINS: dict[str, tuple[str, ...]] = {
    "main.index": (),  # the landing page: links only
    "main.dashboard": ("api.list_cases", "api.case_available_events", "api.list_proposals"),
    "main.set_language": ("api.update_me",),
    "main.enterprise_list": ("api.list_enterprises",),
    "main.enterprise_detail": ("api.get_enterprise", "api.get_declaration", "api.list_size_declarations"),
    "main.size_declaration": ("api.list_size_declarations", "api.size_standard"),
    "main.declare_size": ("api.declare_size",),
    "cases.declare_other_support": ("api.declare_other_support",),
    "cases.correct_other_support": ("api.correct_other_support",),
    "vouchers.forgo_other_support": ("api.forgo_other_support",),
    "main.own_enterprise": ("api.me",),
    "auth.login": ("api.create_token",),
    "auth.logout": ("api.revoke_token",),
    "auth.register": ("api.register",),
    "auth.change_password": ("api.change_password",),
    "auth.account": ("api.me",),
    "admin.users": ("api.list_users",),
    "admin.new_user": ("api.create_user", "api.list_organisations"),
    "admin.set_active": ("api.set_user_active",),
    "admin.reset_password": ("api.reset_user_password",),
    "admin.organisation_list": ("api.list_organisations", "api.create_organisation"),
    "admin.calendar_years": ("api.list_years", "api.import_year"),
    "admin.two_person_rules": (
        "api.get_two_person_policy",
        "api.put_two_person_policy",
        "api.two_person_policy_versions",
    ),
    "cases.case_list": ("api.list_cases", "api.case_queues"),
    "cases.export_xlsx": ("api.export_cases",),
    "cases.case_detail": (
        "api.get_case",
        "api.list_events",
        "api.case_available_events",
        "api.list_documents",
        "api.list_materials",
        "api.list_reports",
        "api.list_guidance",
        "api.list_evaluations",
        "api.get_risk_assessment",
        "api.list_conclusions",
        "api.list_other_support",
    ),  # fmt: skip
    "cases.plan_versions": ("api.plan_versions",),
    "cases.download": ("api.download_document",),
    "cases.receipt": ("api.case_receipt",),
    "cases.submit_conclusion": ("api.submit_conclusion",),
    "cases.send_for_review": ("api.send_for_review",),
    "cases.reissue_query_code": ("api.reissue_query_code",),
    "progress.progress_page": ("api.check_progress",),
    "cases.fire": ("api.fire_event",),
    "cases.upload": ("api.upload_document",),
    "cases.upload_material": ("api.list_materials", "api.upload_document"),
    "cases.file_report": ("api.file_report",),
    "cases.issue_guidance": ("api.issue_guidance",),
    "cases.acknowledge": ("api.acknowledge_guidance",),
    "cases.score": ("api.add_evaluation",),
    "cases.assign": ("api.patch_case", "api.get_directory"),
    "cases.new_case": ("api.create_case",),
    "cases.edit_case": ("api.patch_case", "api.list_materials"),
    "cases.publication_consent": ("api.get_publication_consent", "api.put_publication_consent"),
    "notifications.notification_list": ("api.list_notifications",),
    "notifications.mark_read": ("api.read_notification",),
    "notifications.mark_all_read": ("api.read_all_notifications",),
    "verify.verify_page": ("api.verify_certificate",),
    "verify.landing": ("api.get_certificate", "api.verify_certificate"),
    "verify.log_browser": ("api.log_checkpoint", "api.log_entries"),
    "verify.log_entry": ("api.log_entries", "api.inclusion_proof"),
    "certificates.certificate_list": ("api.my_certificates",),
    "certificates.certificate_detail": (
        "api.get_certificate",
        "api.certificate_history",
        "api.certificate_status_proposals",
    ),
    "certificates.case_certificate": ("api.case_certificate",),
    "certificates.download_pdf": ("api.certificate_pdf",),
    "certificates.change_status": ("api.propose_certificate_status",),
    "certificates.reissue_certificate": ("api.reissue_certificate",),
    "certificates.keys": ("api.list_keys",),
    "certificates.rotate_key": ("api.rotate_key",),
    "vouchers.voucher_list": ("api.list_vouchers",),
    "vouchers.voucher_detail": ("api.get_voucher", "api.list_redemptions"),
    "vouchers.certificate_voucher": ("api.certificate_voucher",),
    "vouchers.redeem": ("api.my_provider_entry", "api.get_voucher_policy"),
    "vouchers.redeem_post": ("api.create_redemption",),
    "vouchers.redemption_list": ("api.list_redemptions",),
    "vouchers.decide": ("api.decide_redemption",),
    "vouchers.redemption_detail": ("api.get_redemption",),
    "vouchers.redemption_invoice": ("api.redemption_invoice",),
    "vouchers.holder_decision": ("api.holder_decision",),
    "vouchers.withdraw": ("api.withdraw_redemption",),
    "vouchers.budget": ("api.voucher_budget",),
    "vouchers.export_csv": ("api.export_redemptions",),
    "vouchers.export_xlsx": ("api.export_voucher_books",),
    "vouchers.provider_pool": ("api.list_providers", "api.get_directory"),
    "vouchers.save_provider": ("api.save_provider",),
    "vouchers.related_parties": ("api.list_related_parties",),
    "vouchers.declare_related_party": ("api.declare_related_party",),
    "vouchers.policy": ("api.get_voucher_policy", "api.voucher_policy_versions"),
    "vouchers.save_policy": ("api.put_voucher_policy",),
    "disputes.dispute_list": ("api.list_disputes",),
    "disputes.request_review": ("api.get_certificate_review", "api.request_certificate_review"),
    "disputes.dispute_detail": (
        "api.get_dispute",
        "api.list_dispute_messages",
        "api.list_dispute_evidence",
        "api.dispute_colleagues",
    ),
    "disputes.act": ("api.act_on_dispute",),
    "disputes.assign": ("api.assign_dispute",),
    "disputes.add_evidence": ("api.add_dispute_evidence",),
    "disputes.evidence_package": ("api.evidence_package",),
    "disputes.download_evidence": ("api.download_evidence",),
    "disputes.withdraw_evidence": ("api.withdraw_evidence",),
    "disputes.post_message": ("api.post_dispute_message",),
    "disputes.agreement_detail": ("api.get_agreement",),
    "disputes.record_agreement": ("api.record_agreement",),
    "disputes.confirm_agreement": ("api.confirm_agreement",),
    "disputes.agreement_pdf": ("api.agreement_pdf",),
    "disputes.new_dispute": ("api.raise_dispute", "api.get_directory"),
    "exemptions.exemption_list": ("api.list_exemptions",),
    "exemptions.exemption_detail": ("api.get_exemption", "api.exemption_decision_proposals"),
    "exemptions.decide": ("api.propose_exemption_decision",),
    "proposals.act": ("api.confirm_proposal", "api.decline_proposal", "api.withdraw_proposal"),
    "exemptions.give_opinion": ("api.give_exemption_opinion",),
    "exemptions.new_exemption": ("api.apply_exemption", "api.list_reports", "api.get_directory"),
    # Issue 8's public registry, typical cases and statistics (their own API modules).
    "registry.registry_list": ("api.list_registry",),
    "registry.registry_detail": ("api.get_registry_entry",),
    "statistics.dashboard": ("api.get_statistics",),
    "statistics.chart_csv": ("api.get_statistics",),
    "statistics.annual_report": ("api.get_statistics",),  # the same figures, printed
    "guide.service_guide": ("api.get_guide",),
    "open_data.open_data": ("api.get_open_data",),
    "open_data.chart_csv": ("api.get_open_data",),
    "typical.propose": ("api.propose_typical_case",),
    "typical.public_list": ("api.list_typical_cases",),
    "typical.public_detail": ("api.get_typical_case",),
    "typical.collection_pdf": ("api.typical_case_collection",),
    "typical.workspace": ("api.list_typical_case_proposals",),
    "typical.record": ("api.get_typical_case_proposal",),
    "typical.decide": ("api.decide_typical_case",),
    "typical.revise": ("api.revise_typical_case",),
    "typical.publish": ("api.publish_typical_case",),
    "typical.withdraw": ("api.withdraw_typical_case",),
}
# Already for machines: the key set, the credential context, the issuer's controller document, the tiled
# log, probes.
MACHINE_ENDPOINTS = {"static", "wellknown.jwks", "linked_data.credentials_context", "linked_data.issuer",
                     "tlog.checkpoint", "tlog.tile", "ops.healthz", "ops.readyz"}  # fmt: skip


def test_every_page_has_an_api_twin(app) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    pages = {e for e in endpoints if not e.startswith("api.") and e not in MACHINE_ENDPOINTS}
    missing = sorted(pages - set(PAGE_TWINS))
    assert not missing, f"pages without an API twin in PAGE_TWINS: {missing}"
    unknown = sorted({twin for twins in PAGE_TWINS.values() for twin in twins} - endpoints)
    assert not unknown, f"PAGE_TWINS names API endpoints that do not exist: {unknown}"


def test_every_documented_example_matches_its_schema(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    checked = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            media = [("request", operation.get("requestBody", {}).get("content", {}).get("application/json"))]
            media += [
                (status, response.get("content", {}).get("application/json"))
                for status, response in operation["responses"].items()
            ]
            for where, content in media:
                for name, example in ((content or {}).get("examples") or {}).items():
                    schema = {**content["schema"], "components": document["components"]}
                    jsonschema.validate(example["value"], schema, cls=jsonschema.Draft202012Validator)
                    checked.append((method, path, where, name))
    documented = {(method, path) for method, path, _, _ in checked}
    assert len(checked) >= 30
    for operation in [("post", "/api/v1/cases"), ("post", "/api/v1/cases/{case_id}/events"),
                      ("post", "/api/v1/cases/{case_id}/disputes"), ("post", "/api/v1/redemptions"),
                      ("post", "/api/v1/verify"), ("post", "/api/v1/tokens")]:  # fmt: skip
        assert operation in documented, operation


def test_out_of_range_ids_are_not_found_not_server_errors(client) -> None:
    for url in ("/api/v1/cases/99999999999999999999", "/api/v1/cases/2147483648/documents"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"
    assert client.get("/cases/99999999999999999999").status_code == 404
    assert client.get("/api/v1/certificates?page=99999999999999999999").status_code == 422
    assert client.get("/api/v1/log/entries?start=²&end=1").status_code == 422
