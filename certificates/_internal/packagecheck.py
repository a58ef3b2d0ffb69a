"""Verifying an evidence package, check by check (private; `certificates.package` documents the checks).

Reads the ZIP defensively: names are judged before anything is used, JSON members are size-capped and
parsed strictly, files are hashed as streams after their declared size is compared, and every failure
becomes a named check in the report rather than an exception.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates._internal.packageformat import (
    MANIFEST,
    README,
    SIGNATURE,
    TIMELINE,
    check_chain,
    parse_signature,
    path_problem,
    validate_manifest,
)
from certificates._internal.strictjson import loads_strict
from certificates._internal.timefmt import format_utc, parse_utc
from certificates.errors import (
    CertificateError,
    CertificateKeyError,
    CertificateVerificationError,
    IndeterminateError,
)
from certificates.jcs import canonicalize
from certificates.keys import KeySet, KeyUse, jwk_thumbprint
from certificates.verifier import FAIL, INDETERMINATE, PASS, SKIPPED, Check, CheckedReport

MAX_JSON = 64 * 1024 * 1024  # manifest, signature and timeline are read whole; files are streamed
READ_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError)


@dataclass
class PackageReport(CheckedReport):
    """The outcome of verifying one package; `verdict` is what a person should be told first."""

    manifest: Mapping[str, Any] | None = None  # the parsed manifest, when it could be read
    kid: str | None = None
    signed_at: str | None = None

    def add(self, name: str, outcome: str, code: str | None = None, detail: str = "") -> None:
        self.checks.append(Check(name, outcome, code, detail))

    def failed(self, name: str, error: CertificateError) -> None:
        outcome = INDETERMINATE if isinstance(error, IndeterminateError) else FAIL
        code = error.code if isinstance(error, CertificateVerificationError) else name
        self.add(name, outcome, code, getattr(error, "message", str(error)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "case": dict(self.manifest["case"]) if self.manifest else None,
            "createdAt": self.manifest["createdAt"] if self.manifest else None,
            "kid": self.kid,
            "signedAt": self.signed_at,
            "checks": [
                {"name": c.name, "outcome": c.outcome, "code": c.code, "detail": c.detail}
                for c in self.checks
            ],
        }


def verify_into(
    report: PackageReport, data: bytes, keys: KeySet | None, public_key: Ed25519PublicKey | None
) -> None:
    """Append every check of the package `data` to `report` (see `certificates.package`)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        report.add("archive", FAIL, "archive", f"not a readable ZIP file: {exc}")
        return
    with archive:
        infos = archive.infolist()
        problems = _archive_problems(infos)
        if problems:
            report.add("archive", FAIL, "archive", "; ".join(problems))
        else:
            report.add("archive", PASS)
        members = {info.filename: info for info in infos}
        manifest_bytes = _check_manifest(report, archive, members)
        _check_signature(report, archive, members, manifest_bytes, keys, public_key)
        _check_entries(report, archive, members)
        _check_timeline(report, archive, members)


def _archive_problems(infos: list[zipfile.ZipInfo]) -> list[str]:
    problems, seen = [], set()
    for info in infos:
        name = info.filename
        problem = path_problem(name)
        if problem is None and (info.external_attr >> 16) & 0o170000 == 0o120000:
            problem = "a symbolic link"
        if problem is None and info.flag_bits & 0x1:
            problem = "encrypted"
        if problem is None and name.casefold() in seen:
            problem = "a duplicate name"
        seen.add(name.casefold())
        if problem:
            problems.append(f"{name!r} is {problem}")
    return problems


def _read_json(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str, code: str
) -> tuple[bytes, Any]:
    """Return the raw bytes and the strictly parsed JSON of member `name`; raise `code` if unusable."""
    info = members.get(name)
    if info is None:
        raise CertificateVerificationError(code, f"{name} is missing from the ZIP")
    if info.file_size > MAX_JSON:
        raise CertificateVerificationError(code, f"{info.filename} is implausibly large")
    try:
        raw = archive.read(info)
    except READ_ERRORS as exc:
        raise CertificateVerificationError(code, f"{info.filename} cannot be read: {exc}") from exc
    try:
        return raw, loads_strict(raw)
    except CertificateError as exc:
        raise CertificateVerificationError(code, f"{info.filename}: {exc}") from exc


def _check_manifest(
    report: PackageReport, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]
) -> bytes | None:
    """Record the ``manifest`` check; return the raw bytes (the signature covers them even if malformed)."""
    raw = None
    try:
        raw, manifest = _read_json(archive, members, MANIFEST, "manifest")
        validate_manifest(manifest)
        if canonicalize(manifest) != raw:
            raise CertificateVerificationError("manifest", "manifest.json is not in RFC 8785 canonical form")
        report.manifest = manifest
        report.add("manifest", PASS)
    except CertificateError as exc:
        report.failed("manifest", exc)
    return raw


