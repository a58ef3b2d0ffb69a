"""Faults on every backend: file storage that cannot be written, and a database that is busy.

Storage is broken by replacing `instance/uploads` with a regular file, which stops writes for root too
(chmod does not). Uploads of case documents, dispute evidence and message attachments then answer 503
`unavailable` with the translated "nothing was saved" message, through the API and the pages alike, and
leave no row pointing at a missing file; once the folder is back, the same upload succeeds.

A busy database (SQLite's "database is locked") is 503 with Retry-After; a database error that is a
bug (e.g. a missing table) stays 500.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from sandbox.models.disputes import EvidenceItem
from sandbox.models.documents import Document
from sandbox.services.trust import verification
from tests import factories
from tests.case_flow import PDF, CaseFlow
from tests.conftest import make_test_app

NOTHING_SAVED_ZH = "文件暂时无法保存，本次未保存任何内容，请稍后再试。"
NOTHING_SAVED_EN = "Files cannot be stored right now. Nothing was saved; please try again later."


@pytest.fixture
def flow(client: FlaskClient, session: Session) -> CaseFlow:
    return CaseFlow(client, session)


def break_storage(app: Flask) -> Path:
    """Replace the uploads folder with a file: creating folders or files under it fails for anyone."""
    uploads = Path(app.instance_path) / "uploads"
    shutil.rmtree(uploads, ignore_errors=True)
    uploads.write_bytes(b"not a folder")
    return uploads


def count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def sign_in(client: FlaskClient, user: Any) -> None:
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


def assert_unavailable(response: Any, detail: str = NOTHING_SAVED_ZH) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    if response.mimetype == "application/problem+json":
        body = response.get_json()
        assert (body["code"], body["status"], body["detail"]) == ("unavailable", 503, detail)
    else:
        assert response.mimetype == "text/html" and detail in response.get_data(as_text=True)


def test_document_uploads_fail_cleanly_when_storage_is_broken(app, client, flow, session) -> None:
    flow.create()
    uploads = break_storage(app)
    path = f"/api/v1/cases/{flow.case_id}/documents"
    form = {"kind": "plan", "file": (io.BytesIO(PDF), "方案.pdf")}
    api = flow.call("applicant", "POST", path, data=form, content_type="multipart/form-data")
    assert_unavailable(api)
    english = flow.client.post(
        path,
        headers={**flow.headers["applicant"], "Accept-Language": "en"},
        data={"kind": "plan", "file": (io.BytesIO(PDF), "方案.pdf")},
        content_type="multipart/form-data",
    )
    assert_unavailable(english, NOTHING_SAVED_EN)
    sign_in(client, flow.users["applicant"])
    page = client.post(
        f"/cases/{flow.case_id}/documents", data={"kind": "plan", "file": (io.BytesIO(PDF), "方案.pdf")}
    )
    assert_unavailable(page)
    assert count(session, Document) == 0

    uploads.unlink()
    stored = flow.upload("applicant", "plan", "方案.pdf")
    assert count(session, Document) == 1
    blob = uploads / stored["sha256"][:2] / stored["sha256"]
    assert blob.read_bytes() == PDF
    assert [p for p in uploads.rglob("*") if p.is_file()] == [blob]  # no temporary file left over


def test_evidence_and_attachments_fail_cleanly_when_storage_is_broken(app, client, flow, session) -> None:
    flow.to("submitted")
    flow.fire("regulator", "reject", note="材料不全")
    claim = {"legal_partner_org_id": flow.centre_id, "claim": "驳回理由与事实不符"}
    raised = flow.call("applicant", "POST", f"/api/v1/cases/{flow.case_id}/disputes", json=claim)
    assert raised.status_code == 201, raised.get_json()
    dispute_id = raised.get_json()["id"]
    uploads = break_storage(app)
    messages_before = len(flow.call("applicant", "GET", f"/api/v1/disputes/{dispute_id}/messages").get_json())

    evidence = flow.call("applicant", "POST", f"/api/v1/disputes/{dispute_id}/evidence",
                         content_type="multipart/form-data",
                         data={"title": "合同扫描件", "file": (io.BytesIO(PDF), "合同.pdf")})  # fmt: skip
    assert_unavailable(evidence)
    attached = {"body": "附上补充材料", "files": [(io.BytesIO(PDF), "补充材料.pdf")]}
    message = flow.call("applicant", "POST", f"/api/v1/disputes/{dispute_id}/messages",
                        content_type="multipart/form-data", data=attached)  # fmt: skip
    assert_unavailable(message)
    sign_in(client, flow.users["applicant"])
    page = client.post(f"/disputes/{dispute_id}/evidence",
                       data={"title": "合同扫描件", "file": (io.BytesIO(PDF), "合同.pdf")})  # fmt: skip
    assert_unavailable(page)
    assert count(session, EvidenceItem) == 0
    after = flow.call("applicant", "GET", f"/api/v1/disputes/{dispute_id}/messages").get_json()
    assert len(after) == messages_before  # the message was not kept without its attachment

    uploads.unlink()
    again = flow.call("applicant", "POST", f"/api/v1/disputes/{dispute_id}/evidence",
                      content_type="multipart/form-data",
                      data={"title": "合同扫描件", "file": (io.BytesIO(PDF), "合同.pdf")})  # fmt: skip
    assert again.status_code == 201 and count(session, EvidenceItem) == 1


def _raise(message: str):
    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))

    return fail


def test_a_locked_database_is_503_with_retry_after(client, monkeypatch) -> None:
    monkeypatch.setattr(verification, "verify_number", _raise("database is locked"))
    api = client.post("/api/v1/verify", json={"number": "YZCC-2026-0001"}, headers={"Accept-Language": "en"})
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.get_json()["code"] == "unavailable" and int(api.headers["Retry-After"]) > 0
    assert "cannot reach its database" in api.get_json()["detail"]
    page = client.post("/verify", data={"number": "YZCC-2026-0001"})
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "服务暂时不可用" in page.get_data(as_text=True) and int(page.headers["Retry-After"]) > 0


def test_a_database_error_that_is_a_bug_stays_500(database_url: str, tmp_path: Path, monkeypatch) -> None:
    app = make_test_app(database_url, tmp_path / "instance", TESTING=False)
    monkeypatch.setattr(verification, "verify_number", _raise("no such table: certificate"))
    try:
        response = app.test_client().post("/api/v1/verify", json={"number": "YZCC-2026-0001"})
        assert response.status_code == 500 and response.get_json()["code"] == "internal_error"
        assert "Retry-After" not in response.headers
    finally:
        app.extensions["sandbox.engine"].dispose()
