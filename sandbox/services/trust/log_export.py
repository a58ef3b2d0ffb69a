"""The tiled transparency log written out as static files (`flask --app sandbox log export DIR`).

The files are byte for byte what `/log/…` serves, at the same paths under DIR (`DIR/log/checkpoint`,
`DIR/log/tile/0/000`, `DIR/log/tile/entries/000`, …), so any static server, CDN or object store can
serve verification without the application or its database. Everything is written for the tree size of
the checkpoint read first, and the checkpoint itself last, so a reader never meets a checkpoint whose
tiles are missing. Each file is replaced atomically (written beside, then renamed) and only when its
content changed. Exporting again is cheap: an existing full entry bundle is checked against the
level-0 tile (its entries' leaf hashes) rather than rebuilt. Partial tiles of earlier exports stay: they
are still correct, and clients holding an older checkpoint may want them.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from certificates.log.checkpoint import parse_checkpoint
from certificates.log.merkle import hash_leaf
from certificates.log.tiles import Tile, all_tiles, decode_bundle, tile_bytes
from sandbox.services.trust import log_tiles


@dataclass(frozen=True)
class ExportSummary:
    size: int  # the tree size of the exported checkpoint
    written: int  # files created or replaced
    unchanged: int  # files already there with the right content


def export_log(session: Session, directory: Path) -> ExportSummary:
    """Write the checkpoint, every full tile and bundle, and the right-edge partials under directory/log."""
    note = log_tiles.current_checkpoint(session)
    size = parse_checkpoint(note).size
    root = directory / "log"
    written = unchanged = 0
    for tile in all_tiles(size):
        target = root / tile.path
        if tile.is_entries and tile.is_full and _bundle_is_current(session, tile, target):
            unchanged += 1
            continue
        if _write(target, log_tiles.build_tile(session, tile)):
            written += 1
        else:
            unchanged += 1
    if _write(root / "checkpoint", note.encode("utf-8")):
        written += 1
    else:
        unchanged += 1
    return ExportSummary(size=size, written=written, unchanged=unchanged)


def _bundle_is_current(session: Session, tile: Tile, target: Path) -> bool:
    """Whether the file at `target` holds exactly the entries whose leaf hashes the level-0 tile lists."""
    try:
        entries = decode_bundle(target.read_bytes())
    except (OSError, ValueError):
        return False
    expected = tile_bytes(Tile(0, tile.index), log_tiles.node_reader(session))
    return hmac.compare_digest(b"".join(hash_leaf(entry) for entry in entries), expected)


def _write(target: Path, data: bytes) -> bool:
    """Put `data` at `target` atomically unless it is already there; return whether it wrote."""
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return True
