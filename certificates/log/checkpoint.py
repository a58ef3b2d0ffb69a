"""Signed tree heads of the transparency log: C2SP signed notes and tlog checkpoints, Ed25519 and SM2.

This module owns the checkpoint wire format third-party verifiers rely on (c2sp.org/signed-note,
c2sp.org/tlog-checkpoint), the verifier-key string, and the backdating rule that ties a credential's
proof time to the checkpoints around its log entry. Standard library, cryptography and this package only.

A checkpoint carries the log's Ed25519 signature line and, once the log has an SM2 key, a second line
by the same key name with the SM2 signature (GB/T 32918.2 with SM3 and the default user identity, DER)
over the same note text. Signed-note assigns SM2 no type byte, so its key ID uses the spec's escape:
``SHA-256(name ‖ 0x0A ‖ 0xFF ‖ "sm2-sm3" ‖ 65-byte uncompressed point)[:4]``. A verifier that knows only
the Ed25519 key ignores the SM2 line, as the spec requires of signatures from unknown keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from certificates import sm2
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.log.store import format_utc, parse_utc

ED25519_TYPE = b"\x01"
SM2_TYPE = b"\xffsm2-sm3"  # 0xFF, "reserved for signature types without an identifier byte", and a name
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16
_NAME = re.compile(r"[^\s+]+")
_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes  # 4 bytes
    signature: bytes


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...]
    signatures: tuple[NoteSignature, ...]
    body: str  # the signed note text, final newline included

    @property
    def time(self) -> datetime | None:
        """Return the time from the ``time <RFC 3339 UTC>`` extension line, if there is one."""
        for line in self.extensions:
            if line.startswith("time "):
                return parse_utc(line[5:])
        return None


def _raw_public(public_key: Ed25519PublicKey | bytes) -> bytes:
    if isinstance(public_key, Ed25519PublicKey):
        return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    if len(public_key) != 32:
        raise CertificateError("an Ed25519 public key is 32 bytes")
    return bytes(public_key)


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise CertificateError(f"invalid note key name {name!r}: non-empty, no spaces, no '+'")


def key_id(name: str, public_key: Any) -> bytes:
    """Return the 4-byte key ID: SHA-256(name || 0x0A || type || public key)[:4], the type 0x01 for an
    Ed25519 key (or its 32 raw bytes), ``0xFF "sm2-sm3"`` for an SM2 key."""
    _check_name(name)
    if sm2.is_sm2_key(public_key):
        material = SM2_TYPE + sm2.point_bytes(public_key)
    else:
        material = ED25519_TYPE + _raw_public(public_key)
    return hashlib.sha256(name.encode() + b"\n" + material).digest()[:4]


def _sign(private_key: Any, text: bytes) -> bytes:
    if sm2.is_sm2_key(private_key):
        return sm2.sign(private_key, text)
    return bytes(private_key.sign(text))


def _verifies(public_key: Any, signature: bytes, text: bytes) -> bool:
    if sm2.is_sm2_key(public_key):
        return sm2.verify(public_key, signature, text)
    try:
        public_key.verify(signature, text)
    except InvalidSignature:
        return False
    return True


def verifier_key_string(name: str, public_key: Ed25519PublicKey | bytes) -> str:
    """Return the verifier key text ``name+hex(key ID)+base64(0x01 || public key)``."""
    raw = _raw_public(public_key)
    return f"{name}+{key_id(name, raw).hex()}+{base64.b64encode(ED25519_TYPE + raw).decode()}"


def parse_verifier_key(vkey: str) -> tuple[str, Ed25519PublicKey]:
    """Return (name, public key) from a verifier key string, checking its key ID."""
    name, _, rest = vkey.partition("+")
    hex_id, _, material = rest.partition("+")  # the base64 part may itself contain '+'
    try:
        raw = base64.b64decode(material, validate=True)
    except binascii.Error as exc:
        raise CertificateError("malformed verifier key") from exc
    if len(raw) != 33 or raw[:1] != ED25519_TYPE or len(hex_id) != 8:
        raise CertificateError("not an Ed25519 verifier key")
    if key_id(name, raw[1:]).hex() != hex_id:
        raise CertificateError("verifier key ID does not match its name and key")
    return name, Ed25519PublicKey.from_public_bytes(raw[1:])


def _well_formed(text: str) -> bool:
    return text.endswith("\n") and not any(c < " " and c != "\n" for c in text)


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey, *also: Any) -> str:
    """Return the signed note: text, a blank line, the Ed25519 signature line, then one line per key in
    `also` (an SM2 key), all by `name`."""
    # Empty lines are legal in note text, but refusing them keeps every body we sign a checkpoint body.
    if not _well_formed(text) or "\n\n" in text:
        raise CertificateError("note text must end in a newline, hold no controls and no empty lines")
    lines = []
    for key in (private_key, *also):
        sig = base64.b64encode(key_id(name, key.public_key()) + _sign(key, text.encode())).decode()
        lines.append(f"{SIGNATURE_PREFIX}{name} {sig}\n")
    return f"{text}\n{''.join(lines)}"


def sign_checkpoint(
    origin: str,
    size: int,
    root: bytes,
    name: str,
    private_key: Ed25519PrivateKey,
    extra_lines: Iterable[str] = (),
    *,
    at: datetime | None = None,
    sm2_key: Any = None,
) -> str:
    """Return a signed checkpoint; `at` adds the ``time <RFC 3339 UTC>`` extension line first; `sm2_key`
    adds the SM2 signature line after the Ed25519 one."""
    _check_name(origin)  # the spec only recommends this form for origins; we hold ourselves to it
    if size < 0 or len(root) != 32:
        raise CertificateError("a checkpoint needs a size >= 0 and a 32-byte root hash")
    lines = [origin, str(size), base64.b64encode(root).decode()]
    if at is not None:
        lines.append("time " + format_utc(at))
    for line in extra_lines:
        if not line or "\n" in line:
            raise CertificateError("extension lines must be non-empty single lines")
        lines.append(line)
    return sign_note("\n".join(lines) + "\n", name, private_key, *([sm2_key] if sm2_key is not None else []))


def _fail(message: str) -> CertificateVerificationError:
    return CertificateVerificationError("checkpoint", message)


def _parse_note(text: str | bytes) -> tuple[str, tuple[NoteSignature, ...]]:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise _fail("a note must be UTF-8") from None
    if not _well_formed(text):
        raise _fail("a note must end in a newline and hold no control characters")
    split = text.rfind("\n\n")
    if split < 0:
        raise _fail("no blank line before the signatures")
    body, sig_block = text[: split + 1], text[split + 2 :]
    signatures = []
    for line in sig_block.split("\n")[:-1]:
        name, _, sig = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        try:
            blob = base64.b64decode(sig, validate=True)
        except binascii.Error:
            blob = b""
        if not line.startswith(SIGNATURE_PREFIX) or not _NAME.fullmatch(name) or len(blob) < 5:
            raise _fail("malformed signature line")
        signatures.append(NoteSignature(name, blob[:4], blob[4:]))
    if not signatures or len(signatures) > MAX_SIGNATURES:
        raise _fail("a note needs between 1 and 100 signatures")
    return body, tuple(signatures)


def verify_note(text: str | bytes, name: str, public_key: Any) -> str:
    """Verify a signed note's signature by `name` and `public_key` (Ed25519, or SM2); return the note
    text or raise ``checkpoint``.

    As the signed-note spec requires, signatures from other keys are ignored, a failing signature from
    the known key rejects the whole note, and a note without a good signature from it is rejected.
    """
    body, signatures = _parse_note(text)
    if not sm2.is_sm2_key(public_key):
        public_key = Ed25519PublicKey.from_public_bytes(_raw_public(public_key))
    kid = key_id(name, public_key)
    ours = [s for s in signatures if s.name == name and s.key_id == kid]
    if not ours:
        raise _fail(f"no signature by {name}")
    for sig in ours:
        if not _verifies(public_key, sig.signature, body.encode()):
            raise _fail(f"the signature by {name} does not verify")
    return body


def parse_checkpoint(text: str | bytes) -> Checkpoint:
    """Parse a signed checkpoint without verifying it; raise code ``checkpoint`` if it is malformed."""
    body, signatures = _parse_note(text)
    lines = body.split("\n")[:-1]
    if len(lines) < 3 or not all(lines) or not _SIZE.fullmatch(lines[1]):
        raise _fail("the body needs an origin, a decimal tree size and a root hash")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except binascii.Error:
        root = b""
    if len(root) != 32 or base64.b64encode(root).decode() != lines[2]:
        raise _fail("the root hash is not 32 bytes of standard base64")
    return Checkpoint(lines[0], int(lines[1]), root, tuple(lines[3:]), signatures, body)


def verify_checkpoint(
    text: str | bytes, name: str, public_key: Any, *, origin: str | None = None
) -> Checkpoint:
    """Verify the log's signature (and origin, if given); return the checkpoint or raise ``checkpoint``."""
    verify_note(text, name, public_key)
    checkpoint = parse_checkpoint(text)
    if origin is not None and checkpoint.origin != origin:
        raise _fail(f"origin is {checkpoint.origin!r}, expected {origin!r}")
    return checkpoint


