"""The certificate pages: public verification, QR landing, log browser; applicants' and regulators' lists;
status changes and key rotation behind a confirmation step."""

from __future__ import annotations

import io
import re

from sqlmodel import select

from sandbox.models.certificates import SigningKeyRecord
from tests import factories
from tests.sandbox.certificate_helpers import exit_case


def sign_in(client, user) -> None:
    assert (
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    )


def test_public_pages_need_no_login(client, session) -> None:
    _, cert = exit_case(client, session)
    landing = client.get(f"/c/{cert.id}").get_data(as_text=True)
    assert cert.number in landing and 'data-verdict="valid"' in landing and "verify.js" in landing
    assert client.get("/c/unknown").status_code == 404
    page = client.post("/verify", data={"number": cert.number}).get_data(as_text=True)
    assert 'data-verdict="valid"' in page
    pdf = client.get(f"/api/v1/certificates/{cert.id}/pdf")
    uploaded = client.post(
        "/verify", data={"file": (io.BytesIO(pdf.data), "c.pdf")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    pdf.close()
    assert 'data-verdict="valid"' in uploaded
    assert client.post("/verify", data={}).status_code == 422
    assert client.post("/verify", data={"number": "YZCC-1999-0001"}).status_code == 404
    log = client.get("/transparency").get_data(as_text=True)
    assert "sandbox.yizhuang.gov.cn/certificates" in log and 'id="root-fingerprint"' in log
    assert client.get(f"/transparency/{cert.log_index}").status_code == 200
    assert client.get("/transparency/99999").status_code == 404


def test_applicant_sees_own_certificates_and_regulator_revokes_with_confirmation(client, session) -> None:
    flow, cert = exit_case(client, session)
    _, other = exit_case(client, session)
    sign_in(client, flow.users["applicant"])
    listing = client.get("/certificates").get_data(as_text=True)
    assert cert.number in listing and other.number not in listing
    assert (
        client.get(f"/cases/{flow.case_id}/certificate")
        .headers["Location"]
        .endswith(f"/certificates/{cert.id}")
    )
    assert client.get(f"/certificates/{other.id}").status_code == 404
    download = client.get(f"/certificates/{cert.id}/pdf")
    assert download.data.startswith(b"%PDF-")
    download.close()
    assert (
        client.post(f"/certificates/{cert.id}/status", data={"action": "revoke", "reason": "x"}).status_code
        == 403
    )
    client.post("/logout")

    sign_in(client, flow.users["regulator"])
    assert other.number in client.get("/certificates").get_data(as_text=True)
    confirm = client.post(f"/certificates/{cert.id}/status", data={"action": "revoke", "reason": "材料造假"})
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.get_data(as_text=True)
    assert (
        client.post(
            f"/certificates/{cert.id}/status", data={"action": "revoke", "reason": "", "confirm": "yes"}
        ).status_code
        == 422
    )
    done = client.post(
        f"/certificates/{cert.id}/status", data={"action": "revoke", "reason": "材料造假", "confirm": "yes"}
    )
    assert done.status_code == 302  # proposed: still valid until a second regulator confirms
    assert 'data-verdict="valid"' in client.get(f"/c/{cert.id}").get_data(as_text=True)
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert 'id="withdraw-proposal"' in page and 'id="confirm-proposal"' not in page
    assert 'id="propose-status"' not in page  # one proposal waits at a time
    proposal = re.search(r'data-proposal="(\d+)"', page)
    assert proposal is not None
    own = client.post(f"/proposals/{proposal[1]}/confirm", data={"confirm": "yes"})
    assert own.status_code == 403 and "另一名监管人员" in own.get_data(as_text=True)
    client.post("/logout")

    sign_in(client, flow.users["regulator2"])
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert 'id="confirm-proposal"' in page and "材料造假" in page
    dialog = client.post(f"/proposals/{proposal[1]}/confirm")
    assert dialog.status_code == 200 and 'name="confirm" value="yes"' in dialog.get_data(as_text=True)
    assert client.post(f"/proposals/{proposal[1]}/confirm", data={"confirm": "yes"}).status_code == 302
    assert 'data-status="revoked"' in client.get(f"/c/{cert.id}").get_data(as_text=True)
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    proposer, confirmer = flow.users["regulator"].display_name, flow.users["regulator2"].display_name
    assert f"由{proposer}提议，{confirmer}复核确认" in page  # both steps in the certificate's history


def test_admin_rotates_a_key_after_confirming(client, session, login_as) -> None:
    _, cert = exit_case(client, session)
    login_as("admin")
    page = client.get("/admin/keys").get_data(as_text=True)
    assert cert.kid in page
    confirm = client.post("/admin/keys/rotate", data={"use": "assertion"})
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.get_data(as_text=True)
    assert client.post("/admin/keys/rotate", data={"use": "assertion", "confirm": "yes"}).status_code == 302
    session.expire_all()
    assert session.get(SigningKeyRecord, cert.kid).status.value == "retired"
    assert len(session.exec(select(SigningKeyRecord).where(SigningKeyRecord.use == "assertion")).all()) == 3
    assert 'id="sm2-root-fingerprint"' in page and "SM2" in page
    sm2 = client.post("/admin/keys/rotate", data={"use": "root", "algorithm": "SM2"})
    assert "SM2" in sm2.get_data(as_text=True)
    done = client.post("/admin/keys/rotate", data={"use": "root", "algorithm": "SM2", "confirm": "yes"})
    assert done.status_code == 302
    roots = session.exec(select(SigningKeyRecord).where(SigningKeyRecord.use == "root")).all()
    assert sorted((r.algorithm.value, r.status.value) for r in roots) == [
        ("Ed25519", "active"), ("SM2", "active"), ("SM2", "retired")
    ]  # fmt: skip
    assert 'data-verdict="valid"' in client.get(f"/c/{cert.id}").get_data(as_text=True)
