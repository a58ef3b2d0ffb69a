"""The court-ready evidence package from the API, checked by the offline CLI as a court would check it."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from certificates.jcs import canonicalize
from tests.case_flow import PDF, CaseFlow

REPO = Path(__file__).resolve().parents[4]
GENESIS = "0" * 64
META = {"VERIFY.txt", "manifest.json", "manifest.sig.json"}
CHECK_LABELS = (
    "Trust bundle signed by the root key",
    "manifest.json is present",
    "Ed25519 signature over manifest.json",
    "Signing key was valid",
    "timeline.json hash chain links are consistent",
)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rewrite(data: bytes, name: str, content: bytes) -> bytes:
    """The same ZIP with member `name` replaced by `content` (everything else byte for byte)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info))
    return buffer.getvalue()


def flip(content: bytes, index: int) -> bytes:
    return content[:index] + bytes([content[index] ^ 0x01]) + content[index + 1 :]


def verify_cli(package: Path, trust: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "certificates",
        "verify-package",
        str(package),
        "--trust-bundle",
        str(trust),
    ]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def exported(client, session, tmp_path: Path) -> dict[str, Any]:
    """A rejected case appealed to mediation: files, a statement, a withdrawn piece, a case document."""
    flow = CaseFlow(client, session)
    flow.to("technical_verification")
    document = flow.upload("assessor", "technical_verification_report", "技术验证报告.pdf", PDF + b"% lab\n")
    flow.fire("regulator", "reject", note="技术验证未通过")
    response = flow.call(
        "applicant", "POST", f"/api/v1/cases/{flow.case_id}/disputes",
        json={"legal_partner_org_id": flow.centre_id, "claim": "验证结论与测试数据不符"},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    dispute_id = response.get_json()["id"]
    evidence = f"/api/v1/disputes/{dispute_id}/evidence"

    def upload(who: str, name: str, content: bytes) -> dict[str, Any]:
        reply = flow.call(who, "POST", evidence, content_type="multipart/form-data",
                          data={"title": name, "file": (io.BytesIO(content), name)})  # fmt: skip
        assert reply.status_code == 201, reply.get_json()
        return reply.get_json()

    upload("applicant", "测试数据.pdf", PDF + b"% raw test data\n")
    withdrawn = upload("applicant", "旧版报告.pdf", PDF + b"% superseded\n")
    upload("mediator", "调解记录.pdf", PDF + b"% mediation minutes\n")
    statement = flow.call(
        "applicant", "POST", evidence, json={"title": "情况说明", "statement": "测试数据完整。"}
    )
    assert statement.status_code == 201
    withdrawal = flow.call(
        "applicant", "POST", f"{evidence}/{withdrawn['id']}/withdrawal", json={"reason": "版本错误"}
    )
    assert withdrawal.status_code == 200
    flow.call("mediator", "POST", f"/api/v1/disputes/{dispute_id}/messages", json={"body": "材料已收悉。"})

    package = flow.call("mediator", "GET", f"/api/v1/disputes/{dispute_id}/evidence-package")
    assert package.status_code == 200 and package.mimetype == "application/zip"
    disposition = package.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"dispute-{dispute_id}.zip" in disposition
    assert package.headers["X-Content-SHA256"] == hashlib.sha256(package.data).hexdigest()
    (tmp_path / "package.zip").write_bytes(package.data)
    (tmp_path / "trust.json").write_text(json.dumps(client.get("/api/v1/trust-bundle").get_json()))
    return {
        "flow": flow,
        "data": package.data,
        "items": flow.call("regulator", "GET", evidence).get_json(),
        "dispute_id": dispute_id,
        "document": document,
        "zip": tmp_path / "package.zip",
        "trust": tmp_path / "trust.json",
    }


def test_the_cli_accepts_the_package_and_names_every_check(exported: dict[str, Any]) -> None:
    result = verify_cli(exported["zip"], exported["trust"])
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Verdict: VALID" in out and "FAIL" not in out
    for label in CHECK_LABELS:
        assert f"[PASS] {label}" in out, label
    manifest = json.loads(members(exported["data"])["manifest.json"])
    for entry in manifest["entries"]:
        assert f"[PASS] {entry['path']}: size and SHA-256 match the manifest" in out, entry["path"]
    assert out.count("(withdrawn)") == 1


def test_the_manifest_lists_every_file_with_its_provenance(client, exported: dict[str, Any]) -> None:
    contents = members(exported["data"])
    manifest = json.loads(contents["manifest.json"])
    entries = {entry["path"]: entry for entry in manifest["entries"]}
    assert set(contents) - META == set(entries)
    for path, entry in entries.items():
        assert entry["size"] == len(contents[path])
        assert entry["sha256"] == hashlib.sha256(contents[path]).hexdigest()
        assert entry["addedBy"] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["addedAt"])
    by_digest = {entry["sha256"]: entry for entry in manifest["entries"]}
    for item in exported["items"]:
        entry = by_digest[item["sha256"]]
        assert (entry["name"], entry["size"]) == (item["filename"], item["size"])
        assert entry["withdrawn"] is (item["withdrawn_at"] is not None)
        assert entry["addedBy"].startswith(item["added_by_role"] + ":")
    assert [e["name"] for e in manifest["entries"] if e["withdrawn"]] == ["旧版报告.pdf"]
    assert {e["kind"] for e in manifest["entries"]} == {
        "evidence",
        "statement",
        "case_document",
        "messages",
        "timeline",
        "exhibit_list",
    }
    assert by_digest[exported["document"]["sha256"]]["kind"] == "case_document"
    assert manifest["case"]["caseId"] == exported["flow"].case_id

    kid = json.loads(contents["manifest.sig.json"])["kid"]
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert [key["role"] for key in keys if key["kid"] == kid] == ["package"]

    timeline = json.loads(contents["timeline.json"])
    previous = GENESIS
    for event in timeline:
        assert event["prev_hash"] == previous
        body = {key: value for key, value in event.items() if key not in ("prev_hash", "hash")}
        assert event["hash"] == hashlib.sha256(bytes.fromhex(previous) + canonicalize(body)).hexdigest()
        previous = event["hash"]
    assert previous == manifest["case"]["historyHead"]
    # Raising the dispute assigned the legal organisation: recorded in the same chain, right after it.
    last = [event["event"] for event in timeline][-3:]
    assert last == ["reject", "raise_dispute", "assign_legal_organisation"]

    readme = contents["VERIFY.txt"].decode("utf-8")
    assert "电子证据包核验说明" in readme and "Evidence package: how to verify it" in readme
    assert re.search(r"[\u4e00-\u9fff]", readme) and kid in readme


