"""QR codes for certificates: the verification URL, its module matrix, and vector drawing.

This module owns the URL format printed on every certificate (``{base}/c/{id}#sha256={digest}``, the
digest being base64url without padding of SHA-256 over the RFC 8785 form of the whole credential), the
QR encoding (zxing-cpp, error correction level Q, version at most 10, so it scans from paper), and
drawing the symbol as merged vector rectangles on a reportlab canvas. Standard library, rfc8785,
zxing-cpp and this package only; the canvas is passed in.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import quote, unquote

import rfc8785
import zxingcpp

from certificates.errors import CertificateError, CertificateVerificationError

MAX_VERSION = 10
QUIET_ZONE = 4  # modules of light margin the QR specification requires around the symbol
_URL = re.compile(r"(?P<base>.+)/c/(?P<cert>[^/#?]+)#sha256=(?P<digest>[A-Za-z0-9_-]{43})")


class PathCanvas(Protocol):
    """The part of reportlab's Canvas that drawing a QR code needs."""

    def saveState(self) -> None: ...
    def restoreState(self) -> None: ...
    def setFillColorRGB(self, r: float, g: float, b: float) -> None: ...
    def rect(
        self, x: float, y: float, width: float, height: float, stroke: int = ..., fill: int = ...
    ) -> Any: ...
    def translate(self, dx: float, dy: float) -> None: ...
    def scale(self, x: float, y: float) -> None: ...
    def addLiteral(self, s: str, escaped: Literal[0, 1] = ...) -> None: ...


@dataclass(frozen=True)
class QrMatrix:
    size: int  # modules per side, without the quiet zone
    version: int
    modules: tuple[tuple[bool, ...], ...]  # modules[row][column], row 0 at the top; True is dark


def credential_digest_b64url(credential: dict[str, Any]) -> str:
    """Return base64url(SHA-256(RFC 8785(credential))) without padding, as in the URL fragment."""
    digest = hashlib.sha256(rfc8785.dumps(credential)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verification_url(base_url: str, cert_id: str, digest_b64url: str) -> str:
    """Return the verification URL printed in the QR code."""
    return f"{base_url.rstrip('/')}/c/{quote(cert_id, safe='')}#sha256={digest_b64url}"


def parse_verification_url(text: str) -> tuple[str, str, str]:
    """Return (base URL, certificate id, digest) from a scanned URL; raise code ``digest`` if malformed."""
    match = _URL.fullmatch(text.strip())
    if not match:
        raise CertificateVerificationError("digest", "not a certificate verification URL")
    return match["base"], unquote(match["cert"]), match["digest"]


def qr_matrix(text: str) -> QrMatrix:
    """Encode text at error correction level Q; refuse anything needing a version above 10."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
    # zxing-cpp 2.3's experimental writer ignores or misreports the level; fail rather than print it.
    if barcode.ec_level != "Q":
        raise CertificateError(f"the QR encoder used level {barcode.ec_level}, not Q (zxing-cpp 3 needed)")
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size, width = image.shape
    version = (size - 17) // 4
    if size != width or (size - 17) % 4 or not 1 <= version <= MAX_VERSION:
        raise CertificateError(f"the URL needs a QR version above {MAX_VERSION} ({size} modules)")
    # zxing-cpp's Image has the buffer protocol; its stub does not say so.
    pixels = memoryview(image).tobytes()  # type: ignore[arg-type]  # one byte per module: 0 dark, 255 light
    dark = tuple(p < 128 for p in pixels)
    modules = tuple(dark[r * size : (r + 1) * size] for r in range(size))
    return QrMatrix(size, version, modules)


_DARK_RUN = re.compile(rb"\x01+")


def _runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    """Return (start, length) of each run of dark modules in a row."""
    return [(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(bytes(row))]


def draw_qr(canvas: PathCanvas, matrix: QrMatrix, x: float, y: float, size: float) -> None:
    """Draw the symbol with its quiet zone as a `size` square whose lower-left corner is (x, y)."""
    module = size / (matrix.size + 2 * QUIET_ZONE)
    canvas.saveState()
    # A white square first, so the quiet zone survives coloured backgrounds and frames.
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # In module units every coordinate is a small integer, so the path is written directly as PDF
    # operators: one rectangle per horizontal run, a fraction of the bytes and time of reportlab's path
    # objects, and no hairline seams between modules.
    canvas.translate(x + QUIET_ZONE * module, y + QUIET_ZONE * module)
    canvas.scale(module, module)
    last = matrix.size - 1
    ops = [
        f"{start} {last - r} {length} 1 re"
        for r, row in enumerate(matrix.modules)
        for start, length in _runs(row)
    ]
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
