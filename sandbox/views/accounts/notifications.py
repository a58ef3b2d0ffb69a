"""The notifications page (grouped by case, "mark all as read") and its badge in the navigation."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from sandbox.db import get_session
from sandbox.mail import notification_path, notification_text
from sandbox.models.notifications import Notification
from sandbox.security import login_required, signed_in_user
from sandbox.services.common import notifications
from sandbox.views.forms import Pagination, page_number, safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@dataclass
class Group:
    """The notifications of one case on this page (case None: the others)."""

    case_id: int | None
    title: str
    filing_number: str | None
    items: list[tuple[Notification, str, str | None]] = field(default_factory=list)


def group_by_case(session, rows: list[Notification]) -> list[Group]:
    """Group a page of notifications by case, newest case first; those without a case come last."""
    headings = notifications.case_headings(session, rows)
    groups: dict[int | None, Group] = {}
    for row in rows:
        key = row.case_id if row.case_id in headings else None
        if key not in groups:
            title, number = headings[key] if key is not None else (gettext("Other"), None)
            groups[key] = Group(key, title, number)
        groups[key].items.append((row, notification_text(row), notification_path(row)))
    other = groups.pop(None, None)
    return [*groups.values(), *([other] if other else [])]


@bp.get("")
@login_required
def notification_list():
    user, session = signed_in_user(), get_session()
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    rows, total = notifications.list_notifications(session, user=user, page=page, per_page=per_page)
    return render_template(
        "notifications/list.html",
        groups=group_by_case(session, rows),
        unread=notifications.unread_count(session, user=user),
        pagination=Pagination(page, per_page, total),
    )


@bp.post("/read-all")
@login_required
def mark_all_read():
    session = get_session()
    count = notifications.mark_all_read(session, user=signed_in_user())
    session.commit()
    flash(
        ngettext("%(num)d notification marked as read.", "%(num)d notifications marked as read.", count),
        "success",
    )
    return redirect(url_for("notifications.notification_list"))


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
