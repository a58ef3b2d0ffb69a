"""The office's electronic seal: its binding to the SM2 signature, on the certificate, the exemption decision
and the receipt, and the verifier's comparison of the printed binding with the credential's."""

from __future__ import annotations

import copy
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from reportlab.lib.units import mm

from certificates import sm2
from certificates._internal.encoding import multibase_decode, multibase_encode
from certificates.errors import CertificateVerificationError
from certificates.pdf import render
from certificates.pdf.read import read_certificate_pdf
from certificates.pdf.render import render_certificate_pdf
from certificates.pdf.scan import PrintedQr
from certificates.pdf.seal import (
    DEFAULT_SEAL_NUMBER,
    NO_BINDING_TEXT,
    SEAL_TITLE,
    credential_seal_binding,
    printed_seal_binding,
    seal_binding,
    sm2_proof,
)
from certificates.pdf.text import check_printed_seal, check_printed_text
from certificates.pdf.verify import verify_pdf
from certificates.verifier import Report
from tests.certificates.pdf.pdf_world import BASE, World, rewritten
from tests.certificates.pdf.test_pdf import EMBEDDED, POPPLER
from tests.certificates.test_exemption import decision, logged, signed

SM2_KEY = sm2.generate_private_key()
GROUPS = re.compile(r"[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}")


def with_sm2(bundle: dict[str, Any], key: Any = SM2_KEY) -> dict[str, Any]:
    """The bundle with its credential's proof turned into a proof set: the Ed25519 proof and an SM2 one."""
    proofed = copy.deepcopy(bundle)
    credential = proofed["credential"]
    ed25519 = credential.pop("proof")
    method = f"{credential['issuer']['id']}#sm2-2027-01"
    created = datetime(2027, 1, 4, tzinfo=UTC)
    second = sm2.make_proof(credential, key, verification_method=method, created=created)
    credential["proof"] = [ed25519, second]
    return proofed


def signature_of(credential: dict[str, Any]) -> bytes:
    [proof] = [p for p in credential["proof"] if p["cryptosuite"] == "sm2-jcs-2026"]
    return multibase_decode(proof["proofValue"], expected_base="z")


def outcome(report: Report, name: str) -> str | None:
    check = report.check(name)
    return check.outcome if check else None


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip


@pytest.fixture(scope="module")
def world() -> World:
    return World()


@pytest.fixture(scope="module")
def sealed(world: World) -> dict[str, Any]:
    return with_sm2(world.bundle)


@pytest.fixture(scope="module")
def page(sealed: dict[str, Any]) -> bytes:
    return render_certificate_pdf(sealed, verify_base_url=BASE)


# --- the binding ---------------------------------------------------------------------------------------


def test_the_binding_is_the_start_of_the_sm3_of_the_der_signature(sealed: dict[str, Any]) -> None:
    der = signature_of(sealed["credential"])
    assert der[0] == 0x30  # a DER SEQUENCE (r, s)
    digest = sm2.sm3(der)
    expected = " ".join(digest[i : i + 2].hex().upper() for i in range(0, 8, 2))
    assert seal_binding(der) == expected
    assert GROUPS.fullmatch(expected)
    assert credential_seal_binding(sealed["credential"]) == expected
    assert seal_binding(der + b"\x00") != expected


def test_the_sm2_proof_is_found_in_a_set_or_alone(world: World, sealed: dict[str, Any]) -> None:
    credential = sealed["credential"]
    proof = sm2_proof(credential)
    assert proof is credential["proof"][1] and proof["cryptosuite"] == "sm2-jcs-2026"
    alone = {**credential, "proof": credential["proof"][1]}
    assert sm2_proof(alone) == proof
    assert credential_seal_binding(alone) == credential_seal_binding(credential)
    old = world.bundle["credential"]
    assert isinstance(old["proof"], dict) and sm2_proof(old) is None and credential_seal_binding(old) is None
    for broken in ("", "zz0OIl", "u" + proof["proofValue"][1:], 42, None):
        damaged = copy.deepcopy(credential)
        damaged["proof"][1]["proofValue"] = broken
        assert credential_seal_binding(damaged) is None, broken
    assert sm2_proof({"proof": ["not a proof", {"cryptosuite": "eddsa-jcs-2022"}]}) is None


