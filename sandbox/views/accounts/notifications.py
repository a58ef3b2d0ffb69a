"""The notifications page and its badge in the navigation."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from sandbox.db import get_session
from sandbox.mail import notification_path, notification_text
from sandbox.security import login_required, signed_in_user
from sandbox.services.common import notifications
from sandbox.views.forms import Pagination, page_number, safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("")
@login_required
def notification_list():
    user, session = signed_in_user(), get_session()
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    rows, total = notifications.list_notifications(session, user=user, page=page, per_page=per_page)
    return render_template(
        "notifications/list.html",
        rows=[(row, notification_text(row), notification_path(row)) for row in rows],
        pagination=Pagination(page, per_page, total),
    )


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    session = get_session()
    notifications.mark_read(session, user=signed_in_user(), notification_id=notification_id)
    session.commit()
    return redirect(
        safe_next(request.form.get("next"))
        if request.form.get("next")
        else url_for("notifications.notification_list")
    )


def unread_badge() -> int:
    """Return the signed-in user's unread count (0 when signed out)."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(get_session(), user=signed_in_user())
