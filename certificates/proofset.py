"""Proof sets: one document secured by an ``eddsa-jcs-2022`` proof and an ``sm2-jcs-2026`` proof beside it.

Owns signing a document with several keys at once and reading the outcome per proof. Both proofs cover
the same unsecured document (W3C Data Integrity §2.1.1, a set, not a chain: no ``previousProof``), so a
verifier that knows only Ed25519 verifies its proof of the set and a 国密 verifier the SM2 one; this
package's verifier checks both (`certificates.verifier`).

Public API:
    secure(document, signers, *, created, proof_purpose="assertionMethod") -> dict
        signers: (SigningKey, verification method) pairs, the Ed25519 key first; one signer gives a
        single proof object (the form used before SM2 keys existed), two give ``proof`` as an array
    verify_sm2(secured, resolve_key, *, expected_purpose="assertionMethod") -> ProofResult | None
        the SM2 proof of the set, verified; None when the document carries none
    sm2_proof(secured) -> Mapping | None
    check_sm2_expected(key_set, use, ed25519_result, sm2_result)
        refuse a document signed while an SM2 key of its use was in service that carries no SM2 proof
        (a stripped proof set), code ``signature``
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from certificates import sm2
from certificates.errors import CertificateError, CertificateVerificationError
from certificates.keys import KeyAlgorithm, KeySet, KeyUse, SigningKey
from certificates.proofs import ProofResult, add_proof, proof_set
from certificates.sm2 import SM2KeyResolver

__all__ = ["check_sm2_expected", "secure", "sm2_proof", "verify_sm2"]


def secure(
    document: Mapping[str, Any],
    signers: Sequence[tuple[SigningKey, str]],
    *,
    created: datetime,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Return a copy of `document` secured by one proof per signer, over the same unsecured document."""
    if not signers or signers[0][0].algorithm is not KeyAlgorithm.ED25519:
        raise CertificateError("the first signer of a proof set is the Ed25519 key")
    if len({key.algorithm for key, _ in signers}) != len(signers):
        raise CertificateError("a proof set holds one proof per algorithm")
    first, method = signers[0]
    secured = add_proof(
        document, first.private_key, verification_method=method, created=created, proof_purpose=proof_purpose
    )  # checks the contexts, NFC and floats once, for every proof of the set
    if len(signers) == 1:
        return secured
    unsecured = {name: value for name, value in secured.items() if name != "proof"}
    proofs = [secured["proof"]]
    for key, key_method in signers[1:]:
        proofs.append(
            sm2.make_proof(unsecured, key.private_key, verification_method=key_method, created=created,
                           proof_purpose=proof_purpose)
        )  # fmt: skip
    return {**unsecured, "proof": proofs}


def sm2_proof(secured: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The document's ``sm2-jcs-2026`` proof, or None (raises ``proof`` on a malformed set)."""
    return proof_set(secured).get(sm2.CRYPTOSUITE)


def verify_sm2(
    secured: Mapping[str, Any],
    resolve_key: SM2KeyResolver,
    *,
    expected_purpose: str = "assertionMethod",
    unsecured_jcs: bytes | None = None,
) -> ProofResult | None:
    """Verify the SM2 proof of `secured` over the document without its proofs; None when there is none.
    `unsecured_jcs`: JCS of that document, when the caller has it (the Ed25519 proof signs it too)."""
    proof = sm2_proof(secured)
    if proof is None:
        return None
    unsecured = {name: value for name, value in secured.items() if name != "proof"}
    return sm2.verify_sm2_proof(unsecured, proof, resolve_key, expected_purpose=expected_purpose,
                                unsecured_jcs=unsecured_jcs)  # fmt: skip


def check_sm2_expected(
    key_set: KeySet, use: KeyUse | str, ed25519: ProofResult, sm2_result: ProofResult | None
) -> None:
    """Raise ``signature`` when an SM2 key of `use` was in service when the Ed25519 proof was made but
    the document has no SM2 proof: since SM2 keys exist every document is signed with both, so a lone
    Ed25519 proof of that time is a proof set with its SM2 proof taken away."""
    if sm2_result is None and key_set.active_at(use, KeyAlgorithm.SM2, ed25519.created) is not None:
        raise CertificateVerificationError(
            "signature", "an SM2 key was in service when this was signed, but it carries no SM2 proof"
        )
