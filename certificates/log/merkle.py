"""RFC 9162 Merkle tree math for the transparency log: hashing, proofs and their verification.

This module owns the tree arithmetic only. Storage is behind the tiny `NodeStore` protocol, which keeps
the hash of every *perfect* subtree (a run of 2**level leaves starting at a multiple of 2**level), so any
root, inclusion proof or consistency proof is assembled from O(log n) stored nodes instead of being
recomputed from the leaves. It imports only the standard library and the package's error hierarchy.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from typing import Protocol

from certificates.errors import CertificateVerificationError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# get_node(level, index) returns the hash of the perfect subtree covering
# leaves [index * 2**level, (index + 1) * 2**level).
GetNode = Callable[[int, int], bytes]


def hash_leaf(leaf: bytes) -> bytes:
    """Return the RFC 9162 leaf hash SHA-256(0x00 || leaf)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Return the largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle tree hash of a full list of leaf hashes (the reference computation)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    # A stack of perfect subtrees, merged like a binary counter, then folded right to left:
    # this is exactly MTH's split at the largest power of two, without recursion.
    stack: list[tuple[int, bytes]] = []
    for h in leaf_hashes:
        size, node = 1, h
        while stack and stack[-1][0] == size:
            _, left = stack.pop()
            size, node = size * 2, hash_children(left, node)
        stack.append((size, node))
    node = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        node = hash_children(left, node)
    return node


