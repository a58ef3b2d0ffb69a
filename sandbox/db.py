"""The database: one engine per app, one session per request, migrations.

SQLite in the instance folder is the embedded default (WAL journal, foreign keys on; the file is created
0600 so its -wal and -shm files are private too); PostgreSQL is used
when `DATABASE_URL` names it (psycopg 3). Views and API handlers take the request's session from
`get_session()`, services flush, the handler commits once, and teardown rolls back anything left.

Every session of the app is opened here (`open_session`: the request's and the CLI's through
`get_session()`, tests', benchmarks' and workers' directly) and carries the app's `ServiceSettings` in
its `info`, which is how services get their configuration (`sandbox.services.common.settings`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from sandbox import private_files
from sandbox.services.cases.calendar import CALENDAR_CACHE_KEY, CalendarCache
from sandbox.services.common.settings import INFO_KEY, ServiceSettings

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(app: Flask) -> str:
    """Return the configured database URL, defaulting to SQLite in the instance folder."""
    url = app.config.get("DATABASE_URL") or f"sqlite:///{os.path.join(app.instance_path, 'sandbox.db')}"
    return normalise_url(url)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the settings this application relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLite's driver opens transactions lazily; BEGIN IMMEDIATE on first write is set per statement
        # by SQLAlchemy's default. Keep the defaults, and let WAL allow readers beside one writer.
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def sqlite_files(url: str) -> list[Path]:
    """The files of a SQLite database on disk (the database, its WAL, shared memory and journal)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return []
    path = Path(parsed.database)
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


def init_app(app: Flask, settings: ServiceSettings) -> None:
    """Attach the engine, the sessions that carry `settings`, and the per-request session teardown."""
    url = database_url(app)
    files = sqlite_files(url)
    if files:
        # SQLite would create the database 0644 and give its -wal and -shm files the same mode.
        private_files.make_private_dirs(files[0].parent)
        private_files.create_private(files[0])
    engine = make_engine(url, echo=app.config["DATABASE_ECHO"])
    app.extensions["sandbox.engine"] = engine
    app.extensions["sandbox.sessions"] = sessionmaker(
        engine,
        class_=Session,
        expire_on_commit=False,
        info={INFO_KEY: settings, CALENDAR_CACHE_KEY: CalendarCache()},
    )
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    """Return this app's engine."""
    return current_app.extensions["sandbox.engine"]


def open_session(app: Flask, **options: Any) -> Session:
    """Open a session on the app's database that carries the app's service settings; `options` are
    those of `Session` (`expire_on_commit` is off unless given)."""
    sessions: sessionmaker[Session] = app.extensions["sandbox.sessions"]
    return sessions(**options)


def get_session() -> Session:
    """Return the session of the current request (or CLI command), opening it on first use."""
    if "db_session" not in g:
        g.db_session = open_session(current_app)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    """End the request's session. A connection the database dropped meanwhile (a restart, a failover)
    has nothing left to roll back: the response already made stands, and the pool discards it."""
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.rollback()
    except SQLAlchemyError as error:
        logger.warning("the database connection was lost before the request's session ended: %s", error)
        session.invalidate()
    finally:
        session.close()


def alembic_config(engine: Engine) -> AlembicConfig:
    """Return an Alembic configuration bound to `engine` (no alembic.ini needed)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`; a migration that adds derived rows has them built at the head."""
    config = alembic_config(engine)
    command.upgrade(config, revision)
    if config.attributes.get("rebuild_derived") and revision == "head":
        from sandbox.services.common import derived  # services need the models the migrations made

        with Session(engine) as session:
            derived.rebuild(session)
            session.commit()
