"""Listening to every ORM session, once: the rows derived from others (the case tallies, the registry's
search index) follow each transaction through these events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession


def listen_to_sessions(handlers: Sequence[tuple[str, Callable[..., Any]]]) -> None:
    """Register each (event name, handler) on every session; a second call with the same handlers does
    nothing (an app created twice in one process)."""
    name, first = handlers[0]
    if event.contains(OrmSession, name, first):
        return
    for name, handler in handlers:
        event.listen(OrmSession, name, handler)
