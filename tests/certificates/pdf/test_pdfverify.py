"""A verifier a printout cannot fool: every forged or damaged certificate PDF is refused, and a printed QR
code that could not be compared is never a pass (issue 15 §3, issue 14 §3)."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from certificates.bundle import root_fingerprint
from certificates.keys import KeyUse
from certificates.log.store import format_utc
from certificates.pdf.read import extract_bundle, read_certificate_pdf
from certificates.pdf.scan import scan_printed_qr
from certificates.pdf.signature import PDF_SIGNATURES_SINCE
from certificates.pdf.text import check_printed_text
from certificates.pdf.verify import verify_pdf
from certificates.verifier import Report
from tests.certificates.pdf.pdf_world import (
    LEGACY_ERA,
    USCC,
    World,
    damaged_attachment,
    duplicate_key_payload,
    forged_page,
    huge_page,
    incremental_edit,
    overlay,
    rewritten,
    with_attachment,
)
from tests.certificates.pdf.test_pdf import POPPLER

REPO = Path(__file__).resolve().parents[3]
OTHER_USCC = "91110302MA01ABCD38"  # a well-formed USCC (valid check character) of someone else


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def checked(world: World, pdf: bytes, **kwargs: Any) -> Report:
    return verify_pdf(pdf, world.evidence(), now=world.now, **kwargs)


def outcomes(report: Report) -> dict[str, str]:
    return {check.name: check.outcome for check in report.checks}


def no_renderer(pdf: bytes, page_size_mm: tuple[float, float]) -> Any:
    """A verifier on a machine where the renderer cannot run (the program is missing)."""
    return scan_printed_qr(pdf, page_size_mm=page_size_mm, pdftoppm="/nonexistent/pdftoppm")


@POPPLER
def test_the_issued_pdf_is_valid_and_every_paper_check_passes(world: World) -> None:
    report = checked(world, world.pdf)
    assert report.verdict == "valid", report.to_dict()
    paper = ("attachment", "pdf_signature", "printed_text", "printed_qr")
    assert [outcomes(report)[name] for name in paper] == ["pass"] * 4
    assert report.signing_key == {
        "kid": world.keys["assertion"].kid, "status": "active", "algorithm": "Ed25519 (eddsa-jcs-2022)"  # type: ignore[index]
    }  # fmt: skip


def test_a_qr_code_that_could_not_be_read_is_indeterminate_never_valid(world: World) -> None:
    report = checked(world, world.pdf, scanner=no_renderer)
    assert report.verdict == "indeterminate"
    printed = report.check("printed_qr")
    assert printed is not None and printed.outcome == "indeterminate" and printed.code == "qr_unreadable"
    assert "renderer" in printed.detail
    # Everything else about the file is fine: only the paper's QR code is undecided.
    assert {c.outcome for c in report.checks if c.name not in ("printed_qr", "sm2_signature")} == {"pass"}


@POPPLER
def test_a_page_without_its_qr_code_is_not_valid(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import certificates.pdf.render as pdf_module

    monkeypatch.setattr(pdf_module, "draw_qr", lambda *args: None)  # the forger printed no QR code
    page = forged_page(world.bundle)
    no_qr = rewritten(world.bundle, page)
    report = checked(world, no_qr)
    assert report.verdict == "invalid"
    assert report.check("pdf_signature").code == "unsigned_pdf"
    # Even re-signed by the issuer itself (so only the QR check can tell), it is never valid.
    from certificates.pdf.sign import sign_certificate_pdf

    keys = world.signing_keys()
    signed = sign_certificate_pdf(page, keys, signed_at=world.at, organisation="x", reason="x")
    report = checked(world, signed)
    assert report.verdict == "indeterminate" and outcomes(report)["printed_qr"] == "indeterminate"
    assert report.check("printed_qr").detail == "no QR code was found on the page"


@pytest.mark.parametrize("edit", ["rewrite", "incremental", "overlay"])
@pytest.mark.parametrize("field", ["number", "uscc"])
def test_an_edited_printed_number_or_uscc_is_invalid(world: World, edit: str, field: str) -> None:
    change = {"certificateNumber": "YZCC-2027-0999"} if field == "number" else {"enterprise": {
        "name": "北京亦庄示例智能科技有限公司", "uscc": OTHER_USCC}}  # fmt: skip
    forged_text = "YZCC-2027-0999" if field == "number" else OTHER_USCC
    if edit == "rewrite":
        forged = rewritten(world.bundle, forged_page(world.bundle, **change))
    elif edit == "incremental":
        forged = incremental_edit(world.pdf, forged_page(world.bundle, **change))
    else:
        forged = overlay(world.pdf, forged_text)
    assert extract_bundle(forged) == world.bundle  # the embedded credential is still the genuine one
    report = checked(world, forged, scanner=no_renderer)
    assert report.verdict == "invalid"
    assert outcomes(report)["pdf_signature"] == "fail"
    text = report.check("printed_text")
    assert text is not None and text.outcome == "fail", text
    assert outcomes(report)["printed_qr"] == "skipped"  # not rendered: it has failed already


def test_a_stripped_signature_is_invalid_but_a_legacy_unsigned_pdf_only_indeterminate(world: World) -> None:
    stripped = checked(world, world.page, scanner=no_renderer)
    assert stripped.verdict == "invalid"
    assert stripped.check("pdf_signature").code == "unsigned_pdf"
    legacy = World(at=LEGACY_ERA)
    assert legacy.at < PDF_SIGNATURES_SINCE
    report = verify_pdf(legacy.page, legacy.evidence(), now=legacy.now, scanner=no_renderer)
    check = report.check("pdf_signature")
    assert report.verdict == "indeterminate" and check.outcome == "indeterminate"
    assert check.detail.startswith("unsigned PDF (issued before PDF signatures, 2026-12-07)")


def test_a_duplicate_key_credential_json_appended_is_invalid(world: World) -> None:
    forged_subject = copy.deepcopy(world.bundle["credential"]["credentialSubject"])
    forged_subject["outcome"] = "passed_with_conditions"
    forged_subject["enterprise"]["name"] = "冒名顶替科技有限公司"
    payload = duplicate_key_payload(world.bundle, forged_subject)
    assert json.loads(payload) == world.bundle  # a lenient parser sees the genuine bundle: it would pass
    forged = with_attachment(world.pdf, payload, replace=True)
    report = checked(world, forged, scanner=no_renderer)
    assert report.verdict == "invalid"
    attachment = report.check("attachment")
    assert attachment.outcome == "fail"
    assert "duplicate JSON object key 'credentialSubject'" in attachment.detail


def test_two_credential_json_attachments_are_invalid(world: World) -> None:
    twice = with_attachment(world.pdf, json.dumps(world.bundle).encode(), replace=False)
    assert len(PdfReader(io.BytesIO(twice)).attachments["credential.json"]) == 2
    report = checked(world, twice, scanner=no_renderer)
    assert report.verdict == "invalid" and outcomes(report) == {"attachment": "fail"}
    assert "2 files named credential.json" in report.check("attachment").detail


def test_a_corrupted_attachment_is_invalid_not_indeterminate(world: World) -> None:
    report = checked(world, damaged_attachment(world.pdf), scanner=no_renderer)
    assert report.verdict == "invalid" and report.check("attachment").outcome == "fail"
    missing = checked(world, with_attachment(world.pdf, b"", replace=True), scanner=no_renderer)
    assert missing.verdict == "invalid" and missing.check("attachment").outcome == "fail"
    nothing = checked(world, b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", scanner=no_renderer)
    assert nothing.verdict == "invalid" and nothing.check("attachment").code == "pdf"


def test_the_reader_follows_the_cross_reference_table_not_leftover_objects(world: World) -> None:
    """A decoy credential.json appended after the end of the file, in no cross-reference section, is what
    a scanner of "obj … endobj" text would read; a PDF reader, and so the verifier, never sees it."""
    forged = copy.deepcopy(world.bundle)
    forged["credential"]["credentialSubject"]["enterprise"]["name"] = "冒名顶替科技有限公司"
    decoy = json.dumps(forged, ensure_ascii=False).encode()
    tail = (b"\n900 0 obj\n<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(decoy) + decoy
            + b"\nendstream\nendobj\n901 0 obj\n<< /Type /Filespec /F (credential.json) "
            b"/EF << /F 900 0 R >> >>\nendobj\n")  # fmt: skip
    assert extract_bundle(world.page + tail) == world.bundle
    report = checked(world, world.pdf + tail, scanner=no_renderer)
    assert report.verdict == "invalid"  # the signed file no longer ends where its signature does
    assert report.check("pdf_signature").outcome == "fail"


@POPPLER
def test_a_5_metre_page_gets_an_answer_without_being_rendered(world: World) -> None:
    huge = huge_page(world.pdf)
    assert read_certificate_pdf(huge).page_size_mm[0] > 4990
    report = checked(world, huge)
    assert report.verdict == "invalid"  # the box was changed after signing
    assert outcomes(report)["printed_qr"] == "skipped"
    scanned = scan_printed_qr(huge, page_size_mm=read_certificate_pdf(huge).page_size_mm)
    assert scanned.text is None and "5000 × 5000 mm" in scanned.reason and "not rendered" in scanned.reason


def test_the_page_text_must_state_the_credential_and_nothing_else(world: World) -> None:
    text = read_certificate_pdf(world.pdf).page_text
    credential = world.bundle["credential"]
    check_printed_text(text, credential)
    assert USCC in text
    from certificates.errors import CertificateVerificationError

    for forged in (
        text.replace(USCC, OTHER_USCC),
        text.replace("通过 Passed", "有条件通过 Passed with conditions"),
        text + "\n" + OTHER_USCC,
        text + "\n统一社会信用代码\nUnified Social Credit Code\n" + USCC,
        text.replace("YZSB-2026-0002", "YZSB-2026-0003"),
        text + "\nYZCC-2027-0002",
    ):
        with pytest.raises(CertificateVerificationError) as refused:
            check_printed_text(forged, credential)
        assert refused.value.code == "printed_text"


# --- the offline CLI -----------------------------------------------------------------------------


def cli(tmp_path: Path, pdf: bytes, trust: dict[str, Any], *args: str, **env: str) -> Any:
    (tmp_path / "c.pdf").write_bytes(pdf)
    (tmp_path / "trust.json").write_text(json.dumps(trust), encoding="utf-8")
    command = [sys.executable, "-m", "certificates", "verify", str(tmp_path / "c.pdf"), "--trust-bundle",
               str(tmp_path / "trust.json"), *args]  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if k != "SANDBOX_ROOT_FINGERPRINT"} | env
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, env=environment,
                          check=False)  # fmt: skip


@POPPLER
def test_the_cli_says_valid_only_with_a_pinned_root_and_shows_what_it_trusted(
    world: World, tmp_path: Path
) -> None:
    trust = world.trust_bundle()
    fingerprint = root_fingerprint(world.keys[KeyUse.ROOT].public_key)
    at = ("--at", format_utc(world.now))
    pinned = cli(tmp_path, world.pdf, trust, "--root-fingerprint", fingerprint, *at)
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    out = pinned.stdout
    assert "Certificate YZCC-2027-0001" in out and "Enterprise: 北京亦庄示例智能科技有限公司" in out
    assert f"Unified Social Credit Code: {USCC}" in out
    assert "Outcome: 通过 Passed" in out and "Filing No.: YZSB-2026-0002" in out
    assert f"Signing key: {world.keys[KeyUse.ASSERTION].kid} (active, Ed25519 (eddsa-jcs-2022))" in out
    assert f"Root key fingerprint: {fingerprint} (pinned)" in out and "Verdict: VALID" in out
    from_environment = cli(tmp_path, world.pdf, trust, *at, SANDBOX_ROOT_FINGERPRINT=fingerprint)
    assert from_environment.returncode == 0
    unpinned = cli(tmp_path, world.pdf, trust, *at)
    assert unpinned.returncode == 2 and "Verdict: INDETERMINATE" in unpinned.stdout
    assert f"Root key fingerprint: {fingerprint} (NOT pinned" in unpinned.stdout


def test_a_trust_bundle_from_another_installation_is_never_valid(world: World, tmp_path: Path) -> None:
    other = World(seed=50)
    theirs = root_fingerprint(other.keys[KeyUse.ROOT].public_key)
    at = ("--at", format_utc(world.now))
    # Pinned to the other installation's root, which signed its own bundle: our certificate is not theirs.
    result = cli(tmp_path, world.pdf, other.trust_bundle(), "--root-fingerprint", theirs, *at, "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["verdict"] == "invalid"
    assert report["rootFingerprint"] == theirs
    assert {c["name"]: c["outcome"] for c in report["checks"]}["pdf_signature"] == "fail"
    # Our bundle pinned to their fingerprint: the trust bundle itself is refused.
    refused = cli(tmp_path, world.pdf, world.trust_bundle(), "--root-fingerprint", theirs, *at)
    assert refused.returncode == 1 and "does not match the expected fingerprint" in refused.stdout


def test_the_cli_refuses_an_edited_uscc_and_shows_the_enterprise(world: World, tmp_path: Path) -> None:
    forged = rewritten(world.bundle, forged_page(world.bundle, enterprise={
        "name": "北京亦庄示例智能科技有限公司", "uscc": OTHER_USCC}))  # fmt: skip
    fingerprint = root_fingerprint(world.keys[KeyUse.ROOT].public_key)
    result = cli(tmp_path, forged, world.trust_bundle(), "--root-fingerprint", fingerprint,
                 "--at", format_utc(world.now))  # fmt: skip
    assert result.returncode == 1 and "Verdict: INVALID" in result.stdout
    assert f"Unified Social Credit Code: {USCC}" in result.stdout  # what the credential says
    assert "[FAIL] The printed page states" in result.stdout and "[FAIL] The PDF is signed" in result.stdout
