"""C2SP tlog-tiles: golden tiles of a 300-entry log, checked byte for byte against a computation that uses
hashlib alone (not the project's Merkle code), the spec's own examples of paths and edges, and refusals
of every non-canonical path."""

from __future__ import annotations

import hashlib
import json
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.keys import KeySet, KeyUse, SigningKey, jwk_thumbprint
from certificates.log.checkpoint import sign_checkpoint, verify_checkpoint
from certificates.log.merkle import MemoryNodeStore, MerkleLog
from certificates.log.tiles import (
    ENTRIES,
    Tile,
    TilePathError,
    all_tiles,
    decode_bundle,
    edge_tiles,
    encode_bundle,
    parse_tile_path,
    tile_bytes,
)
from tests.certificates.log.test_merkle import ref_mth as mth

GOLDEN = Path(__file__).parents[1] / "data" / "tiles"
SIZE = 300  # a full level-0 tile and a partial one, a partial level-1 tile; a full and a partial bundle
ORIGIN = "sandbox.example.cn/log"
AT = datetime(2026, 1, 1, tzinfo=UTC)
GOLDEN_PATHS = [
    "tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1", "tile/entries/000", "tile/entries/001.p/44"
]  # fmt: skip


def golden_entries() -> list[bytes]:
    return [
        b'{"at":"2026-01-01T00:00:00Z","certId":"golden-%03d","kind":"status","status":"active"}' % i
        for i in range(SIZE)
    ]


def golden_log_key() -> SigningKey:
    private_key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"golden-tiles-log-key").digest())
    return SigningKey(jwk_thumbprint(private_key.public_key()), KeyUse.LOG, private_key)


