"""Case documents: type checked by content, size limits, versions, content-addressed storage, downloads."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from sandbox.db import open_session
from tests import factories
from tests.case_flow import PDF, CaseFlow, token
from tests.conftest import make_test_app

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16 + b"\xff\xd9"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
        )
    return buffer.getvalue()


@pytest.fixture
def flow(client, session) -> CaseFlow:
    flow = CaseFlow(client, session)
    flow.create()
    return flow


def post(flow: CaseFlow, who: str, content: bytes, name: str = "a.pdf", kind: str = "plan"):
    return flow.call(
        who,
        "POST",
        f"/api/v1/cases/{flow.case_id}/documents",
        data={"kind": kind, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("方案.pdf", PDF, "application/pdf"),
        ("图.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("方案.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_accepted_types(flow: CaseFlow, name: str, content: bytes, media_type: str) -> None:
    body = flow.upload("applicant", "plan", name, content)
    assert body["content_type"] == media_type
    assert body["filename"] == name and body["version"] == 1 and body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()


def test_text_named_pdf_is_refused(flow: CaseFlow) -> None:
    response = post(flow, "applicant", b"just some text, not a PDF at all\n", "report.pdf")
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors[0]["field"] == "file"
    assert "PDF" in errors[0]["message"]
    assert flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/documents").get_json() == []


def test_empty_file_is_refused(flow: CaseFlow) -> None:
    response = post(flow, "applicant", b"", "empty.pdf")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "file"


def test_oversized_file_is_refused(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "small", UPLOAD_MAX_BYTES=1024)
    try:
        with open_session(app) as session:
            flow = CaseFlow(app.test_client(), session)
            flow.create()
            assert post(flow, "applicant", PDF + b"0" * 1100, "big.pdf").status_code in (413, 422)
            response = post(flow, "applicant", PDF + b"0" * 1100, "big.pdf")
            assert response.get_json()["errors"][0]["field"] == "file"
            assert post(flow, "applicant", PDF, "small.pdf").status_code == 201
            assert not list(
                (tmp_path / "small" / "uploads").glob("*/*" + hashlib.sha256(PDF + b"0" * 1100).hexdigest())
            )
    finally:
        app.extensions["sandbox.engine"].dispose()


def test_same_name_becomes_a_new_version_and_both_are_kept(app, flow: CaseFlow) -> None:
    first = flow.upload("applicant", "plan", "方案.pdf", PDF)
    second = flow.upload("applicant", "plan", "方案.pdf", PDF + b"% v2\n")
    other = flow.upload("applicant", "plan", "附件.pdf", PDF)
    assert (first["version"], second["version"], other["version"]) == (1, 2, 1)
    listed = flow.call("applicant", "GET", f"/api/v1/cases/{flow.case_id}/documents").get_json()
    assert [(d["filename"], d["version"]) for d in listed] == [
        ("方案.pdf", 1),
        ("方案.pdf", 2),
        ("附件.pdf", 1),
    ]
    uploads = Path(app.instance_path) / "uploads"
    for document, content in ((first, PDF), (second, PDF + b"% v2\n")):
        digest = document["sha256"]
        stored = uploads / digest[:2] / digest
        assert stored.read_bytes() == content
    assert first["sha256"] == other["sha256"]
    assert len([p for p in uploads.rglob("*") if p.is_file()]) == 2


def test_download_is_an_attachment_with_the_same_bytes(flow: CaseFlow) -> None:
    content = docx()
    document = flow.upload("applicant", "plan", "方案.docx", content)
    flow.fire("applicant", "submit")  # regulators see a case once it is filed
    response = flow.call("regulator", "GET", f"/api/v1/cases/{flow.case_id}/documents/{document['id']}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == content
    response.close()


def test_another_enterprise_cannot_see_or_upload(flow: CaseFlow, client, session) -> None:
    document = flow.upload("applicant", "plan", "方案.pdf", PDF)
    stranger = token(client, factories.make_user(session, "applicant"))
    base = f"/api/v1/cases/{flow.case_id}/documents"
    assert client.get(f"{base}/{document['id']}", headers=stranger).status_code == 404
    assert client.get(base, headers=stranger).status_code == 404
    response = client.post(
        base,
        headers=stranger,
        content_type="multipart/form-data",
        data={"kind": "plan", "file": (io.BytesIO(PDF), "x.pdf")},
    )
    assert response.status_code == 404
    assert flow.call("applicant", "GET", f"{base}/999999").status_code == 404


def test_assessor_uploads_verification_report_but_applicant_may_not(flow: CaseFlow) -> None:
    flow.case_id = None
    flow.to("technical_verification")
    assert post(flow, "applicant", PDF, "报告.pdf", "technical_verification_report").status_code == 403
    assert post(flow, "assessor", PDF, "报告.pdf", "technical_verification_report").status_code == 201
    assert post(flow, "assessor", PDF, "方案.pdf", "plan").status_code == 403
    assert post(flow, "applicant", PDF, "x.pdf", "no_such_kind").status_code == 422
