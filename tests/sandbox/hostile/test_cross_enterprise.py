"""One enterprise can never reach another's records by changing an id: generated over every route.

The demo gives enterprise A (applicant@demo.sandbox) and seven other enterprises ("B") with one of
everything: cases in every state, documents, plan versions, reports, guidance, disputes with evidence,
exemption requests, certificates, vouchers, redemptions, publication consents, typical cases and
notifications. Signed in as A's applicant — on the pages and with an API token — every rule of
`app.url_map` with an id in its path is requested with B's ids, by every method it has (writes with an
empty body). The answer must be exactly the answer for an id that does not exist (status, and the body
for the API), never a success, and no B name may appear in it. Routes meant for everyone are listed in
PUBLIC with the reason. A new route whose path parameter has no entry in TARGETS fails the test, so
new routes are covered as they are added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import select

from sandbox.db import open_session
from sandbox.demo.people import DEMO_PASSWORD
from sandbox.models.vouchers import Voucher
from sandbox.services.accounts import accounts
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.vouchers import redemptions
from tests.case_flow import PDF
from tests.conftest import make_test_app

A_EMAIL = "applicant@demo.sandbox"
MISSING_ID = 987_654
MISSING_TEXT = "no-such-record"

# Endpoints whose answer for another enterprise's id is legitimately the record itself.
PUBLIC = {
    "verify.landing": "certificate verification page for anyone holding the paper (/c/<id>)",
    "api.get_certificate": "the signed bundle is public, like the verification page (DESIGN §9)",
    "api.certificate_pdf": "the certificate PDF is public (DESIGN §9)",
    "api.certificate_credential": "the signed credential is public, as its bundle is (DESIGN §9)",
    "api.get_status_list": "status lists are public",
    "api.get_registry_entry": "the public registry shows consented fields of filed projects",
    "registry.registry_detail": "the public registry page",
    "api.typical_case_collection": "published typical-case collections are public",
    "typical.collection_pdf": "published typical-case collections are public",
    "verify.log_entry": "the transparency log is public",
    "static": "static files",
}
# Public only once published: an unpublished typical case must look like a missing one.
PUBLIC_WHEN_PUBLISHED = {"api.get_typical_case", "typical.public_detail"}
# Path parameters that are not records of an enterprise: the value used for both requests.
NOT_RECORDS: dict[str, Any] = {
    "event": "withdraw",  # the applicant's own most destructive event
    "action": "withdraw",
    "chart": "cases_by_stage",
    "year": 2026,
    "sector": "general_data",
    "purpose": "revocation",
    "index": 0,
    "filename": "app.css",
    "step": "withdraw",
    "path": "0/000.p/1",  # a public log tile: the same for everyone
    "material_id": "data_source_legality",  # a material the sector pack asks for, not a record
}


def rows(connection: Connection, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in connection.execute(text(sql), params)]


# For each set of record parameters: B's values (several records where states differ) and A's own where a
# nested id of B is tried under A's parent.
Targets = Callable[[Connection, int], list[dict[str, Any]]]
TARGETS: dict[frozenset[str], Targets] = {
    frozenset({"case_id"}): lambda db, a: rows(
        db, 'SELECT MIN(id) AS case_id FROM "case" WHERE enterprise_id != :a GROUP BY state', a=a
    ),
    frozenset({"case_id", "document_id"}): lambda db, a: (
        rows(
            db,
            'SELECT d.case_id, d.id AS document_id FROM document d JOIN "case" c ON c.id = d.case_id '
            "WHERE c.enterprise_id != :a LIMIT 3",
            a=a,
        )
        + rows(
            db,
            'SELECT (SELECT MIN(id) FROM "case" WHERE enterprise_id = :a) AS case_id, d.id AS document_id '
            'FROM document d JOIN "case" c ON c.id = d.case_id WHERE c.enterprise_id != :a LIMIT 1',
            a=a,
        )
    ),
    frozenset({"case_id", "guidance_id"}): lambda db, a: (
        rows(
            db,
            'SELECT g.case_id, g.id AS guidance_id FROM guidance_item g JOIN "case" c ON c.id = g.case_id '
            "WHERE c.enterprise_id != :a LIMIT 3",
            a=a,
        )
        + rows(
            db,
            'SELECT (SELECT MIN(id) FROM "case" WHERE enterprise_id = :a) AS case_id, g.id AS guidance_id '
            'FROM guidance_item g JOIN "case" c ON c.id = g.case_id WHERE c.enterprise_id != :a LIMIT 1',
            a=a,
        )
    ),
    frozenset({"case_id", "support_id"}): lambda db, a: (
        rows(
            db,
            'SELECT s.case_id, s.id AS support_id FROM other_support s WHERE s.enterprise_id != :a LIMIT 3',
            a=a,
        )
        + rows(
            db,
            'SELECT (SELECT MIN(id) FROM "case" WHERE enterprise_id = :a) AS case_id, s.id AS support_id '
            "FROM other_support s WHERE s.enterprise_id != :a LIMIT 1",
            a=a,
        )
    ),
    frozenset({"dispute_id"}): lambda db, a: rows(
        db,
        'SELECT d.id AS dispute_id FROM dispute d JOIN "case" c ON c.id = d.case_id '
        "WHERE c.enterprise_id != :a",
        a=a,
    ),
    frozenset({"dispute_id", "item_id"}): lambda db, a: rows(
        db,
        "SELECT e.dispute_id, e.id AS item_id FROM evidence_item e JOIN dispute d ON d.id = e.dispute_id "
        'JOIN "case" c ON c.id = d.case_id WHERE c.enterprise_id != :a',
        a=a,
    ),
    frozenset({"cert_id"}): lambda db, a: rows(
        db, "SELECT id AS cert_id FROM certificate WHERE enterprise_id != :a", a=a
    ),
    frozenset({"enterprise_id"}): lambda db, a: rows(
        db, "SELECT id AS enterprise_id FROM enterprise WHERE id != :a", a=a
    ),
    frozenset({"user_id"}): lambda db, a: rows(
        db, 'SELECT id AS user_id FROM "user" WHERE enterprise_id IS NOT NULL AND enterprise_id != :a', a=a
    ),
    frozenset({"request_id"}): lambda db, a: rows(
        db,
        'SELECT x.id AS request_id FROM exemption_request x JOIN "case" c ON c.id = x.case_id '
        "WHERE c.enterprise_id != :a",
        a=a,
    ),
    frozenset({"notification_id"}): lambda db, a: rows(
        db,
        'SELECT MIN(n.id) AS notification_id FROM notification n JOIN "user" u ON u.id = n.user_id '
        "WHERE u.enterprise_id IS NULL OR u.enterprise_id != :a GROUP BY n.user_id",
        a=a,
    ),
    frozenset({"voucher_id"}): lambda db, a: rows(
        db, "SELECT id AS voucher_id FROM voucher WHERE enterprise_id != :a", a=a
    ),
    frozenset({"redemption_id"}): lambda db, a: rows(
        db,
        "SELECT r.id AS redemption_id FROM redemption r JOIN voucher v ON v.id = r.voucher_id "
        "WHERE v.enterprise_id != :a",
        a=a,
    ),
    frozenset({"typical_id"}): lambda db, a: rows(
        db,
        'SELECT t.id AS typical_id FROM typical_case t JOIN "case" c ON c.id = t.case_id '
        "WHERE c.enterprise_id != :a",
        a=a,
    ),
    frozenset({"filing_number"}): lambda db, a: rows(
        db,
        'SELECT filing_number FROM "case" WHERE enterprise_id != :a AND filing_number IS NOT NULL LIMIT 2',
        a=a,
    ),
    frozenset({"proposal_id"}): lambda db, a: rows(
        db,
        'SELECT p.id AS proposal_id FROM decision_proposal p JOIN "case" c ON c.id = p.case_id '
        "WHERE c.enterprise_id != :a",
        a=a,
    ),
    # Signing keys belong to the platform, not to an enterprise: same answer as for an unknown key.
    frozenset({"kid"}): lambda db, a: rows(db, "SELECT kid FROM signing_key LIMIT 1"),
}


@pytest.fixture(scope="module")
def demo(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("cross")
    (folder / "sandbox.db").write_bytes(sqlite_template.read_bytes())
    app = make_test_app(f"sqlite:///{folder / 'sandbox.db'}", folder / "instance")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    redeem_another_enterprises_voucher(app)
    yield app
    app.extensions["sandbox.engine"].dispose()


def redeem_another_enterprises_voucher(app: Flask) -> None:
    """The demo's redemptions spend A's voucher; B needs one of its own."""
    with open_session(app, expire_on_commit=True) as session:
        provider = accounts.find_user_by_email(session, "provider@demo.sandbox")
        a = accounts.find_user_by_email(session, A_EMAIL)
        assert provider is not None and a is not None
        statement = select(Voucher).where(
            Voucher.enterprise_id != a.enterprise_id, Voucher.status == "active"
        )
        voucher = session.exec(statement).first()
        assert voucher is not None and voucher.code is not None
        redemptions.request_redemption(
            session,
            actor=provider,
            invoice=PDF,
            invoice_name="发票.pdf",
            storage=Path(app.instance_path) / "uploads" / "invoices",
            today=beijing_today(),
            data={"code": voucher.code, "contract_number": "HT-2026-B-0001", "contract_fee_fen": 1_000_000,
                  "contract_signed_on": beijing_today().isoformat(), "amount_fen": 100_000,
                  "category": "data_annotation"},
        )  # fmt: skip
        session.commit()


def record_parameters(rule: Any) -> frozenset[str]:
    return frozenset(set(rule.arguments) - set(NOT_RECORDS))


def routes_with_ids(app: Flask) -> list[Any]:
    return [rule for rule in app.url_map.iter_rules() if rule.arguments]


def url_for_values(rule: Any, values: dict[str, Any]) -> str:
    merged = {**NOT_RECORDS, **values}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(merged[m.group(1)]), rule.rule)


def missing_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: MISSING_ID if isinstance(v, int) else MISSING_TEXT for k, v in values.items()}


def b_names(db: Connection, a: int) -> list[str]:
    """Words that would only appear if B's data leaked: enterprise names, contacts, case titles."""
    found = [r["name"] for r in rows(db, "SELECT name FROM enterprise WHERE id != :a", a=a)]
    found += [r["contact_name"] for r in rows(db, "SELECT contact_name FROM enterprise WHERE id != :a", a=a)]
    mine = {r["title"] for r in rows(db, 'SELECT title FROM "case" WHERE enterprise_id = :a', a=a)}
    found += [r["title"] for r in rows(db, 'SELECT title FROM "case" WHERE enterprise_id != :a', a=a)]
    return sorted({name for name in found if name and len(name) >= 4 and name not in mine})


