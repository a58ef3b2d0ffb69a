"""Transparency-log entries and a file-backed node store.

This module owns what goes into a leaf (an allow-listed JSON object of digests and ids, never personal
data; the leaf is its RFC 8785 bytes), the RFC 3339 UTC time format used in entries and checkpoints,
and `FileNodeStore`, an append-only on-disk `NodeStore` for the offline tools and the benchmark (the app
keeps the same nodes in its database). Standard library, rfc8785 and this package only.
"""

from __future__ import annotations

import fcntl
import os
import random
import re
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from certificates.errors import CertificateError
from certificates.jcs import canonicalize
from certificates.log.merkle import HASH_SIZE, MerkleLog

KINDS = frozenset({"issue", "status", "key"})
ALLOWED_FIELDS = frozenset(
    {
        "certId",
        "credentialSha256",
        "kid",
        "at",
        "status",
        "purpose",
        "statusIndex",
        "reasonCode",
        "keyUse",
        "event",
        "algorithm",  # a key entry's algorithm when it is not Ed25519 ("SM2")
        "supersedes",  # a re-issue's entry: the digest of the credential it replaces
    }
)
REQUIRED_FIELDS = {
    "issue": ("certId", "credentialSha256"),
    "status": ("certId", "status"),
    "key": ("kid", "event"),
}
_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def parse_utc(text: str) -> datetime:
    """Parse an RFC 3339 timestamp in UTC written with a trailing ``Z``; raise CertificateError."""
    if not isinstance(text, str) or not _UTC.fullmatch(text):
        raise CertificateError(f"not an RFC 3339 UTC time ending in Z: {text!r}")
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise CertificateError(f"not a valid time: {text!r}") from exc


def format_utc(when: datetime) -> str:
    """Format an aware datetime as RFC 3339 UTC with a ``Z``, whole seconds."""
    if when.tzinfo is None:
        raise CertificateError("refusing a naive datetime: times are timezone-aware UTC")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_entry(kind: str, **fields: Any) -> dict[str, Any]:
    """Build a log entry, refusing unknown kinds and keys, floats, nested values and bad times.

    The allow-list is the privacy guarantee: an entry can only carry digests, ids, codes and a time.
    """
    if kind not in KINDS:
        raise CertificateError(f"unknown log entry kind {kind!r}")
    unknown = sorted(set(fields) - ALLOWED_FIELDS)
    if unknown:
        raise CertificateError(f"log entries may not carry {', '.join(unknown)}")
    missing = [k for k in ("at", *REQUIRED_FIELDS[kind]) if k not in fields]
    if missing:
        raise CertificateError(f"a {kind} entry needs {', '.join(missing)}")
    for key, value in fields.items():
        # bool is an int; both are fine. Floats have no single canonical form and nested values
        # could smuggle in anything, so neither may appear.
        if not isinstance(value, str | int):
            raise CertificateError(f"{key} must be a string or an integer, not {type(value).__name__}")
        if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
            raise CertificateError(f"{key} is not NFC-normalised")
    parse_utc(fields["at"])
    for name in ("credentialSha256", "supersedes"):
        if name in fields and not _SHA256_HEX.fullmatch(fields[name]):
            raise CertificateError(f"{name} must be 64 lowercase hex characters")
    return {"kind": kind, **fields}


def entry_leaf(entry: dict[str, Any]) -> bytes:
    """Return the leaf bytes of an entry: its RFC 8785 canonical JSON."""
    return canonicalize(entry)  # the standard library's encoder where it writes RFC 8785 exactly


class FileNodeStore:
    """A NodeStore in a directory: one append-only file of 32-byte hashes per tree level.

    Node (level, i) lives at byte i * 32 of ``level-NN.hashes``, so a lookup is one pread. An append
    writes the upper levels first and the leaf last, under an exclusive lock on the leaf file: the leaf
    file's length is the tree size, so a crash mid-append leaves only unreachable upper nodes, which the
    next append overwrites in place.
    """

    def __init__(self, directory: str | os.PathLike[str], *, durable: bool = True) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.durable = durable
        self._fds: dict[int, int] = {}
        leaves = self._fd(0)
        with _locked(leaves):
            size = os.fstat(leaves).st_size
            if size % HASH_SIZE:  # a torn leaf write: the append never happened
                os.ftruncate(leaves, size - size % HASH_SIZE)

    def _fd(self, level: int) -> int:
        fd = self._fds.get(level)
        if fd is None:
            path = self.directory / f"level-{level:02d}.hashes"
            fd = self._fds[level] = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        return fd

    def size(self) -> int:
        return os.fstat(self._fd(0)).st_size // HASH_SIZE

    def get(self, level: int, index: int) -> bytes:
        if level > 0 and (index + 1) << level > self.size():
            raise KeyError((level, index))  # leftovers of a torn append are not part of the tree
        data = os.pread(self._fd(level), HASH_SIZE, index * HASH_SIZE)
        if len(data) != HASH_SIZE:
            raise KeyError((level, index))
        return data

    def append(self, index: int, hashes: Sequence[bytes]) -> None:
        leaves = self._fd(0)
        with _locked(leaves):
            if index != self.size():
                raise CertificateError(f"append at {index} but the log has {self.size()} leaves")
            for level in range(len(hashes) - 1, -1, -1):
                fd = self._fd(level)
                os.pwrite(fd, hashes[level], (index >> level) * HASH_SIZE)
                if self.durable:
                    os.fsync(fd)

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    def __enter__(self) -> FileNodeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def _locked(fd: int) -> Iterator[None]:
    """Hold an exclusive advisory lock on a file descriptor (serialises writers across processes)."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def benchmark_file_log(
    directory: str | os.PathLike[str], entries: int = 1_000_000, samples: int = 1000, *, seed: int = 0
) -> dict[str, float]:
    """Fill a FileNodeStore log to `entries` leaves and time proofs from disk; return the figures.

    Appends skip fsync (this measures proofs, not disk flushes). Times are means in milliseconds.
    """
    with FileNodeStore(directory, durable=False) as store:
        log = MerkleLog(store)
        started = time.perf_counter()
        for i in range(store.size(), entries):
            log.append(b"benchmark leaf %d" % i)
        append_s = time.perf_counter() - started
    rng = random.Random(seed)
    with FileNodeStore(directory) as store:  # reopened: proofs come from the files, not from memory
        log = MerkleLog(store)
        size = log.size
        picks = [(rng.randrange(size), rng.randrange(1, size + 1)) for _ in range(samples)]
        started = time.perf_counter()
        for index, _ in picks:
            log.inclusion_proof(index, size)
        inclusion_ms = (time.perf_counter() - started) * 1000 / samples
        started = time.perf_counter()
        for _, other in picks:
            log.consistency_proof(other, size)
        consistency_ms = (time.perf_counter() - started) * 1000 / samples
        started = time.perf_counter()
        for _, other in picks:
            log.root(other)
        root_ms = (time.perf_counter() - started) * 1000 / samples
    return {
        "entries": float(size),
        "append_seconds": append_s,
        "inclusion_ms": inclusion_ms,
        "consistency_ms": consistency_ms,
        "root_ms": root_ms,
    }
