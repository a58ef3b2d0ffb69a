"""`flask audit verify` checks the case tallies against a full count, `flask counts rebuild` repairs them
and the registry's search index, and the migration that made them fills them on an existing database."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import col, select

from sandbox.db import alembic_config, upgrade
from sandbox.models.cases import Case
from sandbox.services.cases import tallies
from sandbox.services.common.filing import filing_order


def registry_hits(app, query: str) -> int:
    return app.test_client().get("/api/v1/registry", query_string={"q": query}).get_json()["total"]


def test_audit_finds_a_wrong_count_and_rebuild_repairs_it(app, session) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    clean = runner.invoke(args=["audit", "verify"])
    assert clean.exit_code == 0 and "The case counts agree with a full count" in clean.output, clean.output
    hits = registry_hits(app, "数据")
    assert hits > 0
    engine = app.extensions["sandbox.engine"]
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE case_tally SET cases = cases + 3 WHERE id = (SELECT min(id) FROM case_tally)")
        )
        connection.execute(text("DELETE FROM registry_gram"))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "WRONG COUNT" in broken.output and "kept" in broken.output, broken.output
    assert registry_hits(app, "数据") == 0  # the search reads the index, and the index is gone
    rebuilt = runner.invoke(args=["counts", "rebuild"])
    assert rebuilt.exit_code == 0 and "Counted" in rebuilt.output, rebuilt.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    assert registry_hits(app, "数据") == hits


def test_the_migration_fills_the_tallies_and_the_filing_order_of_an_existing_database(app, session) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    hits = registry_hits(app, "数据")
    session.close()
    engine = app.extensions["sandbox.engine"]
    command.downgrade(alembic_config(engine), "0018")  # the schema before the tallies, with its data
    assert "case_tally" not in inspect(engine).get_table_names()
    upgrade(engine)
    session.expire_all()
    filed = session.exec(select(Case).where(col(Case.filing_number).is_not(None))).all()
    assert filed and all(case.filing_order == filing_order(case.filing_number) for case in filed)
    assert tallies.check(session) == []
    assert sum(tallies.counts(session).values()) == len(session.exec(select(Case.id)).all())
    assert registry_hits(app, "数据") == hits
