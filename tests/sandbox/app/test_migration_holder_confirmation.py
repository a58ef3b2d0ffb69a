"""Migration 0011 on data: requests that were open before holders confirmed ("requested", never
confirmed by anyone) wait for their holder after the upgrade; the downgrade maps the new statuses back
to the old ones (an open request is "requested", one whose amount was given back is "rejected")."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from sandbox.db import alembic_config, open_session
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.vouchers import redemption_steps
from tests import factories
from tests.conftest import make_test_app


def statuses(engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT contract_number, status FROM redemption")).all()
    return dict(rows)


def test_open_requests_wait_for_their_holder_after_the_upgrade(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "instance")
    engine = app.extensions["sandbox.engine"]
    try:
        with open_session(app) as session:
            holder = factories.make_user(session, "applicant")
            voucher = factories.make_voucher(session, holder)
            for number, action in (
                ("HT-OPEN", None),
                ("HT-CONFIRMED", "confirm"),
                ("HT-DECLINED", "decline"),
            ):
                made = factories.make_redemption(session, app, voucher, contract_number=number)
                if action:
                    redemption_steps.act(
                        session, actor=holder, redemption_id=made.id, action=action, today=beijing_today()
                    )
                    session.commit()
        config = alembic_config(engine)
        before = ScriptDirectory.from_config(config).get_revision("0011").down_revision
        command.downgrade(config, before)  # type: ignore[arg-type]
        assert statuses(engine) == {
            "HT-OPEN": "requested",
            "HT-CONFIRMED": "requested",
            "HT-DECLINED": "rejected",
        }
        command.upgrade(config, "head")
        after = statuses(engine)
        assert after == {
            "HT-OPEN": "awaiting_holder",
            "HT-CONFIRMED": "awaiting_holder",
            "HT-DECLINED": "rejected",
        }
    finally:
        command.upgrade(alembic_config(engine), "head")
        engine.dispose()
