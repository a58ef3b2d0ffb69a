"""Verification refuses every tampering the issue lists, and says which check caught it."""

from __future__ import annotations

import copy
import dataclasses
import time
from datetime import UTC, datetime, timedelta

from certificates.credentials import sign_credential
from certificates.jcs import digest_hex
from certificates.keys import KeySet, KeyStatus, KeyUse, SigningKey, load_private_key
from certificates.proofs import eddsa_proof
from certificates.verifier import Evidence, verify_bundle
from sandbox.models.accounts import Role, User
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import certificates as certificate_service
from sandbox.services.trust import signing_keys, status_lists, transparency, verification
from tests.sandbox.certificate_helpers import bundle_of, exit_case, outcomes, verify

ADMIN = User(email="t@localhost", password_hash="", display_name="t", role=Role.ADMIN)


def test_one_changed_byte_anywhere_fails_the_digest(client, session) -> None:
    _, cert = exit_case(client, session)
    bundle = bundle_of(client, cert.id)
    for path in (("credentialSubject", "enterprise", "name"), ("validFrom",), ("proof", 0, "created")):
        tampered = copy.deepcopy(bundle)
        target = tampered["credential"]
        for key in path[:-1]:
            target = target[key]
        value = target[path[-1]]
        target[path[-1]] = value[:-1] + ("X" if value[-1] != "X" else "Y")
        report = verify(client, bundle=tampered)
        assert report["verdict"] == "invalid"
        assert outcomes(report)["digest"] == "fail", path
        assert outcomes(report)["signature"] == "fail", path
        if path[0] != "proof":  # the SM2 proof covers the document too, not the Ed25519 proof
            assert outcomes(report)["sm2_signature"] == "fail", path


def test_a_swapped_key_id_fails(client, session) -> None:
    _, cert = exit_case(client, session)
    bundle = bundle_of(client, cert.id)
    status_kid = signing_keys.signing_key(session, KeyUse.STATUS).kid
    proof = eddsa_proof(bundle["credential"])
    method = proof["verificationMethod"]
    proof["verificationMethod"] = method.rpartition("#")[0] + "#" + status_kid  # type: ignore[index]
    report = verify(client, bundle=bundle)
    assert report["verdict"] == "invalid" and outcomes(report)["signature"] == "fail"


def _resign_and_log(session, bundle: dict, key: SigningKey, created: datetime) -> dict:
    """What a dishonest operator would do: sign a credential dated `created` and log it now."""
    settings = settings_of(session).trust
    unsigned = {k: v for k, v in bundle["credential"].items() if k != "proof"}
    national = signing_keys.sm2_signing_key(session, KeyUse.ASSERTION, settings)
    credential = sign_credential(unsigned, key, created=created, sm2_key=national)
    transparency.lock_log(session)
    log_key = signing_keys.log_signers(session, settings)
    cert_id = bundle["transparency"]["entry"]["certId"]
    index = transparency.append(
        session,
        "issue",
        at=signing_keys.now_seconds(),
        log_key=log_key,
        origin=settings.log_origin,
        certId=cert_id,
        credentialSha256=digest_hex(credential),
        kid=key.kid,
    )
    session.commit()
    latest = transparency.latest_checkpoint(session)
    proof = transparency.inclusion_proof(session, index, latest.size)
    return {
        "credential": credential,
        "transparency": {
            "origin": settings.log_origin,
            "entry": transparency.entry_at(session, index).entry,
            "leafIndex": index,
            "treeSize": latest.size,
            "inclusionProof": transparency.b64(proof),
            "checkpoint": latest.note,
        },
    }


def test_a_retired_key_used_after_retirement_fails(client, session) -> None:
    _, cert = exit_case(client, session)
    bundle = bundle_of(client, cert.id)
    old = signing_keys.signing_key(session, KeyUse.ASSERTION)
    signing_keys.rotate_key(session, actor=ADMIN, use="assertion")
    session.commit()
    # The certificate signed before the rotation keeps verifying.
    assert verify(client, bundle=bundle_of(client, cert.id))["verdict"] == "valid"
    forged = _resign_and_log(session, bundle, old, signing_keys.now_seconds() + timedelta(seconds=2))
    report = verify(client, bundle=forged)
    assert report["verdict"] == "invalid" and outcomes(report)["key_state"] == "fail"


