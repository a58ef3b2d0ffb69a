"""The transparency log as C2SP tlog-tiles: tile coordinates, their paths, and tile and bundle bytes.

c2sp.org/tlog-tiles serves a log as static files: `tile/<L>/<N>[.p/<W>]` holds W consecutive Merkle
tree hashes of level 8·L (leaf hashes at L = 0; at L ≥ 1 the roots of the full tiles below), and
`tile/entries/<N>[.p/<W>]` the entries those level-0 hashes are hashes of, each as a big-endian uint16
length and its bytes. A full tile is 256 hashes and never changes; a partial one (`.p/W`, 1 ≤ W ≤ 255)
is a prefix of the tile the log will eventually fill. N is written in groups of three digits, all but
the last prefixed with ``x`` (1234067 → ``x001/x234/067``), so a file system holds them directly.

This module knows only the arithmetic and the encodings. Where the hashes come from is the caller's:
`tile_bytes` asks `ReadHashes(level, start, count)` for the stored perfect-subtree hashes of one Merkle
level, which `certificates.log.merkle.NodeStore` keeps for every level. Standard library only.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from certificates.log.merkle import HASH_SIZE

HEIGHT = 8
WIDTH = 1 << HEIGHT  # hashes (or entries) in a full tile
MAX_LEVEL = 63
ENTRIES = -1  # the level of entry bundles, which the path spells "entries"
MAX_ENTRY_SIZE = 0xFFFF  # an entry's length is a uint16

# ReadHashes(level, start, count): the stored hashes of Merkle level `level`, indexes start..start+count-1.
ReadHashes = Callable[[int, int, int], Sequence[bytes]]

_LEVEL = re.compile(r"0|[1-9][0-9]?")
_GROUP = re.compile(r"x[0-9]{3}")
_LAST = re.compile(r"[0-9]{3}")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}")


class TilePathError(ValueError):
    """A path that is not, exactly, the canonical path of a tile or entry bundle."""


class TileNotInTree(LookupError):
    """A tile the tree does not determine (yet): fewer hashes or entries than its width are stored."""


@dataclass(frozen=True, order=True)
class Tile:
    """Tile `index` of `level` (`ENTRIES` for an entry bundle), holding `width` hashes or entries."""

    level: int
    index: int
    width: int = WIDTH

    def __post_init__(self) -> None:
        if not (ENTRIES <= self.level <= MAX_LEVEL and self.index >= 0 and 1 <= self.width <= WIDTH):
            raise ValueError(f"no such tile: level {self.level}, index {self.index}, width {self.width}")

    @property
    def is_entries(self) -> bool:
        return self.level == ENTRIES

    @property
    def is_full(self) -> bool:
        return self.width == WIDTH

    @property
    def merkle_level(self) -> int:
        """The level of the Merkle tree whose hashes the tile lists (entry bundles: the leaves)."""
        return HEIGHT * max(self.level, 0)

    @property
    def first(self) -> int:
        """The index, within its Merkle level, of the tile's first hash (or the first entry's leaf)."""
        return self.index * WIDTH

    @property
    def path(self) -> str:
        """Return the tile's path below the log prefix, e.g. ``tile/0/x001/234.p/5``."""
        level = "entries" if self.is_entries else str(self.level)
        groups, n = [f"{self.index % 1000:03d}"], self.index // 1000
        while n:
            groups.append(f"x{n % 1000:03d}")
            n //= 1000
        partial = "" if self.is_full else f".p/{self.width}"
        return f"tile/{level}/{'/'.join(reversed(groups))}{partial}"

    def needs_size(self) -> int:
        """Return the smallest tree size whose tree determines every hash (or entry) of the tile."""
        return (self.first + self.width) << self.merkle_level

    def within(self, size: int) -> bool:
        """Whether a tree of `size` entries determines this tile (else it does not exist yet)."""
        return self.needs_size() <= size


