"""Running pyHanko's coroutines from synchronous code, whatever thread we are in (private).

pyHanko's synchronous helpers call `asyncio.run`, which refuses to start inside a thread that already
runs an event loop (a test driving a browser, an async server calling us). Its coroutines are run here
instead: directly when no loop is running, otherwise on a short-lived thread of their own.
Standard library only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine `make()` to completion and return its result."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()
