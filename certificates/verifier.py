"""Verify a certificate bundle end to end and say which check passed, failed or could not be decided.

One verification used by the web page, the API (through `sandbox.services.trust.verification`, which
supplies evidence from the database) and the offline CLI (which supplies it from a trust bundle).
No network, no flask, no database: everything needed is handed in.

Public API:
    Check(name, outcome, code, detail)             one named check: pass | fail | indeterminate | skipped
    Report                                         checks, verdict (valid | invalid | indeterminate), status,
                                                   the facts shown (number — an exit certificate's or an
                                                   exemption decision's —, credential_type, …);
                                                   to_dict(); exit_code
    Evidence(key_set, status_lists, checkpoints, latest_checkpoint, consistency_proof)
    verify_bundle(bundle, evidence, *, expected_digest=None, now=None) -> Report
    (offline, from a signed trust bundle instead of a database: `certificates.offline`)
    CHECK_NAMES, EXIT_CODES

The checks, in order: trust_bundle (offline only, `certificates.offline`: signed by its root key,
current, and that root pinned — an unpinned root is indeterminate, never valid), attachment (PDFs:
`certificates.pdf.verify`), digest (the credential is the one logged and, when a QR code or URL was
scanned, the one printed), signature,
key_state (the key was valid when it signed and, if revoked since, revoked only after the entry was
logged), status (revocation and suspension lists), inclusion (the log entry is in the signed tree),
checkpoint (the log's signature on the tree head, and consistency with the latest known head),
backdating, and for PDFs pdf_signature, printed_text and printed_qr. A credential with a proof set is
checked per proof: ``signature`` is its eddsa-jcs-2022 proof, ``sm2_signature`` its sm2-jcs-2026 proof
(GB/T 32918 with SM3) — a failing SM2 proof makes the credential invalid even when Ed25519 passes; a
credential issued before SM2 keys existed has none, and the check says so (skipped), while one signed
when an SM2 key was in service must carry it. ``key_state`` judges every key that signed. Exit
certificates and liability exemption decisions are verified alike; the report says which one it was,
and which keys signed it.
The report types live in `certificates._internal.report`.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from certificates._internal.encoding import b64url_encode
from certificates._internal.report import (
    EXIT_CODES,
    FAIL,
    INDETERMINATE,
    PASS,
    SKIPPED,
    Check,
    CheckedReport,
    CheckRun,
    Report,
)
from certificates._internal.statuscheck import check_status_entry
from certificates._internal.timefmt import LONG_AGO, parse_utc
from certificates.bundle import CertificateBundle
from certificates.errors import CertificateError, CertificateVerificationError, IndeterminateError
from certificates.jcs import canonicalize, sha256_digest
from certificates.keys import KeyAlgorithm, KeyRecord, KeySet, KeyStatus, KeyUse
from certificates.log.checkpoint import (
    Checkpoint,
    check_not_backdated,
    find_checkpoints_around,
    key_id,
    parse_checkpoint,
    verify_checkpoint,
)
from certificates.log.merkle import hash_leaf, verify_consistency, verify_inclusion
from certificates.log.store import entry_leaf
from certificates.proofs import proof_set, verify_proof
from certificates.proofset import check_sm2_expected, verify_sm2
from certificates.status import decode_bitstring, read_status_bit

__all__ = [
    "CHECK_NAMES",
    "EXIT_CODES",
    "FAIL",
    "INDETERMINATE",
    "LONG_AGO",
    "PASS",
    "SKIPPED",
    "Check",
    "CheckedReport",
    "Evidence",
    "Report",
    "active_kids",
    "verify_bundle",
]

CHECK_NAMES = (
    "trust_bundle",
    "attachment",
    "digest",
    "signature",
    "sm2_signature",
    "key_state",
    "status",
    "inclusion",
    "checkpoint",
    "backdating",
    "pdf_signature",
    "printed_text",
    "printed_qr",
)
ALGORITHM = "Ed25519 (eddsa-jcs-2022)"
ALGORITHMS = {"eddsa-jcs-2022": ALGORITHM, "sm2-jcs-2026": "SM2/SM3 (sm2-jcs-2026)"}


@dataclass(frozen=True)
class Evidence:
    """What the verifier trusts: keys, current status lists and (optionally) more log checkpoints.

    `status_lists` maps a status list URL to its signed credential. `checkpoints` are further signed
    notes of the same log (used for the backdating bounds); `latest_checkpoint` with
    `consistency_proof` proves the bundle's tree head is a prefix of the latest one.
    """

    key_set: KeySet
    status_lists: Mapping[str, Mapping[str, Any]]
    checkpoints: Sequence[str] = ()
    latest_checkpoint: str | None = None
    consistency_proof: Sequence[bytes] | None = None
    # Verified checkpoints and status lists, so that checking many certificates against the same
    # evidence verifies each list and tree head once (a verifier's usual case).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False, init=False)


def _note(evidence: Evidence, text: str, origin: str) -> Checkpoint:
    key = ("note", text, origin)
    if key not in evidence.memo:
        evidence.memo[key] = _verify_note(text, origin, evidence.key_set)[0]
    checkpoint: Checkpoint = evidence.memo[key]
    return checkpoint


def _verify_note(text: str, origin: str, key_set: KeySet) -> tuple[Checkpoint, str]:
    """Verify a checkpoint with the log keys that signed it — the Ed25519 one, and the SM2 one when the
    log had an SM2 key at the checkpoint's time —; return it and the Ed25519 key's kid."""
    parsed = parse_checkpoint(text)
    if parsed.origin != origin:
        raise CertificateVerificationError("checkpoint", f"origin is {parsed.origin!r}, expected {origin!r}")
    signed = {(sig.name, sig.key_id) for sig in parsed.signatures}
    found: dict[KeyAlgorithm, KeyRecord] = {}
    for record in key_set.records:
        if record.use is KeyUse.LOG and (origin, key_id(origin, record.public_key)) in signed:
            found.setdefault(record.algorithm, record)
    ed25519 = found.get(KeyAlgorithm.ED25519)
    if ed25519 is None:
        raise CertificateVerificationError("checkpoint", "no published log key signed this checkpoint")
    checkpoint = verify_checkpoint(text, origin, ed25519.public_key, origin=origin)
    if checkpoint.time is None:
        raise CertificateVerificationError("checkpoint", "the checkpoint carries no time")
    key_set.check_key_at(ed25519.kid, checkpoint.time, None, use=KeyUse.LOG)
    national = found.get(KeyAlgorithm.SM2)
    if national is not None:
        verify_checkpoint(text, origin, national.public_key, origin=origin)
        key_set.check_key_at(national.kid, checkpoint.time, None, use=KeyUse.LOG)
    elif key_set.active_at(KeyUse.LOG, KeyAlgorithm.SM2, checkpoint.time) is not None:
        raise CertificateVerificationError(
            "checkpoint", "the log had an SM2 key at this time, but the checkpoint carries no SM2 signature"
        )
    return checkpoint, ed25519.kid


def verify_bundle(
    bundle: CertificateBundle | Mapping[str, Any] | str | bytes,
    evidence: Evidence,
    *,
    expected_digest: str | None = None,
    now: datetime | None = None,
    report: Report | None = None,
) -> Report:
    """Run every check on `bundle` against `evidence`; never raises for a bad certificate."""
    report = report or Report()
    run = CheckRun(report)
    now = now or datetime.now(UTC)
    try:
        parsed = bundle if isinstance(bundle, CertificateBundle) else CertificateBundle.from_json(bundle)
    except CertificateError as exc:
        run.failed("digest", exc)
        return report
    credential, transparency = parsed.credential, parsed.transparency
    entry = dict(transparency.entry)
    report.read_facts(credential, entry)

    # digest: the credential is the one the log entry names, and the one printed/scanned.
    try:
        digest = sha256_digest(credential)
        report.digest = b64url_encode(digest)
        if entry.get("kind") != "issue":
            raise CertificateVerificationError("digest", "the log entry is not an issuance entry")
        if not hmac.compare_digest(str(entry.get("credentialSha256", "")), digest.hex()):
            raise CertificateVerificationError("digest", "the credential differs from the one logged")
        if expected_digest is not None and not hmac.compare_digest(expected_digest, report.digest):
            raise CertificateVerificationError("digest", "the credential differs from the printed QR digest")
        run.add("digest", PASS)
    except CertificateError as exc:
        run.failed("digest", exc)

    # signature: the eddsa-jcs-2022 proof; sm2_signature: the sm2-jcs-2026 proof beside it
    proof = national = None
    resolve = evidence.key_set.resolver(KeyUse.ASSERTION)
    try:  # both suites sign JCS of the document without its proofs: canonicalise it once
        unsecured_jcs: bytes | None = canonicalize({k: v for k, v in credential.items() if k != "proof"})
    except CertificateError:
        unsecured_jcs = None  # each proof check then says why
    try:
        proof = verify_proof(credential, resolve, unsecured_jcs=unsecured_jcs)
        run.add("signature", PASS)
    except CertificateError as exc:
        run.failed("signature", exc)
    try:
        national = verify_sm2(credential, resolve, unsecured_jcs=unsecured_jcs)
        if proof is not None:
            check_sm2_expected(evidence.key_set, KeyUse.ASSERTION, proof, national)
        if national is None:
            run.add("sm2_signature", SKIPPED, "no_sm2_proof",
                    "the credential carries no SM2 proof (issued before SM2 signatures)")  # fmt: skip
        else:
            run.add("sm2_signature", PASS)
    except CertificateError as exc:
        national = None
        run.failed("sm2_signature", exc)
    _read_signing_key(report, credential, evidence.key_set)

    # checkpoint, then inclusion against it
    checkpoint = None
    verified: list[Checkpoint] = []
    try:
        checkpoint = _note(evidence, transparency.checkpoint, transparency.origin)
        if checkpoint.size != transparency.tree_size:
            raise CertificateVerificationError("checkpoint", "treeSize differs from the checkpoint's size")
        verified.append(checkpoint)
        if evidence.latest_checkpoint is not None:
            latest = _note(evidence, evidence.latest_checkpoint, transparency.origin)
            verified.append(latest)
            if latest.size < checkpoint.size:
                raise CertificateVerificationError(
                    "checkpoint", "the bundle's tree head is newer than the log's"
                )
            if evidence.consistency_proof is not None or latest.size == checkpoint.size:
                verify_consistency(
                    checkpoint.size,
                    latest.size,
                    checkpoint.root,
                    latest.root,
                    evidence.consistency_proof or [],
                )
        run.add("checkpoint", PASS)
    except CertificateError as exc:
        run.failed("checkpoint", exc)
    logged = False
    if checkpoint is None:
        run.add("inclusion", SKIPPED, "checkpoint", "no verified checkpoint to prove inclusion against")
    else:
        try:
            leaf = hash_leaf(entry_leaf(entry))
            t = transparency
            verify_inclusion(leaf, t.leaf_index, t.tree_size, t.inclusion_proof, checkpoint.root)
            logged = True
            run.add("inclusion", PASS)
        except (CertificateError, ValueError, TypeError) as exc:
            error = (
                exc
                if isinstance(exc, CertificateError)
                else CertificateVerificationError("inclusion", str(exc))
            )
            run.failed("inclusion", error)

    # key state at signing time, and backdating
    if proof is None:
        run.add("key_state", SKIPPED, "signature", "no valid signature to judge")
        run.add("backdating", SKIPPED, "signature", "no valid signature to judge")
    else:
        kid = proof.verification_method.rpartition("#")[2]
        logged_at = entry.get("at") if logged else None
        try:
            at = parse_utc(logged_at) if isinstance(logged_at, str) else None
            for signed in (proof, *([national] if national else [])):
                signer = signed.verification_method.rpartition("#")[2]
                evidence.key_set.check_key_at(signer, signed.created, at, use=KeyUse.ASSERTION)
            if national is not None and national.created != proof.created:
                raise CertificateVerificationError("key_state", "the proofs of the set differ in time")
            if entry.get("kid") not in (None, kid):
                raise CertificateVerificationError("key_state", "the log entry names another key")
            run.add("key_state", PASS)
        except CertificateError as exc:
            run.failed("key_state", exc)
        if not logged:
            run.add("backdating", SKIPPED, "inclusion", "the log entry is not proven")
        else:
            try:
                for text in evidence.checkpoints:
                    verified.append(_note(evidence, text, transparency.origin))
                around = find_checkpoints_around(verified, transparency.leaf_index)
                check_not_backdated(proof.created, entry.get("at"), around)
                run.add("backdating", PASS)
            except CertificateError as exc:
                run.failed("backdating", exc)

    _check_status(run, credential, evidence, now)
    order = {name: i for i, name in enumerate(CHECK_NAMES)}
    report.checks.sort(key=lambda c: order.get(c.name, len(order)))
    return report


def _read_signing_key(report: Report, credential: Mapping[str, Any], key_set: KeySet) -> None:
    """Name the keys the credential says signed it, with their state in the key set (for display):
    `signing_key` the Ed25519 one, `signing_keys` one per proof of the set."""
    try:
        proofs = proof_set(credential)
    except CertificateError:
        return
    keys: list[Mapping[str, str]] = []
    for suite, proof in proofs.items():
        method = proof.get("verificationMethod")
        if not isinstance(method, str):
            continue
        kid = method.rpartition("#")[2]
        try:
            status = str(key_set.get(kid).status)
        except CertificateError:
            status = "unknown"
        keys.append({"kid": kid, "status": status, "algorithm": ALGORITHMS[suite], "cryptosuite": suite})
    report.signing_keys = keys
    if keys and keys[0]["cryptosuite"] == "eddsa-jcs-2022":
        report.signing_key = {name: keys[0][name] for name in ("kid", "status", "algorithm")}


def _check_status(run: CheckRun, credential: Mapping[str, Any], evidence: Evidence, now: datetime) -> None:
    entries = credential.get("credentialStatus")
    if not isinstance(entries, list) or not entries:
        run.add("status", FAIL, "status", "the credential has no status entry")
        return
    found: dict[str, bool] = {}
    try:
        for entry in entries:
            url = entry.get("statusListCredential") if isinstance(entry, Mapping) else None
            listed = evidence.status_lists.get(url) if isinstance(url, str) else None
            if listed is None:
                raise IndeterminateError("status_unavailable", f"no status list {url!r} to check against")
            found[str(entry.get("statusPurpose"))] = _status_bit(evidence, entry, listed, now)
    except CertificateError as exc:
        run.failed("status", exc)
        return
    if found.get("revocation"):
        run.report.status = "revoked"
        run.add("status", FAIL, "revoked", "the certificate has been revoked")
    elif found.get("suspension"):
        run.report.status = "suspended"
        run.add("status", FAIL, "suspended", "the certificate is suspended")
    else:
        run.report.status = "active"
        run.add("status", PASS)


def _status_bit(
    evidence: Evidence, entry: Mapping[str, Any], listed: Mapping[str, Any], now: datetime
) -> bool:
    """`read_status_bit`, verifying each list's proof and decoding its bits once per evidence."""
    index, purpose, url = check_status_entry(entry)
    cached = evidence.memo.get(("list", url))
    if cached is None:
        read_status_bit(entry, listed, key_set=evidence.key_set, now=now)  # verifies proof, key, freshness
        subject = listed["credentialSubject"]
        until = parse_utc(listed["validUntil"]) if "validUntil" in listed else None
        cached = (subject["statusPurpose"], parse_utc(listed["validFrom"]), until,
                  decode_bitstring(subject["encodedList"]))  # fmt: skip
        evidence.memo[("list", url)] = cached
    listed_purpose, valid_from, valid_until, bits = cached
    if listed_purpose != purpose:
        raise CertificateVerificationError(
            "status", f"the list is for {listed_purpose!r}, the entry for {purpose!r}"
        )
    if valid_from > now:
        raise CertificateVerificationError("status", "the status list is not valid yet")
    if valid_until is not None and valid_until < now:
        raise IndeterminateError("stale", "the status list is past its validUntil; fetch a fresh one")
    if index >= len(bits) * 8:
        raise CertificateVerificationError("status", f"index {index} is beyond the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def active_kids(key_set: KeySet) -> dict[str, str]:
    """Return use → kid of the active keys (for display)."""
    return {str(r.use): r.kid for r in key_set.records if r.status is KeyStatus.ACTIVE}
