"""Reading a certificate PDF: its embedded bundle, its page's text and its page size, with pypdf.

pypdf follows the cross-reference table (and streams, and incremental updates) the way PDF readers do,
so what is read here is what a person's viewer shows, never a leftover or decoy object. The bundle is
the one embedded file named ``credential.json``, parsed with the strict JSON reader the API uses:
a missing, duplicated, oversized or corrupted attachment, or JSON with duplicate keys, is refused with
code ``attachment``; a file that is not a readable PDF at all with code ``pdf``. Nothing is rendered
here (see `certificates.pdf.scan`) and nothing is judged beyond "can it be read" (see
`certificates.pdf.verify`). Standard library, pypdf and this package only.

Public API:
    ATTACHMENT_NAME                          "credential.json"
    CertificatePdf(data, bundle, page_text, page_size_mm, pages)
    read_certificate_pdf(data) -> CertificatePdf
    extract_bundle(data) -> dict             just the bundle
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, apply_configuration

from certificates._internal.strictjson import loads_strict
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.pdf.layouts import ATTACHMENT_NAME

__all__ = ["ATTACHMENT_NAME", "CertificatePdf", "extract_bundle", "read_certificate_pdf"]

# A bundle is a few kilobytes; a larger attachment is a decompression bomb or not ours.
MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024
# Our page's content stream is ~30 KB; text extraction is pure Python, so a huge stream is refused first.
MAX_CONTENT_BYTES = 2 * 1024 * 1024
MM_PER_POINT = 25.4 / 72
# pypdf's own limits (75 MB per stream by default) are meant for any PDF; a certificate is a page of
# text, so a stream that inflates past a few MiB is a bomb, refused before it takes the memory.
READ_LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": 8 * 1024 * 1024,
    "zlib_maximum_output_length": 8 * 1024 * 1024,
    "lzw_maximum_output_length": 8 * 1024 * 1024,
    "run_length_maximum_output_length": 8 * 1024 * 1024,
    "brotli_maximum_output_length": 8 * 1024 * 1024,
    "jbig2_maximum_output_length": 8 * 1024 * 1024,
    "image_maximum_buffer_size": 8 * 1024 * 1024,
    "stream_decoding_work_maximum_length": 32 * 1024 * 1024,
}


@dataclass(frozen=True)
class CertificatePdf:
    """What a certificate PDF says: the embedded bundle, the first page's text and size, the page count."""

    data: bytes
    bundle: dict[str, Any]
    page_text: str | None  # None: the page's text could not be read (the reason is in text_error)
    page_size_mm: tuple[float, float]
    pages: int
    text_error: str = ""


def _attachment(reader: PdfReader) -> bytes:
    """Return the content of the one embedded file named credential.json; refuse none or several."""
    found = [e for e in reader.attachment_list if ATTACHMENT_NAME in (e.name, e.alternative_name)]
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment":
                spec = annotation.get("/FS")
                spec = spec.get_object() if spec is not None else {}
                if ATTACHMENT_NAME in (spec.get("/UF"), spec.get("/F")):
                    # Counted so that two copies are refused. Alone, it has no EmbeddedFile: `entry.size`
                    # raises AttributeError, reported as an unreadable PDF.
                    found.append(None)  # type: ignore[arg-type]
    if not found:
        raise CertificateVerificationError("attachment", f"the PDF carries no {ATTACHMENT_NAME}")
    if len(found) > 1:
        raise CertificateVerificationError(
            "attachment", f"the PDF carries {len(found)} files named {ATTACHMENT_NAME}: which one is meant?"
        )
    entry = found[0]
    declared = entry.size
    if isinstance(declared, int) and declared > MAX_ATTACHMENT_BYTES:
        raise CertificateVerificationError("attachment", f"{ATTACHMENT_NAME} is larger than 4 MiB")
    content = entry.content
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise CertificateVerificationError("attachment", f"{ATTACHMENT_NAME} is larger than 4 MiB")
    return content


def _bundle(content: bytes) -> dict[str, Any]:
    try:
        bundle = loads_strict(content)
    except CertificateError as exc:
        raise CertificateVerificationError("attachment", f"{ATTACHMENT_NAME} is unreadable: {exc}") from None
    if not isinstance(bundle, dict) or not isinstance(bundle.get("credential"), dict):
        raise CertificateVerificationError("attachment", f"{ATTACHMENT_NAME} holds no credential")
    return bundle


def _page_text(reader: PdfReader) -> tuple[str | None, str]:
    page = reader.pages[0]
    contents = page.get_contents()
    size = len(contents.get_data()) if contents is not None else 0
    if size > MAX_CONTENT_BYTES:
        return None, f"the page's content is {size // 1024} KiB, far more than a certificate's"
    return page.extract_text(), ""


def _size_mm(reader: PdfReader) -> tuple[float, float]:
    page = reader.pages[0]
    unit = page.get("/UserUnit")
    scale = float(unit) if isinstance(unit, (int, float)) and unit > 0 else 1.0
    box = page.cropbox  # what is rendered; pypdf falls back to the media box
    return abs(float(box.width)) * scale * MM_PER_POINT, abs(float(box.height)) * scale * MM_PER_POINT


def read_certificate_pdf(data: bytes) -> CertificatePdf:
    """Read the bundle, the first page's text and size; raise ``pdf`` or ``attachment`` if it cannot."""
    with apply_configuration(**READ_LIMITS):
        return _read(data)


def _read(data: bytes) -> CertificatePdf:
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
        if pages == 0:
            raise CertificateVerificationError("pdf", "the PDF has no page")
        size = _size_mm(reader)
        content = _attachment(reader)
    except CertificateVerificationError:
        raise
    # A hostile file can make any part of a PDF parser fail in its own way; each means "unreadable".
    except Exception as exc:
        raise CertificateVerificationError("pdf", f"not a readable PDF ({type(exc).__name__})") from None
    bundle = _bundle(content)
    try:
        text, error = _page_text(reader)
    except Exception as exc:  # as above; an unreadable page is reported, not raised
        text, error = None, f"the page's text cannot be read ({type(exc).__name__})"
    return CertificatePdf(data=data, bundle=bundle, page_text=text, page_size_mm=size, pages=pages,
                          text_error=error)  # fmt: skip


def extract_bundle(data: bytes) -> dict[str, Any]:
    """Return the bundle embedded as credential.json; raise ``pdf`` or ``attachment`` if it cannot."""
    return read_certificate_pdf(data).bundle
