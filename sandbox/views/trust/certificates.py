"""Certificate pages for signed-in users: applicants see and download their own, regulators see all and
propose revoking, suspending or reinstating one (with a reason and a confirmation step; a different
regulator confirms it on the same page), admins see and rotate the keys."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext, lazy_gettext

from certificates.keys import KeyAlgorithm, KeyUse
from sandbox.db import get_session
from sandbox.errors import Conflict, NotFound, ValidationFailed
from sandbox.i18n import translate
from sandbox.labels.decisions import ACTION_LABELS as PROPOSAL_ACTIONS
from sandbox.labels.decisions import STATE_LABELS
from sandbox.labels.legal import DECISION_LABELS
from sandbox.labels.trust import STATUS_LABELS
from sandbox.models.accounts import Role
from sandbox.models.certificates import CertificateKind
from sandbox.security import roles_required, signed_in_user
from sandbox.services.common.settings import settings_of
from sandbox.services.decisions import proposals
from sandbox.services.trust import certificates, reissue, signing_keys
from sandbox.services.trust import status as certificate_status
from sandbox.services.trust.signing_keys import ROTATABLE_USES
from sandbox.views.decisions.page import confirmed_by, panel
from sandbox.views.forms import Pagination, field_errors, page_number

bp = Blueprint("certificates", __name__)
ACTION_LABELS = {
    "revoke": lazy_gettext("Revoke"),
    "suspend": lazy_gettext("Suspend"),
    "reinstate": lazy_gettext("Reinstate"),
}


def _visible(cert_id: str) -> certificates.Certificate:
    cert = certificates.get_certificate(get_session(), cert_id)
    if not certificates.can_view_private(signed_in_user(), cert):
        raise NotFound()
    return cert


@bp.get("/certificates")
@roles_required(Role.APPLICANT, Role.REGULATOR)
def certificate_list():
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    result = certificates.list_for(get_session(), actor=signed_in_user(), page=page, per_page=per_page)
    return render_template(
        "certificates/list.html", rows=result.rows, pagination=Pagination(page, per_page, result.total),
        summary=certificates.summary, statuses=STATUS_LABELS,
    )  # fmt: skip


@bp.get("/certificates/<cert_id>")
@roles_required(Role.APPLICANT, Role.REGULATOR)
def certificate_detail(cert_id: str):
    cert, session, user = _visible(cert_id), get_session(), signed_in_user()
    steps = panel(session, user, proposals.for_certificate(session, cert))
    return render_template(
        "certificates/detail.html", cert=cert, summary=certificates.summary(cert), statuses=STATUS_LABELS,
        exemption=cert.kind is CertificateKind.EXEMPTION, decisions=DECISION_LABELS,
        history=certificates.status_history(session, cert), reissues=reissue.history(session, cert),
        carries_sm2=reissue.carries_sm2(cert),
        proposals=steps, proposal_actions=PROPOSAL_ACTIONS, proposal_states=STATE_LABELS,
        confirmed=confirmed_by(steps),
        can_manage=certificates.can_manage(user), errors={}, review_days=settings_of(session).review_days,
    )  # fmt: skip


@bp.get("/cases/<int:case_id>/certificate")
@roles_required(Role.APPLICANT, Role.REGULATOR)
def case_certificate(case_id: int):
    """The certificate of a case (for a link on the case page)."""
    cert = certificates.certificate_for_case(get_session(), case_id)
    if cert is None or not certificates.can_view_private(signed_in_user(), cert):
        raise NotFound()
    return redirect(url_for("certificates.certificate_detail", cert_id=cert.id))


@bp.get("/certificates/<cert_id>/pdf")
@roles_required(Role.APPLICANT, Role.REGULATOR)
def download_pdf(cert_id: str):
    cert = _visible(cert_id)
    path = certificates.pdf_path(get_session(), cert)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"{cert.number}.pdf",
                     etag=cert.pdf_sha256)  # fmt: skip


@bp.post("/certificates/<cert_id>/status")
@roles_required(Role.REGULATOR)
def change_status(cert_id: str):
    """Propose a status change: a confirmation step, then a proposal another regulator must confirm."""
    session = get_session()
    cert = _visible(cert_id)
    action, reason = request.form.get("action", ""), request.form.get("reason", "").strip()
    if action not in certificate_status.ACTIONS:
        raise NotFound()
    if not reason or request.form.get("confirm") != "yes":
        errors = {} if reason or "confirm" not in request.form else {"reason": [gettext("Give the reason.")]}
        status = 200 if reason else 422
        page = render_template("certificates/confirm_status.html", cert=cert, action=action, reason=reason,
                               action_label=str(ACTION_LABELS[action]), errors=errors)  # fmt: skip
        return page, status
    try:
        proposals.propose_status_change(
            session, actor=signed_in_user(), certificate_id=cert.id, action=action, reason=reason
        )
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        message = " ".join(m for ms in field_errors(error).values() for m in ms) if isinstance(
            error, ValidationFailed) else translate(error.message)  # fmt: skip
        flash(message, "error")
        return redirect(url_for("certificates.certificate_detail", cert_id=cert.id))
    session.commit()
    text = gettext("Proposed: %(action)s certificate %(number)s. It changes once another regulator confirms.",
                   action=str(ACTION_LABELS[action]), number=cert.number)  # fmt: skip
    flash(text, "success")
    return redirect(url_for("certificates.certificate_detail", cert_id=cert.id))


@bp.post("/certificates/<cert_id>/reissue")
@roles_required(Role.REGULATOR)
def reissue_certificate(cert_id: str):
    """Re-issue an Ed25519-only certificate with both signatures (one regulator: the facts do not change)."""
    session = get_session()
    cert = _visible(cert_id)
    try:
        reissue.reissue(session, actor=signed_in_user(), certificate_id=cert.id,
                        reason=request.form.get("reason", ""))  # fmt: skip
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        message = " ".join(m for ms in field_errors(error).values() for m in ms) if isinstance(
            error, ValidationFailed) else translate(error.message)  # fmt: skip
        flash(message, "error")
        return redirect(url_for("certificates.certificate_detail", cert_id=cert_id))
    session.commit()
    flash(gettext("%(number)s was re-issued with the Ed25519 and SM2 signatures.", number=cert.number),
          "success")  # fmt: skip
    return redirect(url_for("certificates.certificate_detail", cert_id=cert_id))


@bp.get("/admin/keys")
@roles_required(Role.ADMIN)
def keys():
    session = get_session()
    signing_keys.ensure_keys(session)
    session.commit()
    return render_template(
        "certificates/keys.html", rows=signing_keys.key_rows(session), uses=ROTATABLE_USES,
        algorithms=list(KeyAlgorithm), fingerprint=signing_keys.root_key_fingerprint(session),
        sm2_fingerprint=signing_keys.root_key_fingerprint(session, KeyAlgorithm.SM2),
        font_warning=current_app.extensions.get("sandbox.font_warning"),
    )  # fmt: skip


@bp.post("/admin/keys/rotate")
@roles_required(Role.ADMIN)
def rotate_key():
    session = get_session()
    use = request.form.get("use", "")
    algorithm = request.form.get("algorithm", KeyAlgorithm.ED25519.value)
    if use not in {u.value for u in ROTATABLE_USES} or algorithm not in set(KeyAlgorithm):
        raise NotFound()
    if request.form.get("confirm") != "yes":
        return render_template("certificates/confirm_rotate.html", use=KeyUse(use),
                               algorithm=KeyAlgorithm(algorithm))  # fmt: skip
    row = signing_keys.rotate_key(session, actor=signed_in_user(), use=use, algorithm=algorithm)
    session.commit()
    flash(gettext("A new %(use)s key %(kid)s is active; the previous one is retired.", use=use, kid=row.kid),
          "success")  # fmt: skip
    return redirect(url_for("certificates.keys"))
