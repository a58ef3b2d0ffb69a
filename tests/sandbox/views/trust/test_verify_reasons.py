"""The Chinese verification page gives each failed check's reason in Chinese; the English page keeps the
verifier's own words. Every reason code the certificates package can give has a label."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sandbox.labels.trust import REASON_LABELS
from tests.certificates.pdf.pdf_world import overlay
from tests.sandbox.certificate_helpers import exit_case
from tests.sandbox.services.trust.test_certificates_pdf import fetch_pdf

CERTIFICATES = Path(__file__).resolve().parents[4] / "certificates"
# The codes in the package's source: errors raised with a code, and checks added with one.
CODE = re.compile(
    r'(?:CertificateVerificationError|IndeterminateError|_?fail)\(\s*"([a-z_]+)"'
    r'|\.add\(\s*"[a-z_]+",\s*[A-Z]+,\s*"([a-z_]+)"'
)


def test_every_reason_code_has_a_label() -> None:
    codes = set()
    # Evidence packages (_internal/packagecheck.py) are checked by the offline CLI, never on the page.
    for path in set(CERTIFICATES.rglob("*.py")) - {CERTIFICATES / "_internal" / "packagecheck.py"}:
        codes |= {a or b for a, b in CODE.findall(path.read_text(encoding="utf-8"))}
    assert {"digest", "pdf_signature", "revoked", "unpinned"} <= codes  # the scan finds them
    assert not codes - set(REASON_LABELS), sorted(codes - set(REASON_LABELS))


def test_the_chinese_page_says_why_in_chinese(client, session) -> None:
    _, cert = exit_case(client, session)
    changed = overlay(fetch_pdf(client, cert.id), "91110302MA01ABCD38")

    def page() -> str:
        response = client.post("/verify", data={"file": (io.BytesIO(changed), "c.pdf")},
                               content_type="multipart/form-data")  # fmt: skip
        assert response.status_code == 200
        return response.get_data(as_text=True)

    chinese = page()
    failed = re.search(r'data-check="pdf_signature" data-outcome="fail">(.*?)</li>', chinese, re.S)
    assert failed and "签发机关签名后被修改" in failed.group(1)
    assert "after it was signed" not in chinese

    client.post("/language", data={"locale": "en"})
    english = page()
    assert "pdf_signature: the PDF was changed after it was signed" in english
