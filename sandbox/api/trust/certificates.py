"""API: exit certificates, verification, status lists, the trust bundle and the transparency log.

Everything here is public (DESIGN.md §9); changing a certificate's status is a two-person decision
(`sandbox.api.decisions.proposals`). Reads may sign on the way (keys created on first use, a status list
re-signed when ageing), so they commit. Verification is rate-limited per client address
(`VERIFY_RATE_LIMIT`): 429 problem+json with Retry-After.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, send_file

from sandbox.api import examples, media
from sandbox.api.params import whole_number
from sandbox.api.routing import actor, json_body, optional_actor, respond, route
from sandbox.api.trust.schemas import (
    CertificateBundleDocument,
    CertificateList,
    CertificateListItem,
    CheckpointDocument,
    ConsistencyProofDocument,
    InclusionProofDocument,
    LogEntriesDocument,
    ReissueRequest,
    ReissueResult,
    TrustBundleDocument,
    VerifiableCredentialDocument,
    VerificationResult,
    VerifyRequest,
)
from sandbox.db import get_session
from sandbox.errors import N_, ValidationFailed
from sandbox.extensions import limiter, verify_limited, verify_rate_limit
from sandbox.labels.trust import report_json
from sandbox.models.accounts import Role
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import certificates, reissue, status_lists, transparency, verification
from sandbox.services.trust import listing as certificate_listing

MAX_ENTRIES = 1000


def _int_arg(name: str, default: int | None = None, *, minimum: int = 0) -> int:
    raw = request.args.get(name)
    if raw is None and default is not None:
        return default
    if raw is None:
        raise ValidationFailed.single(name, N_("Enter a whole number."))
    return whole_number(raw, name, minimum=minimum)


def _query(*names: str) -> tuple[dict[str, Any], ...]:
    return tuple({"name": n, "in": "query", "required": True, "schema": {"type": "integer"}} for n in names)


def _public(data: Any) -> Any:
    response = jsonify(data)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@route("/trust-bundle", "GET", auth=False,
       summary="The trust bundle for offline verification, signed by the root key",
       tags=("trust",), responses={200: TrustBundleDocument})  # fmt: skip
def trust_bundle():
    session = get_session()
    document = verification.signed_trust_bundle(session)
    session.commit()
    return _public(document)


@route("/verify", "POST", auth=False,
       summary="Verify a bundle, a QR string, a number, or an uploaded PDF/JSON file", tags=("trust",),
       body=VerifyRequest, responses={200: VerificationResult}, errors=(404, 413, 422, 429),
       examples=examples.VERIFY_REQUESTS, response_examples={200: examples.VERIFICATION})  # fmt: skip
@limiter.limit(verify_rate_limit, error_message=verify_limited)
def verify_certificate():
    session = get_session()
    compared = None
    upload = request.files.get("file")
    if upload is not None:
        report, compared = verification.verify_upload(session, upload.read())
    else:
        body = json_body()
        if isinstance(body.get("bundle"), dict):
            report = verification.verify_bundle_data(session, body["bundle"])
        elif isinstance(body.get("qr"), str) and body["qr"].strip():
            report = verification.verify_qr(session, body["qr"])
        elif isinstance(body.get("number"), str) and body["number"].strip():
            report = verification.verify_number(session, body["number"])
        elif {"credential", "transparency"} <= set(body):
            report = verification.verify_bundle_data(session, body)
        else:
            raise ValidationFailed.single("body", N_("Send a bundle, a QR string or a certificate number."))
    session.commit()
    return _public(report_json(report, printedQrCompared=compared))


@route("/certificates", "GET", auth=False, optional_auth=True,
       summary="Issued certificates, newest first (paginated): without a token, those of enterprises that "
               "consented to publishing their name; an applicant's token adds its own, a regulator's or "
               "admin's lists all",
       tags=("certificates",), responses={200: CertificateList}, errors=(422,),
       parameters=tuple({"name": n, "in": "query", "required": False, "schema": {"type": "integer"}}
                        for n in ("page", "per_page")))  # fmt: skip
def list_certificates():
    page = _int_arg("page", 1, minimum=1)
    per_page = min(_int_arg("per_page", current_app.config["PAGE_SIZE"], minimum=1), 100)
    result = certificate_listing.list_visible(
        get_session(), actor=optional_actor(), page=page, per_page=per_page
    )
    items = [
        CertificateListItem(id=c.id, number=c.number, status=c.status.value, kind=c.kind.value)
        for c in result.rows
    ]
    response = respond(CertificateList(items=items, page=page, per_page=per_page, total=result.total))
    response.headers["Vary"] = "Authorization"  # what a cache keeps for one caller is not for another
    return response


@route("/certificates/<cert_id>", "GET", auth=False,
       summary="A certificate's bundle, proven against the latest checkpoint",
       tags=("certificates",), responses={200: CertificateBundleDocument}, errors=(404,))  # fmt: skip
def get_certificate(cert_id: str):
    session = get_session()
    cert = certificates.get_certificate(session, cert_id)
    return _public(certificates.make_bundle(session, cert, settings_of(session).trust))


@route("/certificates/<cert_id>/credential", "GET", auth=False,
       summary="The credential itself (W3C VC 2.0 with its proof), as application/vc or, on request, JSON",
       tags=("certificates",), responses={200: VerifiableCredentialDocument}, errors=(404,),
       media_types=media.CREDENTIAL_TYPES)  # fmt: skip
def certificate_credential(cert_id: str):
    cert = certificates.get_certificate(get_session(), cert_id)
    # A credential with both proofs never changes; its status is in the status lists. One with the Ed25519
    # proof alone may still be re-issued with both (`services.trust.reissue`).
    cache = media.IMMUTABLE if reissue.carries_sm2(cert) else "public, max-age=300"
    return media.negotiated_json(cert.credential, media.CREDENTIAL_TYPES, cache_control=cache)


@route("/certificates/<cert_id>/reissue", "POST", roles=(Role.REGULATOR,),
       summary="Re-issue a certificate signed before SM2 keys existed with both proofs (Ed25519 and SM2); "
               "same number and facts, the old credential superseded in the log (regulators)",
       tags=("certificates",), body=ReissueRequest, responses={200: ReissueResult}, errors=(404, 409, 422),
       examples={"holder_asked": {"reason": "持证企业申请补发带国密签名的出盒证明。"}})  # fmt: skip
def reissue_certificate(cert_id: str):
    session = get_session()
    old = certificates.get_certificate(session, cert_id).credential_sha256
    reason = json_body().get("reason")
    cert = reissue.reissue(session, actor=actor(), certificate_id=cert_id,
                           reason=reason if isinstance(reason, str) else "")  # fmt: skip
    session.commit()
    suites = [proof["cryptosuite"] for proof in cert.credential["proof"]]
    return respond(ReissueResult(id=cert.id, number=cert.number, credentialSha256=cert.credential_sha256,
                                 supersedes=old, cryptosuites=suites))  # fmt: skip


@route("/certificates/<cert_id>/pdf", "GET", auth=False, summary="The certificate PDF as issued",
       tags=("certificates",), responses={200: None}, errors=(404,))  # fmt: skip
def certificate_pdf(cert_id: str):
    session = get_session()
    cert = certificates.get_certificate(session, cert_id)
    response = send_file(certificates.pdf_path(session, cert), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{cert.number}.pdf", etag=cert.pdf_sha256)  # fmt: skip
    response.headers["X-Document-SHA256"] = cert.pdf_sha256
    return response


@route("/status/<purpose>", "GET", auth=False,
       summary="A signed Bitstring Status List credential (revocation or suspension), as application/vc",
       tags=("trust",), responses={200: VerifiableCredentialDocument}, errors=(404,),
       media_types=media.CREDENTIAL_TYPES)  # fmt: skip
def get_status_list(purpose: str):
    session = get_session()
    credential = status_lists.current_list(session, status_lists.parse_purpose(purpose))
    session.commit()
    return media.negotiated_json(credential, media.CREDENTIAL_TYPES, cache_control=media.REVALIDATE)


@route("/log/checkpoint", "GET", auth=False, summary="The latest signed checkpoint of the transparency log",
       tags=("transparency",), responses={200: CheckpointDocument}, errors=(404,))  # fmt: skip
def log_checkpoint():
    session = get_session()
    verification.signing_keys.ensure_keys(session)
    session.commit()
    latest = transparency.latest_checkpoint(session)
    assert latest is not None
    time_line = next((line for line in latest.note.split("\n") if line.startswith("time ")), None)
    return _public({
        "origin": settings_of(session).trust.log_origin, "treeSize": latest.size,
        "rootHash": transparency.b64([bytes.fromhex(latest.root_hash)])[0],
        "time": time_line[5:] if time_line else None, "checkpoint": latest.note,
    })  # fmt: skip


@route("/log/proof/inclusion", "GET", auth=False,
       summary="RFC 9162 inclusion proof of entry `index` in the tree of `size`",
       tags=("transparency",), responses={200: InclusionProofDocument}, errors=(422,),
       parameters=_query("index", "size"))  # fmt: skip
def inclusion_proof():
    index, size = _int_arg("index"), _int_arg("size", minimum=1)
    hashes = transparency.inclusion_proof(get_session(), index, size)
    return _public({"leafIndex": index, "treeSize": size, "hashes": transparency.b64(hashes)})


@route("/log/proof/consistency", "GET", auth=False,
       summary="RFC 9162 consistency proof between two tree sizes",
       tags=("transparency",), responses={200: ConsistencyProofDocument}, errors=(422,),
       parameters=_query("first", "second"))  # fmt: skip
def consistency_proof():
    first, second = _int_arg("first"), _int_arg("second")
    hashes = transparency.consistency_proof(get_session(), first, second)
    return _public({"first": first, "second": second, "hashes": transparency.b64(hashes)})


@route("/log/entries", "GET", auth=False, summary="Log entries [start, end), at most 1000 at a time",
       tags=("transparency",), responses={200: LogEntriesDocument}, errors=(422,),
       parameters=_query("start", "end"))  # fmt: skip
def log_entries():
    start, end = _int_arg("start"), _int_arg("end")
    if end < start or end - start > MAX_ENTRIES:
        raise ValidationFailed.single(
            "end", N_("Ask for at most %(count)s entries at a time."), count=MAX_ENTRIES
        )
    rows = transparency.entries(get_session(), start, end)
    return _public({"entries": [row.entry for row in rows]})
