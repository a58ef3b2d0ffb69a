"""`/log/…` serves the transparency log as C2SP tlog-tiles, and `flask log export` writes the same bytes.

Tiles are checked against hashes computed here from the entries the JSON API lists (hashlib only); the
served checkpoint against the log key of the JWKS.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import rfc8785
from sqlalchemy import update
from sqlmodel import col

from certificates.keys import KeySet
from certificates.log.checkpoint import verify_checkpoint
from certificates.log.tiles import all_tiles, decode_bundle
from sandbox.models.certificates import LogEntry
from sandbox.services.trust import log_tiles
from tests.certificates.log.test_tiles import leaf_hash, mth
from tests.sandbox.certificate_helpers import grow_log

IMMUTABLE = "public, max-age=31536000, immutable"


def logged_entries(client, size: int) -> list[bytes]:
    entries = client.get(f"/api/v1/log/entries?start=0&end={size}").get_json()["entries"]
    assert len(entries) == size
    return [rfc8785.dumps(entry) for entry in entries]


def test_checkpoint_is_the_signed_note_in_plain_text(client, session) -> None:
    response = client.get("/log/checkpoint")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=5"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    note = response.get_data(as_text=True)
    assert note == client.get("/api/v1/log/checkpoint").get_json()["checkpoint"]
    log_key = KeySet.from_jwks(client.get("/.well-known/jwks.json").get_json()).active("log")
    origin = note.split("\n", 1)[0]
    checkpoint = verify_checkpoint(note, origin, log_key.public_key, origin=origin)
    assert checkpoint.size == 9  # the five Ed25519 and four SM2 keys, logged when created on first use


def test_tiles_and_bundles_hold_the_log_exactly_and_nothing_else(client, session) -> None:
    size = grow_log(session, 300)
    width = size - 256
    entries = logged_entries(client, size)
    leaves = [leaf_hash(entry) for entry in entries]

    full = client.get("/log/tile/0/000")
    assert full.status_code == 200 and full.data == b"".join(leaves[:256])
    assert full.headers["Content-Type"] == "application/octet-stream"
    assert full.headers["Cache-Control"] == IMMUTABLE and full.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/log/tile/0/000").data == full.data  # the second answer comes from the kept tile

    partial = client.get(f"/log/tile/0/001.p/{width}")
    assert partial.data == b"".join(leaves[256:]) and partial.headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/log/tile/1/000.p/1").data == mth(leaves[:256])
    # narrower partials stay available to clients holding an older checkpoint
    assert client.get("/log/tile/0/000.p/7").data == b"".join(leaves[:7])
    assert client.get(f"/log/tile/0/001.p/{width - 1}").data == b"".join(leaves[256:-1])

    bundle = client.get("/log/tile/entries/000")
    assert bundle.headers["Cache-Control"] == IMMUTABLE
    assert decode_bundle(bundle.data) == entries[:256]
    assert bundle.data[:2] == len(entries[0]).to_bytes(2, "big")
    partial_bundle = client.get(f"/log/tile/entries/001.p/{width}")
    assert decode_bundle(partial_bundle.data) == entries[256:]

    head = client.head("/log/tile/0/000")
    assert head.status_code == 200 and head.headers["Content-Length"] == "8192" and not head.data

    for path in (
        "tile/0/001",  # not full yet
        f"tile/0/001.p/{width + 1}",
        "tile/0/002.p/1",
        "tile/1/000",
        "tile/2/000.p/1",
        "tile/entries/001",
        f"tile/entries/001.p/{width + 1}",
        "tile/0/1",  # not the canonical spelling
        "tile/0/x000/000",
        "tile/8/0/000",  # Go's path with the height in it
        "tile/data/000",
        "tile/0/000.p/256",
        "tile/",
    ):
        response = client.get(f"/log/{path}")
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json", path


def test_an_entry_that_no_longer_hashes_to_its_leaf_is_never_served(client, session) -> None:
    size = grow_log(session, 3)
    forged = {"kind": "key", "kid": "forged"}
    session.execute(update(LogEntry).where(col(LogEntry.index) == 2).values(entry=forged))
    session.commit()
    with pytest.raises(log_tiles.LogIntegrityError, match="entry 2"):
        log_tiles.read_tile(session, f"tile/entries/000.p/{size}")
    assert client.get(f"/log/tile/0/000.p/{size}").status_code == 200  # the hashes themselves are intact


def test_log_export_writes_what_the_server_serves(app, client, session, tmp_path: Path) -> None:
    size = grow_log(session, 300)
    site = tmp_path / "site"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["log", "export", str(site)])
    assert result.exit_code == 0, result.output
    expected = {"checkpoint", *(tile.path for tile in all_tiles(size))}
    assert len(expected) == 6  # a full and two partial tiles; a full and a partial bundle; the checkpoint
    assert f"Log of {size} entries exported" in result.output and "6 file(s) written" in result.output
    written = {str(path.relative_to(site / "log")) for path in site.rglob("*") if path.is_file()}
    assert written == expected
    for path in expected:
        assert (site / "log" / path).read_bytes() == client.get(f"/log/{path}").data, path

    again = runner.invoke(args=["log", "export", str(site)])
    assert "0 file(s) written, 6 unchanged" in again.output, again.output

    damaged = site / "log" / "tile" / "entries" / "000"
    damaged.write_bytes(damaged.read_bytes().replace(b"filler-7", b"filler-X"))
    repaired = runner.invoke(args=["log", "export", str(site)])
    assert "1 file(s) written, 5 unchanged" in repaired.output, repaired.output
    assert damaged.read_bytes() == client.get("/log/tile/entries/000").data

    # The exported checkpoint signs the root of exactly the exported leaves.
    root = base64.b64decode((site / "log" / "checkpoint").read_text(encoding="utf-8").split("\n")[2])
    level0 = (site / "log" / "tile" / "0" / "000").read_bytes()
    level0 += (site / "log" / "tile" / "0" / "001.p" / str(size - 256)).read_bytes()
    assert root == mth([level0[i : i + 32] for i in range(0, len(level0), 32)])
