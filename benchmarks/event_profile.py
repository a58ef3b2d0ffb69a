"""Where an event's time goes: the profile `throughput` prints beside a missed goal.

Events are profiled (cProfile) and their time split into the steps of `apply_event` and the commit;
the SQL statements of one event of each kind are counted against the bare transaction's two. What the
table shows is what is left, and the statements say what meeting the goal would take: the bare
transaction's time is its commit, an event's is mostly its statements and the ORM around them.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

# (label, file suffix, function): the parts of an event, each timed with what it calls.
STEPS = (
    ("load the actor (the request's login)", "sqlalchemy/orm/session.py", "get"),
    ("load and lock the case, permission", "sandbox/services/cases/cases.py", "get_case"),
    ("office calendar (kept per process)", "sandbox/services/cases/calendar.py", "office_calendar"),
    ("guard data and state machine", "workflows/cases.py", "fire"),
    ("event effects (plan version, ...)", "sandbox/services/case_events/table.py", "write_event_effects"),
    ("history chain (hash of the event)", "sandbox/services/case_events/history.py", "append_event"),
    ("stage clock", "sandbox/services/cases/calendar.py", "restart_clock"),
    ("case UPDATE + history INSERT (flush)", "sandbox/services/cases/cases.py", "claim_version"),
    ("notifications + outbox rows", "sandbox/services/case_events/effects.py", "after_event"),
    ("commit", "sqlalchemy/orm/session.py", "commit"),
)


def profile_events(fire_next: Callable[[], None], count: int) -> tuple[float, list[tuple[str, float]]]:
    """Fire `count` events under cProfile; return ms per event and each step's ms per event."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        fire_next()
    profiler.disable()
    stats: dict[tuple[str, int, str], Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = pstats.Stats(profiler).total_tt * 1000 / count  # type: ignore[attr-defined]
    steps = []
    for label, suffix, name in STEPS:
        cumulative = max(
            (
                row[3]
                for (path, _line, function), row in stats.items()
                if function == name and path.endswith(suffix)
            ),
            default=0.0,
        )
        steps.append((label, cumulative * 1000 / count))
    return total, steps


def statements(engine: Engine, action: Callable[[], None]) -> list[str]:
    """The SQL statements `action` sends (their first words), in order."""
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()[:3]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def note(name: str, total: float, steps: list[tuple[str, float]], counted: dict[str, list[str]]) -> list[str]:
    """The lines of the profile note of one database."""
    lines = [f"{name}: where one event's time goes ({total:.2f} ms under cProfile, which slows Python ~2x):"]
    lines += [f"  {label:<40} {ms:6.2f} ms  {ms / total:4.0%}" for label, ms in steps]
    lines += [f"  {kind}: {len(seen)} statements: {'; '.join(seen)}" for kind, seen in counted.items()]
    return lines
