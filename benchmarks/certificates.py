"""Certificate benchmarks, each measured side by side with its baseline in the same run (issue 5):

* PDF per certificate (median) against reportlab's own `QrCodeWidget` path — goal ≤ 25 ms, ratio ≤ 0.15;
* the PDF as issued, signed with PAdES (pyHanko, Ed25519), against the same unsigned page (the ratio is
  what signing costs), and a whole PDF verification (bundle, signature, text; QR rendering excluded, it
  is a child process) against the bundle verification alone;
* full verification of a bundle (signature + key state + status + inclusion + checkpoint + backdating) per
  second on one core, against a bare Ed25519 verify of the same bytes — goal ratio ≥ 0.3 for a credential
  with the Ed25519 proof alone, ≥ 0.2 for the proof set (Ed25519 and SM2 proofs, both log signatures and
  both status-list proofs checked: issue 18);
* SM2 (GB/T 32918 with SM3, Tongsuo) sign and verify per second against Ed25519, same message;
* inclusion and consistency proofs at 1,000,000 log entries, read from disk — goal < 1 ms each.

Everything is built in memory with the `certificates` package alone (no database, no app).
"""

from __future__ import annotations

import base64
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from certificates import sm2
from certificates.credentials import (
    ExitCertificateSubject,
    TestedBoundary,
    build_exit_certificate,
    sign_credential,
)
from certificates.jcs import canonicalize, digest_hex
from certificates.keys import KeySet, SigningKey
from certificates.log.checkpoint import sign_checkpoint
from certificates.log.merkle import MemoryNodeStore, MerkleLog
from certificates.log.store import benchmark_file_log, entry_leaf, format_utc, make_entry
from certificates.pdf.render import render_certificate_pdf
from certificates.pdf.scan import PrintedQr
from certificates.pdf.sign import PdfSigningKeys, render_signed_pdf
from certificates.pdf.verify import verify_pdf
from certificates.status import StatusList, issue_status_list_credential
from certificates.verifier import Evidence, verify_bundle

BASE = "https://sandbox.example.cn"
ISSUER = "https://sandbox.example.cn/issuer"
LOG_ORIGIN = "sandbox.example.cn/certificates"


def build_world(
    log_entries: int = 1000, *, sm2: bool = True
) -> tuple[dict[str, Any], Evidence, SigningKey, PdfSigningKeys]:
    """A signed certificate bundle in a log of `log_entries` entries, the evidence to check it, the
    assertion key, and the keys that sign its PDF. With `sm2`, as issued now: an SM2 key beside each
    Ed25519 one, proof sets on the credential and the status lists, two signature lines on the checkpoint."""
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=1)
    keys = {use: SigningKey.generate(use) for use in ("assertion", "status", "log", "root")}
    national = {use: SigningKey.generate(use, "SM2") for use in keys} if sm2 else {}
    key_set = KeySet()
    for key in (*keys.values(), *national.values()):
        key_set.activate(key.public_key, key.use, at=start)
    lists = {p: StatusList(f"{BASE}/api/v1/status/{p}", p) for p in ("revocation", "suspension")}
    subject = ExitCertificateSubject(
        enterprise_name="北京亦庄智驾科技有限公司",
        uscc="91110302MA01YJ8K35",
        project_title="城市道路自动驾驶出租车示范",
        sector="自动驾驶 Autonomous driving",
        filing_number="YZSB-2026-0001",
        trial_start=date(2026, 1, 5),
        trial_end=date(2026, 6, 30),
        exit_date=date(2026, 7, 10),
        outcome="passed_with_conditions",
        certificate_number="YZCC-2026-0001",
        conditions=("每月报送一次数据使用日志",),
        tested_boundaries={
            "车辆数 (Vehicles)": TestedBoundary(20, "辆"),
            "最高车速 (Speed)": TestedBoundary(60, "km/h"),
        },
    )
    statuses = [lists["revocation"].entry(4242), lists["suspension"].entry(777)]
    credential = build_exit_certificate(
        subject, issuer=ISSUER, valid_from=now, credential_id="urn:uuid:1234", statuses=statuses
    )
    credential = sign_credential(
        credential, keys["assertion"], created=now, sm2_key=national.get("assertion")
    )
    log = MerkleLog(MemoryNodeStore())
    for i in range(log_entries - 1):
        log.append(b"filler %d" % i)
    entry = make_entry(
        "issue",
        at=format_utc(now),
        certId="bench",
        credentialSha256=digest_hex(credential),
        kid=keys["assertion"].kid,
    )
    index = log.append(entry_leaf(entry))
    sm2_log = national["log"].private_key if sm2 else None
    checkpoint = sign_checkpoint(
        LOG_ORIGIN, log.size, log.root(), LOG_ORIGIN, keys["log"].private_key, at=now, sm2_key=sm2_log
    )
    bundle = {
        "credential": credential,
        "transparency": {
            "origin": LOG_ORIGIN,
            "entry": entry,
            "leafIndex": index,
            "treeSize": log.size,
            "inclusionProof": [base64.b64encode(h).decode() for h in log.inclusion_proof(index)],
            "checkpoint": checkpoint,
        },
    }
    signed_lists = {
        s.url: issue_status_list_credential(
            s,
            keys["status"].private_key,
            issuer=ISSUER,
            verification_method=f"{ISSUER}#{keys['status'].kid}",
            issued_at=now,
            valid_until=now + timedelta(days=1),
            sm2_key=national.get("status"),
        )
        for s in lists.values()
    }
    pdf_keys = PdfSigningKeys(keys["assertion"], start, keys["root"], start)
    return bundle, Evidence(key_set=key_set, status_lists=signed_lists), keys["assertion"], pdf_keys


