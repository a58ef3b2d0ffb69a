"""The public trust API (DESIGN.md §9): key set, trust bundle, checkpoint, proofs and entries, checked by
an independent small RFC 9162 verifier written here rather than the package's own."""

from __future__ import annotations

import base64
import hashlib

import rfc8785

from certificates.bundle import verify_trust_bundle
from certificates.keys import KeySet
from certificates.log.checkpoint import verify_checkpoint
from certificates.log.merkle import verify_consistency
from certificates.proofs import eddsa_proof
from tests.sandbox.certificate_helpers import bundle_of, exit_case


def _leaf(entry: dict) -> bytes:
    return hashlib.sha256(b"\x00" + rfc8785.dumps(entry)).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _mth(leaves: list[bytes]) -> bytes:
    """Merkle tree hash straight from RFC 9162 §2.1.1 (recursive, slow, obviously right)."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return _node(_mth(leaves[:k]), _mth(leaves[k:]))


def _root_from_inclusion(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0
    return r


def test_key_set_trust_bundle_and_checkpoint(client, session) -> None:
    _, cert = exit_case(client, session)
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert {k["role"] for k in jwks["keys"]} == {"assertion", "status", "log", "root", "package"}
    assert {k["use"] for k in jwks["keys"]} == {"sig"}
    assert all(
        {"kty", "crv", "x", "kid", "use", "role", "status", "activatedAt", "retiredAt", "revokedAt"} <= set(k)
        and "d" not in k
        for k in jwks["keys"]
    )
    sm2_keys = [k for k in jwks["keys"] if k["crv"] == "SM2"]
    assert {k["role"] for k in sm2_keys} == {"assertion", "status", "log", "root"}
    assert all(k["kty"] == "EC" and {"x", "y"} <= set(k) for k in sm2_keys)
    assert eddsa_proof(cert.credential)["verificationMethod"].endswith("#" + cert.kid)
    assert [p["cryptosuite"] for p in cert.credential["proof"]] == ["eddsa-jcs-2022", "sm2-jcs-2026"]
    trust = verify_trust_bundle(client.get("/api/v1/trust-bundle").get_json())
    assert trust.jwks == jwks and len(trust.status_lists) == 2
    checkpoint = client.get("/api/v1/log/checkpoint").get_json()
    log_key = KeySet.from_jwks(jwks).active("log")
    parsed = verify_checkpoint(checkpoint["checkpoint"], checkpoint["origin"], log_key.public_key)
    assert (
        parsed.size == checkpoint["treeSize"]
        and base64.b64encode(parsed.root).decode() == checkpoint["rootHash"]
    )
    assert checkpoint["checkpoint"].split("\n")[1] == str(checkpoint["treeSize"])


def test_proofs_and_entries_check_out_independently(client, session) -> None:
    _, first = exit_case(client, session)
    _, second = exit_case(client, session)
    size = client.get("/api/v1/log/checkpoint").get_json()["treeSize"]
    entries = client.get(f"/api/v1/log/entries?start=0&end={size}").get_json()["entries"]
    assert len(entries) == size and {e["kind"] for e in entries} == {"key", "issue"}
    leaves = [_leaf(e) for e in entries]
    for index in (0, first.log_index, second.log_index, size - 1):
        proof = client.get(f"/api/v1/log/proof/inclusion?index={index}&size={size}").get_json()
        assert proof["leafIndex"] == index and proof["treeSize"] == size
        path = [base64.b64decode(h) for h in proof["hashes"]]
        assert _root_from_inclusion(leaves[index], index, size, path) == _mth(leaves)
    for first_size in range(1, size + 1):
        body = client.get(f"/api/v1/log/proof/consistency?first={first_size}&second={size}").get_json()
        assert body["first"] == first_size and body["second"] == size
        hashes = [base64.b64decode(h) for h in body["hashes"]]
        verify_consistency(first_size, size, _mth(leaves[:first_size]), _mth(leaves), hashes)
    bundle = bundle_of(client, first.id)
    assert bundle["transparency"]["treeSize"] == size
    path = [base64.b64decode(h) for h in bundle["transparency"]["inclusionProof"]]
    assert _root_from_inclusion(_leaf(bundle["transparency"]["entry"]), first.log_index, size, path) == _mth(
        leaves
    )


def test_proof_endpoints_refuse_nonsense(client, session) -> None:
    exit_case(client, session)
    for query in (
        "inclusion?index=99&size=3",
        "inclusion?index=0&size=9999",
        "inclusion?index=x&size=1",
        "consistency?first=5&second=2",
        "consistency?first=1",
    ):
        assert client.get(f"/api/v1/log/proof/{query}").status_code == 422, query
    assert client.get("/api/v1/log/entries?start=0&end=5000").status_code == 422


def test_consistency_from_the_empty_tree_is_refused(client, session) -> None:
    # RFC 9162 §2.1.4 defines consistency proofs for 0 < first <= second only.
    exit_case(client, session)
    for language, words in (("zh", "至少为 1"), ("en", "at least 1")):
        response = client.get(
            "/api/v1/log/proof/consistency?first=0&second=3", headers={"Accept-Language": language}
        )
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["errors"][0]["field"] == "first" and words in problem["errors"][0]["message"], problem
    assert client.get("/api/v1/log/proof/consistency?first=1&second=3").status_code == 200


def test_openapi_documents_the_trust_routes(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/trust-bundle",
        "/api/v1/verify",
        "/api/v1/certificates",
        "/api/v1/certificates/{cert_id}",
        "/api/v1/certificates/{cert_id}/pdf",
        "/api/v1/status/{purpose}",
        "/api/v1/log/checkpoint",
        "/api/v1/log/proof/inclusion",
        "/api/v1/log/proof/consistency",
        "/api/v1/log/entries",
    ):
        assert path in paths, path
    parameter = paths["/api/v1/certificates/{cert_id}"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": "string"}
