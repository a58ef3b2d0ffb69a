"""W3C VC 2.0 as served (issue 15 §1): the credential context at its own URL, the issuer URL as a Controlled
Identifiers controller document in which every proof's verification method is found by its fragment, and
credentials and status lists as `application/vc` (JSON when a client asks only for JSON)."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from sqlmodel import Session

from certificates.context import SANDBOX_CONTEXT, SANDBOX_CONTEXT_PATH
from certificates.keys import KeySet
from certificates.proofs import eddsa_proof, public_key_from_multikey, verify_proof
from tests import factories
from tests.case_flow import token
from tests.sandbox.certificate_helpers import exit_case

JSON_ONLY = {"Accept": "application/json"}


def served_json(response: Any, media_type: str) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type
    return json.loads(response.get_data())


def method_by_fragment(document: dict[str, Any], url: str) -> dict[str, Any]:
    """Dereference `<issuer>#<kid>` as Controlled Identifiers 1.0 says: the node whose id is the URL."""
    matches = [node for node in document["verificationMethod"] if node["id"] == url]
    assert len(matches) == 1, url
    return matches[0]


def test_the_context_is_served_at_the_path_of_its_url(client: FlaskClient) -> None:
    path = SANDBOX_CONTEXT.removeprefix("https://sandbox.yizhuang.gov.cn")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.get_data() == SANDBOX_CONTEXT_PATH.read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag = response.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    missing = client.get("/ns/credentials/v2")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_every_proof_resolves_through_the_issuer_document(client: FlaskClient, session: Session) -> None:
    _, cert = exit_case(client, session)
    status_list = served_json(client.get("/api/v1/status/revocation"), "application/vc")
    response = client.get("/issuer")
    document = served_json(response, "application/ld+json")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert document["@context"] == ["https://www.w3.org/ns/cid/v1", SANDBOX_CONTEXT]
    assert document["id"] == cert.credential["issuer"]["id"] == "http://127.0.0.1:5000/issuer"
    jwks = KeySet.from_jwks(client.get("/.well-known/jwks.json").get_json())
    for secured, role in ((cert.credential, "assertion"), (status_list, "status")):
        url = eddsa_proof(secured)["verificationMethod"]
        method = method_by_fragment(document, url)
        assert url in document["assertionMethod"]
        assert (method["type"], method["controller"], method["keyRole"]) == ("Multikey", document["id"], role)
        key = public_key_from_multikey(method["publicKeyMultibase"])
        assert key == jwks.get(url.rpartition("#")[2]).public_key
        verify_proof(secured, lambda _url, key=key: key)  # type: ignore[misc]
    assert {m["id"].rpartition("#")[2] for m in document["verificationMethod"]} == {
        record.kid for record in jwks.records
    }  # every key ever used, whatever its role


def test_rotated_and_revoked_keys_stay_with_their_dates(client: FlaskClient, session: Session) -> None:
    _, cert = exit_case(client, session)
    admin = token(client, factories.make_user(session, "admin"))
    old = eddsa_proof(cert.credential)["verificationMethod"]
    assert client.post("/api/v1/keys/rotate", json={"use": "assertion"}, headers=admin).status_code == 201
    retired = method_by_fragment(client.get("/issuer").get_json(force=True), old)
    assert retired["retired"] and "revoked" not in retired and "expires" not in retired
    kid = old.rpartition("#")[2]
    revoked = client.post(f"/api/v1/keys/{kid}/revocation", json={"reason": "疑似泄露"}, headers=admin)
    assert revoked.status_code == 200
    document = client.get("/issuer").get_json(force=True)
    method = method_by_fragment(document, old)
    published = {key["kid"]: key for key in client.get("/.well-known/jwks.json").get_json()["keys"]}[kid]
    assert (method["revoked"], method["revocationReason"]) == (published["revokedAt"], "疑似泄露")
    assert (method["activated"], method["retired"]) == (published["activatedAt"], published["retiredAt"])
    # Two Ed25519 assertion keys and a status key, and the SM2 assertion and status keys beside them.
    assert old in document["assertionMethod"] and len(document["assertionMethod"]) == 5


def test_credentials_and_status_lists_are_served_as_application_vc(
    client: FlaskClient, session: Session
) -> None:
    _, cert = exit_case(client, session)
    url = f"/api/v1/certificates/{cert.id}/credential"
    response = client.get(url)
    assert served_json(response, "application/vc") == cert.credential
    assert response.headers["Vary"].startswith("Accept")
    assert served_json(client.get(url, headers=JSON_ONLY), "application/json") == cert.credential
    assert (
        served_json(client.get(url, headers={"Accept": "application/vc"}), "application/vc")
        == cert.credential
    )
    assert client.get(url, headers={"Accept": "text/html"}).mimetype == "application/vc"
    assert client.get("/api/v1/certificates/nope/credential").status_code == 404

    status = client.get("/api/v1/status/suspension")
    listed = served_json(status, "application/vc")
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status.headers["Cache-Control"] == "public, no-cache"
    assert (
        served_json(client.get("/api/v1/status/suspension", headers=JSON_ONLY), "application/json") == listed
    )
    again = client.get("/api/v1/status/suspension", headers={"If-None-Match": status.headers["ETag"]})
    assert again.status_code == 304


def test_the_issuer_document_negotiates_its_media_type(client: FlaskClient) -> None:
    assert client.get("/issuer", headers={"Accept": "application/cid"}).mimetype == "application/cid"
    assert client.get("/issuer", headers=JSON_ONLY).mimetype == "application/json"
    assert client.get("/issuer", headers={"Accept": "*/*"}).mimetype == "application/ld+json"


def test_openapi_documents_both_media_types(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/certificates/{cert_id}/credential", "/api/v1/status/{purpose}"):
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(content) == {"application/vc", "application/ld+json", "application/json"}
        name = content["application/vc"]["schema"]["$ref"].rpartition("/")[2]
        schema = document["components"]["schemas"][name]
        assert {"@context", "type", "issuer", "credentialSubject", "proof"} <= set(schema["required"])