def _median_ms(function: Any, runs: int) -> float:
    function()  # warm up (font registration, caches)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def bench_pdf(bundle: dict[str, Any]) -> None:
    import certificates.pdf.render as pdf_module

    fast = _median_ms(lambda: render_certificate_pdf(bundle, verify_base_url=BASE, cert_id="bench"), 21)
    # The benchmark swaps two of the module's imported helpers, which it does not re-export.
    originals = pdf_module.qr_matrix, pdf_module.draw_qr  # type: ignore[attr-defined]

    def widget_qr(canvas: Any, url: str, x: float, y: float, size: float) -> None:
        from reportlab.graphics import renderPDF
        from reportlab.graphics.barcode.qr import QrCodeWidget
        from reportlab.graphics.shapes import Drawing

        drawing = Drawing(size, size)
        drawing.add(QrCodeWidget(url, barLevel="Q", barWidth=size, barHeight=size))
        renderPDF.draw(drawing, canvas, x, y)

    pdf_module.qr_matrix, pdf_module.draw_qr = (lambda url: url), widget_qr  # type: ignore[assignment, attr-defined, return-value]
    try:
        slow = _median_ms(lambda: render_certificate_pdf(bundle, verify_base_url=BASE, cert_id="bench"), 5)
    finally:
        pdf_module.qr_matrix, pdf_module.draw_qr = originals  # type: ignore[attr-defined]
    print(
        f"PDF per certificate (median): {fast:8.2f} ms   reportlab QrCodeWidget path: {slow:8.2f} ms   "
        f"ratio {fast / slow:.3f}   (goal ≤ 25 ms, ratio ≤ 0.15)"
    )


