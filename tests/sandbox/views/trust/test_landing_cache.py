"""The QR landing page keeps its verification while the log and the status lists stand still, and a
revocation made by another process (worker) shows on the very next scan."""

from __future__ import annotations

from pathlib import Path

from sandbox.services.trust import verification
from tests.conftest import make_test_app
from tests.sandbox.certificate_helpers import exit_case


def test_a_revocation_on_another_worker_shows_on_the_next_scan(app, client, session, database_url,
                                                               monkeypatch) -> None:  # fmt: skip
    flow, cert = exit_case(client, session)
    runs = []
    real = verification.verify_bundle

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(verification, "verify_bundle", counted)
    other = make_test_app(database_url, Path(app.config["INSTANCE_PATH"]))  # a second worker: own engine
    try:
        scan = other.test_client()
        for purpose in ("revocation", "suspension"):  # the lists are signed on first use (a write, not kept)
            scan.get(f"/api/v1/status/{purpose}")
        first = scan.get(f"/c/{cert.id}").get_data(as_text=True)
        assert 'data-verdict="valid"' in first and len(runs) == 1
        with scan.session_transaction() as browser:
            browser["locale"] = "en"  # a visitor who chose English: the same kept report, in English
        again = scan.get(f"/c/{cert.id}").get_data(as_text=True)
        assert 'data-verdict="valid"' in again and ">Valid<" in again and len(runs) == 1
        flow.change_status(cert.id, "revoke", "出盒后发现严重违规")  # in the first worker
        after = scan.get(f"/c/{cert.id}").get_data(as_text=True)
        assert 'data-verdict="invalid"' in after and 'data-status="revoked"' in after and len(runs) == 2
        assert 'data-verdict="invalid"' in scan.get(f"/c/{cert.id}").get_data(as_text=True) and len(runs) == 2
    finally:
        other.extensions["sandbox.engine"].dispose()
