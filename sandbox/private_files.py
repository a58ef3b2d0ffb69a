"""Files the service keeps for itself (the instance folder: database, keys, secrets, uploads, outbox,
backups, certificate PDFs) are private to its account: folders 0700, files 0600, whatever the umask.

The umask is not ours to rely on: gunicorn, cron and shells each bring their own, and SQLite gives a
new database 0644 and its -wal and -shm files the database file's mode. So every writer creates through
`make_private_dirs` / `open_private` / `create_private`, and at start-up `secure` tightens anything
wider that belongs to the service — and refuses, naming each path, what belongs to another account or
cannot be changed (another local user could already have read it; an operator must look).
Symbolic links are neither followed nor changed. Imports the standard library only.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
OPEN_TO_OTHERS = 0o077  # any permission for the group or for everyone else


class NotPrivate(RuntimeError):
    """Some of the service's files are readable by others and could not be made private."""


def make_private_dirs(path: Path) -> None:
    """Create the folder `path` and its missing parents, each 0700; existing folders are left alone."""
    missing = []
    current = Path(path)
    while not os.path.lexists(current):
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR)
        except FileExistsError:
            continue  # another worker made it at the same moment, the same way
        os.chmod(folder, PRIVATE_DIR)  # the umask may have taken the owner's own bits away


def open_private(path: Path, *, exclusive: bool = True) -> BinaryIO:
    """Open a file for writing, created 0600 (exclusive: refuse an existing one; else truncate it)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    return os.fdopen(os.open(path, flags, PRIVATE_FILE), "wb")


def create_private(path: Path) -> None:
    """Create an empty file 0600 unless it exists (e.g. a SQLite database before SQLite opens it)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))


@dataclass
class Checked:
    """What `secure` found: paths it tightened, and paths it could not (with the reason)."""

    repaired: list[Path] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def secure(trees: Iterable[Path], files: Iterable[Path] = (), *, owner: int | None = None) -> Checked:
    """Make every folder under `trees` 0700-or-less and every file 0600-or-less, and `files` too.

    Only paths owned by `owner` (default: this process's account) are changed; any other path open to
    others is refused. Raises NotPrivate listing every refusal; returns what was repaired.
    """
    uid = os.geteuid() if owner is None else owner
    checked = Checked()
    paths: dict[Path, None] = {}  # in order, once each (the database may be inside the instance folder)
    for tree in trees:
        if os.path.isdir(tree) and not os.path.islink(tree):
            paths[Path(tree).absolute()] = None
            for top, folders, names in os.walk(tree):
                paths.update((Path(top, name).absolute(), None) for name in folders + names)
    paths.update((Path(path).absolute(), None) for path in files)
    for path in paths:
        _check(path, uid, checked)
    if checked.refused:
        raise NotPrivate(
            "These paths of the service are open to other accounts and were not made private:\n  "
            + "\n  ".join(checked.refused)
            + f"\nMake them owned by the service's account (uid {uid}) and private "
            "(chmod 700 for folders, 600 for files), then start again."
        )
    return checked


def _check(path: Path, uid: int, checked: Checked) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return  # a temporary file that was renamed or removed meanwhile
    if stat.S_ISLNK(info.st_mode) or not info.st_mode & OPEN_TO_OTHERS:
        return
    mode = stat.S_IMODE(info.st_mode)
    if info.st_uid != uid:
        checked.refused.append(f"{path} (mode {mode:04o}, owner uid {info.st_uid})")
        return
    try:
        os.chmod(path, mode & ~OPEN_TO_OTHERS)
    except OSError as error:
        checked.refused.append(f"{path} (mode {mode:04o}: {error.strerror})")
        return
    checked.repaired.append(path)