def subtree_hash(start: int, end: int, get_node: GetNode) -> bytes:
    """Return MTH(D[start:end]) for a range that appears in the RFC 9162 recursion."""
    n = end - start
    if n <= 0:
        raise ValueError("empty subtree")
    if n & (n - 1) == 0:
        if start % n:
            raise ValueError(f"subtree [{start}, {end}) is not aligned")
        return get_node(n.bit_length() - 1, start // n)
    k = _split(n)
    # Within the RFC recursion the left part is always a perfect, aligned subtree: one stored node.
    return hash_children(subtree_hash(start, start + k, get_node), subtree_hash(start + k, end, get_node))


def inclusion_proof(index: int, size: int, get_node: GetNode) -> list[bytes]:
    """Return PATH(index, D[0:size]) per RFC 9162 section 2.1.3.1."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            path.append(subtree_hash(start + k, end, get_node))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, get_node))
            start, m = start + k, m - k
    path.reverse()  # the recursion emits the deepest sibling first
    return path


def consistency_proof(first: int, second: int, get_node: GetNode) -> list[bytes]:
    """Return PROOF(first, D[0:second]) per RFC 9162 section 2.1.4.1 (SUBPROOF)."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    if first == 0 or first == second:
        return []
    proof: list[bytes] = []
    start, end, m, complete = 0, second, first, True
    while True:
        if m == end - start:
            if not complete:
                proof.append(subtree_hash(start, end, get_node))
            break
        k = _split(end - start)
        if m <= k:
            proof.append(subtree_hash(start + k, end, get_node))
            end = start + k
        else:
            proof.append(subtree_hash(start, start + k, get_node))
            start, m, complete = start + k, m - k, False
    proof.reverse()
    return proof


def _check_hashes(code: str, *hashes: bytes) -> None:
    for h in hashes:
        if not isinstance(h, bytes | bytearray) or len(h) != HASH_SIZE:
            raise CertificateVerificationError(code, "a hash is not 32 bytes")


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> None:
    """Check an inclusion proof per RFC 9162 section 2.1.3.2; raise code ``inclusion`` if it fails."""
    _check_hashes("inclusion", leaf_hash, root_hash, *proof)
    if not 0 <= index < size:
        raise CertificateVerificationError("inclusion", f"leaf index {index} is not below tree size {size}")
    fn, sn, r = index, size - 1, bytes(leaf_hash)
    for p in proof:
        if sn == 0:
            raise CertificateVerificationError("inclusion", "the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = hash_children(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise CertificateVerificationError("inclusion", "the inclusion proof is too short")
    if not hmac.compare_digest(r, root_hash):
        raise CertificateVerificationError("inclusion", "the inclusion proof does not lead to the root hash")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check a consistency proof per RFC 9162 section 2.1.4.2; raise code ``consistency`` if it fails.

    The RFC algorithm covers 0 < first < second. The two degenerate cases are decided the way every
    RFC 9162 implementation does: equal sizes need an empty proof and equal roots; the empty tree is
    consistent with every tree, with an empty proof and the empty-tree root.
    """
    code = "consistency"
    _check_hashes(code, first_root, second_root, *proof)
    if not 0 <= first <= second:
        raise CertificateVerificationError(code, f"size {first} cannot precede size {second}")
    if first == second or first == 0:
        expected = second_root if first == second else EMPTY_ROOT
        if proof or not hmac.compare_digest(first_root, expected):
            raise CertificateVerificationError(code, "the trees are not consistent")
        return
    if not proof:
        raise CertificateVerificationError(code, "the consistency proof is empty")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, bytes(first_root))
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise CertificateVerificationError(code, "the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = hash_children(c, fr), hash_children(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = hash_children(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise CertificateVerificationError(code, "the consistency proof is too short")
    if not (hmac.compare_digest(fr, first_root) and hmac.compare_digest(sr, second_root)):
        raise CertificateVerificationError(code, "the consistency proof does not match the roots")


class NodeStore(Protocol):
    """Where a log keeps its leaf hashes and the hashes of its perfect subtrees.

    Node (level, index) is the hash of leaves [index * 2**level, (index + 1) * 2**level); level 0 holds
    the leaf hashes. A database implementation is one table keyed by (level, index).
    """

    def size(self) -> int:
        """Return the number of leaves stored."""
        ...

    def get(self, level: int, index: int) -> bytes:
        """Return the hash of a stored perfect subtree; raise KeyError if it is not stored."""
        ...

    def append(self, index: int, hashes: Sequence[bytes]) -> None:
        """Store leaf `index` atomically: ``hashes[level]`` is node (level, index >> level).

        `index` must equal the current size (refuse otherwise: another writer got there first);
        hashes holds the leaf hash and every perfect subtree the leaf completes, O(log n) of them.
        """
        ...


class MemoryNodeStore:
    """A NodeStore kept in lists, one per level; for tests, tools and the offline verifier."""

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = [[]]

    def size(self) -> int:
        return len(self._levels[0])

    def get(self, level: int, index: int) -> bytes:
        try:
            return self._levels[level][index]
        except IndexError:
            raise KeyError((level, index)) from None

    def append(self, index: int, hashes: Sequence[bytes]) -> None:
        if index != self.size():
            raise ValueError(f"append at {index} but the log has {self.size()} leaves")
        for level, h in enumerate(hashes):
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(h)


class MerkleLog:
    """An append-only RFC 9162 tree over a NodeStore; callers serialise appends (one writer)."""

    def __init__(self, store: NodeStore) -> None:
        self.store = store

    @property
    def size(self) -> int:
        return self.store.size()

    def append(self, leaf: bytes) -> int:
        """Append the leaf bytes and return their index."""
        return self.append_hash(hash_leaf(leaf))

    def append_hash(self, leaf_hash: bytes) -> int:
        """Append an already hashed leaf and return its index."""
        index = self.store.size()
        hashes, node, i = [leaf_hash], leaf_hash, index
        while i & 1:  # each trailing 1 bit of the index is a perfect subtree this leaf completes
            node = hash_children(self.store.get(len(hashes) - 1, i - 1), node)
            hashes.append(node)
            i >>= 1
        self.store.append(index, hashes)
        return index

    def leaf_hash(self, index: int) -> bytes:
        """Return the stored hash of leaf `index`."""
        return self.store.get(0, index)

    def _size(self, size: int | None) -> int:
        current = self.store.size()
        if size is None:
            return current
        if not 0 <= size <= current:
            raise ValueError(f"tree size {size} is outside 0..{current}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """Return the root hash at `size` (default: the current size)."""
        n = self._size(size)
        return EMPTY_ROOT if n == 0 else subtree_hash(0, n, self.store.get)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return the inclusion proof of leaf `index` in the tree of `size` leaves."""
        return inclusion_proof(index, self._size(size), self.store.get)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """Return the consistency proof from tree size `first` to `second`."""
        return consistency_proof(first, self._size(second), self.store.get)
