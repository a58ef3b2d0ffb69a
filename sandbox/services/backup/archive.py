"""The backup archive format: an uncompressed tar with a manifest, and the sealed secrets inside it.

Members: `database/<table>.jsonl` (rows), `files/<location>/<path>` (uploads, certificate PDFs),
`secrets.bin` (the signing keys, the key passphrase and the secret key, encrypted), `manifest.json`
(every member's SHA-256 and size, the schema revision, row counts) and `manifest.hmac`. The secrets
are encrypted with AES-256-GCM under a key derived from the backup passphrase with scrypt; a second
derived key seals the manifest with HMAC-SHA256, so neither a member nor its listed hash can be changed
without the passphrase noticing. The passphrase itself is never stored. The tar is deliberately not
compressed: it makes "no key material in the clear" something a plain byte search can confirm.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from sandbox.errors import N_, Message, SandboxError

FORMAT = "sandbox-backup"
VERSION = 1
MANIFEST = "manifest.json"
SEAL = "manifest.hmac"
SECRETS = "secrets.bin"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
# A manifest may not ask for more work than this (it is read before it can be authenticated).
SCRYPT_LIMITS = {"n": 2**20, "r": 16, "p": 4}
AAD = b"sandbox-backup-secrets-v1"
CHUNK = 1 << 16


class BackupRefused(SandboxError):
    """A backup or restore was refused; `code` says why (format, tampered, passphrase, not_empty, ...)."""

    status = 422
    message: Message  # only a two-person refusal carries Bilingual text

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.code = code

    def __str__(self) -> str:
        return self.message.msgid % self.message.params if self.message.params else self.message.msgid


@dataclass(frozen=True)
class SealKeys:
    cipher: bytes
    mac: bytes


def derive_keys(passphrase: str, salt: bytes, params: dict[str, int]) -> SealKeys:
    """Derive the encryption and sealing keys from the passphrase (scrypt, 64 bytes split in two)."""
    for name, limit in SCRYPT_LIMITS.items():
        if not isinstance(params.get(name), int) or not 0 < params[name] <= limit:
            raise BackupRefused("format", N_("The manifest's key derivation parameters are not acceptable."))
    material = Scrypt(salt=salt, length=64, **params).derive(passphrase.encode("utf-8"))
    return SealKeys(cipher=material[:32], mac=material[32:])


def seal_secrets(passphrase: str, files: dict[str, bytes]) -> tuple[bytes, dict[str, Any], SealKeys]:
    """Pack `files` (name → bytes) into a small tar and encrypt it; return blob, parameters and keys."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as inner:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            inner.addfile(info, io.BytesIO(data))
    salt, nonce = os.urandom(16), os.urandom(12)
    keys = derive_keys(passphrase, salt, SCRYPT)
    blob = AESGCM(keys.cipher).encrypt(nonce, buffer.getvalue(), AAD)
    params = {
        "member": SECRETS,
        "cipher": "AES-256-GCM",
        "kdf": {"name": "scrypt", **SCRYPT, "salt": _b64(salt)},
        "nonce": _b64(nonce),
        "files": sorted(files),
    }
    return blob, params, keys


def open_secrets(passphrase: str, blob: bytes, params: dict[str, Any]) -> tuple[dict[str, bytes], SealKeys]:
    """Decrypt the secrets blob; a wrong passphrase raises BackupRefused("passphrase")."""
    try:
        kdf = params["kdf"]
        salt, nonce = _unb64(kdf["salt"]), _unb64(params["nonce"])
        cost = {name: kdf[name] for name in SCRYPT}
    except (KeyError, TypeError, ValueError):
        raise BackupRefused("format", N_("The manifest does not describe the encrypted keys.")) from None
    keys = derive_keys(passphrase, salt, cost)
    try:
        plain = AESGCM(keys.cipher).decrypt(nonce, blob, AAD)
    except InvalidTag:
        raise BackupRefused(
            "passphrase", N_("The backup passphrase is wrong (the keys cannot be decrypted).")
        ) from None
    files = {}
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r") as inner:
        for member in inner.getmembers():
            handle = inner.extractfile(member) if member.isfile() else None
            if handle is None or not safe_name(member.name):
                raise BackupRefused(
                    "format", N_("The encrypted keys hold an unexpected entry %(name)s."), name=member.name
                )
            files[member.name] = handle.read()
    return files, keys


