"""A complete, offline certificate world for the PDF verifier tests: keys, log, status list, trust bundle,
an issued exit certificate and its signed PDF — and the forgeries a printout could be turned into.

Everything is built with the `certificates` package alone. `World(at)` issues at `at`: after
`PDF_SIGNATURES_SINCE` for signed-era certificates, before it for legacy (unsigned) ones.
"""

from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, RectangleObject

from certificates.bundle import CertificateBundle, Transparency, TrustBundle, sign_trust_bundle
from certificates.credentials import (
    ExitCertificateSubject,
    TestedBoundary,
    build_exit_certificate,
    sign_credential,
)
from certificates.jcs import digest_hex
from certificates.keys import KeySet, KeyUse, SigningKey
from certificates.log.checkpoint import sign_checkpoint
from certificates.log.merkle import MemoryNodeStore, MerkleLog
from certificates.log.store import entry_leaf, format_utc, make_entry
from certificates.pdf.render import render_certificate_pdf
from certificates.pdf.sign import PdfSigningKeys, render_signed_pdf
from certificates.status import StatusList, issue_status_list_credential, status_list_entry
from certificates.verifier import Evidence
from tests.certificates.test_bundle import seeded_key

BASE = "https://sandbox.example.cn"
ISSUER = {"id": "https://sandbox.example.cn/issuer", "name": "北京经济技术开发区数据监管沙盒管理办公室"}
ORIGIN = "sandbox.example.cn/certificates"
LIST_URL = "https://sandbox.example.cn/api/v1/status/revocation"
CERT_ID = "3f2c1d0e9b8a47c6a5d4e3f2a1b0c9d8"
NUMBER = "YZCC-2027-0001"
USCC = "91350100M000100Y43"
SIGNED_ERA = datetime(2027, 1, 4, 2, 30, tzinfo=UTC)  # 2027-01-04 10:30 Beijing time
LEGACY_ERA = datetime(2026, 7, 1, tzinfo=UTC)


def subject(number: str = NUMBER) -> ExitCertificateSubject:
    return ExitCertificateSubject(
        enterprise_name="北京亦庄示例智能科技有限公司",
        uscc=USCC,
        project_title="具身智能仓储机器人",
        sector="具身智能 Embodied AI",
        filing_number="YZSB-2026-0002",
        trial_start=date(2026, 3, 1),
        trial_end=date(2026, 9, 30),
        exit_date=date(2026, 12, 20),
        outcome="passed",
        certificate_number=number,
        tested_boundaries={"作业区域 (Area)": TestedBoundary(2, "个仓库")},
        conditions=(),
    )


@dataclass
class World:
    """One installation (its own keys, `seed` apart from any other) that issued one certificate at `at`."""

    at: datetime = SIGNED_ERA
    seed: int = 10
    number: str = NUMBER
    keys: dict[KeyUse, SigningKey] = field(init=False)

    def __post_init__(self) -> None:
        uses = (KeyUse.ROOT, KeyUse.ASSERTION, KeyUse.STATUS, KeyUse.LOG)
        self.keys = {use: seeded_key(use, self.seed + i) for i, use in enumerate(uses)}

    @property
    def activated(self) -> datetime:
        return self.at - timedelta(days=30)

    def key_set(self) -> KeySet:
        keys = KeySet()
        for key in self.keys.values():
            keys.activate(key.public_key, key.use, at=self.activated)
        return keys

    @cached_property
    def status_list(self) -> dict[str, Any]:
        status = self.keys[KeyUse.STATUS]
        method = f"{ISSUER['id']}#{status.kid}"
        return issue_status_list_credential(StatusList(LIST_URL, "revocation"), status.private_key,
                                            issuer=ISSUER["id"], verification_method=method,
                                            issued_at=self.at)  # fmt: skip

    @cached_property
    def bundle(self) -> dict[str, Any]:
        statuses = [status_list_entry(LIST_URL, 7, "revocation")]
        credential = build_exit_certificate(subject(self.number), issuer=ISSUER, valid_from=self.at,
                                            credential_id=f"urn:uuid:{CERT_ID}",
                                            statuses=statuses)  # fmt: skip
        credential = sign_credential(credential, self.keys[KeyUse.ASSERTION], created=self.at)
        log = MerkleLog(MemoryNodeStore())
        log.append(b"earlier entry")
        entry = make_entry("issue", certId=CERT_ID, credentialSha256=digest_hex(credential),
                           kid=self.keys[KeyUse.ASSERTION].kid, at=format_utc(self.at))  # fmt: skip
        index = log.append(entry_leaf(entry))
        checkpoint = sign_checkpoint(ORIGIN, log.size, log.root(), ORIGIN, self.keys[KeyUse.LOG].private_key,
                                     at=self.at)  # fmt: skip
        proof = tuple(log.inclusion_proof(index))
        transparency = Transparency(ORIGIN, entry, index, log.size, proof, checkpoint)
        return CertificateBundle(credential, transparency).to_dict()

    def evidence(self) -> Evidence:
        return Evidence(key_set=self.key_set(), status_lists={LIST_URL: self.status_list})

    def trust_bundle(self) -> dict[str, Any]:
        checkpoint = self.bundle["transparency"]["checkpoint"]
        payload = TrustBundle(self.key_set().to_jwks(), (self.status_list,), checkpoint, self.at,
                              self.at + timedelta(days=7))  # fmt: skip
        return sign_trust_bundle(payload, self.keys[KeyUse.ROOT])

    @property
    def now(self) -> datetime:
        return self.at + timedelta(hours=1)

    def signing_keys(self) -> PdfSigningKeys:
        keys = self.keys
        return PdfSigningKeys(keys[KeyUse.ASSERTION], self.activated, keys[KeyUse.ROOT], self.activated)

    @cached_property
    def pdf(self) -> bytes:
        return render_signed_pdf(self.bundle, self.signing_keys(), verify_base_url=BASE)

    @cached_property
    def page(self) -> bytes:
        """The same page, unsigned (a legacy certificate's PDF, or a signature stripped off)."""
        return render_certificate_pdf(self.bundle, verify_base_url=BASE)


