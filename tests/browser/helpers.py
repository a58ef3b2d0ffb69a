"""Shared steps for the case-page browser tests: case forms, state checks, screenshots, prepared cases.

The forms on the case page are `<details id="action-EVENT">`: open the summary, fill, press the button
inside. Elements are found by id, name or role, not by interface text that may still be untranslated.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, col, select

from sandbox.models.cases import Case, CaseEvent
from sandbox.services.case_events import history
from tests.case_flow import CaseFlow

SCREENSHOTS = Path(__file__).parent / "screenshots"
# A small but real PDF: one empty A4 page.
REAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def case_url(base: str, case_id: int, suffix: str = "") -> str:
    return f"{base}/cases/{case_id}{suffix}"


def case_id_from(page: Page) -> int:
    match = re.search(r"/cases/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def open_action(page: Page, event: str) -> Locator:
    """Open the form of `event` on the case page and return its <details> element."""
    details = page.locator(f"#action-{event}")
    expect(details).to_be_visible()
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    expect(details.locator("form")).to_be_visible()
    return details


def press_action(page: Page, event: str) -> None:
    """Press the submit button inside the form of `event` and wait for the answer page."""
    with page.expect_navigation():
        page.locator(f"#action-{event} form button[type=submit]").click()


def fire(page: Page, event: str, **fields: str) -> None:
    """Open `event`'s form, fill its fields (by name; a select by option value) and press its button."""
    details = open_action(page, event)
    for name, value in fields.items():
        field = details.locator(f"[name='{name}']")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    press_action(page, event)


def expect_state(page: Page, state: str) -> None:
    """The big state badge at the head of the case page shows `state`."""
    expect(page.locator(".page-head .badge.big")).to_have_class(re.compile(rf"\bstate-{state}\b"))


def submit_form(page: Page, form: Locator) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()


def upload(page: Page, kind: str, path: Path) -> None:
    """Upload `path` as a document of `kind` through the case page's upload form."""
    form = page.locator("#documents form.upload")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=file]").set_input_files(str(path))
    submit_form(page, form)
    expect(page.locator("#documents").get_by_role("link", name=path.name)).to_be_visible()


def write_pdf(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(REAL_PDF)
    return path


def db_case(db: Session, case_id: int) -> Case:
    """Read the case afresh from the database (not from the session's identity map)."""
    db.expire_all()
    case = db.get(Case, case_id)
    assert case is not None
    return case


def db_events(db: Session, case_id: int) -> list[CaseEvent]:
    db.expire_all()
    statement = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq))
    return list(db.exec(statement).all())


def assert_history_intact(page: Page, db: Session, case_id: int) -> None:
    """The page shows the "history intact" line and the hash chain in the database agrees."""
    expect(page.locator("#timeline .integrity.ok")).to_be_visible()
    assert history.verify_chain(db_case(db, case_id), db_events(db, case_id)) is None


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artefact (tests/browser/screenshots/, not committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def prepared_case(app: Flask, db: Session, state: str) -> CaseFlow:
    """Bring a fresh case to `state` through the API, with its own applicant, regulators and assessor."""
    flow = CaseFlow(app.test_client(), db)
    flow.to(state)
    return flow