def seal(keys: SealKeys, manifest: bytes) -> bytes:
    return hmac.new(keys.mac, manifest, hashlib.sha256).hexdigest().encode("ascii")


def check_seal(keys: SealKeys, manifest: bytes, mac: bytes) -> None:
    if not hmac.compare_digest(seal(keys, manifest), mac.strip()):
        raise BackupRefused("tampered", N_("The manifest was altered after the backup was written."))


def safe_name(name: str) -> bool:
    """A relative POSIX path without `..`, empty parts or a leading slash."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and all(part not in ("", ".", "..") for part in path.parts)


class HashingReader:
    """Wrap a file so tarfile's reads also feed a SHA-256 (each byte is read exactly once)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


class ArchiveWriter:
    """Append members to a tar, remembering each one's SHA-256 and size for the manifest."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar
        self.members: dict[str, dict[str, Any]] = {}

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add_file(name, io.BytesIO(data), len(data))

    def add_path(self, name: str, path: Path) -> None:
        with open(path, "rb") as handle:
            self.add_file(name, handle, os.fstat(handle.fileno()).st_size)

    def add_file(self, name: str, handle: IO[bytes], size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode = size, 0o600
        reader = HashingReader(handle)
        self.tar.addfile(info, reader)
        self.members[name] = {"sha256": reader.digest.hexdigest(), "size": size}


def read_manifest(tar: tarfile.TarFile) -> tuple[dict[str, Any], bytes, bytes]:
    """Return the parsed manifest, its bytes and its seal; refuse anything that is not our format."""
    try:
        raw = _member_bytes(tar, MANIFEST)
        mac = _member_bytes(tar, SEAL)
        manifest = json.loads(raw)
    except (KeyError, ValueError):
        raise BackupRefused(
            "format", N_("This file is not a sandbox backup (no readable manifest).")
        ) from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("version") != VERSION
    ):
        raise BackupRefused("format", N_("This file is not a sandbox backup of a supported version."))
    return manifest, raw, mac


def check_members(tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Compare every member with its listed SHA-256 and size; name the first that differs."""
    listed: dict[str, dict[str, Any]] = manifest.get("members") or {}
    present = {member.name: member for member in tar.getmembers()}
    for name, member in present.items():
        if name in (MANIFEST, SEAL):
            continue
        if name not in listed or not member.isfile() or not safe_name(name):
            raise BackupRefused(
                "tampered", N_("The archive holds %(member)s, which its manifest does not list."), member=name
            )
    for name, expected in listed.items():
        if name not in present:
            raise BackupRefused(
                "tampered", N_("The archive lacks %(member)s, which its manifest lists."), member=name
            )
        digest, size = hashlib.sha256(), 0
        for chunk in iter_member(tar, name):
            digest.update(chunk)
            size += len(chunk)
        if digest.hexdigest() != expected.get("sha256") or size != expected.get("size"):
            raise BackupRefused(
                "tampered",
                N_("The member %(member)s does not match its SHA-256 in the manifest."),
                member=name,
            )


def iter_member(tar: tarfile.TarFile, name: str) -> Iterator[bytes]:
    handle = tar.extractfile(name)
    if handle is None:
        raise BackupRefused("tampered", N_("The member %(member)s is not a regular file."), member=name)
    while chunk := handle.read(CHUNK):
        yield chunk


def iter_lines(tar: tarfile.TarFile, name: str) -> Iterator[bytes]:
    handle = tar.extractfile(name)
    if handle is None:
        raise BackupRefused("tampered", N_("The member %(member)s is not a regular file."), member=name)
    yield from handle


def _member_bytes(tar: tarfile.TarFile, name: str) -> bytes:
    handle = tar.extractfile(name)
    if handle is None:
        raise KeyError(name)
    return handle.read()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
