"""The issuer's controller document (Controlled Identifiers 1.0): every key as a Multikey, the right ones
authorised for assertionMethod, lifecycles kept; each verification method decodes to the key itself."""

from __future__ import annotations

from datetime import timedelta

from certificates.controller import CID_CONTEXT, controller_document, verification_method_id
from certificates.credentials import sign_credential
from certificates.keys import KeySet, KeyUse
from certificates.proofs import SANDBOX_CONTEXT, public_key_from_multikey, verify_proof
from tests.certificates.test_bundle import ASSERTION, ISSUER, ROOT, STATUS, T0, key_set, seeded_key
from tests.certificates.test_credentials import make_certificate

NEW_ASSERTION = seeded_key(KeyUse.ASSERTION, 7)
LOG = seeded_key(KeyUse.LOG, 8)


def lifecycle_keys() -> KeySet:
    """Root, status and log keys in use; the first assertion key rotated out and later revoked."""
    keys = key_set()
    keys.activate(LOG.public_key, KeyUse.LOG, at=T0)
    keys.rotate(NEW_ASSERTION.public_key, KeyUse.ASSERTION, at=T0 + timedelta(days=1))
    keys.revoke(ASSERTION.kid, at=T0 + timedelta(days=2), reason="疑似泄露")
    return keys


def test_every_key_is_a_multikey_of_the_issuer() -> None:
    document = controller_document(lifecycle_keys(), ISSUER)
    assert document["@context"] == [CID_CONTEXT, SANDBOX_CONTEXT]
    assert document["id"] == ISSUER
    methods = {method["id"]: method for method in document["verificationMethod"]}
    keys = {key.kid: key for key in (ROOT, ASSERTION, STATUS, LOG, NEW_ASSERTION)}
    assert set(methods) == {f"{ISSUER}#{kid}" for kid in keys}
    for kid, key in keys.items():
        method = methods[verification_method_id(ISSUER, kid)]
        assert method["type"] == "Multikey" and method["controller"] == ISSUER
        assert method["publicKeyMultibase"].startswith("z6Mk")
        assert public_key_from_multikey(method["publicKeyMultibase"]) == key.public_key
        assert method["keyRole"] == str(key.use)


def test_only_credential_and_status_keys_are_assertion_methods() -> None:
    document = controller_document(lifecycle_keys(), ISSUER)
    assert sorted(document["assertionMethod"]) == sorted(
        f"{ISSUER}#{key.kid}" for key in (ASSERTION, STATUS, NEW_ASSERTION)
    )  # the retired and revoked assertion key stays listed: what it signed before is not erased


def test_lifecycles_are_kept() -> None:
    methods = {m["id"]: m for m in controller_document(lifecycle_keys(), ISSUER)["verificationMethod"]}
    old = methods[f"{ISSUER}#{ASSERTION.kid}"]
    assert (old["activated"], old["retired"], old["revoked"], old["revocationReason"]) == (
        "2026-06-01T00:00:00Z", "2026-07-02T00:00:00Z", "2026-07-03T00:00:00Z", "疑似泄露"
    )  # fmt: skip
    new = methods[f"{ISSUER}#{NEW_ASSERTION.kid}"]
    assert new["activated"] == "2026-07-02T00:00:00Z"
    assert not {"retired", "revoked", "revocationReason", "expires"} & set(new)
    # A retired key never gets CID's `expires`: generic verifiers would refuse what it signed before.
    assert "expires" not in old


def test_a_proof_verifies_with_the_key_found_by_its_fragment() -> None:
    signed = sign_credential(make_certificate(), NEW_ASSERTION, created=T0 + timedelta(days=3))
    document = controller_document(lifecycle_keys(), ISSUER)

    def resolve(url: str):
        node = next((m for m in document["verificationMethod"] if m["id"] == url), None)
        return public_key_from_multikey(node["publicKeyMultibase"]) if node else None

    assert verify_proof(signed, resolve).verification_method in document["assertionMethod"]
