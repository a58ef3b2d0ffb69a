"""Read the QR code printed on a certificate PDF, as a phone would: render the page, decode the symbol.

Anyone can upload a PDF, so rendering is bounded three ways. A page box larger than `MAX_PAGE_MM` on
a side (or smaller than `MIN_PAGE_MM`) is refused before anything is rendered — a certificate is A4.
poppler's ``pdftoppm`` renders to a fixed pixel budget (``-scale-to``), whatever the page size claims,
so memory does not grow with the page. And the renderer runs as a child process under resource limits
(`resource.setrlimit` in the child: address space, CPU seconds, output file size) and a wall-clock
timeout; a child that hits one is killed and the answer is "could not be read", never a hang or an
out-of-memory server. The grey image is read by hand from its PGM form and decoded with zxing-cpp.
pdftoppm is a local program (poppler-utils), never the network; without it the answer is "could not be
read" too. Standard library and zxing-cpp only.

Public API:
    RenderLimits(pixels, memory_bytes, cpu_seconds, wall_seconds)
    PrintedQr(text, reason)                  text is None when the code could not be read; reason says why
    scan_printed_qr(pdf, *, page_size_mm=None, pdftoppm=None, limits=RenderLimits()) -> PrintedQr
    render_page(pdf, folder, *, pdftoppm, limits) -> (image bytes | None, reason)
"""

from __future__ import annotations

import resource
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import zxingcpp

__all__ = ["MAX_PAGE_MM", "MIN_PAGE_MM", "PrintedQr", "RenderLimits", "render_page", "scan_printed_qr"]

MAX_PAGE_MM = 1000.0  # a metre: four times an A4 page's long side; anything larger is not a certificate
MIN_PAGE_MM = 50.0


@dataclass(frozen=True)
class RenderLimits:
    """What one page render may use. 2000 px on the long side gives a 40 mm QR code ~4.5 px a module."""

    pixels: int = 2000
    memory_bytes: int = 192 * 1024 * 1024  # pdftoppm peaks at ~25 MB on a certificate
    cpu_seconds: int = 3  # a certificate page takes ~0.2 s
    wall_seconds: float = 6.0


@dataclass(frozen=True)
class PrintedQr:
    text: str | None
    reason: str = ""  # why `text` is None


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


def _limit(limits: RenderLimits) -> Callable[[], None]:
    """Return the function the child runs before exec: its own resource limits."""
    image_bytes = limits.pixels * limits.pixels + 4096

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (image_bytes, image_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # Last: the forked child still maps the whole server until exec, so nothing may allocate after it.
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))

    return apply


def render_page(
    pdf: bytes, folder: Path, *, pdftoppm: str, limits: RenderLimits
) -> tuple[bytes | None, str]:
    """Render the first page in grey within `limits`; return (PGM bytes, "") or (None, why not)."""
    source = folder / "certificate.pdf"
    source.write_bytes(pdf)
    command = [pdftoppm, "-scale-to", str(limits.pixels), "-gray", "-singlefile", "-f", "1", "-l", "1",
               str(source), str(folder / "page")]  # fmt: skip
    try:
        # A fixed local program with file arguments; the limits apply to the child only.
        finished = subprocess.run(  # noqa: S603
            command, capture_output=True, timeout=limits.wall_seconds, preexec_fn=_limit(limits), check=False
        )
    except subprocess.TimeoutExpired:
        return None, f"rendering the page took longer than {limits.wall_seconds:g} s and was stopped"
    except OSError as exc:
        return None, f"the renderer could not be started ({exc.strerror})"
    if finished.returncode < 0:
        name = signal.Signals(-finished.returncode).name
        return None, f"rendering the page exceeded its resource limits and was stopped ({name})"
    if finished.returncode != 0:
        return None, "the page could not be rendered (exceeded its memory limit or is damaged)"
    try:
        return (folder / "page.pgm").read_bytes(), ""
    except OSError:
        return None, "the renderer produced no image"


def scan_printed_qr(
    pdf: bytes,
    *,
    page_size_mm: tuple[float, float] | None = None,
    pdftoppm: str | None = None,
    limits: RenderLimits | None = None,
) -> PrintedQr:
    """Return the text of the QR code on the PDF's first page, or why it could not be read here.

    `page_size_mm` is the page box as read from the PDF (`certificates.pdf.read`); an absurd one is
    refused without rendering.
    """
    if page_size_mm is not None:
        width, height = page_size_mm
        if max(width, height) > MAX_PAGE_MM or min(width, height) < MIN_PAGE_MM:
            return PrintedQr(None, f"the page is {width:.0f} × {height:.0f} mm, not a certificate page; "
                                   "it was not rendered")  # fmt: skip
    program = pdftoppm or shutil.which("pdftoppm")
    if program is None:
        return PrintedQr(None, "no PDF renderer here (install poppler-utils to compare the printed QR code)")
    with tempfile.TemporaryDirectory() as folder:
        image, reason = render_page(pdf, Path(folder), pdftoppm=program, limits=limits or RenderLimits())
    if image is None:
        return PrintedQr(None, reason)
    try:
        pixels = _read_pgm(image)
    except (ValueError, IndexError):
        return PrintedQr(None, "the rendered page could not be read")
    codes = zxingcpp.read_barcodes(pixels, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    if not codes:
        return PrintedQr(None, "no QR code was found on the page")
    return PrintedQr(codes[0].text)
