"""A W3C verifier nobody here wrote accepts what the running application serves (issue 15 §1).

`verify.mjs` (beside this file) runs Digital Bazaar's `@digitalbazaar/vc` with the eddsa-jcs-2022 Data
Integrity suite and the Bitstring Status List checker against a live demo server: it fetches every
credential as served, resolves `<issuer>#<kid>` through the issuer's controller document, checks status,
and expands everything with jsonld in safe mode. Its document loader reaches only the application (and the
W3C contexts of the npm context packages). Keys are rotated first, so credentials signed by a retired key
must still verify; one certificate is revoked and one suspended, and the stack must read those bits.

Needs node and `tests/interop/node_modules` (`make test` installs it with `npm ci`); without them the test
skips, and fails under SANDBOX_TEST_REQUIRE_ALL=1.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select
from werkzeug.serving import make_server

from sandbox.db import open_session
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.models.certificates import Certificate, CertificateKind
from tests.conftest import REQUIRE_ALL, make_test_app

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")
PUBLIC_BASE = "http://127.0.0.1:5000"  # the default PUBLIC_BASE_URL, signed into the demo's credentials


def require_node() -> str:
    missing = []
    if NODE is None:
        missing.append("node")
    if not (HERE / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        missing.append("tests/interop/node_modules (run: npm ci --prefix tests/interop)")
    if missing:
        message = f"the interoperability test needs {' and '.join(missing)}"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    assert NODE is not None
    return NODE


@pytest.fixture
def demo(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """The demo, served on a free loopback port by a real WSGI server in a thread."""
    app = make_test_app(database_url, tmp_path / "instance", TESTING=False)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["sandbox.engine"].dispose()


def run_verifier(node: str, base_url: str, *arguments: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run([node, str(HERE / "verify.mjs"), base_url, *arguments], capture_output=True,
                          text=True, timeout=180, check=False)  # fmt: skip
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout)


def bearer(app: Flask, email: str) -> dict[str, str]:
    response = app.test_client().post("/api/v1/tokens", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_digital_bazaar_verifies_every_credential_as_served(demo: tuple[Flask, str]) -> None:
    node = require_node()
    app, base_url = demo
    client = app.test_client()
    with open_session(app, expire_on_commit=True) as session:
        certificates = {cert.id: cert.kind for cert in session.exec(select(Certificate)).all()}
    assert set(certificates.values()) == {CertificateKind.EXIT, CertificateKind.EXEMPTION}
    # Rotate: every credential so far is now signed by a retired key, the status lists by a new one.
    admin = bearer(app, "admin@demo.sandbox")
    for use in ("assertion", "status"):
        assert client.post("/api/v1/keys/rotate", json={"use": use}, headers=admin).status_code == 201
    revoked, suspended, *_ = sorted(cert_id for cert_id, kind in certificates.items() if kind == "exit")
    # A status change is proposed by one regulator and confirmed by another.
    regulator, second = bearer(app, "regulator@demo.sandbox"), bearer(app, "regulator2@demo.sandbox")
    for cert_id, action in ((revoked, "revoke"), (suspended, "suspend")):
        body = {"action": action, "reason": "互操作测试"}
        path = f"/api/v1/certificates/{cert_id}/status-proposals"
        proposed = client.post(path, json=body, headers=regulator)
        assert proposed.status_code == 201, proposed.get_json()
        confirmed = client.post(f"/api/v1/proposals/{proposed.get_json()['id']}/confirmation", json={},
                                headers=second)  # fmt: skip
        assert confirmed.status_code == 200, confirmed.get_json()

    code, report = run_verifier(node, base_url, "--public-base", PUBLIC_BASE, *certificates)

    assert code == 0 and report["ok"], json.dumps(report, ensure_ascii=False, indent=1)
    results = {entry["id"]: entry for entry in report["credentials"]}
    assert set(results) == set(certificates)
    for cert_id, entry in results.items():
        assert entry["verified"] is True and entry["safeExpansion"] is None, entry
        expected = {"revocation": cert_id == revoked, "suspension": cert_id == suspended}
        assert {status["purpose"]: status["set"] for status in entry["statuses"]} == expected, cert_id
    assert {entry["type"][1] for entry in results.values()} == {
        "SandboxExitCertificate", "SandboxLiabilityExemption"
    }  # fmt: skip
    assert sorted(entry["url"].rpartition("/")[2] for entry in report["statusLists"]) == [
        "revocation", "suspension"
    ]  # fmt: skip
    assert all(entry["verified"] and entry["safeExpansion"] is None for entry in report["statusLists"])
    assert report["controller"] == {"url": f"{PUBLIC_BASE}/issuer", "safeExpansion": None}
    served = {url: (item["status"], item["mediaType"]) for url, item in report["served"].items()}
    assert served.pop("https://sandbox.yizhuang.gov.cn/ns/credentials/v1") == (200, "application/ld+json")
    assert served.pop(f"{PUBLIC_BASE}/issuer") == (200, "application/ld+json")
    assert set(served.values()) == {(200, "application/vc")}  # the credentials and the status lists


def test_the_verifier_fetches_from_nowhere_but_the_application(demo: tuple[Flask, str]) -> None:
    node = require_node()
    app, base_url = demo
    with open_session(app, expire_on_commit=True) as session:
        cert_id = session.exec(select(Certificate.id)).first()
    # Told the application lives elsewhere, the loader may not follow the issuer URL the credential names.
    code, report = run_verifier(node, base_url, "--public-base", "https://sandbox.example.cn", str(cert_id))
    assert code == 1 and not report["ok"]
    [entry] = report["credentials"]
    assert entry["verified"] is False and f"refused to load {PUBLIC_BASE}/issuer" in entry["error"]