def bench_signed_pdf(bundle: dict[str, Any], evidence: Evidence, keys: PdfSigningKeys) -> None:
    def page() -> bytes:
        return render_certificate_pdf(bundle, verify_base_url=BASE, cert_id="bench")

    def signed() -> bytes:
        return render_signed_pdf(bundle, keys, verify_base_url=BASE, cert_id="bench")

    unsigned_ms, signed_ms = _median_ms(page, 21), _median_ms(signed, 21)
    print(
        f"PDF signed (PAdES, Ed25519): {signed_ms:8.2f} ms   the unsigned page: {unsigned_ms:8.2f} ms   "
        f"ratio {signed_ms / unsigned_ms:.3f}   (what signing the page costs)"
    )
    pdf = signed()

    def no_render(data: bytes, size: tuple[float, float]) -> PrintedQr:
        return PrintedQr(None, "not rendered in this benchmark")

    report = verify_pdf(pdf, evidence, scanner=no_render)
    assert {c.name: c.outcome for c in report.checks}["pdf_signature"] == "pass", report.to_dict()
    whole = _median_ms(lambda: verify_pdf(pdf, evidence, scanner=no_render), 21)
    bundle_only = _median_ms(lambda: verify_bundle(bundle, evidence), 21)
    print(
        f"PDF verification (read, bundle, signature, text): {whole:8.2f} ms   bundle alone: "
        f"{bundle_only:8.2f} ms   ratio {whole / bundle_only:.1f}   (QR rendering not counted)"
    )


def _per_second(function: Any, seconds: float = 1.5) -> float:
    function()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(50):
            function()
        count += 50
    return count / elapsed


def bench_verify(bundle: dict[str, Any], evidence: Evidence, key: SigningKey) -> None:
    single, single_evidence, _, _ = build_world(sm2=False)
    for checked, facts in ((bundle, evidence), (single, single_evidence)):
        report = verify_bundle(checked, facts)
        assert report.verdict == "valid", report.to_dict()
    assert report.check("sm2_signature").outcome == "skipped"  # type: ignore[union-attr]
    data = canonicalize(bundle["credential"])
    signature = key.private_key.sign(data)
    public = key.public_key
    bare = _per_second(lambda: public.verify(signature, data))
    alone = _per_second(lambda: verify_bundle(single, single_evidence))
    dual = _per_second(lambda: verify_bundle(bundle, evidence))
    print(
        f"Full bundle verification, Ed25519 proof alone: {alone:9.0f} /s   bare Ed25519 verify of the same "
        f"bytes: {bare:9.0f} /s   ratio {alone / bare:.3f}   (goal ≥ 0.3)"
    )
    print(
        f"Full bundle verification, Ed25519 + SM2 proof set: {dual:9.0f} /s   bare Ed25519 verify: "
        f"{bare:9.0f} /s   ratio {dual / bare:.3f}   (goal ≥ 0.2)"
    )


def bench_sm2() -> None:
    """SM2 against Ed25519, sign and verify of the same 64-byte message (what both cryptosuites sign)."""
    message = bytes(range(64))
    ed25519, national = SigningKey.generate("assertion"), SigningKey.generate("assertion", "SM2")
    ed_signature, sm2_signature = ed25519.sign(message), national.sign(message)
    ed_public, sm2_public = ed25519.public_key, national.public_key
    figures = {
        "sign": (_per_second(lambda: national.sign(message)), _per_second(lambda: ed25519.sign(message))),
        "verify": (_per_second(lambda: sm2.verify(sm2_public, sm2_signature, message)),
                   _per_second(lambda: ed_public.verify(ed_signature, message))),
    }  # fmt: skip
    for what, (sm2_rate, ed_rate) in figures.items():
        print(
            f"SM2 {what}: {sm2_rate:9.0f} /s   Ed25519 {what}: {ed_rate:9.0f} /s   "
            f"ratio {sm2_rate / ed_rate:.3f}   (what the second proof costs)"
        )


def bench_log(entries: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        figures = benchmark_file_log(Path(folder) / "log", entries=entries, samples=2000)
    print(
        f"Log of {int(figures['entries']):,} entries (built in {figures['append_seconds']:.1f} s): "
        f"inclusion proof {figures['inclusion_ms']:.3f} ms, "
        f"consistency proof {figures['consistency_ms']:.3f} ms, "
        f"root {figures['root_ms']:.3f} ms   (goal < 1 ms each)"
    )


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    entries = int(args[0]) if args else 1_000_000
    bundle, evidence, key, pdf_keys = build_world()
    print("== certificates ==")
    bench_pdf(bundle)
    bench_signed_pdf(bundle, evidence, pdf_keys)
    bench_verify(bundle, evidence, key)
    bench_sm2()
    bench_log(entries)


if __name__ == "__main__":
    main()
