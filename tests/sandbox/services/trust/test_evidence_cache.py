"""The per-process verification evidence follows the database: changes made by another process (another
app on the same database, as another gunicorn worker is) and status lists coming due for re-signing
are seen by the very next verification."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlmodel import select

from sandbox.models.accounts import Role, User
from sandbox.models.certificates import StatusListRecord
from sandbox.services.trust import evidence_cache, signing_keys
from tests.conftest import make_test_app
from tests.sandbox.certificate_helpers import bundle_of, exit_case, verify

ADMIN = User(email="t@localhost", password_hash="", display_name="t", role=Role.ADMIN)


def test_a_status_change_by_another_process_is_seen_at_once(
    app: Flask, client, session, database_url: str
) -> None:
    flow, cert = exit_case(client, session)
    bundle = bundle_of(client, cert.id)
    assert verify(client, bundle=bundle)["verdict"] == "valid"
    assert client.get(f"/c/{cert.id}").status_code == 200  # both kept now: evidence and bundle
    other = make_test_app(database_url, Path(app.instance_path))  # a second worker: its own engine
    try:
        proposed = flow.call("regulator", "POST", f"/api/v1/certificates/{cert.id}/status-proposals",
                             json={"action": "revoke", "reason": "提供虚假材料"})  # fmt: skip
        response = other.test_client().post(  # confirmed, and so carried out, in the other process
            f"/api/v1/proposals/{proposed.get_json()['id']}/confirmation", json={},
            headers=flow.headers["regulator2"],
        )  # fmt: skip
        assert response.status_code == 200, response.get_json()
    finally:
        other.extensions["sandbox.engine"].dispose()
    report = verify(client, bundle=bundle)
    assert report["verdict"] == "invalid" and report["status"] == "revoked"
    assert 'data-status="revoked"' in client.get(f"/c/{cert.id}").get_data(as_text=True)
    assert verify(client, number=cert.number)["status"] == "revoked"


def test_lists_due_for_re_signing_are_re_signed_as_before(client, session, monkeypatch) -> None:
    _, cert = exit_case(client, session)
    assert verify(client, number=cert.number)["verdict"] == "valid"
    signed = {row.purpose: row.signed_at for row in session.exec(select(StatusListRecord)).all()}
    real_now = signing_keys.now_seconds
    monkeypatch.setattr(signing_keys, "now_seconds", lambda: real_now() + timedelta(hours=13))
    verify(client, number=cert.number)  # (judged by the real clock, the new lists are not valid yet)
    session.expire_all()
    again = {row.purpose: row.signed_at for row in session.exec(select(StatusListRecord)).all()}
    assert set(again) == set(signed) and all(again[p] > signed[p] for p in signed)


def test_a_transaction_that_wrote_to_the_log_leaves_nothing_behind(app: Flask, client, session) -> None:
    _, cert = exit_case(client, session)
    for _ in range(2):  # the first signs the status lists (a write), so only the second is kept
        assert verify(client, number=cert.number)["verdict"] == "valid"
    engine = app.extensions["sandbox.engine"]
    kept = evidence_cache._snapshots.get(engine)
    assert kept is not None
    signing_keys.rotate_key(session, actor=ADMIN, use="assertion")  # logs, uncommitted
    evidence_cache.evidence_for(session, index=cert.log_index, size=None)
    assert evidence_cache._snapshots[engine] is kept  # the uncommitted view was not kept
    session.rollback()
    assert verify(client, number=cert.number)["verdict"] == "valid"