def test_every_id_route_has_a_target(demo: Flask) -> None:
    unmapped = [
        f"{rule.rule} ({', '.join(sorted(record_parameters(rule)))})"
        for rule in routes_with_ids(demo)
        if record_parameters(rule) and record_parameters(rule) not in TARGETS
    ]
    assert not unmapped, "add these path parameters to TARGETS or NOT_RECORDS:\n" + "\n".join(unmapped)
    with demo.extensions["sandbox.engine"].connect() as db:
        a = rows(db, 'SELECT enterprise_id FROM "user" WHERE email = :e', e=A_EMAIL)[0]["enterprise_id"]
        for parameters, targets in TARGETS.items():
            assert targets(db, a), f"the demo has no record of another enterprise for {sorted(parameters)}"


def signed_in(demo: Flask, api: bool) -> tuple[FlaskClient, dict[str, str]]:
    client = demo.test_client()
    if api:
        response = client.post("/api/v1/tokens", json={"email": A_EMAIL, "password": DEMO_PASSWORD})
        assert response.status_code == 201
        return client, {"Authorization": f"Bearer {response.get_json()['token']}"}
    assert client.post("/login", data={"email": A_EMAIL, "password": DEMO_PASSWORD}).status_code == 302
    return client, {}


def published(db: Connection, typical_id: int) -> bool:
    found = rows(db, "SELECT status FROM typical_case WHERE id = :i", i=typical_id)
    return bool(found) and found[0]["status"] == "published"


