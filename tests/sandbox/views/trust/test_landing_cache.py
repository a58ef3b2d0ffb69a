"""The QR landing page keeps its verification while the log and the status lists stand still, and a
revocation made by another process (worker) shows on the very next scan; anonymous scans share one kept
page, each with its own CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

from sandbox.services.trust import verification
from sandbox.views.trust import verify as verify_views
from tests.conftest import make_test_app
from tests.factories import PASSWORD
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


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_anonymous_scans_share_one_kept_page_with_their_own_csrf_token(app, client, session, database_url,
                                                                       monkeypatch) -> None:  # fmt: skip
    flow, cert = exit_case(client, session)
    renders = []
    real = verify_views.render_template

    def counted(name, **context):
        renders.append(name)
        return real(name, **context)

    monkeypatch.setattr(verify_views, "render_template", counted)
    guarded = make_test_app(database_url, Path(app.config["INSTANCE_PATH"]), WTF_CSRF_ENABLED=True)
    try:
        for purpose in ("revocation", "suspension"):  # the lists are signed on first use (a write, not kept)
            guarded.test_client().get(f"/api/v1/status/{purpose}")
        pages, tokens = [], []
        for _ in range(3):  # three visitors, each with a session of their own
            visitor = guarded.test_client()
            page = visitor.get(f"/c/{cert.id}").get_data(as_text=True)
            [token] = CSRF_FIELD.findall(page)
            pages.append(page.replace(token, "TOKEN"))
            tokens.append(token)
            # The token on the kept page is this visitor's: the language switch it carries is accepted.
            answer = {"locale": "en", "csrf_token": token, "next": f"/c/{cert.id}"}
            switched = visitor.post("/language", data=answer)
            assert switched.status_code == 302, switched.get_data(as_text=True)
            assert "Valid" in visitor.get(f"/c/{cert.id}").get_data(as_text=True)
            refused = guarded.test_client().post("/language", data={"locale": "en", "csrf_token": token})
            assert refused.status_code == 400  # …and no one else's
        assert pages[0] == pages[1] == pages[2] and len(set(tokens)) == 3
        assert renders.count("verify/landing.html") == 2  # once in Chinese, once in English
        # A signed-in visitor sees the page around the certificate as theirs (not the kept one).
        login = guarded.test_client()
        user = flow.users["regulator"]
        token = CSRF_FIELD.findall(login.get("/login").get_data(as_text=True))[0]
        form = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        signed_in = login.post("/login", data=form)
        assert signed_in.status_code == 302
        assert user.display_name in login.get(f"/c/{cert.id}").get_data(as_text=True)
        # A revocation changes the kept page on the next anonymous scan.
        flow.change_status(cert.id, "revoke", "出盒后发现严重违规")
        after = guarded.test_client().get(f"/c/{cert.id}").get_data(as_text=True)
        assert 'data-status="revoked"' in after
    finally:
        guarded.extensions["sandbox.engine"].dispose()
