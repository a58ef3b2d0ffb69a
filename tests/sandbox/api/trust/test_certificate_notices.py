"""The holder hears of a status change of its certificate: the reason and what it can do (issue 14 §4).

Every applicant of the enterprise gets an in-app notification and an e-mail; a revocation names the
review (复核) on the case page with its deadline and the statutory remedies (行政复议, 行政诉讼); a
suspension names how it ends; nobody else is told.
"""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from pathlib import Path

from sqlmodel import col, select

from sandbox.db import open_session
from sandbox.models.accounts import Role, User
from sandbox.models.certificates import Certificate, CertificateStatusChange
from sandbox.models.notifications import Notification
from sandbox.services.accounts.passwords import hash_password
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.trust.notices import notify_status_change
from tests import factories
from tests.case_flow import CaseFlow, token
from tests.conftest import make_test_app
from tests.outbox_helpers import mail_files
from tests.sandbox.certificate_helpers import exit_case


def colleague(session, flow: CaseFlow) -> User:
    """A second applicant account of the flow's enterprise."""
    user = User(
        email=f"colleague{flow.case_id}@example.cn", password_hash=hash_password(session, factories.PASSWORD),
        display_name="同事", role=Role.APPLICANT, enterprise_id=flow.users["applicant"].enterprise_id,
    )  # fmt: skip
    session.add(user)
    session.commit()
    return user


def change(flow: CaseFlow, cert_id: str, action: str, reason: str) -> None:
    flow.change_status(cert_id, action, reason)


def texts(flow: CaseFlow, headers: dict[str, str], kind: str, language: str = "zh") -> list[str]:
    body = flow.client.get("/api/v1/notifications", headers={**headers, "Accept-Language": language})
    return [item["text"] for item in body.get_json()["items"] if item["kind"] == kind]


def mails(app, address: str, marker: str = "行政复议") -> list[str]:
    """The bodies of the e-mails to `address` that contain `marker`."""
    bodies = []
    for path in mail_files(app):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body().get_content()
        if message["To"] == address and marker in body:
            bodies.append(body)
    return bodies


def test_a_revocation_tells_every_applicant_the_reason_and_the_review_route(app, client, session) -> None:
    flow, cert = exit_case(client, session)
    second = colleague(session, flow)
    outsider = factories.make_user(session, "applicant")
    change(flow, cert.id, "revoke", "提供虚假材料，违反承诺声明")
    deadline = (beijing_today() + timedelta(days=30)).isoformat()

    for headers in (flow.headers["applicant"], token(client, second)):
        (zh,) = texts(flow, headers, "certificate_revoked")
        assert cert.number in zh and "提供虚假材料，违反承诺声明" in zh
        assert "申请复核" in zh and deadline in zh
        assert "行政复议" in zh and "60日内" in zh and "行政诉讼" in zh
        (en,) = texts(flow, headers, "certificate_revoked", "en")
        assert "review" in en and deadline in en and "administrative reconsideration" in en
    assert texts(flow, token(client, outsider), "certificate_revoked") == []
    assert texts(flow, flow.headers["regulator"], "certificate_revoked") == []

    (body,) = mails(app, flow.users["applicant"].email)
    assert "提供虚假材料，违反承诺声明" in body and "行政诉讼" in body and f"/cases/{flow.case_id}" in body
    assert len(mails(app, second.email)) == 1 and mails(app, outsider.email) == []


def test_the_review_period_is_configurable(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "instance", CERTIFICATE_REVIEW_DAYS=15)
    try:
        with open_session(app) as session:
            flow, cert = exit_case(app.test_client(), session)
            change(flow, cert.id, "revoke", "违反测试边界")
            (zh,) = texts(flow, flow.headers["applicant"], "certificate_revoked")
            assert (beijing_today() + timedelta(days=15)).isoformat() in zh
    finally:
        app.extensions["sandbox.engine"].dispose()


def test_a_suspension_says_how_it_ends_and_a_reinstatement_follows(client, session) -> None:
    flow, cert = exit_case(client, session)
    change(flow, cert.id, "suspend", "未按期报送数据使用日志")
    (suspended,) = texts(flow, flow.headers["applicant"], "certificate_suspended")
    assert "未按期报送数据使用日志" in suspended and "恢复" in suspended and "复核" not in suspended
    change(flow, cert.id, "reinstate", "已补报")
    (reinstated,) = texts(flow, flow.headers["applicant"], "certificate_reinstated", "en")
    assert cert.number in reinstated and "valid again" in reinstated
    # One notification per change and applicant, however often it is sent.
    session.expire_all()
    rows = session.exec(select(Notification).where(col(Notification.kind).like("certificate_%"))).all()
    assert sorted(row.kind for row in rows) == ["certificate_reinstated", "certificate_suspended"]
    newest = select(CertificateStatusChange).order_by(col(CertificateStatusChange.id).desc())
    last = session.exec(newest).first()
    assert notify_status_change(session, session.get(Certificate, cert.id), last) == []
