"""The query code given at acceptance, the progress it opens, and the acceptance receipt read for real."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlmodel import select

from certificates._internal.encoding import b64url_decode
from certificates.jcs import canonicalize
from certificates.pdf.fonts import find_cjk_font
from certificates.pdf.seal import printed_seal_binding, seal_binding
from sandbox.errors import NotFound, PermissionDenied
from sandbox.models.cases import Case, CaseEvent
from sandbox.services.cases import progress
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.cases.receipt_pdf import ReceiptFacts, render_receipt
from tests.sandbox.api.trust.test_sm2_served import openssl_verifies
from tests.sandbox.progress_helpers import accepted, code_in, pdf_text, qr_text
from workflows.states import CaseState


def test_codes_are_eight_crockford_characters_and_differ() -> None:
    codes = {progress.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    assert len(progress.ALPHABET) == 32 and progress.CODE_LENGTH * 5 >= 40


def test_typing_is_forgiven() -> None:
    assert progress.normalise_code(" 7kq2 - xmod ") == "7KQ2XM0D"
    assert progress.normalise_code("il0o") == "1100"


def test_acceptance_stores_only_the_hash_and_the_receipt_prints_the_code(client, session) -> None:
    flow, case, pdf = accepted(client, session)
    code = code_in(pdf)
    assert code is not None
    row = session.get(Case, flow.case_id)
    session.refresh(row)
    assert row.progress_code_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert row.progress_code_issued_at is not None and row.receipt_sha256
    # The clear code is nowhere in the case's history.
    events = session.exec(select(CaseEvent).where(CaseEvent.case_id == flow.case_id)).all()
    assert all(code not in str(event.payload) and code.replace("-", "") not in str(event.payload)
               for event in events)  # fmt: skip


def test_the_code_opens_the_progress_and_nothing_else_does(client, session) -> None:
    flow, case, pdf = accepted(client, session)
    code = code_in(pdf)
    found = progress.find_progress(
        session, filing_number=case["filing_number"].lower(), query_code=code.lower()
    )
    assert found is not None
    assert found.title == case["title"] and found.state is CaseState.RISK_ASSESSMENT
    assert [stage.state for stage in found.stages] == [CaseState.SUBMITTED, CaseState.RISK_ASSESSMENT]
    assert all(stage.on == beijing_today() for stage in found.stages)
    assert found.stage_due is not None and found.stage_due.isoformat() == case["stage_due"]
    wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
    assert progress.find_progress(session, filing_number=case["filing_number"], query_code=wrong) is None
    assert progress.find_progress(session, filing_number="YZSB-2026-9999", query_code=code) is None
    assert progress.find_progress(session, filing_number="", query_code="") is None


def test_a_new_code_replaces_the_old_one(client, session) -> None:
    flow, case, pdf = accepted(client, session)
    old = code_in(pdf)
    applicant = flow.users["applicant"]
    new = progress.reissue_progress_code(session, actor=applicant, case_id=flow.case_id)
    session.commit()
    assert new != old
    number = case["filing_number"]
    assert progress.find_progress(session, filing_number=number, query_code=old) is None
    assert progress.find_progress(session, filing_number=number, query_code=new) is not None
    _, receipt = progress.receipt_pdf(session, actor=applicant, case_id=flow.case_id)
    assert code_in(receipt) == new


def test_only_the_enterprise_issues_new_codes(client, session) -> None:
    flow, _, _ = accepted(client, session)
    with pytest.raises(PermissionDenied):
        progress.reissue_progress_code(session, actor=flow.users["regulator"], case_id=flow.case_id)


def test_no_receipt_before_acceptance(client, session) -> None:
    from tests.case_flow import CaseFlow

    flow = CaseFlow(client, session)
    flow.to("submitted")
    with pytest.raises(NotFound):
        progress.receipt_pdf(session, actor=flow.users["applicant"], case_id=flow.case_id)


def test_the_receipt_states_the_facts_and_its_qr_leads_to_the_progress_page(
    app, client, session, tmp_path: Path
) -> None:
    flow, case, pdf = accepted(client, session)
    text = pdf_text(pdf)
    enterprise = flow.users["applicant"].enterprise_id
    from sandbox.models.accounts import Enterprise

    name = session.get(Enterprise, enterprise).name
    accepted_on = beijing_today()
    for expected in (case["filing_number"], case["title"], name, accepted_on.isoformat(),
                     f"{accepted_on.year}年{accepted_on.month}月{accepted_on.day}日", "受理回执",
                     "风险评估：15 个工作日", "Technical verification: 20 working days"):  # fmt: skip
        assert expected in text, expected
    # The office's seal, numbered as configured, is pressed on its signature and bound to the SM2 signature
    # printed beneath, which OpenSSL verifies over the receipt's facts with the public key from the JWKS.
    number = app.config["SEAL_NUMBER"]
    assert "数据监管沙盒专用章" in text and number in text and "无 SM2 签名" not in text
    flat = "".join(text.split())
    kid = re.search(r"key([A-Za-z0-9_-]{43}):", flat).group(1)
    after = flat.split(f"key{kid}:", 1)[1]
    value = re.match(r"[A-Za-z0-9_-]+", after).group()
    signature = b64url_decode(value)
    assert printed_seal_binding(text) == seal_binding(signature)
    jwk = {key["kid"]: key for key in client.get("/.well-known/jwks.json").get_json()["keys"]}[kid]
    assert (jwk["crv"], jwk["role"]) == ("SM2", "assertion")
    payload = {"type": "SandboxFilingReceipt", "issuer": app.config["PUBLIC_BASE_URL"] + "/issuer",
               "filingNumber": case["filing_number"], "project": case["title"], "enterprise": name,
               "acceptedOn": accepted_on.isoformat()}  # fmt: skip
    assert openssl_verifies(jwk, signature, canonicalize(payload), tmp_path)
    assert not openssl_verifies(jwk, signature, canonicalize({**payload, "project": "别的项目"}), tmp_path)
    scanned = qr_text(pdf, tmp_path)
    assert scanned == f"{app.config['PUBLIC_BASE_URL']}/progress?number={case['filing_number']}"
    assert code_in(pdf).replace("-", "") not in scanned.replace("-", "")


def test_a_copy_without_the_stored_receipt_leaves_the_code_out(app, client, session) -> None:
    flow, case, pdf = accepted(client, session)
    row = session.get(Case, flow.case_id)
    row.receipt_sha256 = None
    session.add(row)
    session.commit()
    _, copy = progress.receipt_pdf(session, actor=flow.users["regulator"], case_id=flow.case_id)
    assert case["filing_number"] in pdf_text(copy)
    assert code_in(copy) is None and code_in(pdf) not in pdf_text(copy)


def test_a_long_title_wraps_inside_the_page() -> None:
    title = "面向自动驾驶高精地图众源更新的多方安全计算与隐私保护数据融合验证平台" * 3
    facts = ReceiptFacts(
        filing_number="YZSB-2026-0013",
        title=title,
        enterprise="北京亦庄智能驾驶科技有限公司",
        accepted_on=date(2026, 12, 7),
        stage_days=((CaseState.RISK_ASSESSMENT, 15),),
        progress_url="http://x/progress?number=YZSB-2026-0013",
        query_code=None,
    )
    font = find_cjk_font()
    text = pdf_text(render_receipt(facts, font=font))
    assert title in "".join(text.split())
    lines = [line.removeprefix("项目名称：").strip() for line in text.splitlines()]
    pieces = [line for line in lines if line and line[:4] in title]
    assert len(pieces) >= 3  # the title took several lines…
    assert all(stringWidth(piece, font.name, 12) < A4[0] - 40 * mm for piece in pieces)  # …each on the page
