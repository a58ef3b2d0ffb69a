"""HTTP load: `wrk` when it is installed, else a pure-Python generator (threads, one connection each).

Both report the same `LoadResult` (requests, requests per second, p50 and p99 latency, non-2xx answers
and socket errors). `wrk` gets a Lua script per target that sets the method, headers and body and writes
its summary as one JSON line; the Python generator can also stop after an exact number of requests
(the memory benchmark needs counts, not durations).
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Target:
    """One request to send again and again."""

    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadResult:
    generator: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


LUA = """
wrk.method = %(method)s
%(headers)s
local file = %(body_path)s and io.open(%(body_path)s, "rb")
if file then wrk.body = file:read("*a"); file:close() end
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests": %%d, "us": %%d, "p50": %%d, "p99": %%d, "status": %%d, '
    .. '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for the text used here


def run_wrk(
    base_url: str, target: Target, *, connections: int, seconds: float, threads: int = 2
) -> LoadResult:
    """Load one target with wrk for `seconds` (whole seconds: wrk takes no fractions) at `connections`."""
    with tempfile.TemporaryDirectory() as folder:
        body_path = None
        if target.body is not None:
            body_path = Path(folder) / "body"
            body_path.write_bytes(target.body)
        headers = "\n".join(
            f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in target.headers.items()
        )
        script = Path(folder) / "target.lua"
        script.write_text(LUA % {
            "method": _lua_string(target.method), "headers": headers,
            "body_path": _lua_string(str(body_path)) if body_path else "nil",
        })  # fmt: skip
        command = ["wrk", "--threads", str(threads), "--connections", str(connections),
                   "--duration", f"{max(1, round(seconds))}s", "--timeout", "10s", "--script", str(script),
                   base_url.rstrip("/") + target.path]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)  # noqa: S603
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return LoadResult("wrk", data["requests"], data["us"] / 1e6, data["p50"] / 1000, data["p99"] / 1000,
                      data["status"], errors)  # fmt: skip


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def run_python(base_url: str, targets: list[Target], *, connections: int, seconds: float | None = None,
               total: int | None = None) -> LoadResult:  # fmt: skip
    """Send the targets in turn from `connections` threads, for `seconds` or until `total` requests."""
    parts = urlsplit(base_url)
    lock = threading.Lock()
    latencies: list[float] = []
    counters = {"sent": 0, "non_2xx": 0, "errors": 0}
    started = time.perf_counter()
    deadline = started + seconds if seconds is not None else None

    def claim() -> int | None:
        with lock:
            if total is not None and counters["sent"] >= total:
                return None
            if deadline is not None and time.perf_counter() >= deadline:
                return None
            counters["sent"] += 1
            return counters["sent"]

    def worker() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)  # type: ignore[arg-type]
        mine: list[float] = []
        while (number := claim()) is not None:
            target = targets[number % len(targets)]
            began = time.perf_counter()
            try:
                connection.request(target.method, target.path, body=target.body, headers=target.headers)
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 300
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                connection.close()
                with lock:
                    counters["errors"] += 1
                continue
            mine.append(time.perf_counter() - began)
            if not ok:
                with lock:
                    counters["non_2xx"] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50, p99 = _percentile(latencies, 0.5) * 1000, _percentile(latencies, 0.99) * 1000
    return LoadResult("python", len(latencies), elapsed, p50, p99, counters["non_2xx"], counters["errors"])


def load(
    base_url: str, target: Target, *, connections: int, seconds: float, use_wrk: bool | None = None
) -> LoadResult:
    """Load one target for `seconds`: with wrk when available (or asked for), else in Python."""
    if use_wrk is None:
        use_wrk = wrk_available()
    if use_wrk:
        return run_wrk(base_url, target, connections=connections, seconds=seconds)
    return run_python(base_url, [target], connections=connections, seconds=seconds)