class CheckpointsAround(NamedTuple):
    before: Checkpoint | None  # the latest checkpoint that does not yet contain the entry
    after: Checkpoint | None  # the earliest checkpoint that contains it


def find_checkpoints_around(checkpoints: Sequence[Checkpoint], leaf_index: int) -> CheckpointsAround:
    """Pick the checkpoints just before and just after leaf `leaf_index` entered the log."""
    before = [c for c in checkpoints if c.size <= leaf_index]
    after = [c for c in checkpoints if c.size > leaf_index]
    return CheckpointsAround(
        max(before, key=lambda c: c.size, default=None), min(after, key=lambda c: c.size, default=None)
    )


def _when(value: datetime | str | None) -> datetime:
    try:
        when = parse_utc(value) if isinstance(value, str) else value
    except CertificateError as exc:
        raise CertificateVerificationError("backdating", str(exc)) from None
    if not isinstance(when, datetime) or when.tzinfo is None:
        raise CertificateVerificationError("backdating", f"not a timezone-aware time: {value!r}")
    return when


def check_not_backdated(
    proof_created: datetime | str,
    entry_at: datetime | str | None,
    checkpoints_around: CheckpointsAround,
    *,
    tolerance: timedelta = timedelta(minutes=5),
) -> None:
    """Check that a credential was not signed long before it was logged; raise code ``backdating``.

    The rule: the proof's `created` time must not be later than the log entry's `at` (the credential is
    signed, then logged); neither may be earlier than the time of the latest checkpoint that did not yet
    contain the entry, less `tolerance` (else the operator signed a "past" credential and logged it
    later); and the entry's `at` must not be later than the first checkpoint containing it, plus
    `tolerance`. A bounding checkpoint without a ``time`` line fails the check; a missing one is skipped.
    """
    created, at = _when(proof_created), _when(entry_at)
    if created > at:
        raise CertificateVerificationError("backdating", "the proof was created after it was logged")
    for checkpoint, bound in ((checkpoints_around.before, "before"), (checkpoints_around.after, "after")):
        if checkpoint is None:
            continue
        line = next((x for x in checkpoint.extensions if x.startswith("time ")), None)
        if line is None:
            raise CertificateVerificationError("backdating", f"checkpoint {checkpoint.size} has no time")
        when = _when(line[5:])
        if bound == "before" and created < when - tolerance:
            raise CertificateVerificationError(
                "backdating", "the proof predates a checkpoint that does not contain its entry"
            )
        if bound == "after" and at > when + tolerance:
            raise CertificateVerificationError(
                "backdating", "the entry claims a time after the first checkpoint containing it"
            )
