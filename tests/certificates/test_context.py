"""The shipped JSON-LD context: every term of every credential kind is defined, and a real JSON-LD
processor (pyld) expands each kind we issue without dropping anything — the check jsonld.js calls safe
mode. The document loader serves only the shipped context and the vendored W3C contexts, nothing else."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from pyld import jsonld

from certificates.context import SANDBOX_CONTEXT, SANDBOX_CONTEXT_PATH, sandbox_context_bytes
from certificates.controller import CID_CONTEXT, controller_document
from certificates.credentials import VC_V2_CONTEXT, build_exit_certificate, sign_credential
from certificates.exemption import build_exemption_decision
from certificates.status import StatusList, issue_status_list_credential
from tests.certificates.test_bundle import ASSERTION, ISSUER, STATUS, T0
from tests.certificates.test_controller import lifecycle_keys
from tests.certificates.test_credentials import REVOCATION, SUSPENSION, make_subject
from tests.certificates.test_exemption import SUBJECT

VENDORED = Path(__file__).parent / "data" / "contexts"
SHIPPED = {
    SANDBOX_CONTEXT: SANDBOX_CONTEXT_PATH,
    VC_V2_CONTEXT: VENDORED / "credentials-v2.jsonld",
    CID_CONTEXT: VENDORED / "cid-v1.jsonld",
}
VOCABULARY = "https://sandbox.yizhuang.gov.cn/ns/credentials#"
ISSUER_OBJECT = {"id": ISSUER, "name": [{"@value": "数据监管沙盒办公室", "@language": "zh-CN"}]}
# Values that are JSON, not linked data: their keys are not terms.
OPAQUE = {"testedBoundaries", "liabilityScope"}


def load_shipped(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that knows the shipped files and refuses every other URL."""
    if url not in SHIPPED:
        raise AssertionError(f"the expansion tried to load {url}")
    document = json.loads(SHIPPED[url].read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


class Dropped(AssertionError):
    pass


def expand_safely(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Expand `document`; raise `Dropped` for any property that does not expand, as jsonld.js's safe mode."""
    dropped: list[str | None] = []
    expanded = jsonld.expand(
        copy.deepcopy(dict(document)),
        {"documentLoader": load_shipped, "base": None},
        on_property_dropped=dropped.append,
    )
    if dropped:
        raise Dropped(f"properties dropped by expansion: {dropped}")
    relative = [value for value in _identifiers(expanded) if ":" not in value]
    if relative:
        raise Dropped(f"types or ids that are not absolute IRIs: {relative}")
    return expanded


def _identifiers(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _identifiers(item)
    elif isinstance(value, dict) and "@value" not in value:
        for key, item in value.items():
            if key == "@type":
                yield from item
            elif key == "@id":
                yield item
            else:
                yield from _identifiers(item)


def issued_credentials() -> dict[str, dict[str, Any]]:
    """One signed credential of every kind the application issues, shaped as the application shapes them."""
    common: dict[str, Any] = {"issuer": ISSUER_OBJECT, "valid_from": T0, "statuses": [REVOCATION, SUSPENSION]}
    exit_certificate = build_exit_certificate(make_subject(), credential_id=f"urn:uuid:{uuid4()}", **common)
    exemption = build_exemption_decision(SUBJECT, credential_id=f"urn:uuid:{uuid4()}", **common)
    kinds = {
        "exit certificate": sign_credential(exit_certificate, ASSERTION, created=T0),
        "exemption decision": sign_credential(exemption, ASSERTION, created=T0),
    }
    for purpose in ("revocation", "suspension"):
        status_list = StatusList(f"https://sandbox.yizhuang.gov.cn/api/v1/status/{purpose}", purpose)
        status_list.set(17, at=T0, reason="测试")
        kinds[f"{purpose} list"] = issue_status_list_credential(
            status_list, STATUS.private_key, issuer=ISSUER, verification_method=f"{ISSUER}#{STATUS.kid}",
            issued_at=T0 + timedelta(seconds=1), valid_until=T0 + timedelta(days=1),
        )  # fmt: skip
    return kinds


def defined_terms(context: Mapping[str, Any]) -> set[str]:
    """Every term `context` defines, including those of its scoped contexts."""
    terms = set()
    for term, definition in context.items():
        if not term.startswith("@"):
            terms.add(term)
            if isinstance(definition, Mapping) and isinstance(definition.get("@context"), Mapping):
                terms |= defined_terms(definition["@context"])
    return terms


def used_terms(value: Any) -> set[str]:
    """Every member name in a JSON value, except keywords and inside values that are plain JSON."""
    if isinstance(value, list):
        return set().union(*(used_terms(item) for item in value))
    if not isinstance(value, dict):
        return set()
    names = {key for key in value if not key.startswith("@")}
    return names.union(*(used_terms(item) for key, item in value.items() if key not in OPAQUE))


def test_the_context_defines_the_types_in_one_vocabulary() -> None:
    document = json.loads(sandbox_context_bytes())
    context = document["@context"]
    assert SANDBOX_CONTEXT == "https://sandbox.yizhuang.gov.cn/ns/credentials/v1"
    assert context["@protected"] is True
    assert context["testedBoundaries"] == {
        "@id": f"{VOCABULARY}testedBoundaries", "@type": "@json"
    }  # fmt: skip
    for kind in ("SandboxExitCertificate", "SandboxLiabilityExemption", "SandboxExitSubject",
                 "SandboxLiabilityExemptionSubject"):  # fmt: skip
        assert context[kind] == f"{VOCABULARY}{kind}"
    # Every IRI it mints lives in the one stable vocabulary.
    iris = [d if isinstance(d, str) else d["@id"] for t, d in context.items() if not t.startswith("@")]
    assert all(iri.startswith(VOCABULARY) for iri in iris)


@pytest.mark.parametrize("kind", ["exit certificate", "exemption decision"])
def test_every_member_the_builders_emit_is_a_defined_term(kind: str) -> None:
    vc_terms = json.loads((VENDORED / "credentials-v2.jsonld").read_text(encoding="utf-8"))["@context"]
    ours = json.loads(sandbox_context_bytes())["@context"]
    undefined = used_terms(issued_credentials()[kind]) - defined_terms(vc_terms) - defined_terms(ours)
    assert not undefined


@pytest.mark.parametrize(
    "kind", ["exit certificate", "exemption decision", "revocation list", "suspension list"]
)
def test_every_credential_kind_expands_in_safe_mode(kind: str) -> None:
    credential = issued_credentials()[kind]
    [node] = expand_safely(credential)
    assert "https://www.w3.org/2018/credentials#VerifiableCredential" in node["@type"]
    subject = node["https://www.w3.org/2018/credentials#credentialSubject"][0]
    if kind == "exit certificate":
        boundaries = subject[f"{VOCABULARY}testedBoundaries"][0]
        # Kept as a JSON literal, whatever its keys.
        assert boundaries == {"@type": "@json", "@value": credential["credentialSubject"]["testedBoundaries"]}
    if kind == "exemption decision":
        scope = subject[f"{VOCABULARY}liabilityScope"]
        assert {item["@language"] for item in scope} == {"zh", "en"}


def test_the_controller_document_expands_in_safe_mode() -> None:
    [node] = expand_safely(controller_document(lifecycle_keys(), ISSUER))
    methods = node["https://w3id.org/security#verificationMethod"]
    members = {name for method in methods for name in method}
    assert {f"{VOCABULARY}retired", f"{VOCABULARY}keyRole", "https://w3id.org/security#revoked"} <= members


NESTED = [(), ("credentialSubject",), ("credentialSubject", "enterprise"), ("credentialSubject", "project"),
          ("credentialSubject", "trialPeriod")]  # fmt: skip


@pytest.mark.parametrize("path", NESTED)
def test_an_undefined_term_is_caught(path: tuple[str, ...]) -> None:
    credential = issued_credentials()["exit certificate"]
    target = credential
    for name in path:
        target = target[name]
    target["undefinedTerm"] = "x"
    with pytest.raises(Dropped, match="undefinedTerm"):
        expand_safely(credential)


def test_an_undefined_type_is_caught() -> None:
    credential = issued_credentials()["exemption decision"]
    credential["credentialSubject"]["type"] = "SandboxSomethingElse"
    with pytest.raises(Dropped, match="SandboxSomethingElse"):
        expand_safely(credential)


def test_the_loader_fetches_nothing_else() -> None:
    credential = issued_credentials()["exit certificate"]
    credential["@context"].append("https://example.org/other-context")
    with pytest.raises(jsonld.JsonLdError, match="other-context"):
        expand_safely(credential)