def parse_tile_path(path: str) -> Tile:
    """Parse ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``; refuse any non-canonical spelling."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise TilePathError(f"not a tile path: {path!r}")
    if parts[1] == "entries":
        level = ENTRIES
    elif _LEVEL.fullmatch(parts[1]) and int(parts[1]) <= MAX_LEVEL:
        level = int(parts[1])
    else:
        raise TilePathError(f"bad tile level in {path!r}")
    digits, width = parts[2:], WIDTH
    if len(digits) >= 2 and digits[-2].endswith(".p"):
        if not _WIDTH.fullmatch(digits[-1]) or int(digits[-1]) >= WIDTH:
            raise TilePathError(f"bad partial width in {path!r}")
        width, digits = int(digits[-1]), [*digits[:-2], digits[-2][:-2]]
    if not _LAST.fullmatch(digits[-1]) or not all(_GROUP.fullmatch(group) for group in digits[:-1]):
        raise TilePathError(f"bad tile index in {path!r}")
    index = 0
    for group in digits:
        index = index * 1000 + int(group.lstrip("x"))
    tile = Tile(level, index, width)
    if tile.path != path:  # e.g. a leading x000 group: one tile, one path
        raise TilePathError(f"{path!r} is not the canonical path {tile.path!r}")
    return tile


def edge_tiles(size: int) -> list[Tile]:
    """Return the partial tiles at the right edge of a tree of `size` entries, one per level that has one.

    The hash tiles come level by level from 0; the partial entry bundle, if any, comes last.
    """
    tiles = []
    level, count = 0, size  # count: how many hashes the tree has at Merkle level 8·level
    while count:
        if count % WIDTH:
            tiles.append(Tile(level, count // WIDTH, count % WIDTH))
        level, count = level + 1, count >> HEIGHT
    if size % WIDTH:
        tiles.append(Tile(ENTRIES, size // WIDTH, size % WIDTH))
    return tiles


def all_tiles(size: int) -> Iterator[Tile]:
    """Yield every tile a tree of `size` entries is served as: the full ones, then the right edge."""
    level, count = 0, size
    while count >= WIDTH:
        for index in range(count // WIDTH):
            yield Tile(level, index)
        level, count = level + 1, count >> HEIGHT
    for index in range(size // WIDTH):
        yield Tile(ENTRIES, index)
    yield from edge_tiles(size)


def tile_bytes(tile: Tile, read_hashes: ReadHashes) -> bytes:
    """Return a hash tile's content: its `width` hashes, concatenated.

    A store keeps a node only once its subtree is complete, so fewer hashes than the width means the
    tree does not reach the tile: `TileNotInTree`.
    """
    if tile.is_entries:
        raise ValueError("an entry bundle is built from entries, not hashes")
    hashes = read_hashes(tile.merkle_level, tile.first, tile.width)
    if len(hashes) < tile.width:
        raise TileNotInTree(f"{tile.path} needs {tile.width} hashes, {len(hashes)} are stored")
    if len(hashes) != tile.width or any(len(h) != HASH_SIZE for h in hashes):
        raise ValueError(f"the store returned {len(hashes)} hashes for {tile.path}, expected {tile.width}")
    return b"".join(hashes)


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    """Return an entry bundle: each entry as a big-endian uint16 length followed by its bytes."""
    parts = []
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise ValueError(f"an entry of {len(entry)} bytes does not fit an entry bundle")
        parts.append(struct.pack(">H", len(entry)))
        parts.append(entry)
    return b"".join(parts)


def decode_bundle(data: bytes) -> list[bytes]:
    """Split an entry bundle into its entries; raise ValueError if it is truncated."""
    entries, at = [], 0
    while at < len(data):
        if at + 2 > len(data):
            raise ValueError("an entry bundle ends inside a length prefix")
        (length,) = struct.unpack_from(">H", data, at)
        if at + 2 + length > len(data):
            raise ValueError("an entry bundle ends inside an entry")
        entries.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    return entries
