"""Inspecting ZIP-based uploads (ZIP, DOCX, XLSX, PPTX, OFD) safely, in memory, without extracting them.

A few kilobytes of ZIP can claim gigabytes (a zip bomb), hundreds of thousands of entries, or archives
nested inside archives ("42.zip"). Whoever later opens such an upload — a regulator's office suite, the
evidence package's reader — would be flooded, so the upload is refused up front: the entry count is read
from the end-of-central-directory record before the directory is parsed, the sizes the directory
declares are summed against a budget shared by every nesting level, and only archives inside archives
are decompressed, in memory, bounded by their declared size (which `zipfile` enforces while reading).
Nothing is ever written to disk. Imports no Flask.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from sandbox.errors import N_, Message

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 512 * 1024 * 1024
# An Office file may embed another (a spreadsheet in a document); an archive three deep is refused.
MAX_DEPTH = 2
# Archives inside an archive are inspected in memory; larger ones are refused rather than inflated.
MAX_NESTED_BYTES = 32 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OFFICE_ZIP_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# What opening, listing or peeking into a damaged archive may raise.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)


class UnsafeArchive(Exception):
    """The archive is unreadable or too large when expanded; `message` says which, for the user."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = Message(message, params)


def zip_media_type(data: bytes) -> str | None:
    """Return the media type of a ZIP-based upload, None if it is no readable ZIP; raise `UnsafeArchive`."""
    budget = _Budget()
    try:
        names = _inspect(data, budget, depth=1)
    except UnsafeArchive:
        raise
    except ZIP_ERRORS:
        return None
    if "[Content_Types].xml" in names:
        for prefix, media_type in OFFICE_ZIP_TYPES.items():
            if any(name.startswith(prefix) for name in names):
                return media_type
    return "application/zip"


class _Budget:
    """Entries and declared bytes still allowed, shared across nesting levels."""

    def __init__(self) -> None:
        self.entries = MAX_ENTRIES
        self.bytes = MAX_UNCOMPRESSED

    def spend(self, entries: int, size: int) -> None:
        self.entries -= entries
        self.bytes -= size
        if self.entries < 0:
            raise UnsafeArchive(N_("The archive holds more than %(count)s files."), count=MAX_ENTRIES)
        if self.bytes < 0:
            limit = MAX_UNCOMPRESSED // 2**20
            raise UnsafeArchive(N_("The archive expands to more than %(limit)s MB."), limit=limit)


def _inspect(data: bytes, budget: _Budget, *, depth: int) -> list[str]:
    declared = _declared_entries(data)
    if declared is not None:
        budget.spend(declared, 0)  # refused before the directory is parsed
        budget.entries += declared
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        budget.spend(len(infos), sum(info.file_size for info in infos))
        for info in infos:
            if info.is_dir() or info.flag_bits & 0x1 or info.file_size < len(ZIP_MAGIC):  # 0x1: encrypted
                continue
            with archive.open(info) as member:
                if member.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
                    continue
                if depth >= MAX_DEPTH or info.file_size > MAX_NESTED_BYTES:
                    raise UnsafeArchive(N_("The archive holds archives nested too deeply."))
                inner = ZIP_MAGIC + member.read()
            _inspect(inner, budget, depth=depth + 1)
        return [info.filename for info in infos]


def _declared_entries(data: bytes) -> int | None:
    """The entry count from the end-of-central-directory record (ZIP64 aware), None if not found."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or len(data) < at + 22:
        return None
    (count,) = struct.unpack_from("<H", data, at + 10)
    if count != 0xFFFF:
        return count
    at64 = data.rfind(b"PK\x06\x06", 0, at)
    if at64 < 0 or len(data) < at64 + 56:
        return None
    (count64,) = struct.unpack_from("<Q", data, at64 + 32)
    return count64
