"""Log entries (allow-listed, canonical) and the file-backed node store."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from certificates.errors import CertificateError
from certificates.log.merkle import MemoryNodeStore, MerkleLog, verify_consistency, verify_inclusion
from certificates.log.store import (
    FileNodeStore,
    benchmark_file_log,
    entry_leaf,
    format_utc,
    make_entry,
    parse_utc,
)

DATA = Path(__file__).parents[1] / "data" / "log"
DIGEST = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"


def test_entry_is_canonical_json() -> None:
    entry = make_entry(
        "issue", certId="CERT-2025-0001", credentialSha256=DIGEST, kid="2025-01", at="2025-06-01T10:00:00Z"
    )
    assert entry_leaf(entry) == json.dumps(entry, sort_keys=True, separators=(",", ":")).encode()
    assert entry_leaf(entry) == (DATA / "issue-entry.json").read_bytes().strip()
    make_entry(
        "status",
        certId="CERT-2025-0001",
        status="revoked",
        purpose="revocation",
        statusIndex=7,
        reasonCode="superseded",
        at="2025-06-02T10:00:00.123Z",
    )
    make_entry("key", kid="2025-01", event="activated", keyUse="assertion", at="2025-01-01T00:00:00Z")


@pytest.mark.parametrize(
    "kind, fields",
    [
        ("issued", {}),
        ("issue", {"enterpriseName": "北京亦庄智驾科技有限公司"}),  # personal/business data is refused
        ("issue", {"reason": "free text could name a person"}),
        ("status", {"statusIndex": 1.0}),
        ("status", {"statusIndex": {"nested": 1}}),
        ("status", {"status": None}),
        ("issue", {"at": "2025-06-01T18:00:00+08:00"}),
        ("issue", {"at": "2025-06-01 10:00:00Z"}),
        ("issue", {"at": "2025-13-01T10:00:00Z"}),
        ("issue", {"credentialSha256": DIGEST.upper()}),
        ("issue", {"certId": "Cafe\u0301"}),  # not NFC
    ],
)
def test_entries_refuse_anything_outside_the_allow_list(kind: str, fields: dict) -> None:
    base = {"certId": "C-1", "credentialSha256": DIGEST, "at": "2025-06-01T10:00:00Z", "status": "active"}
    with pytest.raises(CertificateError):
        make_entry(kind, **{**base, **fields})


@pytest.mark.parametrize(
    "kind, fields",
    [
        ("issue", {"certId": "C-1", "at": "2025-06-01T10:00:00Z"}),
        ("status", {"certId": "C-1", "at": "2025-06-01T10:00:00Z"}),
        ("key", {"kid": "k", "at": "2025-06-01T10:00:00Z"}),
        ("key", {"kid": "k", "event": "activated"}),
    ],
)
def test_entries_need_their_fields(kind: str, fields: dict) -> None:
    with pytest.raises(CertificateError):
        make_entry(kind, **fields)


def test_times() -> None:
    when = parse_utc("2025-06-01T10:00:00.5Z")
    assert when.utcoffset().total_seconds() == 0 and format_utc(when) == "2025-06-01T10:00:00Z"
    with pytest.raises(CertificateError):
        format_utc(when.replace(tzinfo=None))


def test_file_store_matches_memory_store(tmp_path: Path) -> None:
    memory = MerkleLog(MemoryNodeStore())
    with FileNodeStore(tmp_path, durable=False) as store:
        disk = MerkleLog(store)
        for i in range(5000):
            assert disk.append(b"leaf %d" % i) == memory.append(b"leaf %d" % i)
        for size in (1, 2, 3, 1000, 1024, 4097, 5000):
            assert disk.root(size) == memory.root(size)
            assert disk.inclusion_proof(size // 2, size) == memory.inclusion_proof(size // 2, size)
            assert disk.consistency_proof(size // 3, size) == memory.consistency_proof(size // 3, size)
    with FileNodeStore(tmp_path) as store:  # reopened from disk
        disk = MerkleLog(store)
        assert disk.size == 5000 and disk.root() == memory.root()
        started = time.perf_counter()
        proof = disk.inclusion_proof(4321, 5000)
        print(f"\ninclusion proof from disk at 5,000 leaves: {(time.perf_counter() - started) * 1000:.3f} ms")
        verify_inclusion(memory.leaf_hash(4321), 4321, 5000, proof, memory.root())
        verify_consistency(77, 5000, memory.root(77), memory.root(), disk.consistency_proof(77))
        disk.append(b"durable leaf")
    assert (tmp_path / "level-00.hashes").stat().st_size == 5001 * 32


def test_file_store_survives_a_torn_append(tmp_path: Path) -> None:
    with FileNodeStore(tmp_path, durable=False) as store:
        log = MerkleLog(store)
        for i in range(7):
            log.append(b"%d" % i)
        root7 = log.root()
    # a crash after the upper levels were written but before the whole leaf was: garbage everywhere
    for level in (1, 2, 3):
        with open(tmp_path / f"level-{level:02d}.hashes", "ab") as f:
            f.write(b"\xee" * 32)
    with open(tmp_path / "level-00.hashes", "ab") as f:
        f.write(b"\xee" * 5)
    with FileNodeStore(tmp_path, durable=False) as store:
        log = MerkleLog(store)
        assert log.size == 7 and log.root() == root7
        with pytest.raises(KeyError):
            store.get(3, 0)  # the torn level-3 node is not part of a 7-leaf tree
        log.append(b"7")
        reference = MerkleLog(MemoryNodeStore())
        for i in range(8):
            reference.append(b"%d" % i)
        assert log.root() == reference.root()
        with pytest.raises(CertificateError):
            store.append(3, [b"\x00" * 32])  # another writer already appended leaf 3


def test_benchmark_function_runs(tmp_path: Path) -> None:
    figures = benchmark_file_log(tmp_path, entries=3000, samples=200)
    print("\nfile log benchmark at 3,000 entries:", {k: round(v, 4) for k, v in figures.items()})
    assert figures["entries"] == 3000
