"""A database connection dropped while a request runs (PostgreSQL restarting, a failover) must not turn the
request's end into a 500: there is nothing left to roll back, the connection is discarded, the next
request gets a fresh one."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sandbox.db import get_session, make_engine
from tests.conftest import POSTGRES_URL, REQUIRE_ALL, make_test_app

pytestmark = pytest.mark.skipif(not POSTGRES_URL and not REQUIRE_ALL, reason="needs PostgreSQL")


def test_a_connection_killed_before_teardown_is_discarded_quietly(postgres_schema_url: str, tmp_path) -> None:
    app = make_test_app(postgres_schema_url, tmp_path / "instance")
    killer = make_engine(postgres_schema_url)
    try:
        with app.test_request_context("/"):
            pid = get_session().execute(text("SELECT pg_backend_pid()")).scalar_one()
            with killer.begin() as connection:
                killed = connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                assert killed.scalar_one()
        # Leaving the context ran the teardown without raising; the pool hands out a live connection.
        with app.test_request_context("/"):
            assert get_session().execute(text("SELECT 1")).scalar_one() == 1
        assert app.test_client().get("/registry").status_code == 200
    finally:
        killer.dispose()
        app.extensions["sandbox.engine"].dispose()
