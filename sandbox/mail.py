"""E-mail rendering and sending: SMTP when MAIL_SERVER is configured, else files in instance/outbox/.

`services.common.notifications.notify` writes an outbox row per e-mail in the action's transaction; the
outbox worker (`flask --app sandbox outbox run`) hands each to `deliver_email`, which renders it in the
recipient's language and sends it. A failure raises, and the worker retries later.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, get_locale, gettext
from sqlmodel import Session

from sandbox.models.accounts import User
from sandbox.models.base import utcnow
from sandbox.models.notifications import Notification, OutboxMessage
from sandbox.private_files import make_private_dirs, open_private
from sandbox.services.common.outbox import EMAIL, Undeliverable
from workflows.states import CaseState, state_label


def notification_text(notification: Notification, locale: str | None = None) -> str:
    """Return the notification's text in `locale` (default: the current one), state names included."""
    lang = locale or str(get_locale())
    params = dict(notification.params)
    if "state" in params:
        params["state"] = state_label(CaseState(params["state"]), "zh" if lang == "zh" else "en")
    if locale is None:
        return gettext(notification.msgid, **params)
    with force_locale(locale):
        return gettext(notification.msgid, **params)


def notification_path(notification: Notification) -> str | None:
    """The page a notification is about: a mediation agreement, its case, or the redemption it concerns
    (None: no page). The agreement's counter-party cannot open the case, so it is led to the agreement."""
    if notification.kind == "mediation_agreement" and isinstance(notification.params.get("dispute"), int):
        return f"/disputes/{notification.params['dispute']}/agreement"
    if notification.case_id:
        return f"/cases/{notification.case_id}"
    if isinstance(notification.params.get("redemption_id"), int):
        return f"/vouchers/redemptions/{notification.params['redemption_id']}"
    return None


def render(notification: Notification, locale: str) -> tuple[str, str]:
    """Return (subject, body) of a notification in `locale`."""
    text = notification_text(notification, locale)
    with force_locale(locale):
        subject = gettext("Sandbox: %(text)s", text=text[:80])
        footer = gettext("Sign in to the sandbox platform to see the details.")
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    link = base + (notification_path(notification) or "/notifications")
    return subject, f"{text}\n\n{footer}\n{link}\n"


def send(recipient: str, subject: str, body: str) -> None:
    """Send one message through SMTP, or write it to the outbox folder."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="sandbox.local")
    message.set_content(body)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USERNAME"):
                smtp.starttls()
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(current_app.instance_path) / "outbox"
    make_private_dirs(outbox)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    with open_private(outbox / f"{stamp}-{message['Message-ID'].strip('<>').split('@')[0]}.eml") as handle:
        handle.write(bytes(message))


def deliver_email(session: Session, message: OutboxMessage) -> None:
    """Render and send the e-mail of one outbox message (the outbox worker's delivery function)."""
    if message.kind != EMAIL:
        raise Undeliverable(f"not an e-mail: {message.kind}")
    notification = session.get(Notification, message.payload.get("notification_id"))
    user = session.get(User, message.payload.get("user_id"))
    if notification is None or user is None:
        raise Undeliverable("the notification or its recipient no longer exists")
    subject, body = render(notification, str(message.payload.get("locale") or user.locale))
    send(user.email, subject, body)
