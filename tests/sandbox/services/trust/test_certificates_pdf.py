"""The issued PDF, read for real: the QR decoded from a rendered page, the Chinese text extracted, and
the offline CLI verifying it with only the trust bundle — then flipping to revoked."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

import certificates.pdf.render as pdf_module
from certificates.pdf.qr import credential_digest_b64url
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import certificates as certificate_service
from tests.certificates.pdf.test_pdf import QR_ONLY
from tests.conftest import REQUIRE_ALL
from tests.sandbox.certificate_helpers import exit_case, outcomes

POPPLER = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not REQUIRE_ALL, reason="needs poppler-utils"
)
ROOT = Path(__file__).resolve().parents[4]


def fetch_pdf(client, cert_id: str) -> bytes:
    response = client.get(f"/api/v1/certificates/{cert_id}/pdf")
    data = response.data
    response.close()
    return data


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "certificates", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@POPPLER
def test_the_printed_qr_decodes_to_the_embedded_credential(app, client, session, tmp_path: Path) -> None:
    _, cert = exit_case(client, session)
    pdf = fetch_pdf(client, cert.id)
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "page")],
        check=True,
    )
    [code] = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"), formats=QR_ONLY)
    embedded = json.loads(PdfReader(io.BytesIO(pdf)).attachments["credential.json"][0])
    digest = credential_digest_b64url(embedded["credential"])
    assert code.text == f"{app.config['PUBLIC_BASE_URL']}/c/{cert.id}#sha256={digest}"
    assert embedded["credential"] == cert.credential
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "c.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    subject = cert.credential["credentialSubject"]
    for expected in ("出盒证明", subject["enterprise"]["name"], subject["project"]["title"], cert.number):
        assert expected in text


@POPPLER
def test_offline_cli_verifies_the_pdf_and_sees_the_revocation(client, session, tmp_path: Path) -> None:
    flow, cert = exit_case(client, session)
    (tmp_path / "c.pdf").write_bytes(fetch_pdf(client, cert.id))
    (tmp_path / "trust.json").write_bytes(client.get("/api/v1/trust-bundle").data)
    fingerprint = cli("fingerprint", str(tmp_path / "trust.json")).stdout.strip()
    result = cli(
        "verify",
        str(tmp_path / "c.pdf"),
        "--trust-bundle",
        str(tmp_path / "trust.json"),
        "--root-fingerprint",
        fingerprint,
        "--json",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "valid" and outcomes(report)["printed_qr"] == "pass"  # the QR was compared
    assert outcomes(report)["trust_bundle"] == "pass" and outcomes(report)["pdf_signature"] == "pass"
    assert report["rootFingerprint"] == fingerprint and report["rootPinned"] is True

    flow.change_status(cert.id, "revoke", "撤销测试")
    (tmp_path / "trust.json").write_bytes(client.get("/api/v1/trust-bundle").data)
    result = cli("verify", str(tmp_path / "c.pdf"), "--trust-bundle", str(tmp_path / "trust.json"),
                 "--root-fingerprint", fingerprint)  # fmt: skip
    assert result.returncode == 1 and "REVOKED" in result.stdout.upper()

    stale = cli(
        "verify",
        str(tmp_path / "c.pdf"),
        "--trust-bundle",
        str(tmp_path / "trust.json"),
        "--root-fingerprint",
        fingerprint,
        "--at",
        "2099-01-01T00:00:00Z",
        "--json",
    )
    assert stale.returncode == 2 and json.loads(stale.stdout)["verdict"] == "indeterminate"


def test_cli_accepts_a_bundle_json_and_a_qr_string(client, session, tmp_path: Path) -> None:
    _, cert = exit_case(client, session)
    (tmp_path / "bundle.json").write_bytes(client.get(f"/api/v1/certificates/{cert.id}").data)
    (tmp_path / "trust.json").write_bytes(client.get("/api/v1/trust-bundle").data)
    pin = ("--root-fingerprint", cli("fingerprint", str(tmp_path / "trust.json")).stdout.strip())
    assert cli("verify", str(tmp_path / "bundle.json"), "--trust-bundle", str(tmp_path / "trust.json"),
               *pin).returncode == 0  # fmt: skip
    unpinned = cli("verify", str(tmp_path / "bundle.json"), "--trust-bundle", str(tmp_path / "trust.json"))
    assert unpinned.returncode == 2 and "NOT pinned" in unpinned.stdout
    url = f"https://example.cn/c/{cert.id}#sha256={credential_digest_b64url(cert.credential)}"
    ok = cli(
        "verify",
        url,
        "--bundle",
        str(tmp_path / "bundle.json"),
        "--trust-bundle",
        str(tmp_path / "trust.json"),
        *pin,
    )
    assert ok.returncode == 0, ok.stdout
    wrong = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    bad = cli(
        "verify",
        wrong,
        "--bundle",
        str(tmp_path / "bundle.json"),
        "--trust-bundle",
        str(tmp_path / "trust.json"),
    )
    assert bad.returncode == 1
    assert cli("verify", str(tmp_path / "bundle.json")).returncode == 2  # no trust bundle


@POPPLER
def test_a_pdf_whose_printed_qr_was_altered_is_refused(client, session, monkeypatch) -> None:
    _, cert = exit_case(client, session)
    original = pdf_module.credential_digest_b64url  # type: ignore[attr-defined]
    monkeypatch.setattr(pdf_module, "credential_digest_b64url", lambda c: original({**c, "forged": True}))
    altered = certificate_service.render_pdf(session, cert, settings_of(session).trust)
    response = client.post(
        "/api/v1/verify", data={"file": (io.BytesIO(altered), "c.pdf")}, content_type="multipart/form-data"
    )
    report = response.get_json()
    assert report["printedQrCompared"] is True
    assert report["verdict"] == "invalid" and outcomes(report)["printed_qr"] == "fail"
    assert outcomes(report)["digest"] == "pass"  # the embedded credential itself is the logged one
    genuine = client.post(
        "/api/v1/verify",
        data={"file": (io.BytesIO(fetch_pdf(client, cert.id)), "c.pdf")},
        content_type="multipart/form-data",
    ).get_json()
    assert genuine["verdict"] == "valid" and genuine["printedQrCompared"] is True
