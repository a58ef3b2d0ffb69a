"""Tests for evidence packages: build, verify, and every way a package can be tampered with."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import warnings
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certificates.__main__ import main
from certificates._internal.encoding import b64url_encode
from certificates.bundle import TrustBundle, sign_trust_bundle
from certificates.errors import CertificateError, CertificateKeyError
from certificates.jcs import canonicalize
from certificates.keys import KeySet, KeyUse, SigningKey, jwk_thumbprint
from certificates.package import (
    PackageFile,
    PackageReport,
    build_evidence_package,
    safe_name,
    verify_evidence_package,
    verify_package_with_trust_bundle,
)

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
DAY = timedelta(days=1)
ISSUER = "https://sandbox.yizhuang.gov.cn"
CASE = {"caseId": 7, "disputeId": 3, "filingNumber": "YZSB-2026-0002"}
GENESIS = "0" * 64


def seeded_key(use: KeyUse, seed: int) -> SigningKey:
    private_key = Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"package-key-{seed}".encode()).digest()
    )
    return SigningKey(jwk_thumbprint(private_key.public_key()), use, private_key)


PACKAGE = seeded_key(KeyUse.PACKAGE, 1)
OTHER = seeded_key(KeyUse.PACKAGE, 2)
ROOT = seeded_key(KeyUse.ROOT, 3)


def key_set(**lifecycle: datetime) -> KeySet:
    keys = KeySet()
    keys.activate(PACKAGE.public_key, KeyUse.PACKAGE, at=lifecycle.get("activated", T0 - 30 * DAY))
    if "retired" in lifecycle:
        keys.retire(PACKAGE.kid, at=lifecycle["retired"])
    if "revoked" in lifecycle:
        keys.revoke(PACKAGE.kid, at=lifecycle["revoked"], reason="key compromise")
    return keys


def chained(*events: str) -> list[dict[str, Any]]:
    """A timeline hashed like the platform's case history: SHA-256(prev ‖ RFC 8785 form)."""
    timeline, previous = [], GENESIS
    for seq, event in enumerate(events, start=1):
        body = {"seq": seq, "event": event, "at": f"2026-06-{seq:02d}T09:00:00.000000Z"}
        digest = hashlib.sha256(bytes.fromhex(previous) + canonicalize(body)).hexdigest()
        timeline.append({**body, "prev_hash": previous, "hash": digest})
        previous = digest
    return timeline


FILES = (
    PackageFile("调解申请书.pdf", b"%PDF-1.7 mediation request", "applicant:12", T0 - 5 * DAY),
    PackageFile("photo 1.jpg", bytes(range(256)) * 4, "regulator:4", T0 - 3 * DAY, kind="statement"),
    PackageFile("draft.txt", b"superseded statement", "applicant:12", T0 - 2 * DAY, withdrawn=True),
)
TIMELINE = chained("submit_application", "accept_filing", "raise_dispute")


def build(**overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "files": FILES,
        "timeline": TIMELINE,
        "case_ref": CASE,
        "signing_key": PACKAGE,
        "created_at": T0,
        "issuer": ISSUER,
    }
    return build_evidence_package(**{**arguments, **overrides})


GOOD = build()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def manifest_of(data: bytes) -> dict[str, Any]:
    return json.loads(members(data)["manifest.json"])


def path_of(name: str, data: bytes = GOOD) -> str:
    return next(e["path"] for e in manifest_of(data)["entries"] if e["name"] == name)