def test_a_changed_evidence_file_is_named(exported: dict[str, Any], tmp_path: Path) -> None:
    data = exported["data"]
    manifest = json.loads(members(data)["manifest.json"])
    target = next(e for e in manifest["entries"] if e["name"] == "测试数据.pdf")["path"]
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(rewrite(data, target, flip(members(data)[target], 10)))
    result = verify_cli(tampered, exported["trust"])
    assert result.returncode == 1, result.stdout
    assert f"[FAIL] {target}: size and SHA-256 match the manifest" in result.stdout
    assert (
        "[PASS] Ed25519 signature over manifest.json" in result.stdout and "Verdict: INVALID" in result.stdout
    )


def test_a_changed_manifest_breaks_the_signature(exported: dict[str, Any], tmp_path: Path) -> None:
    data = exported["data"]
    raw = members(data)["manifest.json"]
    # One byte inside a digest: still canonical JSON, so only the signature can tell.
    index = raw.index(b'"sha256":"') + len(b'"sha256":"')
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(rewrite(data, "manifest.json", flip(raw, index)))
    result = verify_cli(tampered, exported["trust"])
    assert result.returncode == 1, result.stdout
    assert "[FAIL] Ed25519 signature over manifest.json" in result.stdout
    assert "Verdict: INVALID" in result.stdout


def test_the_signed_package_holds_a_readable_exhibit_list(exported: dict[str, Any]) -> None:
    contents = members(exported["data"])
    manifest = json.loads(contents["manifest.json"])
    (entry,) = [entry for entry in manifest["entries"] if entry["kind"] == "exhibit_list"]
    assert entry == manifest["entries"][0]  # the first file a clerk opens
    pdf = contents[entry["path"]]
    assert entry["sha256"] == hashlib.sha256(pdf).hexdigest()  # covered by the signed manifest
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "证据目录" in text and f"纠纷编号：{exported['dispute_id']}" in text
    flow = exported["flow"]
    filing = flow.case()["filing_number"]
    assert filing and f"备案编号：{filing}" in text
    assert "生成时间：" in text and "北京时间" in text
    for item in exported["items"]:
        assert item["title"] in text and item["sha256"][:16] in text, item["title"]
    assert "已撤回" in text and "版本错误" in text  # the withdrawn piece, with its reason
    for number in range(1, len(exported["items"]) + 1):
        assert str(number) in text
