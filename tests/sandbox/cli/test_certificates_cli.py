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
    assert f"{cert.kid}  Ed25519 assertion retired" in listing
    national = runner.invoke(args=["keys", "fingerprint", "--algorithm", "SM2"])
    assert national.exit_code == 0 and len(national.output.split()) == 16
    assert national.output != fingerprint.output
    sm2_rotated = runner.invoke(args=["keys", "rotate", "--use", "assertion", "--algorithm", "SM2"])
    assert sm2_rotated.exit_code == 0 and "New SM2 assertion key" in sm2_rotated.output
    listing = runner.invoke(args=["keys", "list"]).output
    assert len([line for line in listing.splitlines() if "SM2     assertion retired" in line]) == 1
    rows = {tuple(line.split()[1:4]) for line in listing.splitlines()}
    assert {("SM2", "log", "active"), ("SM2", "root", "active"), ("SM2", "status", "active")} <= rows
    assert verify(client, number=cert.number)["verdict"] == "valid"
    refused = runner.invoke(args=["keys", "revoke", "nope", "--reason", "x"])
    assert refused.exit_code != 0
    assert runner.invoke(args=["keys", "rotate", "--use", "root"]).exit_code == 0
    assert runner.invoke(args=["keys", "fingerprint"]).output != fingerprint.output
    trust = client.get("/api/v1/trust-bundle")
    assert trust.status_code == 200
