"""Read the QR code printed on a certificate PDF, as a phone would: render the page, decode the symbol.

Rendering uses poppler's ``pdftoppm`` when it is installed (a local program, never the network); the
grey image is read by hand from its PGM form and decoded with zxing-cpp. Without poppler the answer is
None and the caller says the printed QR could not be compared. Standard library and zxing-cpp only.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import zxingcpp

RESOLUTION = 150  # dots per inch: the 30 mm symbol gets ~3 px per module, plenty for the decoder


def _read_pgm(data: bytes) -> memoryview:
    """Return the pixels of a binary PGM (P5, 8-bit) as a 2-D memoryview."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        if data[position : position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    magic, width, height, maximum = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P5" or maximum > 255:
        raise ValueError("not an 8-bit binary PGM")
    pixels = data[position + 1 : position + 1 + width * height]
    return memoryview(bytearray(pixels)).cast("B", (height, width))


def decode_printed_qr(pdf: bytes, *, pdftoppm: str | None = None) -> str | None:
    """Return the text of the QR code on the PDF's first page, or None if it cannot be read here."""
    program = pdftoppm or shutil.which("pdftoppm")
    if program is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "certificate.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(  # noqa: S603  (a fixed local program with file arguments)
                [program, "-r", str(RESOLUTION), "-gray", "-singlefile", "-f", "1", "-l", "1", str(source),
                 str(Path(folder) / "page")],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            image = _read_pgm((Path(folder) / "page.pgm").read_bytes())
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
    codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return codes[0].text if codes else None