# --- forgeries -------------------------------------------------------------------------------------


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def forged_page(bundle: dict[str, Any], base: str = BASE, **changes: Any) -> bytes:
    """An unsigned page printing the certificate with `changes` to its subject (the credential inside
    is not re-signed: only the paper says something else)."""
    forged = copy.deepcopy(bundle)
    forged["credential"]["credentialSubject"].update(changes)
    return render_certificate_pdf(forged, verify_base_url=base)


def rewritten(bundle: dict[str, Any], page: bytes) -> bytes:
    """A whole new file (what an editor's "save as" writes): the forged `page` carrying the genuine
    credential.json, so the embedded credential verifies while the paper says something else."""
    writer = PdfWriter(clone_from=io.BytesIO(page))
    del writer.root_object["/Names"]
    del writer.root_object["/AF"]
    writer.add_attachment("credential.json", json.dumps(bundle, ensure_ascii=False).encode())
    return _written(writer)


def incremental_edit(signed: bytes, page: bytes) -> bytes:
    """An incremental update after the signature that swaps in the forged page's content and fonts."""
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    forged = PdfReader(io.BytesIO(page)).pages[0]
    target = writer.pages[0]
    for key in ("/Contents", "/Resources"):
        target[NameObject(key)] = forged.raw_get(key).clone(writer)
    return _written(writer)


def overlay(signed: bytes, text: str, *, x: float = 204, y: float = 640) -> bytes:
    """An incremental update that paints a white box and `text` over the page; the original text stays."""
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    page = writer.pages[0]
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    }))  # fmt: skip
    page["/Resources"]["/Font"][NameObject("/Forged")] = font  # type: ignore[index]
    paint = DecodedStreamObject()
    paint.set_data(f"q 1 1 1 rg {x - 2} {y - 4} 220 16 re f 0 0 0 rg BT /Forged 10.5 Tf {x} {y} Td "
                   f"({text}) Tj ET Q".encode())  # fmt: skip
    original = page.raw_get("/Contents")
    kept = list(original) if isinstance(original, ArrayObject) else [original]
    page[NameObject("/Contents")] = ArrayObject([*kept, writer._add_object(paint)])
    return _written(writer)


def with_attachment(pdf: bytes, payload: bytes, *, replace: bool) -> bytes:
    """Append an incremental update attaching `payload` as credential.json, instead of the original or
    beside it."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    if replace:
        del writer.root_object["/Names"]
    writer.add_attachment("credential.json", payload)
    return _written(writer)


def duplicate_key_payload(bundle: dict[str, Any], forged_subject: dict[str, Any]) -> bytes:
    """The genuine bundle's JSON with a forged credentialSubject key written *before* the genuine one:
    a parser keeping the last key checks the genuine credential, one keeping the first shows the forgery."""
    genuine = json.dumps(bundle["credential"], ensure_ascii=False)
    forged = json.dumps(forged_subject, ensure_ascii=False)
    credential = "{" + f'"credentialSubject": {forged}, ' + genuine[1:]
    transparency = json.dumps(bundle["transparency"], ensure_ascii=False)
    return ('{"credential": ' + credential + ', "transparency": ' + transparency + "}").encode()


def damaged_attachment(pdf: bytes) -> bytes:
    """Flip bytes inside the embedded file's deflate stream, every offset kept (a corrupted download)."""
    data = bytearray(pdf)
    start = data.find(b"stream", data.find(b"/Type /EmbeddedFile")) + len(b"stream\n")
    for i in range(start + 20, start + 60):
        data[i] ^= 0x5A
    return bytes(data)


def huge_page(pdf: bytes, side_pt: float = 14173) -> bytes:
    """The same document with a 5 m × 5 m page box (14,173 pt a side)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for page in writer.pages:
        page.mediabox = RectangleObject([0, 0, side_pt, side_pt])
        page.cropbox = RectangleObject([0, 0, side_pt, side_pt])
    return _written(writer)