def _check_signature(
    report: PackageReport,
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    manifest_bytes: bytes | None,
    keys: KeySet | None,
    public_key: Ed25519PublicKey | None,
) -> None:
    try:
        if manifest_bytes is None:
            raise CertificateVerificationError("manifest", "no manifest.json to check the signature against")
        _, doc = _read_json(archive, members, SIGNATURE, "signature")
        kid, signature, signed_at = parse_signature(doc)
        report.kid, report.signed_at = kid, format_utc(signed_at)
        manifest = report.manifest
        if manifest is not None and parse_utc(manifest["createdAt"]) != signed_at:
            raise CertificateVerificationError("signature", "signedAt differs from the signed createdAt")
        if keys is None and public_key is None:
            raise IndeterminateError(
                "no_key",
                "no key given to check the signature against: pass the platform's key set "
                "(/.well-known/jwks.json, --jwks) or its trust bundle (--trust-bundle)",
            )
        key = _package_key(kid, keys, public_key)
        try:
            key.verify(signature, manifest_bytes)
        except InvalidSignature:
            raise CertificateVerificationError(
                "signature", "the signature does not match manifest.json (changed, or signed by another key)"
            ) from None
        report.add("signature", PASS)
    except CertificateError as exc:
        report.failed("signature", exc)
        unjudged = "no key given" if isinstance(exc, IndeterminateError) else "no valid signature to judge"
        report.add("key_state", SKIPPED, "signature", unjudged)
        return
    if keys is None:
        report.add("key_state", SKIPPED, "key_set", "a bare public key carries no lifecycle to judge")
        return
    try:
        # signedAt stands in for a log time: revocation at or before it is fatal; after it, see below.
        record = keys.check_key_at(kid, signed_at, signed_at, use=KeyUse.PACKAGE)
        if record.revoked_at is not None:
            raise IndeterminateError(
                "revoked_later",
                f"key {kid} was revoked at {format_utc(record.revoked_at)}, after this package says it was "
                "signed; nothing offline proves when it was signed, so ask the platform to confirm",
            )
        report.add("key_state", PASS)
    except CertificateError as exc:
        report.failed("key_state", exc)


def _package_key(kid: str, keys: KeySet | None, public_key: Ed25519PublicKey | None) -> Ed25519PublicKey:
    if public_key is not None:
        if jwk_thumbprint(public_key) != kid:
            raise CertificateVerificationError("key", f"the given key is not key {kid}, which signed this")
        return public_key
    assert keys is not None  # the caller ruled out having neither
    try:
        record = keys.get(kid)
    except CertificateKeyError:
        raise CertificateVerificationError("key", f"key {kid} is not in the key set") from None
    if record.use is not KeyUse.PACKAGE:
        raise CertificateVerificationError("key", f"key {kid} is a {record.use} key, not a package key")
    if not isinstance(record.public_key, Ed25519PublicKey):
        raise CertificateVerificationError("key", f"key {kid} is not an Ed25519 key")
    return record.public_key


def _check_entries(
    report: PackageReport, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]
) -> None:
    if report.manifest is None:
        report.add("digest", SKIPPED, "manifest", "no valid manifest lists the files")
        report.add("unlisted", SKIPPED, "manifest", "no valid manifest lists the files")
        return
    for entry in report.manifest["entries"]:
        name, path = f"digest:{entry['path']}", entry["path"]
        info = members.get(path)
        if info is None:
            report.add(name, FAIL, "missing", f"{path} is listed in the manifest but not in the ZIP")
        elif info.file_size != entry["size"]:
            report.add(
                name, FAIL, "size", f"{path} has {info.file_size} bytes, the manifest says {entry['size']}"
            )
        else:
            try:
                size, actual = _digest_member(archive, info)
            except READ_ERRORS as exc:
                report.add(name, FAIL, "digest", f"{path} cannot be read (damaged): {exc}")
                continue
            if size != entry["size"] or not hmac.compare_digest(actual, entry["sha256"]):
                report.add(
                    name,
                    FAIL,
                    "digest",
                    f"SHA-256 of {path} is {actual}, the manifest says {entry['sha256']}",
                )
            else:
                report.add(name, PASS)
    listed = {entry["path"] for entry in report.manifest["entries"]} | {MANIFEST, SIGNATURE, README}
    extra = sorted(name for name in members if name not in listed)
    if extra:
        report.add("unlisted", FAIL, "unlisted", "not in the manifest: " + ", ".join(map(repr, extra)))
    else:
        report.add("unlisted", PASS)


def _digest_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    with archive.open(info) as stream:
        while chunk := stream.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def _check_timeline(
    report: PackageReport, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]
) -> None:
    if TIMELINE not in members:
        report.add("timeline", SKIPPED, "missing", "timeline.json is not in the ZIP")
        return
    try:
        _, events = _read_json(archive, members, TIMELINE, "timeline")
        report.add("timeline", PASS, None, check_chain(events))
    except CertificateError as exc:
        report.failed("timeline", exc)
