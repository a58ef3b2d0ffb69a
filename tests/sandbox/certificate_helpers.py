"""Helpers for the certificate tests: an exited case with its certificate, bundles and trust bundles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from certificates.keys import KeyUse
from sandbox.models.base import utcnow
from sandbox.models.certificates import Certificate
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import signing_keys, transparency
from tests.case_flow import CaseFlow


def exit_case(client: FlaskClient, session: Session) -> tuple[CaseFlow, Certificate]:
    """Drive a new case to exit through the API and return the flow and its certificate row."""
    flow = CaseFlow(client, session)
    flow.to("exited")
    session.expire_all()
    cert = session.exec(select(Certificate).where(Certificate.case_id == flow.case_id)).one()
    return flow, cert


def ed25519_only_certificate(client: FlaskClient, session: Session) -> Certificate:
    """A certificate issued two days ago as the service did before SM2 keys existed: Ed25519 keys only,
    the credential and the checkpoints signed by them alone. The SM2 keys are created on the next use."""
    real_now = signing_keys.now_seconds
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing_keys, "now_seconds", lambda: real_now() - timedelta(days=2))
        ed25519_only = tuple((use, signing_keys.ED25519) for use in signing_keys.LAZY_USES)
        patch.setattr(signing_keys, "LAZY_KEYS", ed25519_only)
        patch.setattr(signing_keys, "sm2_signing_key", lambda *args, **kwargs: None)
        patch.setattr(signing_keys, "log_signers", lambda session, settings: [
            signing_keys.signing_key(session, KeyUse.LOG, settings)
        ])  # fmt: skip
        _, cert = exit_case(client, session)
    return cert


def bundle_of(client: FlaskClient, cert_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/certificates/{cert_id}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def verify(client: FlaskClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/verify", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {check["name"]: check["outcome"] for check in report["checks"]}


def grow_log(session: Session, count: int) -> int:
    """Append `count` filler key entries to the transparency log (in one transaction); return its size.

    Real issuance takes seconds per certificate; tile tests need the log past 256 entries.
    """
    signing_keys.ensure_keys(session)
    settings = settings_of(session).trust
    transparency.lock_log(session)
    log_key = signing_keys.signing_key(session, KeyUse.LOG, settings)
    for number in range(count):
        transparency.append(session, "key", at=utcnow(), log_key=log_key, origin=settings.log_origin,
                            kid=f"filler-{number}", event="test")  # fmt: skip
    session.commit()
    return transparency.log_size(session)
