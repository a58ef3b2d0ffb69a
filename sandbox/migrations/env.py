"""Alembic environment: runs migrations on the engine handed over by `sandbox.db.upgrade`."""

from __future__ import annotations

from alembic import context

from sandbox.models import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    raise RuntimeError("run migrations through `flask --app sandbox init-db`, which supplies the engine")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
