"""Every forged printout is refused by the API, the page and the offline CLI alike; a printed QR code the
server cannot read is indeterminate everywhere; a 5 m page gets a clear answer; verification is
rate-limited per address (issue 14 §3, issue 15 §3)."""

from __future__ import annotations

import copy
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from certificates.pdf.read import extract_bundle
from certificates.pdf.render import render_certificate_pdf
from tests.certificates.pdf.pdf_world import (
    damaged_attachment,
    duplicate_key_payload,
    forged_page,
    huge_page,
    incremental_edit,
    overlay,
    rewritten,
    with_attachment,
)
from tests.conftest import make_test_app
from tests.sandbox.certificate_helpers import exit_case, outcomes
from tests.sandbox.services.trust.test_certificates_pdf import POPPLER, ROOT, fetch_pdf

OTHER_USCC = "91110302MA01ABCD38"


def upload_api(client, pdf: bytes) -> dict[str, Any]:
    response = client.post("/api/v1/verify", data={"file": (io.BytesIO(pdf), "c.pdf")},
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def upload_page(client, pdf: bytes) -> str:
    response = client.post("/verify", data={"file": (io.BytesIO(pdf), "c.pdf")},
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 200
    return response.get_data(as_text=True)


def page_verdict(html: str) -> str:
    match = re.search(r'data-verdict="(\w+)"', html)
    assert match, html[:500]
    return match.group(1)


def cli_verify(tmp_path: Path, pdf: bytes, trust: bytes, pin: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "c.pdf").write_bytes(pdf)
    (tmp_path / "trust.json").write_bytes(trust)
    command = [sys.executable, "-m", "certificates", "verify", str(tmp_path / "c.pdf"), "--trust-bundle",
               str(tmp_path / "trust.json"), "--root-fingerprint", pin]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def forgeries(genuine: bytes, bundle: dict[str, Any], base: str) -> dict[str, bytes]:
    subject = bundle["credential"]["credentialSubject"]
    other_enterprise = {**subject["enterprise"], "uscc": OTHER_USCC}
    forged_subject = copy.deepcopy(subject)
    forged_subject["enterprise"]["name"] = "冒名顶替科技有限公司"
    return {
        "uscc rewritten": rewritten(bundle, forged_page(bundle, base, enterprise=other_enterprise)),
        "number by incremental update": incremental_edit(
            genuine, forged_page(bundle, base, certificateNumber=subject["certificateNumber"][:-1] + "9")
        ),
        "uscc overlaid": overlay(genuine, OTHER_USCC),
        "duplicate-key credential.json": with_attachment(
            genuine, duplicate_key_payload(bundle, forged_subject), replace=True
        ),
        "corrupted attachment": damaged_attachment(genuine),
        "signature stripped": render_certificate_pdf(bundle, verify_base_url=base),
    }


@POPPLER
def test_every_forged_printout_is_refused_by_api_page_and_cli(app, client, session, tmp_path: Path) -> None:
    _, cert = exit_case(client, session)
    genuine = fetch_pdf(client, cert.id)
    bundle = extract_bundle(genuine)  # as embedded: proven against the checkpoint of its issuance
    trust = client.get("/api/v1/trust-bundle").data
    (tmp_path / "t.json").write_bytes(trust)
    pin = subprocess.run([sys.executable, "-m", "certificates", "fingerprint", str(tmp_path / "t.json")],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip

    report = upload_api(client, genuine)
    assert report["verdict"] == "valid" and outcomes(report)["pdf_signature"] == "pass"
    assert 'data-check="printed_qr" data-outcome="pass"' in upload_page(client, genuine)
    assert cli_verify(tmp_path, genuine, trust, pin).returncode == 0

    for name, forged in forgeries(genuine, bundle, app.config["PUBLIC_BASE_URL"]).items():
        report = upload_api(client, forged)
        assert report["verdict"] == "invalid", (name, report)
        html = upload_page(client, forged)
        assert page_verdict(html) == "invalid", name
        assert 'data-check="printed_qr" data-outcome="pass"' not in html, name
        result = cli_verify(tmp_path, forged, trust, pin)
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert "Verdict: INVALID" in result.stdout, name


def test_a_printed_qr_the_server_cannot_read_is_indeterminate(client, session, monkeypatch) -> None:
    _, cert = exit_case(client, session)
    genuine = fetch_pdf(client, cert.id)
    monkeypatch.setenv("PATH", "/nonexistent")  # a server without poppler-utils
    report = upload_api(client, genuine)
    assert report["verdict"] == "indeterminate" and report["printedQrCompared"] is False
    assert outcomes(report)["printed_qr"] == "indeterminate"
    assert outcomes(report)["pdf_signature"] == "pass" and outcomes(report)["printed_text"] == "pass"
    html = upload_page(client, genuine)
    assert page_verdict(html) == "indeterminate"
    assert 'data-check="printed_qr" data-outcome="indeterminate"' in html
    assert 'data-check="printed_qr" data-outcome="pass"' not in html


def test_a_5_metre_page_gets_a_clear_answer(client, session) -> None:
    _, cert = exit_case(client, session)
    report = upload_api(client, huge_page(fetch_pdf(client, cert.id)))
    assert report["verdict"] == "invalid" and outcomes(report)["pdf_signature"] == "fail"
    # The anonymous kind: a few KB, a 5 m × 5 m box and no certificate in it.
    bare = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages "
            b"/Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R "
            b"/MediaBox [0 0 14173 14173] >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")  # fmt: skip
    report = upload_api(client, bare)
    assert report["verdict"] == "invalid" and outcomes(report) == {"attachment": "fail"}


def test_verification_is_rate_limited_per_address(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "i", VERIFY_RATE_LIMIT="2 per minute")
    client = app.test_client()
    number = {"number": "YZCC-2000-0001"}
    statuses = [client.post("/api/v1/verify", json=number).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    refused = client.post("/api/v1/verify", json={"number": "YZCC-2000-0001"})
    assert refused.mimetype == "application/problem+json" and "Retry-After" in refused.headers
    assert refused.get_json()["code"] == "too_many_requests"
    assert "核验次数过多" in refused.get_json()["detail"]
    english = client.post("/api/v1/verify", json={"number": "x"}, headers={"Accept-Language": "en"})
    assert "Too many verifications from your address" in english.get_json()["detail"]
    # The page has its own limit; reading the form is never limited.
    page = [client.post("/verify", data={"number": "YZCC-2000-0001"}).status_code for _ in range(3)]
    assert page == [404, 404, 429]
    limited = client.post("/verify", data={"number": "YZCC-2000-0001"})
    assert "核验次数过多" in limited.get_data(as_text=True) and "Retry-After" in limited.headers
    assert client.get("/verify").status_code == 200
    app.extensions["sandbox.engine"].dispose()