# --- the independent computation: RFC 9162 hashing and the tlog-tiles layout, with hashlib only ------
# (`mth` is test_merkle's naive reference: RFC 9162 §2.1.1 MTH, recursively, over all leaf hashes.)


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def independent_files(entries: list[bytes]) -> dict[str, bytes]:
    """Every tile of the log, laid out as tlog-tiles says, written with hashlib and struct only."""
    leaves = [leaf_hash(entry) for entry in entries]
    level1 = [mth(leaves[i * 256 : (i + 1) * 256]) for i in range(len(leaves) // 256)]  # full subtrees
    return {
        "tile/0/000": b"".join(leaves[:256]),
        "tile/0/001.p/44": b"".join(leaves[256:300]),
        "tile/1/000.p/1": b"".join(level1),
        "tile/entries/000": b"".join(struct.pack(">H", len(e)) + e for e in entries[:256]),
        "tile/entries/001.p/44": b"".join(struct.pack(">H", len(e)) + e for e in entries[256:300]),
    }


def project_log(entries: list[bytes]) -> MerkleLog:
    log = MerkleLog(MemoryNodeStore())
    for entry in entries:
        log.append(entry)
    return log


def project_files(log: MerkleLog, entries: list[bytes]) -> dict[str, bytes]:
    store = log.store

    def read(level: int, start: int, count: int) -> list[bytes]:
        return [store.get(level, index) for index in range(start, start + count)]

    files = {}
    for tile in all_tiles(log.size):
        if tile.is_entries:
            files[tile.path] = encode_bundle(entries[tile.first : tile.first + tile.width])
        else:
            files[tile.path] = tile_bytes(tile, read)
    return files


# --- golden files --------------------------------------------------------------------------------------


def test_golden_tiles_match_the_independent_computation_and_the_project_byte_for_byte() -> None:
    entries = golden_entries()
    independent = independent_files(entries)
    committed = {path: (GOLDEN / "log" / path).read_bytes() for path in GOLDEN_PATHS}
    log = project_log(entries)
    assert sorted(project_files(log, entries)) == sorted(GOLDEN_PATHS)  # no tile more, none less
    assert committed == independent
    assert project_files(log, entries) == independent
    assert len(committed["tile/0/000"]) == 8192 and len(committed["tile/1/000.p/1"]) == 32
    # The level-1 hash is the root of the first 256 entries; with the partial tile it gives the root.
    assert committed["tile/1/000.p/1"] == mth([leaf_hash(e) for e in entries[:256]])
    assert log.root() == mth([leaf_hash(e) for e in entries])


def test_golden_checkpoint_and_key_set() -> None:
    key = golden_log_key()
    note = (GOLDEN / "log" / "checkpoint").read_text(encoding="utf-8")
    root = mth([leaf_hash(e) for e in golden_entries()])
    # Ed25519 signatures are deterministic, so the committed note can be reproduced exactly.
    assert note == sign_checkpoint(ORIGIN, SIZE, root, ORIGIN, key.private_key, at=AT)
    jwks = json.loads((GOLDEN / "jwks.json").read_text(encoding="utf-8"))
    keys = KeySet()
    keys.activate(key.public_key, KeyUse.LOG, at=AT)
    assert jwks == keys.to_jwks()
    log_key = KeySet.from_jwks(jwks).active(KeyUse.LOG)
    checkpoint = verify_checkpoint(note, ORIGIN, log_key.public_key, origin=ORIGIN)
    assert (checkpoint.size, checkpoint.root) == (SIZE, root)


def test_bundles_round_trip_and_refuse_truncation() -> None:
    entries = golden_entries()[:3] + [b"", b"x" * 65535]
    data = encode_bundle(entries)
    assert decode_bundle(data) == entries
    for truncated in (data[:1], data[:2], data[:-1]):  # inside a length prefix, inside an entry
        with pytest.raises(ValueError, match="ends inside"):
            decode_bundle(truncated)
    with pytest.raises(ValueError, match="does not fit"):
        encode_bundle([b"x" * 65536])


# --- paths and edges as the spec states them -----------------------------------------------------------


@pytest.mark.parametrize(
    ("tile", "path"),
    [
        (Tile(0, 0), "tile/0/000"),
        (Tile(0, 1234067), "tile/0/x001/x234/067"),
        (Tile(4, 1234067, 1), "tile/4/x001/x234/067.p/1"),
        (Tile(0, 1000, 255), "tile/0/x001/000.p/255"),
        (Tile(63, 999), "tile/63/999"),
        (Tile(ENTRIES, 1234067), "tile/entries/x001/x234/067"),
        (Tile(ENTRIES, 5, 7), "tile/entries/005.p/7"),
    ],
)
def test_paths_are_formatted_and_parsed_canonically(tile: Tile, path: str) -> None:
    assert tile.path == path
    assert parse_tile_path(path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/0",  # three digits
        "tile/0/0000",
        "tile/0/x000/001",  # a leading zero group: the canonical path is tile/0/001
        "tile/0/x001",  # the last group has no x
        "tile/0/001/234",  # the others do
        "tile/00/000",  # no leading zeroes in the level
        "tile/64/000",  # levels are 0..63
        "tile/-1/000",
        "tile/data/000",  # Go's sumdb name for entries; C2SP says "entries"
        "tile/0/000.p/0",
        "tile/0/000.p/256",  # a 256-wide tile is full: no .p
        "tile/0/000.p/07",
        "tile/0/000.p",
        "tile/0/000.p/5/6",
        "tile/8/0/000",  # Go's Tile.Path() with the height in it
        "tiles/0/000",
        "tile/0/",
        "tile/0/ 001",
    ],
)
def test_non_canonical_paths_are_refused(path: str) -> None:
    with pytest.raises(TilePathError):
        parse_tile_path(path)


def test_edge_tiles_follow_the_spec_examples() -> None:
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile of
    # width 112, one full level 1 tile, one partial level 1 tile of width 17, and one partial level 2
    # tile of width 1"; "a tree of size 256 ... a full level 0 tile and a partial level 1 tile of width 1".
    tiles = list(all_tiles(70_000))
    hashes = [t for t in tiles if not t.is_entries]
    assert sum(1 for t in hashes if t.level == 0 and t.is_full) == 273
    assert [t for t in hashes if not t.is_full] == [Tile(0, 273, 112), Tile(1, 1, 17), Tile(2, 0, 1)]
    assert [t for t in hashes if t.level == 1 and t.is_full] == [Tile(1, 0)]
    assert [t for t in tiles if t.is_entries][-1] == Tile(ENTRIES, 273, 112)
    assert [t for t in all_tiles(256) if not t.is_entries] == [Tile(0, 0), Tile(1, 0, 1)]
    assert list(edge_tiles(0)) == [] and list(all_tiles(0)) == []
    assert edge_tiles(65_536) == [Tile(2, 0, 1)]


def test_a_tile_exists_once_the_tree_determines_it() -> None:
    assert Tile(0, 0, 5).within(5) and not Tile(0, 0, 6).within(5)
    assert Tile(0, 1).within(512) and not Tile(0, 1).within(511)
    assert Tile(1, 0, 1).within(256) and not Tile(1, 0, 2).within(511)
    assert Tile(ENTRIES, 1, 44).within(300) and not Tile(ENTRIES, 1).within(300)
    # a narrower partial of a tile the tree has since filled is still determined (older checkpoints)
    assert Tile(0, 0, 44).within(300)
