"""The served JWKS in a JOSE library from outside the project (jwcrypto): every Ed25519 key, retired ones
too, loads as an Ed25519 verification key with the kid its RFC 7638 thumbprint, and verifies what the
application signs with it. jwcrypto knows no SM2 curve; the SM2 keys beside them are checked with the
OpenSSL CLI in `test_sm2_served.py`."""

from __future__ import annotations

import base64

from jwcrypto import jwk, jws

from certificates.keys import load_private_key
from sandbox.services.common.settings import settings_of
from tests import factories


def test_every_served_key_loads_in_jwcrypto_and_verifies_a_jws(client, session) -> None:
    admin = factories.make_user(session, "admin")
    token = client.post("/api/v1/tokens", json={"email": admin.email, "password": factories.PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    assert client.post("/api/v1/keys/rotate", json={"use": "assertion"}, headers=headers).status_code == 201
    served = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert {key["status"] for key in served} == {"active", "retired"}
    assert {key["role"] for key in served} == {"assertion", "log", "status", "root", "package"}

    settings = settings_of(session).trust
    assert {key["crv"] for key in served} == {"Ed25519", "SM2"}
    for published in (key for key in served if key["kty"] == "OKP"):
        verifier = jwk.JWK(**published)  # "Invalid usage requested" while use held the role
        assert verifier.thumbprint() == published["kid"] and not verifier.has_private
        private = load_private_key(settings.key_dir, published["kid"], settings.passphrase)
        signed = jws.JWS(b'{"checkpoint":"sandbox"}')
        signed.add_signature(jwk.JWK.from_pyca(private), alg="EdDSA", protected={"alg": "EdDSA"})
        received = jws.JWS()
        received.deserialize(signed.serialize(compact=True))
        received.verify(verifier, alg="EdDSA")
        assert received.payload == b'{"checkpoint":"sandbox"}'


def test_the_log_key_as_jwcrypto_loads_it_verifies_the_served_checkpoint(client) -> None:
    note = client.get("/log/checkpoint").get_data(as_text=True)
    served = client.get("/.well-known/jwks.json").get_json()["keys"]
    log_key = next(key for key in served if key["role"] == "log" and key["status"] == "active"
                   and key["crv"] == "Ed25519")  # fmt: skip
    public = jwk.JWK(**log_key).get_op_key("verify")
    body, _, signature_lines = note.rpartition("\n\n")
    first = signature_lines.split("\n")[0]  # the Ed25519 line; the SM2 line follows it
    signature = base64.b64decode(first.rsplit(" ", 1)[1])[4:]  # after the key hash
    # An Ed25519 key: jwcrypto types get_op_key as any kind of key.
    public.verify(signature, (body + "\n").encode())  # type: ignore[call-arg, union-attr]  # raises if invalid
