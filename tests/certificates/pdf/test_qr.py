"""QR codes: the URL format, the module matrix, and vector drawing that a real decoder can read."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from certificates.errors import CertificateError, CertificateVerificationError
from certificates.pdf.qr import (
    QUIET_ZONE,
    credential_digest_b64url,
    draw_qr,
    parse_verification_url,
    qr_matrix,
    verification_url,
)
from tests.conftest import REQUIRE_ALL

DIGEST = "YbV0kn16oU9S0ipcYCrKophS-5CIu_BaoN1E8KgnNUU"
URL = f"https://sandbox.example.cn/c/BJET-SBX-2025-0007#sha256={DIGEST}"


def test_url_format() -> None:
    assert verification_url("https://sandbox.example.cn/", "BJET-SBX-2025-0007", DIGEST) == URL
    assert parse_verification_url(URL + "\n") == ("https://sandbox.example.cn", "BJET-SBX-2025-0007", DIGEST)
    odd = verification_url("https://x.example", "证书/1 #2", DIGEST)
    assert "/c/%E8%AF%81%E4%B9%A6%2F1%20%232#" in odd and parse_verification_url(odd)[1] == "证书/1 #2"
    for bad in ("https://x.example/c/1#sha256=short", "https://x.example/v/1#sha256=" + DIGEST, DIGEST):
        with pytest.raises(CertificateVerificationError):
            parse_verification_url(bad)


def test_digest_is_base64url_of_sha256_over_rfc8785() -> None:
    credential = {"b": [1, "二"], "a": {"z": True, "y": None}}
    canonical = '{"a":{"y":null,"z":true},"b":[1,"二"]}'.encode()
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).decode().rstrip("=")
    assert credential_digest_b64url(credential) == expected and len(expected) == 43


def matrix_image(modules: tuple[tuple[bool, ...], ...], scale: int = 6) -> Image.Image:
    size = len(modules) + 2 * QUIET_ZONE
    image = Image.new("L", (size, size), 255)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                image.putpixel((c + QUIET_ZONE, r + QUIET_ZONE), 0)
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST)


def test_matrix_decodes_at_level_q() -> None:
    matrix = qr_matrix(URL)
    assert matrix.size == 17 + 4 * matrix.version and matrix.version <= 10
    assert len(matrix.modules) == matrix.size and {len(r) for r in matrix.modules} == {matrix.size}
    assert matrix.modules[0][:8] == (True,) * 7 + (False,)  # the top-left finder pattern
    [decoded] = zxingcpp.read_barcodes(matrix_image(matrix.modules))
    assert decoded.text == URL and decoded.ec_level == "Q"
    assert qr_matrix(URL) == matrix  # deterministic


def test_refuses_versions_above_10() -> None:
    assert qr_matrix("h" * 150).version <= 10
    with pytest.raises(CertificateError):
        qr_matrix("https://sandbox.example.cn/c/" + "x" * 200)


@pytest.mark.skipif(shutil.which("pdftoppm") is None and not REQUIRE_ALL, reason="needs poppler-utils")
def test_vector_drawing_scans(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(200, 200), invariant=1)
    canvas.setFillColorRGB(0.8, 0.9, 1)  # a coloured background: the quiet zone must stay white
    canvas.rect(0, 0, 200, 200, stroke=0, fill=1)
    draw_qr(canvas, qr_matrix(URL), 30, 30, 30 * 72 / 25.4)  # 30 mm
    canvas.showPage()
    canvas.save()
    pdf = tmp_path / "qr.pdf"
    pdf.write_bytes(buffer.getvalue())
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", pdf, tmp_path / "qr"], check=True)
    [decoded] = zxingcpp.read_barcodes(Image.open(tmp_path / "qr.png"))
    assert decoded.text == URL and json.loads(json.dumps(decoded.extra))["ECLevel"] == "Q"
    assert b" re\n" in buffer.getvalue() or len(buffer.getvalue()) < 8000  # vectors, not an image
