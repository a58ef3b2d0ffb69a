"""Public trust pages, no login: verify a certificate, the QR landing page, the transparency log browser.

Every page runs the same verification as the API and the offline CLI (`sandbox.services.trust.verification`);
verifying (POST) is rate-limited per client address (`VERIFY_RATE_LIMIT`).
The QR landing page cannot see the URL fragment (browsers never send it); `static/verify.js` compares
it in the browser with the digest the page states, and without JavaScript the page says what to compare.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask import session as flask_session
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from sandbox.db import get_session
from sandbox.errors import N_, NotFound, ValidationFailed
from sandbox.extensions import limiter, verify_limited, verify_rate_limit
from sandbox.labels.trust import (
    CERTIFICATE_KIND_LABELS,
    CHECK_LABELS,
    LOG_EVENT_LABELS,
    LOG_KIND_LABELS,
    OUTCOME_LABELS,
    REASON_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
)
from sandbox.services.common.settings import settings_of
from sandbox.services.trust import (
    certificates,
    evidence_cache,
    log_lines,
    signing_keys,
    transparency,
    verification,
)
from sandbox.views.forms import Pagination, field_errors, page_number

bp = Blueprint("verify", __name__)
LABELS = {
    "checks": CHECK_LABELS,
    "outcomes": OUTCOME_LABELS,
    "verdicts": VERDICT_LABELS,
    "statuses": STATUS_LABELS,
    "reasons": REASON_LABELS,
}
LOG_LABELS = {"kinds": LOG_KIND_LABELS, "events": LOG_EVENT_LABELS, "certificates": CERTIFICATE_KIND_LABELS}


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(verify_rate_limit, methods=["POST"], error_message=verify_limited)
def verify_page():
    session = get_session()
    context = {"labels": LABELS, "values": request.form, "errors": {}, "report": None, "compared": None}
    if request.method == "GET":
        return render_template("verify/verify.html", **context)
    upload = request.files.get("file")
    qr, number = request.form.get("qr", "").strip(), request.form.get("number", "").strip()
    try:
        if upload is not None and upload.filename:
            context["report"], context["compared"] = verification.verify_upload(session, upload.read())
        elif qr:
            context["report"] = verification.verify_qr(session, qr)
        elif number:
            context["report"] = verification.verify_number(session, number)
        else:
            raise ValidationFailed.single(
                "file", N_("Choose a file, paste a QR text or type a certificate number.")
            )
    except ValidationFailed as error:
        context["errors"] = field_errors(error)
        return render_template("verify/verify.html", **context), 422
    except NotFound:
        context["errors"] = {"number": [gettext("No certificate has this number.")]}
        return render_template("verify/verify.html", **context), 404
    session.commit()
    return render_template("verify/verify.html", **context)


# Stands in a kept landing page for the CSRF token of the language switch, which is the visitor's own.
CSRF_SLOT = "\x00csrf-token\x00"


@bp.get("/c/<cert_id>")
def landing(cert_id: str):
    """Where a scanned QR code leads: the certificate's facts and the verdict."""
    session = get_session()
    if not _shared_layout():
        page = _landing_page(session, cert_id)
        session.commit()
        return page
    # An anonymous scan with nothing of its own to show (no query, no flashed message) gets the whole page
    # kept for the certificate, its status and the language, with its own CSRF token put in: a scan then
    # costs the status-label check and no template.
    token = generate_csrf()

    def whole_page() -> str:
        return _landing_page(session, cert_id).replace(token, CSRF_SLOT)

    page = evidence_cache.kept_page(session, ("landing-page", cert_id, str(get_locale())), whole_page)
    session.commit()
    return page.replace(CSRF_SLOT, token)


def _shared_layout() -> bool:
    """Whether the layout around a page is the same for every visitor but for the CSRF token."""
    return not current_user.is_authenticated and not request.query_string and "_flashes" not in flask_session


def _landing_page(session, cert_id: str) -> str:
    cert = certificates.get_certificate(session, cert_id)

    def body() -> str:
        report = verification.verify_certificate(session, cert_id)
        return render_template("verify/_landing_body.html", report=report, cert=cert, labels=LABELS)

    # The page's content follows from the report alone: kept, per language, with the evidence it was
    # verified against, so a scan costs a label check and the page around it.
    content = evidence_cache.kept_page(session, ("landing", cert.id, str(get_locale())), body)
    # `content` is our own template's output, autoescaped when it was rendered.
    return render_template("verify/landing.html", body=Markup(content), cert=cert)  # noqa: S704


@bp.get("/transparency")
def log_browser():
    session = get_session()
    signing_keys.ensure_keys(session)
    session.commit()
    latest = transparency.latest_checkpoint(session)
    size = latest.size if latest else 0
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    end = max(size - (page - 1) * per_page, 0)
    rows = list(reversed(transparency.entries(session, max(end - per_page, 0), end)))
    return render_template(
        "verify/log.html",
        latest=latest,
        rows=log_lines.readable(session, rows),
        labels=LOG_LABELS,
        pagination=Pagination(page, per_page, size),
        origin=settings_of(session).trust.log_origin,
        fingerprint=signing_keys.root_key_fingerprint(session),
    )


@bp.get("/transparency/<int:index>")
def log_entry(index: int):
    session = get_session()
    entry = transparency.entry_at(session, index)
    latest = transparency.latest_checkpoint(session)
    if entry is None or latest is None:
        raise NotFound()
    proof = transparency.b64(transparency.inclusion_proof(session, index, latest.size))
    line = log_lines.readable(session, [entry])[0]
    return render_template(
        "verify/entry.html", entry=entry, line=line, labels=LOG_LABELS, latest=latest, proof=proof
    )
