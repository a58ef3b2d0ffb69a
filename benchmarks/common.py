"""Shared helpers of the benchmarks: databases to measure on, a demo instance served by gunicorn, tables.

* `databases(folder)` yields (name, URL) of every backend to measure: SQLite in `folder` always, and a
  private schema in the PostgreSQL database of `SANDBOX_BENCH_DATABASE_URL` (or
  `SANDBOX_TEST_DATABASE_URL`, or the local default) that is dropped afterwards;
* `demo_instance` fills an instance folder with the demo through the real CLI (`init-db`, `demo`);
* `Gunicorn` serves that instance on a free loopback port and knows its worker processes.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from sqlalchemy import text

from sandbox.db import make_engine, normalise_url

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
VENV_BIN = Path(sys.executable).parent


def postgres_base_url() -> str:
    return (
        os.environ.get("SANDBOX_BENCH_DATABASE_URL")
        or os.environ.get("SANDBOX_TEST_DATABASE_URL")
        or DEFAULT_POSTGRES
    )


def with_search_path(base: str, schema: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def private_schema(base_url: str) -> Iterator[str]:
    """A fresh schema in the PostgreSQL database at `base_url`; yields a URL that uses it, then drops it."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(normalise_url(base_url))
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception:
        admin.dispose()
        raise
    try:
        yield with_search_path(base_url, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def databases(folder: Path, *, postgres: bool = True) -> Iterator[list[tuple[str, str]]]:
    """(name, URL) of each backend: SQLite in `folder`, and PostgreSQL in a private schema."""
    found = [("SQLite", f"sqlite:///{folder / 'bench.db'}")]
    with ExitStack() as stack:
        if postgres:
            try:
                found.append(("PostgreSQL", stack.enter_context(private_schema(postgres_base_url()))))
            except Exception as error:  # noqa: BLE001  (no server: say so and measure SQLite alone)
                print(f"  (PostgreSQL skipped: {type(error).__name__}: {str(error).splitlines()[0][:100]})")
        yield found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def instance_environment(instance: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment that points the app at `instance` (and at `database_url`, if given)."""
    env = {**os.environ, "SANDBOX_INSTANCE_PATH": str(instance), "PYTHONIOENCODING": "utf-8"}
    # The load comes from one address: the per-address limits would measure the limiter, not the work.
    env.update(SANDBOX_VERIFY_RATE_LIMIT="1000000 per minute", SANDBOX_LOGIN_RATE_LIMIT="1000000 per minute")
    env.pop("SANDBOX_DATABASE_URL", None)
    if database_url:
        env["SANDBOX_DATABASE_URL"] = database_url
    return env


def demo_instance(instance: Path, database_url: str | None = None) -> dict[str, str]:
    """Create the schema and the demo data with the real CLI; return the environment to serve it with."""
    env = instance_environment(instance, database_url)
    for command in ("init-db", "demo"):
        done = subprocess.run(  # noqa: S603  (our own virtualenv's flask)
            [str(VENV_BIN / "flask"), "--app", "sandbox", command],
            env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"flask {command} failed:\n{done.stdout}\n{done.stderr}")
    return env


def worker_pids(master: int) -> list[int]:
    """The child processes of `master` (gunicorn's workers)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    with suppress(OSError):
        return sorted(int(pid) for pid in children.read_text().split())
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rpartition(")")[2].split()[1]) == master:
                    found.append(int(entry.name))
    return sorted(found)


def resident_kib(pid: int) -> int:
    """VmRSS of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


class Gunicorn:
    """`with Gunicorn(env, workers=2) as server:` serves the app at `server.url` until the block ends."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, worker_class: str = "sync", threads: int = 1,
                 log: Path | None = None) -> None:  # fmt: skip
        self.env, self.workers, self.worker_class, self.threads = env, workers, worker_class, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or Path(env["SANDBOX_INSTANCE_PATH"]) / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        command = [
            str(VENV_BIN / "gunicorn"), "--workers", str(self.workers), "--worker-class", self.worker_class,
            "--threads", str(self.threads), "--bind", f"127.0.0.1:{self.port}", "--backlog", "2048",
            "sandbox:create_app()",
        ]  # fmt: skip
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603  (our own virtualenv's gunicorn)
                command, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text(errors='replace')[-2000:]}")
            with suppress(OSError), urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200 and len(worker_pids(self.process.pid)) == self.workers:
                    return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready in time")

    @property
    def workers_pids(self) -> list[int]:
        assert self.process is not None
        return worker_pids(self.process.pid)

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def machine_note() -> str:
    """The load on the machine when a benchmark starts (figures from a busy machine are noisy)."""
    one_minute = os.getloadavg()[0]
    return f"load average {one_minute:.1f} on {os.cpu_count()} cores"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows under headers, columns aligned (numbers right, text left)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for number, row in enumerate(cells):
        line = "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        print("  " + line.rstrip())
        if number == 0:
            print("  " + "  ".join("-" * width for width in widths))