def test_a_binding_is_read_back_from_extracted_text_however_it_was_broken() -> None:
    binding = "3F2A 9C01 77B0 12DE"
    assert printed_seal_binding(f"SM2 签名摘要 SM2 signature digest: {binding}") == binding
    assert printed_seal_binding("SM2 签名摘要 SM2 signature digest:\n 3F2A 9C01\n77B0 12DE\n") == binding
    assert printed_seal_binding("SM2 signature digest: 透明日志 x\n3F2A9C0177B012DE") == binding
    assert printed_seal_binding("3F2A 9C01 77B0 12DE before any label") is None
    assert printed_seal_binding(NO_BINDING_TEXT) is None
    assert printed_seal_binding("SM2 signature digest: 3f2a 9c01 77b0 12de") is None  # not as printed


# --- on the certificate ----------------------------------------------------------------------------------


@POPPLER
@EMBEDDED
def test_the_certificate_prints_the_seal_bound_to_its_sm2_signature(
    sealed: dict[str, Any], page: bytes
) -> None:
    text = pdftotext(page)
    binding = seal_binding(signature_of(sealed["credential"]))
    assert binding in text
    assert "SM2 signature digest:" in text and NO_BINDING_TEXT not in text
    assert SEAL_TITLE in text and DEFAULT_SEAL_NUMBER in text
    assert "2027年1月4日" in text  # validFrom 2027-01-04T02:30Z is 10:30 on the 4th in Beijing
    assert "签发机构 Issuer: 北京经济技术开发区数据监管沙盒管理办公室" in text
    bilingual = copy.deepcopy(sealed)
    bilingual["credential"]["issuer"]["name"] = BILINGUAL
    lines = pdftotext(render_certificate_pdf(bilingual, verify_base_url=BASE)).splitlines()
    # The Chinese name ends the signature line the seal presses on; the English one is beneath.
    chinese = "签发机构 Issuer: 北京经济技术开发区数据监管沙盒办公室"
    [signature] = [n for n, line in enumerate(lines) if chinese in line]
    under = lines[signature + 1 : signature + 4]  # the seal's own characters may come between
    assert any("Beijing E-Town Data Regulatory Sandbox Office" in line for line in under)
    # The printed-text check reads the same binding back, with pypdf, and reports it.
    assert check_printed_text(read_certificate_pdf(page).page_text or "", sealed["credential"]) == binding


@POPPLER
@EMBEDDED
def test_the_seal_number_and_the_beijing_date_follow_the_input(world: World, sealed: dict[str, Any]) -> None:
    late = copy.deepcopy(sealed)
    late["credential"]["validFrom"] = "2026-12-07T17:30:00Z"  # 01:30 on 8 December in Beijing
    text = pdftotext(render_certificate_pdf(late, verify_base_url=BASE, seal_number="1101150026099"))
    assert "1101150026099" in text and DEFAULT_SEAL_NUMBER not in text
    assert "2026年12月8日" in text and "2026年12月7日" not in text


@POPPLER
@EMBEDDED
def test_an_ed25519_only_credential_gets_the_seal_without_a_binding(world: World) -> None:
    page = world.page
    text = pdftotext(page)
    assert NO_BINDING_TEXT in text and "SM2 signature digest" not in text
    assert SEAL_TITLE in text and DEFAULT_SEAL_NUMBER in text
    assert check_printed_text(read_certificate_pdf(page).page_text or "", world.bundle["credential"]) is None


def test_the_sealed_page_is_reproducible(sealed: dict[str, Any], page: bytes) -> None:
    assert render_certificate_pdf(copy.deepcopy(sealed), verify_base_url=BASE) == page
    assert render_certificate_pdf(sealed, verify_base_url=BASE, seal_number="1101150026099") != page
    ed25519_only = {**sealed["credential"], "proof": sealed["credential"]["proof"][0]}
    other = with_sm2({**sealed, "credential": ed25519_only})
    assert render_certificate_pdf(other, verify_base_url=BASE) != page  # another SM2 signature


def test_a_sealed_exemption_decision_keeps_its_fields_whole() -> None:
    bundle = with_sm2(logged(signed(decision())))
    pdf = render_certificate_pdf(bundle, verify_base_url=BASE)
    text = read_certificate_pdf(pdf).page_text or ""
    assert "……（全文见内嵌" not in text  # nothing clipped to make room for the seal
    assert check_printed_text(text, bundle["credential"]) == credential_seal_binding(bundle["credential"])


BILINGUAL = [
    {"@value": "北京经济技术开发区数据监管沙盒办公室", "@language": "zh-CN"},
    {"@value": "Beijing E-Town Data Regulatory Sandbox Office", "@language": "en"},
]


