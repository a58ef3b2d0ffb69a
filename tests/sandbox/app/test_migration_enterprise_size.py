"""Migration 0016 goes down and up again on a database with vouchers in it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from sandbox.db import alembic_config, open_session
from tests import factories
from tests.conftest import make_test_app


def test_down_to_0015_and_up_again(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "instance")
    engine = app.extensions["sandbox.engine"]
    try:
        with open_session(app) as session:
            holder = factories.make_user(session, "applicant")
            factories.make_voucher(session, holder)
        config = alembic_config(engine)
        command.downgrade(config, "0015")
        inspector = inspect(engine)
        assert "size_declaration" not in inspector.get_table_names()
        assert "size_declaration_id" not in {c["name"] for c in inspector.get_columns("voucher")}
        command.upgrade(config, "head")
        inspector = inspect(engine)
        assert {"size_declaration", "other_support"} <= set(inspector.get_table_names())
        columns = {column["name"] for column in inspector.get_columns("voucher")}
        assert {"size_declaration_id", "enterprise_size"} <= columns
    finally:
        command.upgrade(alembic_config(engine), "head")
        engine.dispose()
