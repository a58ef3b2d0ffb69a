"""What each verification check, its outcome and a certificate's status mean, in the reader's language,
for the verification and certificate pages, the registry and the API's verification report."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext

from certificates.verifier import Report

CHECK_LABELS = {
    "trust_bundle": lazy_gettext("Trust bundle signed by the root key and still current"),
    "attachment": lazy_gettext("The PDF carries exactly one readable credential (credential.json)"),
    "digest": lazy_gettext("The credential is exactly the one logged (digest)"),
    "signature": lazy_gettext("The issuer's signature is valid"),
    "key_state": lazy_gettext("The signing key was valid when it signed"),
    "status": lazy_gettext("Not revoked and not suspended"),
    "inclusion": lazy_gettext("Recorded in the public transparency log"),
    "checkpoint": lazy_gettext("The log's checkpoint is signed and consistent"),
    "backdating": lazy_gettext("Not backdated: the signing time fits the log"),
    "pdf_signature": lazy_gettext("The PDF is signed by the issuer and unchanged since"),
    "printed_text": lazy_gettext(
        "The printed page states the credential's number, enterprise, USCC, filing number and outcome"
    ),
    "printed_qr": lazy_gettext("The printed QR code matches the embedded credential"),
}
OUTCOME_LABELS = {
    "pass": lazy_gettext("passed"),
    "fail": lazy_gettext("failed"),
    "indeterminate": lazy_gettext("cannot be decided"),
    "skipped": lazy_gettext("not checked"),
}
VERDICT_LABELS = {
    "valid": lazy_gettext("Valid"),
    "invalid": lazy_gettext("Not valid"),
    "indeterminate": lazy_gettext("Cannot be decided"),
}
STATUS_LABELS = {
    "active": lazy_gettext("In force"),
    "revoked": lazy_gettext("Revoked"),
    "suspended": lazy_gettext("Suspended"),
}


def report_json(report: Report, **extra: Any) -> dict[str, Any]:
    """The report as the API returns it, each check with a label in the request's language."""
    data = report.to_dict()
    for check in data["checks"]:
        check["label"] = str(CHECK_LABELS.get(check["name"], check["name"]))
        check["detail"] = check["detail"] or ""
    data.update(extra)
    return data


# The transparency log browser: what each entry records, in words.
LOG_KIND_LABELS = {
    "issue": lazy_gettext("Issuance"),
    "status": lazy_gettext("Status change"),
    "key": lazy_gettext("Key event"),
}
LOG_EVENT_LABELS = {
    "revoke": lazy_gettext("Revoked"),
    "suspend": lazy_gettext("Suspended"),
    "reinstate": lazy_gettext("Reinstated"),
    "activate": lazy_gettext("Key put into use"),
    "retire": lazy_gettext("Key retired"),
}
CERTIFICATE_KIND_LABELS = {
    "exit": lazy_gettext("Exit certificate"),
    "exemption": lazy_gettext("Liability exemption decision"),
}
