"""RFC 9162 tree math: published vectors, a naive reference implementation, and tampered proofs."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates.errors import CertificateVerificationError
from certificates.log.merkle import (
    EMPTY_ROOT,
    MemoryNodeStore,
    MerkleLog,
    hash_children,
    hash_leaf,
    root,
    verify_consistency,
    verify_inclusion,
)

# The RFC 6962 / RFC 9162 reference leaves and the root for every size 1..8 (certificate-transparency
# and transparency-dev test data).
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    bytes.fromhex(h)
    for h in [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]
H = bytes.fromhex
INCLUSION = [  # (index, size, proof), zero-based indices
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
CONSISTENCY = [  # (first, second, proof)
    (
        2,
        8,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


# --- an independent, deliberately naive reference: the RFC's recursive definitions over all leaves ---
def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1
    while k * 2 < len(d):
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = 1
    while k * 2 < len(d):
        k *= 2
    return ref_path(m, d[:k]) + [ref_mth(d[k:])] if m < k else ref_path(m - k, d[k:]) + [ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = 1
    while k * 2 < len(d):
        k *= 2
    if m <= k:
        return ref_subproof(m, d[:k], b) + [ref_mth(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [ref_mth(d[:k])]


def build(n: int) -> tuple[MerkleLog, list[bytes]]:
    log = MerkleLog(MemoryNodeStore())
    hashes = []
    for i in range(n):
        assert log.append(b"entry %d" % i) == i
        hashes.append(hash_leaf(b"entry %d" % i))
    return log, hashes


def test_reference_vectors() -> None:
    log = MerkleLog(MemoryNodeStore())
    assert log.root() == EMPTY_ROOT == root([])
    for i, leaf in enumerate(LEAVES):
        log.append(leaf)
        assert log.root() == ROOTS[i] == root([hash_leaf(x) for x in LEAVES[: i + 1]])
    for size in range(1, 9):
        assert log.root(size) == ROOTS[size - 1]
    for index, size, proof in INCLUSION:
        assert log.inclusion_proof(index, size) == [H(p) for p in proof]
        verify_inclusion(hash_leaf(LEAVES[index]), index, size, [H(p) for p in proof], ROOTS[size - 1])
    for first, second, proof in CONSISTENCY:
        assert log.consistency_proof(first, second) == [H(p) for p in proof]
        verify_consistency(first, second, ROOTS[first - 1], ROOTS[second - 1], [H(p) for p in proof])


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.data())
def test_proofs_match_the_reference(n: int, data: st.DataObject) -> None:
    log, hashes = build(n)
    size = data.draw(st.integers(min_value=1, max_value=n), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    first = data.draw(st.integers(min_value=0, max_value=size), label="first")
    assert log.root(size) == ref_mth(hashes[:size]) == root(hashes[:size])
    proof = log.inclusion_proof(index, size)
    assert proof == ref_path(index, hashes[:size])
    verify_inclusion(hashes[index], index, size, proof, log.root(size))
    cproof = log.consistency_proof(first, size)
    assert cproof == ([] if first in (0, size) else ref_subproof(first, hashes[:size], True))
    verify_consistency(first, size, log.root(first), log.root(size), cproof)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 33])
def test_every_proof_in_small_trees(n: int) -> None:
    log, hashes = build(n)
    for size in range(1, n + 1):
        for index in range(size):
            verify_inclusion(hashes[index], index, size, log.inclusion_proof(index, size), log.root(size))
        for first in range(size + 1):
            proof = log.consistency_proof(first, size)
            verify_consistency(first, size, log.root(first), log.root(size), proof)


def test_tampered_inclusion_proofs_fail() -> None:
    log, hashes = build(21)
    r, proof = log.root(), log.inclusion_proof(13, 21)
    flipped = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
    # Sizes 17..32 give the same path shape as 21, so they verify too: RFC 9162 binds the size to
    # the root only through the signed checkpoint. Sizes that change the shape must fail.
    bad = [
        (hashes[13], 12, 21, proof, r),
        (hashes[13], 14, 21, proof, r),
        (hashes[13], 13, 16, proof, r),
        (hashes[13], 13, 33, proof, r),
        (hashes[12], 13, 21, proof, r),
        (hashes[13], 13, 21, proof[:-1], r),
        (hashes[13], 13, 21, [*proof, proof[0]], r),
        (hashes[13], 13, 21, flipped, r),
        (hashes[13], 13, 21, proof, log.root(20)),
        (hashes[13], 21, 21, proof, r),
        (hashes[13], 13, 21, [proof[0][:31], *proof[1:]], r),
        (hashes[13], -1, 21, proof, r),
    ]
    for args in bad:
        with pytest.raises(CertificateVerificationError) as err:
            verify_inclusion(*args)
        assert err.value.code == "inclusion"


def test_tampered_consistency_proofs_fail() -> None:
    log, _ = build(21)
    r6, r21, proof = log.root(6), log.root(21), log.consistency_proof(6, 21)
    bad = [
        (6, 21, r6, r21, proof[:-1]),
        (6, 21, r6, r21, [*proof, proof[0]]),
        (6, 21, log.root(5), r21, proof),
        (6, 21, r6, log.root(20), proof),
        (5, 21, r6, r21, proof),
        (6, 16, r6, r21, proof),
        (6, 21, r6, r21, []),
        (21, 6, r21, r6, proof),
        (6, 6, r6, r21, []),
        (6, 6, r6, r6, proof[:1]),
        (0, 21, r6, r21, []),
        (0, 21, EMPTY_ROOT, r21, proof[:1]),
        (6, 21, r6, r21, [proof[1], proof[0], *proof[2:]]),
    ]
    for args in bad:
        with pytest.raises(CertificateVerificationError) as err:
            verify_consistency(*args)
        assert err.value.code == "consistency"


def test_root_at_earlier_sizes_and_range_checks() -> None:
    log, hashes = build(10)
    assert [log.root(s) for s in range(11)] == [ref_mth(hashes[:s]) for s in range(11)]
    assert log.leaf_hash(3) == hashes[3]
    assert hash_children(hashes[0], hashes[1]) == log.store.get(1, 0)
    with pytest.raises(ValueError):
        log.root(11)
    with pytest.raises(ValueError):
        log.inclusion_proof(10, 10)
    with pytest.raises(ValueError):
        log.consistency_proof(5, 4)
    with pytest.raises(ValueError):
        log.store.append(3, [hashes[0]])  # not at the end: another writer got there first
