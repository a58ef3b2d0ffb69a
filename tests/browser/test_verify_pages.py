"""A phone scans the QR code: the landing page says "valid" (and the fragment matches); the upload page
verifies the PDF; after revocation both say "revoked"."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from certificates.pdf.qr import credential_digest_b64url
from sandbox.db import open_session
from sandbox.models.certificates import Certificate
from tests.case_flow import CaseFlow
from tests.conftest import make_test_app

pytestmark = pytest.mark.browser


def test_landing_and_upload_show_valid_then_revoked(
    page, live_server: str, database_url: str, tmp_path: Path
) -> None:
    # A second app on the same database and instance folder (keys) drives the case to exit.
    app = make_test_app(database_url, tmp_path / "instance")
    client = app.test_client()
    with open_session(app) as session:
        flow = CaseFlow(client, session)
        flow.to("exited")
        cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    digest = credential_digest_b64url(cert.credential)
    pdf = client.get(f"/api/v1/certificates/{cert.id}/pdf")
    (tmp_path / "certificate.pdf").write_bytes(pdf.data)
    pdf.close()

    page.goto(f"{live_server}/c/{cert.id}#sha256={digest}")
    assert page.locator(".verdict").get_attribute("data-verdict") == "valid"
    assert page.locator("#fragment-result").get_attribute("data-state") == "match"
    assert page.locator("#fragment-match").is_visible()
    page.goto(f"{live_server}/c/{cert.id}#sha256={'A' * 43}")
    assert page.locator("#fragment-result").get_attribute("data-state") == "mismatch"

    page.goto(f"{live_server}/verify")
    page.locator("#file").set_input_files(str(tmp_path / "certificate.pdf"))
    page.locator("#verify-form button[type=submit]").click()
    assert page.locator(".verdict").get_attribute("data-verdict") == "valid"

    revoked = flow.change_status(cert.id, "revoke", "浏览器测试撤销")
    assert revoked["state"] == "confirmed"
    page.goto(f"{live_server}/c/{cert.id}#sha256={digest}")
    assert page.locator(".verdict").get_attribute("data-verdict") == "invalid"
    assert page.locator(".verdict").get_attribute("data-status") == "revoked"
    assert page.locator("#certificate-status").is_visible()
    page.goto(f"{live_server}/verify")
    page.locator("#file").set_input_files(str(tmp_path / "certificate.pdf"))
    page.locator("#verify-form button[type=submit]").click()
    assert page.locator(".verdict").get_attribute("data-status") == "revoked"
    app.extensions["sandbox.engine"].dispose()
