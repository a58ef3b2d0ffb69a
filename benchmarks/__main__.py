"""Run the benchmarks: `python -m benchmarks [NAME ...]` (what `make bench` calls; all of them by default).

Each benchmark prints its figures beside its baseline, measured in the same run, with the goal and the
ratio. PostgreSQL is measured too when SANDBOX_BENCH_DATABASE_URL (or SANDBOX_TEST_DATABASE_URL) is set;
SANDBOX_BENCH_LARGE sets the large data set of `growth` (default 100,000 cases).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from benchmarks import certificates, growth, memory, serving, throughput, tiles

BENCHMARKS: dict[str, Callable[[], None]] = {
    "certificates": lambda: certificates.main([]),
    "throughput": lambda: throughput.main([]),
    "serving": lambda: serving.main([]),
    "memory": lambda: memory.main([]),
    "growth": growth.main,
    "tiles": lambda: tiles.main([]),
}


def main(argv: list[str]) -> None:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in names:
        started = time.perf_counter()
        BENCHMARKS[name]()
        print(f"  ({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
