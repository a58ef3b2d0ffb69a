"""Real servers for tests that need more than the test client: gunicorn in a subprocess, an app or a
folder of static files served from a thread, a private PostgreSQL cluster of the test's own, a private
schema on the shared test database, and `LiveClient`, an HTTP client with the slice of FlaskClient's
interface that `tests.case_flow.CaseFlow` uses.

Everything started here is stopped by the same context manager that started it, and every wait is
bounded: a server that does not come up fails the test with the tail of its log.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from sqlalchemy import text
from werkzeug.serving import make_server

from sandbox.db import make_engine, normalise_url, upgrade

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(
    condition: Callable[[], Any], *, timeout: float, what: str, explain: Callable[[], str] | None = None
) -> Any:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds, adding what
    `explain()` says about the state at that moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    details = explain() if explain else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{details}")


def with_query(url: str, **params: str) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


@contextmanager
def private_schema(base_url: str, *, application_name: str | None = None) -> Iterator[str]:
    """A migrated schema of its own in the shared test database; yields its URL, drops it afterwards.

    `application_name` tags the app's connections, so a test can find them in pg_stat_activity.
    """
    schema = f"test_{uuid.uuid4().hex[:12]}"
    base = normalise_url(base_url)
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    params = {"options": f"-csearch_path%3D{schema}"}
    if application_name:
        params["application_name"] = application_name
    url = with_query(base, **params)
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def write_instance_config(instance: Path, **settings: Any) -> None:
    """Write instance/config.py, which a served app reads (create_app without a test configuration)."""
    instance.mkdir(parents=True, exist_ok=True)
    lines = [f"{name} = {value!r}" for name, value in settings.items()]
    (instance / "config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")


SERVED_SETTINGS: dict[str, Any] = {
    # A fixed key: workers booting together would otherwise race to create instance/secret_key.
    "SECRET_KEY": "served-test-secret",
    "ARGON2_PROFILE": "CHEAPEST",
    "LOGIN_RATE_LIMIT": "100000 per minute",
    "REGISTER_RATE_LIMIT": "100000 per minute",
    "VERIFY_RATE_LIMIT": "100000 per minute",
    "PROGRESS_RATE_LIMIT": "100000 per minute",
    "REQUEST_LOG_LEVEL": "WARNING",
}


class Gunicorn:
    """`gunicorn 'sandbox:create_app()'` on a free loopback port, configured by environment variables."""

    def __init__(self, *, database_url: str, instance: Path, workers: int, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.workers = workers
        self.env = {
            **os.environ,
            "SANDBOX_DATABASE_URL": database_url,
            "SANDBOX_INSTANCE_PATH": str(instance),
            "PYTHONUNBUFFERED": "1",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", "--graceful-timeout", "5",
            "sandbox:create_app()",
        ]  # fmt: skip
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        wait_for(self._answers, timeout=60, what=f"gunicorn on port {self.port}\n{self.log_tail()}")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {self.process.returncode}\n{self.log_tail()}")
        if len(self.worker_pids()) < self.workers:
            return False
        try:
            return requests.get(f"{self.url}/api/v1/openapi.json", timeout=10).status_code == 200
        except requests.RequestException:  # refused, or queued while the workers still boot
            return False

    def worker_pids(self) -> list[int]:
        """The master's children: the workers (with one worker, the one serving every request)."""
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except FileNotFoundError:
            return []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


@contextmanager
def gunicorn(*, database_url: str, instance: Path, workers: int, log: Path) -> Iterator[Gunicorn]:
    server = Gunicorn(database_url=database_url, instance=instance, workers=workers, log=log)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextmanager
def _serving(server: HTTPServer) -> Iterator[str]:
    """Run `server` (bound to a loopback port) in a thread; yield its URL, stop and close it afterwards."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def app_in_thread(app: Flask) -> AbstractContextManager[str]:
    """`app` served by Werkzeug's threaded server on a free loopback port; yields its URL."""
    return _serving(make_server("127.0.0.1", 0, app, threaded=True))


class StaticFiles(SimpleHTTPRequestHandler):
    """Python's plain static file server, quiet, serving a tlog checkpoint as the spec's text/plain."""

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        if str(path).endswith("/checkpoint"):
            return "text/plain; charset=utf-8"
        return super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def static_files_in_thread(directory: Path) -> AbstractContextManager[str]:
    """`http.server` serving `directory` on a free loopback port from a thread; yields its URL."""
    return _serving(ThreadingHTTPServer(("127.0.0.1", 0), partial(StaticFiles, directory=str(directory))))


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries installed (Debian's /usr/lib/postgresql/<version>/bin)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresCluster:
    """A throw-away PostgreSQL cluster on a free port, owned by user postgres when run as root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="sandbox-pg-"))
        self.data = self.directory / "data"
        self.url = normalise_url(f"postgresql://postgres@127.0.0.1:{self.port}/postgres")

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # the server refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        assert done.returncode == 0, f"{' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}"

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--locale=C")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"), "-o", options,
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def postgres_cluster(bindir: Path) -> Iterator[PostgresCluster]:
    cluster = PostgresCluster(bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


class LiveResponse:
    """A `requests` response answering like Werkzeug's test response."""

    def __init__(self, response: requests.Response) -> None:
        self.raw = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()

    def get_json(self) -> Any:
        return self.raw.json() if self.mimetype.endswith("json") else None

    def get_data(self, as_text: bool = False) -> Any:
        return self.raw.text if as_text else self.raw.content


class LiveClient:
    """Requests to a live server, with FlaskClient's `open/get/post` signatures as CaseFlow uses them.

    `record(method, path, status)` is called for every response (for counting and for 5xx checks).
    """

    def __init__(self, base_url: str, record: Callable[[str, str, int], None] | None = None) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.record = record

    def open(self, path: str, method: str = "GET", *, headers: dict[str, str] | None = None,
             json: Any = None, data: dict[str, Any] | None = None, content_type: str | None = None,
             timeout: float = 120) -> LiveResponse:  # fmt: skip
        form, files = data, None
        if data is not None and content_type == "multipart/form-data":
            form = {k: v for k, v in data.items() if not isinstance(v, tuple)}
            files = {k: (name, _read(content)) for k, v in data.items() if isinstance(v, tuple)
                     for content, name in [v]}  # fmt: skip
        response = self.http.request(method, self.base_url + path, headers=headers, json=json, data=form,
                                     files=files, timeout=timeout, allow_redirects=False)  # fmt: skip
        if self.record is not None:
            self.record(method, path, response.status_code)
        return LiveResponse(response)

    def get(self, path: str, **kwargs: Any) -> LiveResponse:
        return self.open(path, "GET", **kwargs)

    def close(self) -> None:
        self.http.close()

    def post(self, path: str, **kwargs: Any) -> LiveResponse:
        return self.open(path, "POST", **kwargs)


def _read(content: Any) -> bytes:
    return content.getvalue() if isinstance(content, io.BytesIO) else bytes(content)
