"""The evidence-package format's rules (private; `certificates.package` documents the format).

Owns the member names, the safe-path rules both the writer and the verifier apply, the shape of
manifest.json and manifest.sig.json, and the timeline's chain-link rule. Pure functions on names and
parsed JSON: no ZIP handling here. Standard library and this package only.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from typing import Any

from certificates._internal.encoding import b64url_decode
from certificates._internal.timefmt import parse_utc
from certificates.errors import CertificateError, CertificateVerificationError

FORMAT_TYPE = "SandboxEvidencePackage"
FORMAT_VERSION = 1
README, MANIFEST, SIGNATURE, TIMELINE = "VERIFY.txt", "manifest.json", "manifest.sig.json", "timeline.json"
GENESIS = "0" * 64
PREFIX_HEX = 16  # enough to keep paths apart; the full digest is in the manifest
MAX_NAME = 80
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991; avoids needing tzdata
MANIFEST_KEYS = frozenset({"type", "version", "case", "createdAt", "issuer", "entries"})
ENTRY_KEYS = frozenset({"path", "name", "kind", "size", "sha256", "addedBy", "addedAt", "withdrawn"})
SIGNATURE_KEYS = frozenset({"alg", "kid", "signature", "signedAt"})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def safe_name(name: str) -> str:
    """Return a file-name form of `name` safe to unpack anywhere (letters of any script are kept)."""
    text = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    text = re.sub(r"[^\w.-]+", "_", text).strip("._") or "file"
    if len(text) > MAX_NAME:
        # Keep a short extension so the clerk's tools still open the file by type.
        stem, dot, ext = text.rpartition(".")
        keep = f".{ext}" if dot and 0 < len(ext) <= 10 else ""
        text = (stem if keep else text)[: MAX_NAME - len(keep)] + keep
    return text


def member_path(digest: str, name: str, used: set[str]) -> str:
    """Return the ZIP path for a file with this SHA-256 hex and name, unique (case-blind) within `used`."""
    base = f"files/{digest[:PREFIX_HEX]}-{safe_name(name)}"
    path, counter = base, 1
    # Same bytes under the same name twice (e.g. re-submitted after a withdrawal); casefold because
    # Windows and macOS unpack "A.pdf" and "a.pdf" onto one file.
    while path.casefold() in used:
        counter += 1
        path = f"files/{digest[:PREFIX_HEX]}-{counter}-{safe_name(name)}"
    used.add(path.casefold())
    return path


def path_problem(name: str) -> str | None:
    """Return why a ZIP member name is unsafe to unpack (absolute, traversal, …), or None."""
    if "\\" in name or any(ord(char) < 32 for char in name):
        return "a backslash or control character"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    parts = (name[:-1] if name.endswith("/") else name).split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "path traversal or an empty path component"
    return None


def validate_manifest(manifest: Any) -> None:
    """Raise ``manifest`` unless the parsed manifest has exactly the documented shape."""

    def fail(message: str) -> CertificateVerificationError:
        return CertificateVerificationError("manifest", message)

    if not isinstance(manifest, dict) or set(manifest) != MANIFEST_KEYS:
        raise fail(f"manifest.json must have exactly {sorted(MANIFEST_KEYS)}")
    if manifest["type"] != FORMAT_TYPE or manifest["version"] != FORMAT_VERSION:
        raise fail(f"not a {FORMAT_TYPE} version {FORMAT_VERSION} manifest")
    if not isinstance(manifest["case"], dict) or not isinstance(manifest["issuer"], str):
        raise fail("case must be an object and issuer a string")
    parse_utc(manifest["createdAt"])
    entries = manifest["entries"]
    if not isinstance(entries, list):
        raise fail("entries must be a list")
    paths: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != ENTRY_KEYS:
            raise fail(f"each entry has exactly {sorted(ENTRY_KEYS)}")
        path = entry["path"]
        if not isinstance(path, str) or path_problem(path) or path.endswith("/"):
            raise fail(f"entry path {path!r} is not a safe relative file path")
        if path != TIMELINE and not path.startswith("files/"):
            raise fail(f"entry path {path!r} is neither timeline.json nor under files/")
        if path.casefold() in paths:
            raise fail(f"entry path {path!r} is listed twice")
        paths.add(path.casefold())
        size = entry["size"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise fail(f"{path}: size must be a non-negative integer")
        if not isinstance(entry["sha256"], str) or not _HEX64.match(entry["sha256"]):
            raise fail(f"{path}: sha256 must be 64 lowercase hex digits")
        if not all(isinstance(entry[k], str) for k in ("name", "kind", "addedBy")):
            raise fail(f"{path}: name, kind and addedBy must be strings")
        if not isinstance(entry["withdrawn"], bool):
            raise fail(f"{path}: withdrawn must be true or false")
        parse_utc(entry["addedAt"])
    if TIMELINE not in paths:
        raise fail("the manifest does not list timeline.json")


def parse_signature(doc: Any) -> tuple[str, bytes, datetime]:
    """Return (kid, signature bytes, signedAt) from parsed manifest.sig.json; raise ``signature``."""
    if not isinstance(doc, dict) or set(doc) != SIGNATURE_KEYS:
        raise CertificateVerificationError(
            "signature", f"manifest.sig.json has exactly {sorted(SIGNATURE_KEYS)}"
        )
    if doc["alg"] != "EdDSA" or not isinstance(doc["kid"], str) or not doc["kid"]:
        raise CertificateVerificationError("signature", "alg must be EdDSA, with a kid")
    try:
        value = b64url_decode(doc["signature"])
        signed_at = parse_utc(doc["signedAt"])
    except CertificateError as exc:
        raise CertificateVerificationError("signature", str(exc)) from exc
    if len(value) != 64:
        raise CertificateVerificationError("signature", "an Ed25519 signature is 64 bytes")
    return doc["kid"], value, signed_at


def check_chain(events: Any) -> str:
    """Check the links of the chain; return what was checked."""
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise CertificateVerificationError("timeline", "timeline.json must be a list of objects")
    chained = [event for event in events if "hash" in event or "prev_hash" in event]
    if not chained:
        return "no hash chain in this timeline"
    if len(chained) != len(events):
        raise CertificateVerificationError("timeline", "some entries carry hashes and others do not")
    previous = None
    for number, event in enumerate(events, start=1):
        this, prev = event.get("hash"), event.get("prev_hash")
        if not all(isinstance(h, str) and _HEX64.match(h) for h in (this, prev)):
            raise CertificateVerificationError(
                "timeline", f"entry {number}: hash and prev_hash are 64 hex digits"
            )
        if previous is None and event.get("seq") == 1 and prev != GENESIS:
            raise CertificateVerificationError("timeline", "the first event does not start from 64 zeros")
        if previous is not None and prev != previous:
            raise CertificateVerificationError(
                "timeline", f"entry {number} (seq {event.get('seq')}) does not link to the entry before it"
            )
        previous = this
    return f"{len(events)} entries linked (links checked offline; hashes are recomputed by the platform)"
