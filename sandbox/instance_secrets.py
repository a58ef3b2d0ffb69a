"""Secrets kept in the instance folder (the session key, the key passphrase), created once, mode 0600.

Several gunicorn workers start at the same moment: exactly one creates the file (O_EXCL), the others
wait until its content is there and read the same value.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path


def read_or_create(path: Path, *, length: int) -> str:
    """Return the secret in `path`, creating it with `length` random bytes (URL-safe) if it is missing."""
    try:
        return _written(path)
    except FileNotFoundError:
        value = secrets.token_urlsafe(length)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker starting at the same moment won the race
            return _written(path)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(value)
        return value


def _written(path: Path) -> str:
    # The winner's create and write are a moment apart: an empty file means "not yet".
    for _ in range(100):
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"{path.name} in the instance folder is empty")
