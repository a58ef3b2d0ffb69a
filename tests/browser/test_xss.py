"""Script injection through every free-text field, checked where people read it: pages and PDFs.

The demo is loaded, then every free-text column (enterprise names and contacts, display names, case
titles and plans, risk reasons and conditions, evaluation conclusions, guidance, reports, disputes and
their messages and evidence, exemption requests, typical-case write-ups, provider and related-party
names, voucher and redemption texts, ...) is overwritten with a payload carrying a script tag, an
onerror image, a `javascript:` link, reportlab `<font>` markup, `{{7*7}}` and Chinese text, each tagged
with where it came from. Then the platform works on top of that data — an exit is approved and an
exemption decided (so a certificate and a decision PDF carry the payloads), a statement is added as
evidence — and Chromium opens every page that shows those texts. No payload may run (no `__xss`, no
dialog, no injected element), each page shows payloads as literal text, and the PDFs and the evidence
package carry them as literal text too (reportlab markup in user text is escaped, not interpreted).
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader
from werkzeug.serving import make_server

from sandbox.demo.people import DEMO_PASSWORD
from sandbox.models import metadata
from tests.conftest import make_test_app

pytestmark = pytest.mark.browser

HEAD = '<script>window.__xss=1</script>"><img src=x onerror="window.__xss=1">{{7*7}}<font color="red">数据'
TAIL = '</font><a href="javascript:window.__xss=1">链接</a>'
SHORT_HEAD, SHORT_TAIL = '"><img src=x onerror="window.__xss=1">{{7*7}}', "<b>张</b>"
LITERAL = re.compile(
    f"{re.escape(HEAD)}X\\d+{re.escape(TAIL)}|{re.escape(SHORT_HEAD)}X\\d+{re.escape(SHORT_TAIL)}"
)
PLAIN = re.compile(r"\s+")
# Free-text columns; JSON columns hold lists of texts or objects whose text values are replaced.
TEXT_COLUMNS = {
    "enterprise": ["name", "registered_address", "legal_representative", "contact_name"],
    "organisation": ["name"],
    "user": ["display_name"],
    "case": ["title", "risk_level_reason", "data_categories", "plan", "conditions"],
    "plan_version": ["title", "data_categories", "plan"],
    "related_party": ["name", "relation"],
    "dispute": ["complainant_name", "complainant_contact", "claim", "remedy", "court_name", "resolution"],
    "dispute_message": ["body"],
    "evaluation": ["conclusion"],
    "guidance_item": ["text"],
    "trial_report": ["title", "body"],
    "typical_case": ["title", "background", "tested", "boundaries", "results", "lessons", "enterprise_note"],
    "exemption_request": ["explanation", "opinion", "decision_scope", "decision_reasons"],
    "evidence_item": ["title", "filename", "withdrawal_reason"],
    "redemption": ["contract_number", "reason", "invoice_filename"],
    "redemption_step": ["reason"],
    "voucher": ["frozen_reason"],
    "certificate_status_change": ["reason"],
}
INSPECT = """() => ({
  xss: typeof window.__xss,
  injected: document.querySelectorAll('img[src="x"], font, a[href^="javascript:"]').length
    + [...document.scripts].filter(s => s.textContent.includes('__xss')).length,
  text: document.body.textContent,
})"""


class Payloads:
    """Hands out tagged payloads, short ones for columns of at most 100 characters."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, length: int | None = None) -> str:
        self.count += 1
        if length is not None and length <= 100:
            return f"{SHORT_HEAD}X{self.count}{SHORT_TAIL}"
        return f"{HEAD}X{self.count}{TAIL}"


def poisoned(value: Any, payload: Payloads, length: int | None) -> Any:
    if isinstance(value, str) and value:
        return payload(length)
    if isinstance(value, list):
        return [poisoned(item, payload, length) for item in value]
    if isinstance(value, dict):
        return {key: poisoned(item, payload, length) for key, item in value.items()}
    return value


def poison_every_text(engine: sa.Engine) -> None:
    payload = Payloads()
    with engine.begin() as connection:
        for name, columns in TEXT_COLUMNS.items():
            table = metadata.tables[name]
            keys = list(table.primary_key.columns)
            for row in connection.execute(sa.select(table)).mappings().all():
                values = {
                    column: poisoned(row[column], payload, getattr(table.c[column].type, "length", None))
                    for column in columns
                }
                where = sa.and_(*(key == row[key.name] for key in keys))
                connection.execute(table.update().where(where).values(**values))


