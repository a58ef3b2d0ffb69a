"""Go's own tlog client reads what the application serves, with no project-specific adapter.

`tests/interop/go` is a small program on Go's golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's
golang-golang-x-mod-dev, built offline): it opens the checkpoint with the log key from the JWKS,
recomputes the signed root from the hash tiles, proves every entry of the entry bundles included, and
checks every certificate's bundle against them. It runs against the live demo, against the same log
exported with `flask log export` and served by Python's plain static file server, and against the
golden tiles of tests/certificates/data/tiles (and tampered copies of them, which it must refuse).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from sandbox.db import open_session
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.models.certificates import Certificate
from tests.conftest import REQUIRE_ALL, make_test_app
from tests.sandbox.certificate_helpers import exit_case, grow_log
from tests.servers import app_in_thread, static_files_in_thread

SOURCE = Path(__file__).parent / "go"
GOLDEN = Path(__file__).parents[1] / "certificates" / "data" / "tiles"
DEBIAN_X_MOD = Path("/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog")


@pytest.fixture(scope="session")
def tlog_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go client, built offline into a temporary folder (module cache and build cache there too)."""
    go = shutil.which("go")
    if go is None or not DEBIAN_X_MOD.is_dir():
        message = "needs Go and Debian's golang.org/x/mod (apt-get install golang-go golang-golang-x-mod-dev)"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    work = tmp_path_factory.mktemp("tlogclient")
    shutil.copytree(SOURCE, work / "src")
    env = {
        **os.environ,
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GO111MODULE": "on",
        "GOPATH": str(work / "gopath"),
        "GOCACHE": str(work / "cache"),
    }
    binary = work / "tlogclient"
    done = subprocess.run(
        [go, "build", "-o", str(binary), "."], cwd=work / "src", env=env,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return binary


def run_client(binary: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=300, check=False)


def passed(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """The client's counts, after checking that it succeeded."""
    assert done.returncode == 0, done.stdout + done.stderr
    size = re.search(r"^checkpoint \S+ size (\d+) ", done.stdout, re.MULTILINE)
    entries = re.search(r"^entries: (\d+) of (\d+) proven included$", done.stdout, re.MULTILINE)
    certificates = re.search(r"^certificates: (\d+) checked$", done.stdout, re.MULTILINE)
    assert size and entries, done.stdout
    assert entries[1] == entries[2] == size[1], done.stdout
    return {"size": int(size[1]), "certificates": int(certificates[1]) if certificates else 0}


@pytest.fixture
def demo(database_url: str, tmp_path: Path) -> Iterator[tuple[object, Session]]:
    """The demo with its log grown past one full tile and a certificate issued in the second tile."""
    app = make_test_app(database_url, tmp_path / "instance", TESTING=False)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with open_session(app) as session:
        grow_log(session, 260)
        exit_case(app.test_client(), session)
        yield app, session
    app.extensions["sandbox.engine"].dispose()


def test_go_reads_the_served_log_and_the_exported_one(demo, tlog_client: Path, tmp_path: Path) -> None:
    app, session = demo
    origin = app.config["LOG_ORIGIN"]
    certificates = session.exec(select(func.count()).select_from(Certificate)).one()
    newest = session.exec(select(func.max(Certificate.log_index))).one()
    assert certificates >= 7 and newest >= 256  # the demo's, and one whose entry is in the second tile
    with app_in_thread(app) as url:
        client = app.test_client()
        login = {"email": "regulator@demo.sandbox", "password": DEMO_PASSWORD}
        token = client.post("/api/v1/tokens", json=login).get_json()["token"]
        api = ["-api", f"{url}/api/v1", "-token", token]

        live = passed(run_client(tlog_client, "-log", f"{url}/log", "-jwks", f"{url}/.well-known/jwks.json",
                                 "-origin", origin, *api))  # fmt: skip
        assert live["size"] > 256 and live["certificates"] == certificates

        export = app.test_cli_runner().invoke(args=["log", "export", str(tmp_path / "site")])
        assert export.exit_code == 0, export.output
        jwks = tmp_path / "jwks.json"
        jwks.write_text(json.dumps(client.get("/.well-known/jwks.json").get_json()), encoding="utf-8")
        with static_files_in_thread(tmp_path / "site") as static:
            exported = passed(run_client(tlog_client, "-log", f"{static}/log", "-jwks", str(jwks),
                                         "-origin", origin, *api))  # fmt: skip
    assert exported == live


def test_go_reads_the_golden_tiles_and_refuses_tampered_ones(tlog_client: Path, tmp_path: Path) -> None:
    site = tmp_path / "golden"
    shutil.copytree(GOLDEN, site)
    args = ["-jwks", str(site / "jwks.json"), "-origin", "sandbox.example.cn/log"]
    with static_files_in_thread(site) as url:
        assert passed(run_client(tlog_client, "-log", f"{url}/log", *args))["size"] == 300

        def refused(path: str, change: Callable[[bytes], bytes]) -> str:
            target = site / "log" / path
            original = target.read_bytes()
            target.write_bytes(change(original))
            done = run_client(tlog_client, "-log", f"{url}/log", *args)
            target.write_bytes(original)
            assert done.returncode == 1, done.stdout
            return done.stderr

        def flip(at: int) -> Callable[[bytes], bytes]:
            return lambda data: data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]

        # A changed hash: the tile no longer hashes to its parent (x/mod 0.7's TileHashReader leaves some
        # tiles to the record check, which then fails against the signed root).
        message = refused("tile/0/000", flip(40))
        assert "inconsistent tile" in message or "invalid transparency proof" in message, message
        assert "inconsistent tile" in refused("tile/1/000.p/1", flip(0))
        assert "not in the tree" in refused("tile/entries/001.p/44", lambda d: d.replace(b"-299", b"-2X9"))
        assert "signature" in refused("checkpoint", lambda data: data.replace(b"\n300\n", b"\n299\n"))
        other = json.loads((site / "jwks.json").read_text(encoding="utf-8"))
        other["keys"][0]["x"] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"  # RFC 8037's example key
        (site / "other.json").write_text(json.dumps(other), encoding="utf-8")
        wrong_key = run_client(tlog_client, "-log", f"{url}/log", "-jwks", str(site / "other.json"))
        assert wrong_key.returncode == 1 and "checkpoint signature" in wrong_key.stderr
