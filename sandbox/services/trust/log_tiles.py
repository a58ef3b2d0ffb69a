"""The transparency log as C2SP tlog-tiles, read from the database: checkpoint, hash tiles, entry bundles.

Witnesses, monitors and standard tlog clients read the log this way (`certificates.log.tiles` has the format).
A hash tile is one range read of `log_node`, which already keeps every perfect subtree of every level, so
no tree is recomputed per request; an entry bundle is a range of `log_entry`, each entry re-encoded as its
RFC 8785 leaf bytes and checked against its stored leaf hash, so a bundle never disagrees with the tiles.
A node row exists only once its subtree is complete, and entries are committed with their nodes, so a
tile is in the tree exactly when the read finds all its rows: no separate look at the tree size.

A full tile or bundle never changes once the log has grown past it, so it is kept per process (bounded
by bytes). Partial tiles exist for any width the current tree determines (a client holding an older
checkpoint needs the narrower ones); they are never kept, being cheap and soon superseded.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlmodel import Session

from certificates.log.merkle import hash_leaf
from certificates.log.store import entry_leaf
from certificates.log.tiles import (
    ReadHashes,
    Tile,
    TileNotInTree,
    TilePathError,
    encode_bundle,
    parse_tile_path,
    tile_bytes,
)
from sandbox.errors import N_, NotFound
from sandbox.models.certificates import LogEntry, LogNode
from sandbox.services.trust import signing_keys, transparency

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
    latest = transparency.latest_checkpoint(session)
    if latest is None:
        signing_keys.ensure_keys(session)
        latest = transparency.latest_checkpoint(session)
    assert latest is not None, "ensure_keys logs the keys it creates"
    return latest.note


# Core statements on the tables (no ORM objects): a tile is one small range read, many times a second.
_NODES = LogNode.__table__.c  # type: ignore[attr-defined]
_ENTRIES = LogEntry.__table__.c  # type: ignore[attr-defined]


def node_reader(session: Session) -> ReadHashes:
    """`certificates.log.tiles.ReadHashes` over the `log_node` table: one range query per call."""

    def read(level: int, start: int, count: int) -> list[bytes]:
        statement = (
            select(_NODES.hash)
            .where(_NODES.level == level, _NODES.index >= start, _NODES.index < start + count)
            .order_by(_NODES.index)
        )
        return [bytes(value) for value in session.connection().execute(statement).scalars()]

    return read


def bundle_bytes(session: Session, tile: Tile) -> bytes:
    """Return an entry bundle built from `log_entry`, each entry checked against its stored leaf hash."""
    statement = (
        select(_ENTRIES.index, _ENTRIES.entry, _ENTRIES.leaf_hash)
        .where(_ENTRIES.index >= tile.first, _ENTRIES.index < tile.first + tile.width)
        .order_by(_ENTRIES.index)
    )
    leaves = []
    for index, entry, leaf_hash in session.connection().execute(statement):
        leaf = entry_leaf(entry)
        if hash_leaf(leaf).hex() != leaf_hash:
            raise LogIntegrityError(f"log entry {index} does not hash to its stored leaf hash")
        leaves.append(leaf)
    if len(leaves) < tile.width:  # entries are committed with their nodes: the tree is not there yet
        raise TileNotInTree(f"{tile.path} needs {tile.width} entries, {len(leaves)} are stored")
    return encode_bundle(leaves)


def build_tile(session: Session, tile: Tile) -> bytes:
    """Return a tile's bytes from the database; `TileNotInTree` if the log does not reach it yet."""
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
        try:
            data = build_tile(session, tile)
        except TileNotInTree:
            raise NotFound(N_("The log has no such tile yet.")) from None
        if tile.is_full and not transparency.holds_lock(session):  # no rollback can take it back
            kept.put(tile, data)
    return ServedTile(tile, data)
