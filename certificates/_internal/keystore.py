"""Encrypted on-disk storage of Ed25519 and SM2 private keys (private; re-exported by certificates.keys).

One file per key, ``<kid>.pem``: PKCS#8 PEM encrypted with the configured passphrase
(`BestAvailableEncryption`: AES for Ed25519 keys through `cryptography`, SM4 for SM2 keys through
Tongsuo), mode 0600 in a 0700 folder, never overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tongsuopy.crypto import serialization as tongsuo_serialization

from certificates import sm2
from certificates._internal.jwk import jwk_thumbprint
from certificates.errors import CertificateKeyError


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    if not isinstance(secret, bytes) or not secret:
        raise CertificateKeyError("a non-empty key passphrase is required (set it in the configuration)")
    return secret


def key_path(directory: Path | str, kid: str) -> Path:
    """Return where the key `kid` lives in `directory`."""
    # A kid is base64url, so it is a safe file name; anything else could walk out of the folder.
    if not kid or not all(c.isascii() and (c.isalnum() or c in "-_") for c in kid):
        raise CertificateKeyError(f"invalid key id {kid!r}")
    return Path(directory) / f"{kid}.pem"


def save_private_key(directory: Path | str, private_key: Any, passphrase: str | bytes) -> Path:
    """Write the key (Ed25519 or SM2) as encrypted PKCS#8 PEM to ``<directory>/<kid>.pem`` (mode 0600).

    Refuses to overwrite an existing file: a key that signed something must never be replaced.
    """
    library = tongsuo_serialization if sm2.is_sm2_key(private_key) else serialization
    pem = private_key.private_bytes(
        library.Encoding.PEM,
        library.PrivateFormat.PKCS8,
        library.BestAvailableEncryption(_passphrase_bytes(passphrase)),
    )
    folder = Path(directory)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = key_path(folder, jwk_thumbprint(private_key.public_key()))
    temporary = folder / f".{final.name}.{os.getpid()}.tmp"
    # Write under a temporary name, then hard-link: a crash never leaves a half-written key under
    # the real name, and link() fails atomically when the key already exists.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, final)
    except FileExistsError as exc:
        raise CertificateKeyError(f"refusing to overwrite existing key file {final.name}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return final


def _load_sm2(pem: bytes, secret: bytes) -> Any:
    """An SM2 key from SM4-encrypted PKCS#8, or None when the file holds no such key."""
    try:
        key = tongsuo_serialization.load_pem_private_key(pem, password=secret)
    except (TypeError, ValueError):
        return None
    return key if sm2.is_sm2_key(key) else None


def load_private_key(directory: Path | str, kid: str, passphrase: str | bytes) -> Any:
    """Load and decrypt the private key `kid` (Ed25519 or SM2); check that the file really holds that key."""
    path = key_path(directory, kid)
    try:
        pem = path.read_bytes()
    except FileNotFoundError as exc:
        raise CertificateKeyError(f"no private key file for kid {kid} in {directory}") from exc
    try:
        key = serialization.load_pem_private_key(pem, password=_passphrase_bytes(passphrase))
    except TypeError as exc:
        # cryptography raises TypeError when a password is given for an unencrypted file.
        raise CertificateKeyError(f"key file {path.name} is not encrypted; refusing to use it") from exc
    except ValueError as exc:
        # cryptography reads no SM4-encrypted PKCS#8; Tongsuo does, for the SM2 keys.
        key = _load_sm2(pem, _passphrase_bytes(passphrase))
        if key is None:
            raise CertificateKeyError(
                f"cannot decrypt key file {path.name}: wrong passphrase or corrupted file"
            ) from exc
    if not isinstance(key, Ed25519PrivateKey) and not sm2.is_sm2_key(key):
        raise CertificateKeyError(f"key file {path.name} holds neither an Ed25519 nor an SM2 key")
    if jwk_thumbprint(key.public_key()) != kid:
        raise CertificateKeyError(f"key file {path.name} holds a different key than its name says")
    return key