def test_key_revoked_before_logging_fails_but_after_logging_does_not(client, session) -> None:
    _, cert = exit_case(client, session)
    bundle = bundle_of(client, cert.id)
    evidence = verification.evidence_for(session, bundle)
    logged_at = datetime.fromisoformat(bundle["transparency"]["entry"]["at"])
    kid = eddsa_proof(bundle["credential"])["verificationMethod"].rpartition("#")[2]

    def revoked_at(moment: datetime) -> Evidence:
        records = [
            dataclasses.replace(
                r,
                status=KeyStatus.REVOKED,
                retired_at=moment,
                revoked_at=moment,
                revocation_reason="compromised",
            )
            if r.kid == kid
            else r
            for r in evidence.key_set.records
        ]
        return dataclasses.replace(evidence, key_set=KeySet(records))

    before = verify_bundle(bundle, revoked_at(logged_at))
    assert before.verdict == "invalid" and before.check("key_state").outcome == "fail"
    after = verify_bundle(bundle, revoked_at(logged_at + timedelta(hours=1)))
    assert after.verdict == "valid", after.to_dict()
    # And through the service: rotate, then revoke the old assertion key; the old certificate stays valid.
    time.sleep(1.1)  # lifecycles are whole seconds: revoke in a later second than the entry was logged
    signing_keys.rotate_key(session, actor=ADMIN, use="assertion")
    signing_keys.revoke_key(session, actor=ADMIN, kid=kid, reason="test: key leaked after logging")
    session.commit()
    assert verify(client, number=cert.number)["verdict"] == "valid"


def test_an_entry_missing_from_the_log_fails_inclusion(client, session) -> None:
    _, first = exit_case(client, session)
    _, second = exit_case(client, session)
    bundle = bundle_of(client, second.id)
    bundle["transparency"]["leafIndex"] = first.log_index  # someone else's leaf position
    report = verify(client, bundle=bundle)
    assert report["verdict"] == "invalid" and outcomes(report)["inclusion"] == "fail"
    unlogged = bundle_of(client, second.id)
    unlogged["transparency"]["entry"]["at"] = "2020-01-01T00:00:00Z"  # an entry the log never held
    report = verify(client, bundle=unlogged)
    assert report["verdict"] == "invalid" and outcomes(report)["inclusion"] == "fail"


def test_a_backdated_proof_fails(client, session, monkeypatch) -> None:
    real_now = signing_keys.now_seconds
    monkeypatch.setattr(signing_keys, "now_seconds", lambda: real_now() - timedelta(days=2))
    _, cert = exit_case(client, session)  # keys and the first checkpoints two days ago
    monkeypatch.setattr(signing_keys, "now_seconds", real_now)
    _, recent = exit_case(client, session)  # a checkpoint now
    bundle = bundle_of(client, cert.id)
    key = signing_keys.signing_key(session, KeyUse.ASSERTION)
    forged = _resign_and_log(session, bundle, key, real_now() - timedelta(days=1))
    report = verify(client, bundle=forged)
    assert report["verdict"] == "invalid"
    assert outcomes(report)["backdating"] == "fail" and outcomes(report)["key_state"] == "pass"
    assert verify(client, number=recent.number)["verdict"] == "valid"


def test_bundle_checkpoint_forked_from_the_log_fails(client, session) -> None:
    _, cert = exit_case(client, session)
    bundle = bundle_of(client, cert.id)
    assert certificate_service.make_bundle(session, cert, settings_of(session).trust) == bundle
    # The status lists are first signed when something asks for them; take "now" after that, or a
    # second boundary crossed in between makes the lists look "not valid yet".
    status_lists.current_lists(session)
    report = verification.verify_bundle_data(session, bundle, now=datetime.now(UTC))
    assert report.verdict == "valid" and report.check("checkpoint").outcome == "pass"


def test_rejects_input_that_is_no_certificate(client) -> None:
    assert client.post("/api/v1/verify", json={}).status_code == 422
    assert client.post("/api/v1/verify", json={"qr": "https://example.org/nothing"}).status_code == 422
    assert client.post("/api/v1/verify", json={"number": "YZCC-2000-9999"}).status_code == 404
    report = verify(client, bundle={"credential": {}, "transparency": {}})
    assert report["verdict"] == "invalid"


def test_load_private_key_needs_the_passphrase(client, session) -> None:
    exit_case(client, session)
    settings = settings_of(session).trust
    kid = signing_keys.signing_key(session, KeyUse.ASSERTION).kid
    assert load_private_key(settings.key_dir, kid, settings.passphrase)
    import pytest

    from certificates.errors import CertificateKeyError

    with pytest.raises(CertificateKeyError):
        load_private_key(settings.key_dir, kid, "wrong passphrase")
    assert (settings.key_dir / f"{kid}.pem").stat().st_mode & 0o077 == 0
