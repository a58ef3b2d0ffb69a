"""The signed certificate PDF, checked with tools we did not write: poppler's pdfsig lists the signature over
the whole file, pyHanko's own command-line validator judges it valid (and an edited copy not), qpdf finds
the file sound. The page states Beijing time and the log entry counted from one, and carries real
metadata (issuer as author, issue time, XMP, the credential as its data source)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from certificates._internal.x509chain import der, root_certificate
from certificates.keys import KeyUse
from certificates.pdf.read import read_certificate_pdf
from certificates.pdf.sign import render_signed_pdf
from tests.certificates.pdf.pdf_world import BASE, ISSUER, World, forged_page, incremental_edit
from tests.conftest import REQUIRE_ALL

PYHANKO = Path(sys.executable).parent / "pyhanko"
TOOLS = pytest.mark.skipif(
    not (shutil.which("pdfsig") and shutil.which("qpdf") and PYHANKO.exists()) and not REQUIRE_ALL,
    reason="needs poppler-utils, qpdf and pyhanko-cli",
)


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, check=False)


def test_the_signed_file_is_the_reproducible_page_plus_one_signature(world: World) -> None:
    assert world.pdf.startswith(world.page)  # the page's bytes, then one incremental revision
    again = render_signed_pdf(world.bundle, world.signing_keys(), verify_base_url=BASE)
    assert again.startswith(world.page) and len(again) == len(world.pdf)
    # The derived X.509 chain is the same on every signing (and every worker).
    [first], [second] = (PdfFileReader(io.BytesIO(p)).embedded_regular_signatures for p in (world.pdf, again))
    assert first.signer_cert.dump() == second.signer_cert.dump()
    assert first.self_reported_timestamp == world.at


def test_the_page_states_beijing_time_and_the_entry_from_one(world: World) -> None:
    text = read_certificate_pdf(world.pdf).page_text or ""
    squeezed = "".join(text.split())
    assert "签发时间Issued:2027年1月4日10:30（北京时间）/4Jan2027,10:30Beijingtime" in squeezed
    assert "第2条，共2条/entry2of2" in squeezed  # leaf index 1 of a tree of 2
    assert "2027-01-04T02:30:00Z" not in text


def test_the_document_has_real_metadata(world: World) -> None:
    reader = PdfReader(io.BytesIO(world.pdf))
    info = reader.metadata
    assert info.author == ISSUER["name"] and info.author != "anonymous"
    assert info.title == "出盒证明 Sandbox Exit Certificate YZCC-2027-0001"
    assert info["/CreationDate"] == "D:20270104103000+08'00'"  # the issue time, not 2000-01-01
    xmp = reader.root_object["/Metadata"].get_object().get_data().decode()  # type: ignore[attr-defined]
    assert f"<rdf:li>{ISSUER['name']}</rdf:li>" in xmp and "2027-01-04T10:30:00+08:00" in xmp
    [filespec] = reader.root_object["/AF"]  # type: ignore[misc]
    filespec = filespec.get_object()  # type: ignore[has-type]
    assert filespec["/AFRelationship"] == "/Data" and filespec["/UF"] == "credential.json"


@TOOLS
def test_outside_tools_accept_the_signature_and_see_an_edit(world: World, tmp_path: Path) -> None:
    root = world.keys[KeyUse.ROOT]
    (tmp_path / "root.der").write_bytes(der(root_certificate(root.private_key, organisation=ISSUER["name"],
                                                             activated_at=world.activated)))  # fmt: skip
    tool("openssl", "x509", "-inform", "DER", "-in", tmp_path / "root.der", "-out", tmp_path / "root.pem")
    (tmp_path / "issued.pdf").write_bytes(world.pdf)
    edited = incremental_edit(world.pdf, forged_page(world.bundle, certificateNumber="YZCC-2027-0999"))
    (tmp_path / "edited.pdf").write_bytes(edited)

    listed = tool("pdfsig", "-nocert", tmp_path / "issued.pdf").stdout
    assert "Signature Field Name: IssuerSignature" in listed and "Total document signed" in listed
    assert f"Signer Certificate Common Name: {ISSUER['name']}" in listed
    assert "Not total document signed" in tool("pdfsig", "-nocert", tmp_path / "edited.pdf").stdout

    validate = (PYHANKO, "sign", "validate", "--trust", tmp_path / "root.pem", "--trust-replace",
                "--no-revocation-check", "--executive-summary")  # fmt: skip
    good = tool(*validate, tmp_path / "issued.pdf")
    assert good.returncode == 0 and good.stdout.strip().endswith(":VALID"), good.stdout + good.stderr
    assert tool(*validate, tmp_path / "edited.pdf").returncode != 0

    checked = tool("qpdf", "--check", tmp_path / "issued.pdf")
    assert checked.returncode == 0 and "No syntax or stream encoding errors" in checked.stdout
