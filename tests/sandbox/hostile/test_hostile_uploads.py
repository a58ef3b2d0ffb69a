"""Hostile uploads: oversized, mistyped, polyglot, zip bombs, nested archives, path-traversal names.

Each is sent to the case-document and dispute-evidence upload routes, through the API and the pages, on
every database backend: it is refused with a clear 4xx (problem+json or an error page) and nothing is
stored, or — for dangerous names — stored under a clean name, never outside the storage folder, and
sent back as an attachment with a safe header. The archive inspection on its own and the certificate
verifier's uploads are checked in test_hostile_archives.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from sandbox.db import open_session
from sandbox.models.disputes import EvidenceItem
from sandbox.models.documents import Document
from sandbox.services.common import archives
from tests import factories
from tests.case_flow import PDF, token
from tests.conftest import make_test_app
from tests.sandbox.hostile.files import (
    EXE,
    HOSTILE_NAMES,
    HTML,
    PNG,
    POLYGLOT,
    SVG,
    many_entries,
    multipart,
    nested,
    zip_bomb,
)

UPLOAD_MAX = 64 * 1024
REQUEST_MAX = 256 * 1024


# --- the upload routes -------------------------------------------------------------------------------


@dataclass
class Routes:
    app: Flask
    session: Session
    api: FlaskClient
    web: FlaskClient
    headers: dict[str, str]
    case_id: int
    dispute_id: int

    def storage(self) -> Path:
        return Path(self.app.instance_path) / "uploads"

    def post(self, route: str, name: str, data: bytes):
        form: dict[str, Any] = {"file": (io.BytesIO(data), name)}
        if route == "api_document":
            form["kind"] = "evidence"
            url, client, extra = f"/api/v1/cases/{self.case_id}/documents", self.api, self.headers
        elif route == "page_document":
            form["kind"] = "evidence"
            url, client, extra = f"/cases/{self.case_id}/documents", self.web, {}
        elif route == "api_evidence":
            form["title"] = "证据"
            url, client, extra = f"/api/v1/disputes/{self.dispute_id}/evidence", self.api, self.headers
        else:
            form["title"] = "证据"
            url, client, extra = f"/disputes/{self.dispute_id}/evidence", self.web, {}
        return client.post(url, headers=extra, **multipart(form))

    def stored(self) -> list[str]:
        self.session.expire_all()
        documents = self.session.exec(select(Document.filename)).all()
        evidence = self.session.exec(select(EvidenceItem.filename)).all()
        return [*documents, *evidence]


ROUTES = ["api_document", "page_document", "api_evidence", "page_evidence"]


@pytest.fixture
def routes(database_url: str, tmp_path: Path) -> Iterator[Routes]:
    app = make_test_app(
        database_url, tmp_path / "instance", UPLOAD_MAX_BYTES=UPLOAD_MAX, MAX_CONTENT_LENGTH=REQUEST_MAX
    )
    with open_session(app) as session:
        centre = factories.make_organisation(session, factories.ROLE_ORGANISATION["legal_partner"])
        applicant = factories.make_user(session, "applicant")
        dispute = factories.make_dispute(session, applicant, organisation_id=centre.id)
        api, web = app.test_client(), app.test_client()
        assert (
            web.post("/login", data={"email": applicant.email, "password": factories.PASSWORD}).status_code
            == 302
        )
        yield Routes(app, session, api, web, token(api, applicant), dispute.case_id, dispute.id)
    app.extensions["sandbox.engine"].dispose()


def refused(routes: Routes, route: str, response, status: int, words: str) -> None:
    assert response.status_code == status, (
        route,
        response.status_code,
        response.get_data(as_text=True)[:300],
    )
    text = response.get_data(as_text=True)
    if route.startswith("api"):
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        messages = [error["message"] for error in problem.get("errors", [])]
        text = " ".join([problem["title"], problem.get("detail", ""), *messages])
    assert words in text, (route, text[:500])


@pytest.mark.parametrize("route", ROUTES)
def test_hostile_files_are_refused_and_nothing_is_stored(routes: Routes, route: str) -> None:
    routes.api.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert routes.web.post("/language", data={"locale": "en"}).status_code == 302
    cases = [
        ("big.pdf", PDF + b"0" * UPLOAD_MAX, 422, "larger than"),
        ("photo.pdf", PNG, 422, "ends in .pdf, but the file is PNG"),
        ("setup.pdf", EXE, 422, "Only PDF, PNG, JPEG"),
        ("page.pdf", HTML, 422, "Only PDF, PNG, JPEG"),
        ("image.png", SVG, 422, "Only PDF, PNG, JPEG"),
        ("polyglot.html", POLYGLOT, 422, "ends in .html, but the file is PDF"),
        ("polyglot.pdf.", POLYGLOT.replace(b"%PDF", b"%PDX"), 422, "Only PDF, PNG, JPEG"),
        ("nested.zip", nested(3), 422, "nested too deeply"),
        ("damaged.docx", b"PK\x03\x04" + bytes(200), 422, "Only PDF, PNG, JPEG"),
    ]
    for name, data, status, words in cases:
        refused(routes, route, routes.post(route, name, data), status, words)
    # Beyond the request limit the server stops reading: 413, as problem+json or as a page.
    refused(routes, route, routes.post(route, "huge.pdf", PDF + bytes(REQUEST_MAX)), 413, "too large")
    assert routes.stored() == []
    assert not routes.storage().exists() or not [p for p in routes.storage().rglob("*") if p.is_file()]


def test_zip_bomb_is_refused_everywhere(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path / "bomb")
    try:
        with open_session(app) as session:
            centre = factories.make_organisation(session, factories.ROLE_ORGANISATION["legal_partner"])
            applicant = factories.make_user(session, "applicant")
            dispute = factories.make_dispute(session, applicant, organisation_id=centre.id)
            api, web = app.test_client(), app.test_client()
            web.post("/login", data={"email": applicant.email, "password": factories.PASSWORD})
            routes = Routes(app, session, api, web, token(api, applicant), dispute.case_id, dispute.id)
            crowded = many_entries(archives.MAX_ENTRIES + 1)
            for route in ROUTES:
                refused(routes, route, routes.post(route, "方案.docx", zip_bomb()), 422, "512 MB")
                refused(routes, route, routes.post(route, "many.zip", crowded), 422, "10000")
            assert routes.stored() == []
    finally:
        app.extensions["sandbox.engine"].dispose()


@pytest.mark.parametrize("route", ROUTES)
def test_dangerous_names_are_cleaned_and_stay_in_the_storage_folder(routes: Routes, route: str) -> None:
    root = Path(routes.app.instance_path).parent
    before = {p for p in root.rglob("*") if p.is_file()}
    for index, (name, _) in enumerate(HOSTILE_NAMES):
        response = routes.post(route, name, PDF + f"%{index}\n".encode())
        assert response.status_code in (201, 302), (name, response.get_data(as_text=True)[:300])
    assert sorted(routes.stored()) == sorted(clean for _, clean in HOSTILE_NAMES)
    written = {p for p in root.rglob("*") if p.is_file()} - before
    outbox = Path(routes.app.instance_path) / "outbox"  # the notifications' e-mails
    outside = [
        p for p in written if not {routes.storage(), outbox} & set(p.parents) and "sandbox.db" not in p.name
    ]
    assert not outside, outside
    assert not list(Path("/").glob("etc/cron.d/job.pdf"))
    assert all(len(p.name) == 64 for p in routes.storage().rglob("*") if p.is_file())  # content-addressed
    # Downloads name the clean file in a header that cannot be split or misread.
    for clean in (clean for _, clean in HOSTILE_NAMES):
        response = download(routes, route, clean)
        response.close()  # only the headers matter
        disposition = response.headers["Content-Disposition"]
        assert "\r" not in disposition and "\n" not in disposition
        assert attachment_name(disposition) == clean
        assert response.mimetype == "application/octet-stream"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]


def attachment_name(disposition: str) -> str:
    """The file name a client reads from Content-Disposition: RFC 6266 `filename*` first, else `filename`."""
    kind, _, parameters = disposition.partition(";")
    assert kind == "attachment"
    encoded = re.search(r"filename\*=UTF-8''([^;\s]+)", parameters)
    if encoded:
        return unquote(encoded.group(1))
    quoted = re.search(r'filename="((?:[^"\\]|\\.)*)"', parameters)
    if quoted:
        return re.sub(r"\\(.)", r"\1", quoted.group(1))
    token = re.fullmatch(r"\s*filename=([^;\s\"]+)\s*", parameters)
    assert token, disposition
    return token.group(1)


def download(routes: Routes, route: str, filename: str):
    if "document" in route:
        row = routes.session.exec(select(Document).where(Document.filename == filename)).one()
        if route.startswith("api"):
            url = f"/api/v1/cases/{routes.case_id}/documents/{row.id}"
            return routes.api.get(url, headers=routes.headers)
        return routes.web.get(f"/cases/{routes.case_id}/documents/{row.id}")
    item = routes.session.exec(select(EvidenceItem).where(EvidenceItem.filename == filename)).one()
    if route.startswith("api"):
        url = f"/api/v1/disputes/{routes.dispute_id}/evidence/{item.id}"
        return routes.api.get(url, headers=routes.headers)
    return routes.web.get(f"/disputes/{routes.dispute_id}/evidence/{item.id}")


def test_a_pdf_polyglot_is_kept_as_a_pdf_and_never_rendered(routes: Routes) -> None:
    assert routes.post("api_document", "polyglot.pdf", POLYGLOT).status_code == 201
    row = routes.session.exec(select(Document)).one()
    assert row.content_type == "application/pdf"
    response = download(routes, "api_document", "polyglot.pdf")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/octet-stream"
    assert response.data == POLYGLOT
    response.close()
