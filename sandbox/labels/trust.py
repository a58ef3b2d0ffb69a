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
    "sm2_signature": lazy_gettext("The issuer's SM2/SM3 signature (national algorithms) is valid"),
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
# Why a check did not pass, by the `code` the certificates package gives it. The package's own detail
# is English prose for the CLI and the English pages; the Chinese page says the reason in these words.
REASON_LABELS = {
    "attachment": lazy_gettext("the PDF does not carry exactly one readable, unambiguous credential"),
    "backdating": lazy_gettext("the signing time does not fit the log's checkpoints"),
    "bundle": lazy_gettext("the file is not a certificate bundle"),
    "checkpoint": lazy_gettext("the log's checkpoint is missing, unsigned or inconsistent"),
    "digest": lazy_gettext("the credential differs from the one recorded in the log"),
    "inclusion": lazy_gettext("the log does not prove that it recorded this credential"),
    "invalid": lazy_gettext("not checked, because the PDF already failed another check"),
    "key": lazy_gettext("the signing key is unknown or unusable"),
    "key_state": lazy_gettext("the signing key was not valid when it signed"),
    "no_sm2_proof": lazy_gettext(
        "issued before SM2 signatures were added: it carries the Ed25519 signature only"
    ),
    "manifest": lazy_gettext("the package's manifest does not match its files"),
    "pdf": lazy_gettext("the file is not a readable PDF"),
    "pdf_signature": lazy_gettext("the PDF was changed after the issuer signed it"),
    "printed_qr": lazy_gettext("the printed QR code does not match the credential"),
    "printed_text": lazy_gettext("the printed page does not state what the credential says"),
    "proof": lazy_gettext("the credential's signature proof is malformed"),
    "revoked": lazy_gettext("the sandbox office has revoked the certificate"),
    "signature": lazy_gettext("the issuer's signature does not verify"),
    "stale": lazy_gettext("the status list is out of date; fetch a current one"),
    "status": lazy_gettext("the certificate's status cannot be confirmed"),
    "status_unavailable": lazy_gettext("the status list could not be obtained"),
    "suspended": lazy_gettext("the sandbox office has suspended the certificate"),
    "timeline": lazy_gettext("the dates of the credential and the log do not agree"),
    "trust_bundle": lazy_gettext("the trust bundle is not signed by the root key or is out of date"),
    "unpinned": lazy_gettext("the root key is not pinned: compare its fingerprint with the published one"),
    "unsigned_pdf": lazy_gettext("the PDF carries no issuer signature"),
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
