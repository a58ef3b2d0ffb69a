"""Re-issuing a certificate signed before SM2 keys existed: the same document and number with both proofs,
a second issue entry in the log that supersedes the old credential, a new sealed PDF, the holder told."""

from __future__ import annotations

import subprocess

from sqlmodel import select

from certificates.pdf.seal import credential_seal_binding
from sandbox.models.certificates import Certificate, LogEntry
from sandbox.models.notifications import Notification
from sandbox.services.trust import certificates
from tests.case_flow import CaseFlow
from tests.sandbox.certificate_helpers import bundle_of, ed25519_only_certificate, exit_case, outcomes, verify


def test_the_office_reissues_an_ed25519_only_certificate_with_both_proofs(client, session, tmp_path) -> None:
    old = ed25519_only_certificate(client, session)
    old_bundle = bundle_of(client, old.id)
    old_sha, old_unsigned = old.credential_sha256, {k: v for k, v in old.credential.items() if k != "proof"}
    flow = CaseFlow(client, session)  # the users: a regulator to re-issue, an applicant who may not
    flow.to("submitted")
    path = f"/api/v1/certificates/{old.id}/reissue"
    assert flow.call("applicant", "POST", path, json={"reason": "x"}).status_code == 403
    refused = flow.call("regulator", "POST", path, json={"reason": " "})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"

    done = flow.call("regulator", "POST", path, json={"reason": "持证企业申请补发带国密签名的出盒证明。"})
    assert done.status_code == 200, done.get_json()
    result = done.get_json()
    assert (result["id"], result["number"], result["supersedes"]) == (old.id, old.number, old_sha)
    assert result["cryptosuites"] == ["eddsa-jcs-2022", "sm2-jcs-2026"]
    again = flow.call("regulator", "POST", path, json={"reason": "再次补发"})
    assert again.status_code == 409  # it carries an SM2 proof now

    session.expire_all()
    cert = session.get(Certificate, old.id)
    assert cert is not None and cert.credential_sha256 == result["credentialSha256"] != old_sha
    assert {k: v for k, v in cert.credential.items() if k != "proof"} == old_unsigned  # same document
    entry = session.exec(select(LogEntry).where(LogEntry.index == cert.log_index)).one().entry
    facts = (entry["kind"], entry["certId"], entry["event"], entry["supersedes"])
    assert facts == ("issue", old.id, "reissue", old_sha)
    report = verify(client, number=old.number)
    assert report["verdict"] == "valid" and outcomes(report)["sm2_signature"] == "pass"

    # The holder's old bundle still verifies — it was logged — and the verifier says what replaced it.
    report = verify(client, bundle=old_bundle)
    assert report["verdict"] == "valid" and outcomes(report)["sm2_signature"] == "skipped"
    assert report["superseded"]["by"] == cert.credential_sha256

    pdf = certificates.pdf_path(session, cert).read_bytes()
    (tmp_path / "new.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "new.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    binding = credential_seal_binding(cert.credential)
    assert binding and binding in text and "数据监管沙盒专用章" in text
    told = session.exec(select(Notification).where(Notification.kind == "certificate_reissued")).all()
    assert told and all(n.params["number"] == old.number for n in told)


def test_the_page_offers_reissue_only_for_ed25519_only_certificates(client, session, login_as) -> None:
    old = ed25519_only_certificate(client, session)
    _, new = exit_case(client, session)
    login_as("regulator")
    assert 'id="reissue"' not in client.get(f"/certificates/{new.id}").get_data(as_text=True)
    page = client.get(f"/certificates/{old.id}").get_data(as_text=True)
    assert 'id="reissue"' in page and 'id="certificate-signatures">Ed25519 ·' in page
    done = client.post(f"/certificates/{old.id}/reissue", data={"reason": "持证企业申请"})
    assert done.status_code == 302
    page = client.get(f"/certificates/{old.id}").get_data(as_text=True)
    assert 'id="reissue"' not in page and "Ed25519 + SM2/SM3" in page
    assert "持证企业申请" in page  # the re-issue in the certificate's history, with its reason