def rewrite(
    data: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    add: tuple[tuple[str, bytes], ...] = (),
) -> bytes:
    """Repack a package with members replaced, dropped or added (as a forger would)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in drop:
                dst.writestr(info, (replace or {}).get(info.filename, src.read(info)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate names some tests add
            for name, content in add:
                dst.writestr(zipfile.ZipInfo(name, date_time=(2026, 7, 1, 0, 0, 0)), content)
    return out.getvalue()


def flip(content: bytes, at: int) -> bytes:
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1 :]


def outcomes(report: PackageReport) -> dict[str, str]:
    return {check.name: check.outcome for check in report.checks}


def failed(report: PackageReport) -> set[str]:
    return {check.name for check in report.checks if check.outcome == "fail"}


# --- a good package --------------------------------------------------------------------------


def test_a_fresh_package_verifies_and_names_every_check() -> None:
    report = verify_evidence_package(GOOD, keys=key_set())
    assert report.verdict == "valid" and report.exit_code == 0
    names = [check.name for check in report.checks]
    digests = [f"digest:{e['path']}" for e in manifest_of(GOOD)["entries"]]
    assert names == ["archive", "manifest", "signature", "key_state", *digests, "unlisted", "timeline"]
    assert set(outcomes(report).values()) == {"pass"}
    assert report.kid == PACKAGE.kid and report.signed_at == "2026-07-01T08:30:00Z"
    assert report.to_dict()["case"] == CASE


def test_the_same_input_gives_the_same_bytes() -> None:
    assert build() == GOOD
    assert build(created_at=T0 + timedelta(seconds=1)) != GOOD


def test_layout_manifest_and_signature() -> None:
    with zipfile.ZipFile(io.BytesIO(GOOD)) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names[:4] == ["VERIFY.txt", "manifest.json", "manifest.sig.json", "timeline.json"]
    assert names[4:] == [path_of(f.name) for f in FILES]
    assert all(info.date_time == (2026, 7, 1, 16, 30, 0) for info in infos)  # createdAt in Beijing time
    content = members(GOOD)
    manifest = manifest_of(GOOD)
    assert content["manifest.json"] == canonicalize(manifest)
    assert content["timeline.json"] == canonicalize(TIMELINE)
    assert {k: manifest[k] for k in ("type", "version", "case", "createdAt", "issuer")} == {
        "type": "SandboxEvidencePackage",
        "version": 1,
        "case": CASE,
        "createdAt": "2026-07-01T08:30:00Z",
        "issuer": ISSUER,
    }
    for item, entry in zip(FILES, manifest["entries"], strict=False):
        digest = hashlib.sha256(item.content).hexdigest()
        assert re.fullmatch(rf"files/{digest[:16]}-[\w.-]+", entry["path"])
        assert content[entry["path"]] == item.content
        assert entry == {
            "path": entry["path"],
            "name": item.name,
            "kind": item.kind,
            "size": len(item.content),
            "sha256": digest,
            "addedBy": item.added_by,
            "addedAt": item.added_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "withdrawn": item.withdrawn,
        }
    assert manifest["entries"][-1]["path"] == "timeline.json"
    assert manifest["entries"][-1]["sha256"] == hashlib.sha256(content["timeline.json"]).hexdigest()
    signature = json.loads(content["manifest.sig.json"])
    assert set(signature) == {"alg", "kid", "signature", "signedAt"}
    assert (signature["alg"], signature["kid"], signature["signedAt"]) == (
        "EdDSA",
        PACKAGE.kid,
        "2026-07-01T08:30:00Z",
    )
    assert signature["signature"] == b64url_encode(PACKAGE.private_key.sign(content["manifest.json"]))


def test_a_withdrawn_file_stays_listed_and_marked() -> None:
    entries = {e["name"]: e for e in manifest_of(GOOD)["entries"]}
    assert entries["draft.txt"]["withdrawn"] is True
    assert entries["调解申请书.pdf"]["withdrawn"] is False
    assert members(GOOD)[entries["draft.txt"]["path"]] == b"superseded statement"


def test_verify_text_is_chinese_then_english_and_names_the_key() -> None:
    text = members(GOOD)["VERIFY.txt"].decode("utf-8")
    assert "电子证据包核验说明" in text and "Evidence package: how to verify it" in text
    assert text.index("核验") < text.index("how to verify")
    assert (
        "python -m certificates verify-package FILE.zip [--jwks JWKS.json | --trust-bundle TRUST.json]"
        in text
    )
    assert "/.well-known/jwks.json" in text and '"package"' in text
    assert text.count(PACKAGE.kid) == 2 and "sha256sum" in text and "YZSB-2026-0002" in text


# --- tampering -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [f.name for f in FILES])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_one_flipped_byte_in_one_file_is_detected(name: str, where: str) -> None:
    path = path_of(name)
    content = members(GOOD)[path]
    at = {"first": 0, "middle": len(content) // 2, "last": len(content) - 1}[where]
    report = verify_evidence_package(rewrite(GOOD, replace={path: flip(content, at)}), keys=key_set())
    assert report.verdict == "invalid"
    assert failed(report) == {f"digest:{path}"}
    assert report.check(f"digest:{path}").code == "digest"


def test_a_flipped_byte_in_the_stored_zip_data_is_detected() -> None:
    path = path_of("photo 1.jpg")
    with zipfile.ZipFile(io.BytesIO(GOOD)) as archive:
        info = archive.getinfo(path)
    header = GOOD[info.header_offset : info.header_offset + 30]
    start = (
        info.header_offset
        + 30
        + int.from_bytes(header[26:28], "little")
        + int.from_bytes(header[28:30], "little")
    )
    report = verify_evidence_package(flip(GOOD, start + 3), keys=key_set())
    assert report.verdict == "invalid"
    assert failed(report) == {f"digest:{path}"}


def test_a_flipped_byte_in_the_manifest_breaks_the_signature() -> None:
    manifest = members(GOOD)["manifest.json"]
    at = manifest.index(b"YZSB-2026-0002") + len("YZSB-2026-000")  # 0002 → 0003: still canonical JSON
    report = verify_evidence_package(
        rewrite(GOOD, replace={"manifest.json": flip(manifest, at)}), keys=key_set()
    )
    assert report.verdict == "invalid"
    assert failed(report) == {"signature"}
    assert report.check("signature").code == "signature"
    assert report.check("key_state").outcome == "skipped"


@given(st.data())
@settings(max_examples=40, deadline=None)
def test_any_flipped_byte_in_the_manifest_is_detected(data: st.DataObject) -> None:
    manifest = members(GOOD)["manifest.json"]
    at = data.draw(st.integers(0, len(manifest) - 1))
    report = verify_evidence_package(
        rewrite(GOOD, replace={"manifest.json": flip(manifest, at)}), keys=key_set()
    )
    assert report.verdict == "invalid" and "signature" in failed(report)


def test_a_changed_timeline_is_detected() -> None:
    timeline = members(GOOD)["timeline.json"]
    at = timeline.index(b"accept_filing")
    report = verify_evidence_package(
        rewrite(GOOD, replace={"timeline.json": flip(timeline, at)}), keys=key_set()
    )
    assert failed(report) == {"digest:timeline.json"}


def test_a_removed_file_is_detected() -> None:
    path = path_of("调解申请书.pdf")
    report = verify_evidence_package(rewrite(GOOD, drop=(path,)), keys=key_set())
    assert report.verdict == "invalid"
    assert failed(report) == {f"digest:{path}"}
    assert report.check(f"digest:{path}").code == "missing"


def test_an_unlisted_file_is_detected() -> None:
    report = verify_evidence_package(rewrite(GOOD, add=(("files/extra.pdf", b"planted"),)), keys=key_set())
    assert report.verdict == "invalid"
    assert failed(report) == {"unlisted"}
    assert "files/extra.pdf" in report.check("unlisted").detail


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "files/../../x",
        "/etc/passwd",
        "C:/Windows/x",
        "files\\x",
        "files//x",
        "./x",
        "manifest.json",
        "FILES/" + path_of("draft.txt").removeprefix("files/"),
    ],  # fmt: skip
)
def test_unsafe_or_duplicate_names_are_refused(name: str) -> None:
    report = verify_evidence_package(rewrite(GOOD, add=((name, b"x"),)), keys=key_set())
    assert report.verdict == "invalid"
    assert report.check("archive").outcome == "fail"
    assert repr(name) in report.check("archive").detail


def test_a_symbolic_link_is_refused() -> None:
    out = io.BytesIO(rewrite(GOOD))
    with zipfile.ZipFile(out, "a") as archive:
        info = zipfile.ZipInfo("files/link", date_time=(2026, 7, 1, 0, 0, 0))
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    report = verify_evidence_package(out.getvalue(), keys=key_set())
    assert "symbolic link" in report.check("archive").detail


@pytest.mark.parametrize("member", ["manifest.json", "manifest.sig.json"])
def test_a_missing_manifest_or_signature_is_invalid(member: str) -> None:
    report = verify_evidence_package(rewrite(GOOD, drop=(member,)), keys=key_set())
    assert report.verdict == "invalid"
    assert report.check("signature").outcome == "fail"


def test_a_non_canonical_manifest_is_invalid_even_when_signed() -> None:
    pretty = json.dumps(manifest_of(GOOD), indent=2, ensure_ascii=False).encode()
    signature = {"alg": "EdDSA", "kid": PACKAGE.kid, "signedAt": "2026-07-01T08:30:00Z",
                 "signature": b64url_encode(PACKAGE.private_key.sign(pretty))}  # fmt: skip
    forged = rewrite(GOOD, replace={"manifest.json": pretty, "manifest.sig.json": canonicalize(signature)})
    report = verify_evidence_package(forged, keys=key_set())
    assert report.check("manifest").outcome == "fail" and report.check("signature").outcome == "pass"
    assert report.verdict == "invalid"


def test_signed_at_must_equal_the_signed_created_at() -> None:
    signature = json.loads(members(GOOD)["manifest.sig.json"])
    signature["signedAt"] = "2026-06-01T00:00:00Z"  # an attempt to date the package before a revocation
    report = verify_evidence_package(
        rewrite(GOOD, replace={"manifest.sig.json": canonicalize(signature)}), keys=key_set()
    )
    assert failed(report) == {"signature"}
    assert "createdAt" in report.check("signature").detail


@pytest.mark.parametrize("data", [b"", b"not a zip", GOOD[: len(GOOD) // 2], GOOD[:-10]])
def test_garbage_is_reported_not_raised(data: bytes) -> None:
    report = verify_evidence_package(data, keys=key_set())
    assert report.verdict == "invalid"
    assert report.check("archive").outcome == "fail"


# --- keys ------------------------------------------------------------------------------------


def test_a_key_not_in_the_key_set_is_invalid() -> None:
    keys = KeySet()
    keys.activate(OTHER.public_key, KeyUse.PACKAGE, at=T0 - 30 * DAY)
    report = verify_evidence_package(GOOD, keys=keys)
    assert failed(report) == {"signature"} and report.check("signature").code == "key"


def test_a_signature_by_another_key_under_our_kid_is_invalid() -> None:
    forged = json.loads(members(GOOD)["manifest.sig.json"])
    forged["signature"] = b64url_encode(OTHER.private_key.sign(members(GOOD)["manifest.json"]))
    report = verify_evidence_package(
        rewrite(GOOD, replace={"manifest.sig.json": canonicalize(forged)}), keys=key_set()
    )
    assert failed(report) == {"signature"} and report.check("signature").code == "signature"


def test_a_key_published_for_another_use_is_invalid() -> None:
    keys = KeySet()
    keys.activate(PACKAGE.public_key, KeyUse.ASSERTION, at=T0 - 30 * DAY)
    report = verify_evidence_package(GOOD, keys=keys)
    assert "not a package key" in report.check("signature").detail


@pytest.mark.parametrize(
    ("lifecycle", "outcome"),
    [
        ({"revoked": T0 - DAY}, "fail"),
        ({"revoked": T0}, "fail"),
        ({"retired": T0 - DAY}, "fail"),
        ({"activated": T0 + DAY}, "fail"),
        ({"retired": T0 + DAY}, "pass"),
        ({"revoked": T0 + DAY}, "indeterminate"),  # nothing offline proves signedAt was not backdated
    ],
)
def test_the_key_state_at_signing_time(lifecycle: dict[str, datetime], outcome: str) -> None:
    report = verify_evidence_package(GOOD, keys=key_set(**lifecycle))
    assert report.check("signature").outcome == "pass"
    assert report.check("key_state").outcome == outcome
    assert report.verdict == {"fail": "invalid", "pass": "valid", "indeterminate": "indeterminate"}[outcome]


def test_no_key_is_indeterminate_but_files_are_still_checked() -> None:
    report = verify_evidence_package(GOOD)
    assert report.verdict == "indeterminate" and report.exit_code == 2
    assert report.check("signature").code == "no_key"
    assert "jwks.json" in report.check("signature").detail
    tampered = rewrite(GOOD, replace={path_of("draft.txt"): b"rewritten"})
    assert verify_evidence_package(tampered).verdict == "invalid"


def test_a_pinned_public_key_checks_the_signature_without_a_lifecycle() -> None:
    report = verify_evidence_package(GOOD, public_key=PACKAGE.public_key)
    assert report.verdict == "valid" and report.check("key_state").outcome == "skipped"
    wrong = verify_evidence_package(GOOD, public_key=OTHER.public_key)
    assert failed(wrong) == {"signature"}
    with pytest.raises(ValueError, match="not both"):
        verify_evidence_package(GOOD, keys=key_set(), public_key=PACKAGE.public_key)


# --- the timeline chain ----------------------------------------------------------------------


def test_a_broken_chain_link_is_reported() -> None:
    timeline = [dict(event) for event in TIMELINE]
    timeline[2]["prev_hash"] = "f" * 64
    report = verify_evidence_package(build(timeline=timeline), keys=key_set())
    assert failed(report) == {"timeline"}
    assert "entry 3 (seq 3)" in report.check("timeline").detail


@pytest.mark.parametrize(
    ("timeline", "verdict"),
    [
        ([{"seq": 1, "event": "submit"}], "valid"),  # no chain: nothing to link
        ([], "valid"),
        ([{**TIMELINE[0], "prev_hash": "1" * 64}], "invalid"),  # seq 1 must start from zeros
        ([TIMELINE[0], {"seq": 2, "event": "unhashed"}], "invalid"),
        ([{**TIMELINE[0], "hash": "XYZ"}], "invalid"),
        (TIMELINE[1:], "valid"),  # an excerpt still links
    ],
)
def test_timeline_shapes(timeline: list[dict[str, Any]], verdict: str) -> None:
    assert verify_evidence_package(build(timeline=timeline), keys=key_set()).verdict == verdict


# --- building --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("调解申请书.pdf", "调解申请书.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\合同 v2.docx", "合同_v2.docx"),
        ("...", "file"),
        ("a" * 200 + ".pdf", "a" * 76 + ".pdf"),
    ],
)
def test_safe_names(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_the_same_file_twice_gets_two_paths() -> None:
    twice = (FILES[2], PackageFile("Draft.TXT", FILES[2].content, "applicant:12", T0 - DAY), FILES[2])
    data = build(files=twice)
    paths = [e["path"] for e in manifest_of(data)["entries"][:3]]
    assert len({p.casefold() for p in paths}) == 3
    assert verify_evidence_package(data, keys=key_set()).verdict == "valid"


def test_build_refuses_bad_input() -> None:
    with pytest.raises(CertificateKeyError, match="package key"):
        build(signing_key=seeded_key(KeyUse.ASSERTION, 9))
    with pytest.raises(CertificateError, match="naive"):
        PackageFile("a.txt", b"a", "applicant:1", datetime(2026, 1, 1))
    with pytest.raises(CertificateError, match="bytes"):
        PackageFile("a.txt", "text", "applicant:1", T0)  # type: ignore[arg-type]
    with pytest.raises(CertificateError, match="float"):
        build(timeline=[{"seq": 1, "score": 0.5}])


@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=30).filter(str.strip), st.binary(min_size=1, max_size=200)),
        min_size=1,
        max_size=4,
    ),
    st.data(),
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_package_verifies_and_any_flipped_byte_is_named(
    items: list[tuple[str, bytes]], data: st.DataObject
) -> None:
    files = [PackageFile(name, content, "applicant:1", T0 - DAY) for name, content in items]
    package = build(files=files)
    assert verify_evidence_package(package, keys=key_set()).verdict == "valid"
    entry = data.draw(st.sampled_from(manifest_of(package)["entries"][:-1]))
    content = members(package)[entry["path"]]
    tampered = rewrite(
        package, replace={entry["path"]: flip(content, data.draw(st.integers(0, len(content) - 1)))}
    )
    assert failed(verify_evidence_package(tampered, keys=key_set())) == {f"digest:{entry['path']}"}


# --- trust bundle and the command line -------------------------------------------------------


def trust_bundle(now: datetime) -> dict[str, Any]:
    keys = key_set()
    keys.activate(ROOT.public_key, KeyUse.ROOT, at=T0 - 30 * DAY)
    bundle = TrustBundle(jwks=keys.to_jwks(), status_lists=(), checkpoint="", issued_at=now - DAY,
                         expires_at=now + 7 * DAY)  # fmt: skip
    return sign_trust_bundle(bundle, ROOT)


def test_verify_with_a_trust_bundle() -> None:
    now = datetime.now(UTC)
    report = verify_package_with_trust_bundle(GOOD, json.dumps(trust_bundle(now)), now=now)
    assert report.verdict == "valid" and report.checks[0].name == "trust_bundle"
    stale = verify_package_with_trust_bundle(GOOD, trust_bundle(now), now=now + 30 * DAY)
    assert stale.verdict == "indeterminate" and stale.check("trust_bundle").code == "stale"
    assert stale.check("signature").outcome == "pass"
    forged = trust_bundle(now)
    forged["payload"]["checkpoint"] = "changed"
    assert verify_package_with_trust_bundle(GOOD, forged, now=now).verdict == "invalid"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "certificates", *map(str, args)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60, check=False)


def test_the_command_accepts_a_good_package_and_rejects_a_tampered_one(tmp_path: Path) -> None:
    jwks = tmp_path / "keys.json"
    jwks.write_text(json.dumps(key_set().to_jwks()))
    good, bad = tmp_path / "pkg.zip", tmp_path / "tampered.zip"
    good.write_bytes(GOOD)
    path = path_of("调解申请书.pdf")
    bad.write_bytes(rewrite(GOOD, replace={path: flip(members(GOOD)[path], 5)}))

    ok = run_cli("verify-package", good, "--jwks", jwks)
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert sum(line.startswith("  [PASS]") for line in lines) == len(verify_evidence_package(GOOD).checks)
    assert "Verdict: VALID" in ok.stdout and "YZSB-2026-0002" in ok.stdout and "(withdrawn)" in ok.stdout

    tampered = run_cli("verify-package", bad, "--jwks", jwks)
    assert tampered.returncode == 1
    assert f"[FAIL] {path}" in tampered.stdout and "Verdict: INVALID" in tampered.stdout


def test_the_command_without_a_key_trust_bundle_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    package = tmp_path / "pkg.zip"
    package.write_bytes(GOOD)
    assert main(["verify-package", str(package)]) == 2
    assert "--jwks" in capsys.readouterr().out

    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps(trust_bundle(datetime.now(UTC))))
    assert main(["verify-package", str(package), "--trust-bundle", str(trust), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["verdict"] == "valid" and printed["checks"][0]["name"] == "trust_bundle"

    assert main(["verify-package", str(tmp_path / "missing.zip")]) == 2
    assert "Cannot read" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["verify-package", str(package), "--jwks", "a.json", "--trust-bundle", "b.json"])
