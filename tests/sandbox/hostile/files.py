"""Hostile files for the upload tests: mistyped content, polyglots, zip bombs, nested archives, bare PDFs."""

from __future__ import annotations

import functools
import io
import zipfile
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode."
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
# Starts as a PDF, carries HTML: a browser opening it as .html would run the script.
POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n"

# (sent, stored). Backslashes in a multipart file name are eaten by the form parser as escapes before the
# app sees the name (test_hostile_archives checks the service's own handling of them).
HOSTILE_NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system.ini.pdf", "....windowssystem.ini.pdf"),
    ("/etc/cron.d/job.pdf", "job.pdf"),
    ("C:\\Users\\a\\合同.pdf", "C:Usersa合同.pdf"),
    ("nul\x00byte.pdf", "nulbyte.pdf"),
    ("tab\tbell\x07.pdf", "tabbell.pdf"),
    ("report\u202eexe.pdf", "reportexe.pdf"),  # shown as "reportfdp.exe" with the override
    ("..", "document"),
    ("trailing.pdf. . ", "trailing.pdf"),
    ("it's;semi,comma=.pdf", "it's;semi,comma=.pdf"),
    ("长" * 1000 + ".pdf", "长" * 196 + ".pdf"),
]


def multipart(form: dict[str, Any]) -> dict[str, Any]:
    """The request body encoded up front: the test client spools large bodies to files it never closes."""
    fields = {
        key: FileStorage(value[0], value[1]) if isinstance(value, tuple) else value
        for key, value in form.items()
    }
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def office(entries: dict[str, bytes], *, content_types: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", "<Types/>")
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def nested(depth: int) -> bytes:
    data = office({"word/document.xml": b"<w:document/>"})
    for level in range(depth - 1):
        data = office({f"level{level}.zip": data}, content_types=False)
    return data


@functools.cache
def zip_bomb() -> bytes:
    """A 'DOCX' of ~5 MB whose document part expands to 1.1 GB (built once, streamed, never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = bytes(8 << 20)
            for _ in range(140):
                part.write(chunk)
    return buffer.getvalue()


def many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(count):
            archive.writestr(f"f{index}", b"")
    return buffer.getvalue()


def minimal_pdf(stream: bytes, *, flate: bool = True, root: bytes = b"1 0 R") -> bytes:
    """A well-formed PDF (with a cross-reference table, so a real PDF library reads it) whose catalog
    names one embedded file, credential.json, holding `stream`; `root` replaces the trailer's /Root."""
    filters = b" /Filter /FlateDecode" if flate else b""
    objects = [
        b"<< /Type /Catalog /Pages 5 0 R /Names << /EmbeddedFiles 2 0 R >> >>",
        b"<< /Names [(credential.json) 3 0 R] >>",
        b"<< /Type /Filespec /F (credential.json) /EF << /F 4 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length " + str(len(stream)).encode() + filters + b" >>\nstream\n"
        + stream + b"\nendstream",
        b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 5 0 R /MediaBox [0 0 595 842] >>",
    ]
    body, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer << /Size %d /Root " % (len(objects) + 1) + root
    body += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(body)
