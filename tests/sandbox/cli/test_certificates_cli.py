"""`flask --app sandbox keys …`: fingerprint, rotate (old certificates keep verifying), list, revoke."""

from __future__ import annotations

from tests.sandbox.certificate_helpers import exit_case, verify


def test_keys_commands(app, client, session) -> None:
    _, cert = exit_case(client, session)
    runner = app.test_cli_runner()
    fingerprint = runner.invoke(args=["keys", "fingerprint"])
    assert fingerprint.exit_code == 0 and len(fingerprint.output.split()) == 16
    rotated = runner.invoke(args=["keys", "rotate", "--use", "assertion"])
    assert rotated.exit_code == 0, rotated.output
    listing = runner.invoke(args=["keys", "list"]).output
    assert f"{cert.kid}  assertion retired" in listing
    assert verify(client, number=cert.number)["verdict"] == "valid"
    refused = runner.invoke(args=["keys", "revoke", "nope", "--reason", "x"])
    assert refused.exit_code != 0
    assert runner.invoke(args=["keys", "rotate", "--use", "root"]).exit_code == 0
    assert runner.invoke(args=["keys", "fingerprint"]).output != fingerprint.output
    trust = client.get("/api/v1/trust-bundle")
    assert trust.status_code == 200