@pytest.mark.parametrize("surface", ["pages", "api"])
def test_another_enterprises_ids_answer_like_missing_ones(demo: Flask, surface: str) -> None:
    api = surface == "api"
    client, headers = signed_in(demo, api)
    problems: list[str] = []
    checked = 0
    with demo.extensions["sandbox.engine"].connect() as db:
        a = rows(db, 'SELECT enterprise_id FROM "user" WHERE email = :e', e=A_EMAIL)[0]["enterprise_id"]
        names = b_names(db, a)
        rules = [rule for rule in routes_with_ids(demo) if rule.rule.startswith("/api/") == api]
        for rule in rules:
            if rule.endpoint in PUBLIC or not record_parameters(rule):
                continue  # public, or no record in the path (a chart name, a log index)
            targets = TARGETS[record_parameters(rule)](db, a)
            assert targets, rule.rule
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                body: dict[str, Any] = {"json": {}} if api and method != "GET" else {}
                missing = client.open(
                    url_for_values(rule, missing_values(targets[0])), method=method, headers=headers, **body
                )
                missing.close()
                for values in targets:
                    if rule.endpoint in PUBLIC_WHEN_PUBLISHED and published(db, values["typical_id"]):
                        continue
                    url = url_for_values(rule, values)
                    response = client.open(url, method=method, headers=headers, **body)
                    page = response.get_data()
                    response.close()
                    checked += 1
                    if response.status_code != missing.status_code:
                        problems.append(
                            f"{method} {url}: {response.status_code}, missing id: {missing.status_code}"
                        )
                    elif api and response.get_json(silent=True) != missing.get_json(silent=True):
                        problems.append(f"{method} {url}: body differs from a missing id's")
                    if response.status_code in (200, 201, 204):
                        problems.append(
                            f"{method} {url}: {response.status_code} for another enterprise's record"
                        )
                    leaked = [name for name in names if name.encode() in page]
                    if leaked:
                        problems.append(f"{method} {url}: shows {leaked}")
    assert checked > (150 if api else 100), checked
    assert not problems, "\n".join(problems)
