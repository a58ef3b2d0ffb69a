"""The transparency log as C2SP tlog-tiles, read from the database: checkpoint, hash tiles, entry bundles.

Witnesses, monitors and standard tlog clients read the log this way (`certificates.tiles` has the format).
A hash tile is one range read of `log_node`, which already keeps every perfect subtree of every level, so
no tree is recomputed per request; an entry bundle is a range of `log_entry`, each entry re-encoded as its
RFC 8785 leaf bytes and checked against its stored leaf hash, so a bundle never disagrees with the tiles.

A full tile or bundle never changes once the log has grown past it, so it is kept per process (bounded
by bytes). Partial tiles exist for any width the current tree determines (a client holding an older
checkpoint needs the narrower ones); they are never kept, being cheap and soon superseded.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from certificates.logstore import entry_leaf
from certificates.merkle import hash_leaf
from certificates.tiles import ReadHashes, Tile, TilePathError, encode_bundle, parse_tile_path, tile_bytes
from sandbox.errors import N_, NotFound
from sandbox.models.certificates import LogEntry, LogNode
from sandbox.services import signing_keys, transparency

# Full tiles kept per database: 8 KiB per hash tile, tens of KiB per entry bundle.
MAX_KEPT_BYTES = 64 * 1024 * 1024


class LogIntegrityError(RuntimeError):
    """The stored log contradicts itself (an entry whose bytes do not hash to its stored leaf hash)."""


@dataclass(frozen=True)
class ServedTile:
    tile: Tile
    data: bytes

    @property
    def immutable(self) -> bool:
        return self.tile.is_full


class _Kept:
    """Full tiles of one database, least recently used dropped first once `MAX_KEPT_BYTES` is reached."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tiles: OrderedDict[Tile, bytes] = OrderedDict()
        self.size = 0

    def get(self, tile: Tile) -> bytes | None:
        with self.lock:
            data = self.tiles.get(tile)
            if data is not None:
                self.tiles.move_to_end(tile)
            return data

    def put(self, tile: Tile, data: bytes) -> None:
        with self.lock:
            if tile in self.tiles:
                return
            self.tiles[tile] = data
            self.size += len(data)
            while self.size > MAX_KEPT_BYTES:
                _, dropped = self.tiles.popitem(last=False)
                self.size -= len(dropped)


_kept: weakref.WeakKeyDictionary[Engine, _Kept] = weakref.WeakKeyDictionary()
_kept_lock = threading.Lock()


def _kept_for(session: Session) -> _Kept:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _kept_lock:
        kept = _kept.get(engine)
        if kept is None:
            kept = _kept[engine] = _Kept()
        return kept


def current_checkpoint(session: Session) -> str:
    """Return the latest signed checkpoint note (creating the keys, and so the log, on first use)."""
    signing_keys.ensure_keys(session)
    latest = transparency.latest_checkpoint(session)
    assert latest is not None, "ensure_keys logs the keys it creates"
    return latest.note


def node_reader(session: Session) -> ReadHashes:
    """`certificates.tiles.ReadHashes` over the `log_node` table: one range query per call."""

    def read(level: int, start: int, count: int) -> list[bytes]:
        statement = (
            select(LogNode.hash)
            .where(LogNode.level == level, col(LogNode.index) >= start, col(LogNode.index) < start + count)
            .order_by(col(LogNode.index))
        )
        return [bytes(value) for value in session.exec(statement).all()]

    return read


def bundle_bytes(session: Session, tile: Tile) -> bytes:
    """Return an entry bundle built from `log_entry`, each entry checked against its stored leaf hash."""
    statement = (
        select(LogEntry.index, LogEntry.entry, LogEntry.leaf_hash)
        .where(col(LogEntry.index) >= tile.first, col(LogEntry.index) < tile.first + tile.width)
        .order_by(col(LogEntry.index))
    )
    leaves = []
    for index, entry, leaf_hash in session.exec(statement).all():
        leaf = entry_leaf(entry)
        if hash_leaf(leaf).hex() != leaf_hash:
            raise LogIntegrityError(f"log entry {index} does not hash to its stored leaf hash")
        leaves.append(leaf)
    if len(leaves) != tile.width:
        raise LogIntegrityError(f"{tile.path} needs {tile.width} entries, the database has {len(leaves)}")
    return encode_bundle(leaves)


def build_tile(session: Session, tile: Tile) -> bytes:
    """Return a tile's bytes from the database (no size check: the caller knows the tree holds it)."""
    return bundle_bytes(session, tile) if tile.is_entries else tile_bytes(tile, node_reader(session))


def read_tile(session: Session, path: str) -> ServedTile:
    """Return the tile or entry bundle at `path` (``tile/…``); NotFound if malformed or not in the tree."""
    try:
        tile = parse_tile_path(path)
    except TilePathError:
        raise NotFound(N_("No such tile.")) from None
    kept = _kept_for(session)
    data = kept.get(tile) if tile.is_full else None
    if data is None:
        if not tile.within(transparency.log_size(session)):
            raise NotFound(N_("The log has no such tile yet."))
        data = build_tile(session, tile)
        if tile.is_full and not transparency.holds_lock(session):  # keep only what no rollback can take back
            kept.put(tile, data)
    return ServedTile(tile, data)