@pytest.fixture(scope="module")
def served(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Flask]]:
    folder = tmp_path_factory.mktemp("xss")
    (folder / "sandbox.db").write_bytes(sqlite_template.read_bytes())
    app = make_test_app(f"sqlite:///{folder / 'sandbox.db'}", folder / "instance", WTF_CSRF_ENABLED=True)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    poison_every_text(app.extensions["sandbox.engine"])
    work_on_poisoned_data(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["sandbox.engine"].dispose()


def api(app: Flask, email: str) -> tuple[Any, dict[str, str]]:
    client = app.test_client()
    response = client.post("/api/v1/tokens", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201
    return client, {"Authorization": f"Bearer {response.get_json()['token']}"}


def one(app: Flask, sql: str) -> Any:
    with app.extensions["sandbox.engine"].connect() as connection:
        return connection.execute(sa.text(sql)).scalar_one()


def work_on_poisoned_data(app: Flask) -> None:
    """Approve an exit and decide an exemption on the poisoned records; add a written statement."""
    payload = Payloads()
    payload.count = 900
    case_id = one(app, "SELECT MIN(id) FROM \"case\" WHERE state = 'exit_evaluation' AND assessor_org_id > 0")
    assessor, headers = api(app, "assessor@demo.sandbox")
    scores = dict.fromkeys(
        ("innovation_value", "legal_compliance", "data_security", "personal_information_protection",
         "risk_control", "consumer_protection", "service_quality", "business_continuity",
         "commitment_fulfilment"), 5,
    )  # fmt: skip
    body = {"scores": scores, "conclusion": payload()}
    response = assessor.post(f"/api/v1/cases/{case_id}/evaluations", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    regulator, headers = api(app, "regulator2@demo.sandbox")  # not the case's officer: four eyes
    body = {"event": "approve_exit", "note": payload(), "data": {}}
    response = regulator.post(f"/api/v1/cases/{case_id}/events", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    request_id = one(app, "SELECT id FROM exemption_request WHERE stage = 'awaiting_decision' LIMIT 1")
    body = {"decision": "granted", "scope": payload(), "reasons": payload()}
    path = f"/api/v1/exemptions/{request_id}/decision-proposals"
    response = regulator.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    second, second_headers = api(app, "regulator@demo.sandbox")  # two regulators decide an exemption
    confirmation = f"/api/v1/proposals/{response.get_json()['id']}/confirmation"
    response = second.post(confirmation, json={"note": payload()}, headers=second_headers)
    assert response.status_code == 200, response.get_json()
    mediator, headers = api(app, "mediator@demo.sandbox")
    dispute_id = one(app, "SELECT MIN(id) FROM dispute")
    body = {"title": payload(), "statement": payload()}
    response = mediator.post(f"/api/v1/disputes/{dispute_id}/evidence", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()


def pages_to_open(app: Flask) -> dict[str | None, list[str]]:
    """Who opens which page (None: anyone, signed out)."""
    with app.extensions["sandbox.engine"].connect() as db:
        cases = db.execute(
            sa.text("SELECT MIN(id) FROM \"case\" WHERE state != 'draft' GROUP BY state")
        ).scalars()
        case_pages = [f"/cases/{case_id}" for case_id in cases]
        # The newest by log position: issue times have whole seconds, so the demo's may tie with ours.
        exit_cert = db.execute(
            sa.text("SELECT id FROM certificate ORDER BY log_index DESC LIMIT 1")
        ).scalar_one()
        filing = db.execute(
            sa.text("SELECT filing_number FROM \"case\" WHERE state = 'exited' LIMIT 1")
        ).scalar_one()
        typical = db.execute(
            sa.text("SELECT id FROM typical_case WHERE status = 'published' LIMIT 1")
        ).scalar_one()
        ids = {name: db.execute(sa.text(f"SELECT MIN(id) FROM {name}")).scalar_one()  # noqa: S608
               for name in ("dispute", "exemption_request", "enterprise")}  # fmt: skip
        # Redemptions whose steps carry a reason: the office's rejection, the holder's refusal.
        rejected, declined = (
            db.execute(sa.text("SELECT MIN(id) FROM redemption WHERE status = :s"), {"s": s}).scalar_one()
            for s in ("rejected", "declined")
        )
    return {
        "regulator@demo.sandbox": [
            "/dashboard", "/cases", "/cases?state=exit_evaluation", *case_pages,
            f"/disputes/{ids['dispute']}", f"/exemptions/{ids['exemption_request']}", "/enterprises",
            f"/enterprises/{ids['enterprise']}", f"/certificates/{exit_cert}", "/certificates", "/vouchers",
            "/vouchers/redemptions", "/vouchers/providers", "/statistics", "/notifications",
            "/typical-cases/workspace", f"/vouchers/redemptions/{rejected}",
        ],
        "applicant@demo.sandbox": ["/vouchers/redemptions?status=", f"/vouchers/redemptions/{declined}"],
        "provider@demo.sandbox": ["/vouchers/redemptions", f"/vouchers/redemptions/{declined}"],
        "mediator@demo.sandbox": ["/disputes", f"/disputes/{ids['dispute']}"],
        None: ["/registry", f"/registry/{filing}", "/typical-cases", f"/typical-cases/{typical}",
               f"/c/{exit_cert}"],
    }  # fmt: skip


def test_no_payload_runs_and_each_shows_as_text(served: tuple[str, Flask], browser) -> None:
    base, app = served
    problems: list[str] = []
    opened = 0
    for email, paths in pages_to_open(app).items():
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(10_000)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss()))
        if email is not None:
            page.goto(f"{base}/login")
            page.locator("#email").fill(email)
            page.locator("#password").fill(DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, (email, path)
            found = page.evaluate(INSPECT)
            opened += 1
            if found["xss"] != "undefined" or found["injected"] or dialogs:
                problems.append(f"{path} as {email}: {found['xss']}, {found['injected']} injected, {dialogs}")
            if not LITERAL.search(found["text"]):
                problems.append(f"{path} as {email}: no payload shown as literal text")
        context.close()
    assert opened > 25
    assert not problems, "\n".join(problems)


def pdf_text(data: bytes) -> tuple[str, list[str]]:
    """The PDF's text without whitespace (wrapping breaks lines anywhere), and its link targets."""
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    links = [
        str(annotation.get_object().get("/A", {}).get("/URI", ""))
        for page in reader.pages
        for annotation in page.get("/Annots") or []
    ]
    return PLAIN.sub("", text), links


def payloads_in(text: str) -> list[str]:
    """Payloads in text stripped of whitespace (as `pdf_text` returns it)."""
    head, tail = PLAIN.sub("", HEAD), PLAIN.sub("", TAIL)
    short_head, short_tail = PLAIN.sub("", SHORT_HEAD), PLAIN.sub("", SHORT_TAIL)
    pattern = rf"{re.escape(head)}X\d+{re.escape(tail)}|{re.escape(short_head)}X\d+{re.escape(short_tail)}"
    return re.findall(pattern, text)


def test_pdfs_and_the_evidence_package_carry_payloads_as_literal_text(served: tuple[str, Flask]) -> None:
    _, app = served
    client, headers = api(app, "regulator@demo.sandbox")
    exit_cert = one(app, "SELECT id FROM certificate WHERE kind = 'exit' ORDER BY log_index DESC LIMIT 1")
    decision = one(
        app, "SELECT certificate_id FROM exemption_request WHERE certificate_id IS NOT NULL LIMIT 1"
    )
    sector, year = one(app, "SELECT sector || '/' || strftime('%Y', published_at) FROM typical_case "
                            "WHERE status = 'published' LIMIT 1").split("/")  # fmt: skip
    urls = {
        "certificate": f"/api/v1/certificates/{exit_cert}/pdf",
        "exemption decision": f"/api/v1/certificates/{decision}/pdf",
        "typical-case collection": f"/typical-cases/{sector}/{year}.pdf",
        "annual report": f"/statistics/annual-report/{year}.pdf",
    }
    web = signed_in(app, "regulator@demo.sandbox")
    for name, url in urls.items():
        response = client.get(url, headers=headers) if url.startswith("/api/") else web.get(url)
        assert response.status_code == 200, (name, response.status_code)
        text, links = pdf_text(response.data)
        response.close()
        assert payloads_in(text), f"{name}: no payload as literal text"
        assert not [link for link in links if "javascript" in link.lower()], (name, links)
    dispute_id = one(app, "SELECT MIN(id) FROM dispute")
    response = client.get(f"/api/v1/disputes/{dispute_id}/evidence-package", headers=headers)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        names = package.namelist()
        manifest = json.loads(package.read("manifest.json"))
        verify = package.read("VERIFY.txt").decode("utf-8")
    assert all(not name.startswith("/") and ".." not in name.split("/") for name in names), names
    assert all("<" not in name and ">" not in name for name in names), names  # paths use safe names
    titles = [value for entry in manifest["entries"] for value in (entry["name"], entry.get("title", ""))]
    assert any(LITERAL.fullmatch(value) for value in titles), titles  # names kept literally, paths made safe
    assert LITERAL.search(verify) and "manifest.json" in verify  # plain text naming the case literally


def signed_in(app: Flask, email: str):
    web = app.test_client()
    page = web.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    data = {"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    assert web.post("/login", data=data).status_code == 302
    return web
