"""Signed-note checkpoints: the Go sumdb/note golden vector, round trips, tampering, backdating."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.errors import CertificateError, CertificateVerificationError
from certificates.log.checkpoint import (
    Checkpoint,
    CheckpointsAround,
    check_not_backdated,
    find_checkpoints_around,
    key_id,
    parse_checkpoint,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verifier_key_string,
    verify_checkpoint,
    verify_note,
)

# golang.org/x/mod/sumdb/note: the documented example key pair and signed note.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
GO_SIG = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
GO_NOTE = GO_TEXT + "\n\u2014 PeterNeumann " + GO_SIG + "\n"
# c2sp.org/tlog-checkpoint: the example checkpoint (its key is not published; parsed only).
SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4U"
    "RYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)
ORIGIN = "sandbox.example.cn/log"
ROOT = bytes(range(32))


def go_private_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])[1:]
    return Ed25519PrivateKey.from_private_bytes(seed)


def test_go_golden_note() -> None:
    key = go_private_key()
    assert sign_note(GO_TEXT, "PeterNeumann", key) == GO_NOTE
    assert verifier_key_string("PeterNeumann", key.public_key()) == GO_VKEY
    name, public = parse_verifier_key(GO_VKEY)
    assert name == "PeterNeumann" and verify_note(GO_NOTE, name, public) == GO_TEXT
    assert key_id("PeterNeumann", public).hex() == "c74f20a3"
    with pytest.raises(CertificateVerificationError):
        verify_note(GO_NOTE.replace("cryptography", "cryptographY"), name, public)


def test_spec_example_parses() -> None:
    cp = parse_checkpoint(SPEC_CHECKPOINT)
    assert (cp.origin, cp.size, cp.extensions) == ("example.com/behind-the-sofa", 20852163, ())
    assert cp.signatures[0].name == "example.com/behind-the-sofa" and len(cp.signatures[0].signature) == 64


def test_round_trip_with_time_and_foreign_signatures() -> None:
    key = Ed25519PrivateKey.generate()
    at = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
    note = sign_checkpoint(ORIGIN, 42, ROOT, ORIGIN, key, at=at)
    root_line = base64.b64encode(ROOT).decode()
    assert note.startswith(f"{ORIGIN}\n42\n{root_line}\ntime 2025-03-01T08:30:00Z\n\n\u2014 ")
    # a witness cosignature from an unknown key is ignored, as the spec demands
    witness = Ed25519PrivateKey.generate()
    cosigned = note + sign_note(parse_checkpoint(note).body, "witness.example", witness).split("\n\n")[1]
    for text in (note, cosigned, cosigned.encode()):
        cp = verify_checkpoint(text, ORIGIN, key.public_key(), origin=ORIGIN)
        assert (cp.size, cp.root, cp.time) == (42, ROOT, at)
    assert len(parse_checkpoint(cosigned).signatures) == 2


def tampered(note: str) -> list[str | bytes]:
    body, sigs = note.split("\n\n")
    return [
        note.replace("\n42\n", "\n43\n"),
        note.replace("\n42\n", "\n042\n"),
        note.replace("\u2014", "--"),
        body + "\n" + sigs,
        note[:-1],
        note.replace("\n\n", "\n\r\n"),
        body + "\n\n",
        note.encode("utf-16"),
        note.replace(base64.b64encode(ROOT).decode(), base64.b64encode(ROOT[:31]).decode()),
        sigs,
        note.replace(ORIGIN + " ", "other.example/log "),
    ]


def test_tampered_checkpoints_fail() -> None:
    key = Ed25519PrivateKey.generate()
    note = sign_checkpoint(ORIGIN, 42, ROOT, ORIGIN, key)
    for bad in tampered(note):
        with pytest.raises(CertificateVerificationError) as err:
            verify_checkpoint(bad, ORIGIN, key.public_key())
        assert err.value.code == "checkpoint"
    with pytest.raises(CertificateVerificationError):
        verify_checkpoint(note, ORIGIN, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(CertificateVerificationError):
        verify_checkpoint(note, ORIGIN, key.public_key(), origin="another.example/log")


def test_signer_refuses_bad_input() -> None:
    key = Ed25519PrivateKey.generate()
    for args in [("bad origin", 1, ROOT), (ORIGIN, -1, ROOT), (ORIGIN, 1, ROOT[:31])]:
        with pytest.raises(CertificateError):
            sign_checkpoint(*args, ORIGIN, key)
    with pytest.raises(CertificateError):
        sign_checkpoint(ORIGIN, 1, ROOT, "name+plus", key)
    with pytest.raises(CertificateError):
        sign_checkpoint(ORIGIN, 1, ROOT, ORIGIN, key, extra_lines=[""])
    with pytest.raises(CertificateError):
        parse_verifier_key(GO_VKEY.replace("c74f20a3", "c74f20a4"))


def checkpoint_at(size: int, when: datetime) -> Checkpoint:
    return parse_checkpoint(sign_checkpoint(ORIGIN, size, ROOT, ORIGIN, go_private_key(), at=when))


def test_backdating_rule() -> None:
    t0 = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    before, after = checkpoint_at(10, t0), checkpoint_at(20, t0 + timedelta(minutes=10))
    around = find_checkpoints_around([after, checkpoint_at(5, t0 - timedelta(hours=1)), before], 12)
    assert around == CheckpointsAround(before, after)
    ok = t0 + timedelta(minutes=2)
    check_not_backdated(ok, ok + timedelta(seconds=1), around)
    check_not_backdated("2025-06-01T09:56:00Z", "2025-06-01T10:01:00Z", around)  # within tolerance
    check_not_backdated(t0 - timedelta(days=30), ok, CheckpointsAround(None, after))  # first entry ever
    failing = [
        (ok + timedelta(seconds=1), ok, around),  # signed after it was logged
        (t0 - timedelta(minutes=6), ok, around),  # signed long before a checkpoint that lacks it
        (ok, t0 + timedelta(minutes=16), around),  # logged "after" a checkpoint that contains it
        (
            ok,
            ok,
            CheckpointsAround(
                parse_checkpoint(sign_checkpoint(ORIGIN, 10, ROOT, ORIGIN, go_private_key())), None
            ),
        ),
    ]
    for created, at, cps in failing:
        with pytest.raises(CertificateVerificationError) as err:
            check_not_backdated(created, at, cps)
        assert err.value.code == "backdating"
    check_not_backdated(t0 - timedelta(minutes=6), ok, around, tolerance=timedelta(minutes=7))
    for created, at in [("2025-06-01 10:02:00", ok), (ok.replace(tzinfo=None), ok)]:  # type: ignore[assignment]
        with pytest.raises(CertificateVerificationError) as err:
            check_not_backdated(created, at, around)
        assert err.value.code == "backdating"