def red_box(pdf: bytes, tmp_path: Path, dpi: int = 100) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in points of the page's seal-red pixels."""
    (tmp_path / "p.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(tmp_path / "p.pdf"),
                    str(tmp_path / "p")], check=True)  # fmt: skip
    image = Image.open(tmp_path / "p.png").convert("RGB")
    red = Image.eval(image.getchannel("R"), lambda v: 255 if v > 180 else 0)
    dark_green = Image.eval(image.getchannel("G"), lambda v: 255 if v < 120 else 0)
    mask = Image.composite(red, Image.new("L", image.size, 0), dark_green)
    left, top, right, bottom = mask.getbbox() or (0, 0, 0, 0)
    scale = 72 / dpi
    height = image.size[1]
    return left * scale, (height - bottom) * scale, right * scale, (height - top) * scale


@POPPLER
@EMBEDDED
@pytest.mark.parametrize("kind", ["exit", "exemption", "bilingual issuer"])
def test_the_seal_overlaps_neither_the_qr_code_nor_the_text_beside_it(
    kind: str, world: World, tmp_path: Path
) -> None:
    bundle = with_sm2(logged(signed(decision())) if kind == "exemption" else world.bundle)
    if kind == "bilingual issuer":  # as the app issues: its Chinese name, then its English one
        bundle["credential"]["issuer"]["name"] = BILINGUAL
    left, bottom, right, top = red_box(render_certificate_pdf(bundle, verify_base_url=BASE), tmp_path)
    text_right = render.MARGIN + 4 * mm + (210 * mm - 2 * render.MARGIN - render.QR_SIZE - 10 * mm)
    assert left > text_right  # right of the footer's text
    assert right < 210 * mm - render.MARGIN + 2 * mm  # inside the margin
    assert bottom > render.QR_Y + render.QR_SIZE + 6 * mm  # the caption is between the seal and the QR code
    assert top < render.FIELDS_BOTTOM  # below the fields (and the decision's statement)
    assert 30 * mm < right - left < 40 * mm and 30 * mm < top - bottom < 40 * mm  # one round seal


# --- the verifier ----------------------------------------------------------------------------------------


def test_a_page_whose_seal_shows_another_sm2_signature_fails_the_printed_text(sealed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(sealed)
    proof = tampered["credential"]["proof"][1]
    der = bytearray(multibase_decode(proof["proofValue"], expected_base="z"))
    der[-1] ^= 1  # another signature, the same length
    proof["proofValue"] = multibase_encode(bytes(der), "z")
    forged = render_certificate_pdf(tampered, verify_base_url=BASE)
    pdf = rewritten(sealed, forged)  # the forged page carrying the genuine credential
    report = verify_pdf(pdf, World().evidence(), scanner=unread)
    check = report.check("printed_text")
    assert check is not None and check.outcome == "fail" and check.code == "printed_text"
    printed, genuine = seal_binding(bytes(der)), credential_seal_binding(sealed["credential"])
    assert printed != genuine and printed in check.detail and genuine in check.detail
    assert report.verdict == "invalid" and report.seal_binding is None
    assert report.to_dict()["sealBinding"] is None


def unread(pdf: bytes, page_size_mm: tuple[float, float]) -> PrintedQr:
    return PrintedQr(None, "not rendered in this test")


def test_the_report_carries_the_binding_the_page_proved(
    world: World, sealed: dict[str, Any], page: bytes
) -> None:
    report = verify_pdf(page, world.evidence(), now=world.now, scanner=unread)
    assert outcome(report, "printed_text") == "pass"
    assert report.seal_binding == credential_seal_binding(sealed["credential"]) is not None
    assert report.to_dict()["sealBinding"] == report.seal_binding
    old = verify_pdf(world.pdf, world.evidence(), now=world.now, scanner=unread)
    assert outcome(old, "printed_text") == "pass" and old.seal_binding is None
    assert old.to_dict()["sealBinding"] is None


def test_an_sm2_seal_on_a_credential_without_sm2_or_none_on_one_with_it_fails(
    world: World, sealed: dict[str, Any], page: bytes
) -> None:
    sealed_text = read_certificate_pdf(page).page_text or ""
    plain_text = read_certificate_pdf(world.page).page_text or ""
    with pytest.raises(CertificateVerificationError, match="has no SM2 signature") as refused:
        check_printed_seal(sealed_text, world.bundle["credential"])
    assert refused.value.code == "printed_text"
    with pytest.raises(CertificateVerificationError, match="not bound to the credential's SM2 signature"):
        check_printed_seal(plain_text, sealed["credential"])
    binding = credential_seal_binding(sealed["credential"]) or ""
    doubled = f"{sealed_text}\nSM2 签名摘要 SM2 signature digest: 0000 0000 0000 0000"
    with pytest.raises(CertificateVerificationError, match="0000 0000 0000 0000"):
        check_printed_text(doubled, sealed["credential"])
    assert binding in sealed_text.replace("\n", " ")
