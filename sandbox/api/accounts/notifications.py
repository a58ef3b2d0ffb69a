"""API: the signed-in user's notifications; the office's working-day calendar (admins)."""

from __future__ import annotations

from flask import request
from sqlmodel import Field, SQLModel

from sandbox.api.cases.schemas import NotificationList, NotificationPublic
from sandbox.api.params import MAX_PAGE, is_number
from sandbox.api.routing import actor, json_body, respond, route
from sandbox.db import get_session
from sandbox.errors import N_, ValidationFailed
from sandbox.mail import notification_text
from sandbox.models.accounts import Role
from sandbox.models.notifications import Notification
from sandbox.services.cases import calendar
from sandbox.services.common import notifications


def notification_public(row: Notification) -> NotificationPublic:
    return NotificationPublic(
        id=row.id, case_id=row.case_id, kind=row.kind, text=notification_text(row),  # type: ignore[arg-type]
        created_at=row.created_at, read_at=row.read_at,
    )  # fmt: skip


NOTIFICATION_PARAMETERS = (
    {"name": "unread", "in": "query", "required": False, "schema": {"type": "boolean"}},
    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
)


@route("/notifications", "GET", summary="Your notifications, newest first", tags=("notifications",),
       responses={200: NotificationList}, parameters=NOTIFICATION_PARAMETERS)  # fmt: skip
def list_notifications():
    session, user = get_session(), actor()
    page = request.args.get("page", "1")
    rows, total = notifications.list_notifications(
        session,
        user=user,
        unread_only=request.args.get("unread") == "true",
        page=min(int(page), MAX_PAGE) if is_number(page) and int(page) > 0 else 1,
    )
    return respond(
        NotificationList(
            items=[notification_public(row) for row in rows],
            total=total,
            unread=notifications.unread_count(session, user=user),
        )
    )


@route("/notifications/<int:notification_id>/read", "POST", summary="Mark a notification read",
       tags=("notifications",), responses={200: NotificationPublic}, errors=(404,))  # fmt: skip
def read_notification(notification_id: int):
    session = get_session()
    row = notifications.mark_read(session, user=actor(), notification_id=notification_id)
    session.commit()
    return respond(notification_public(row))


class ReadAll(SQLModel):
    marked: int = Field(description="How many notifications were unread and are now read.")
    unread: int


@route("/notifications/read-all", "POST", summary="Mark all your notifications read",
       tags=("notifications",), responses={200: ReadAll})  # fmt: skip
def read_all_notifications():
    session, user = get_session(), actor()
    marked = notifications.mark_all_read(session, user=user)
    session.commit()
    return respond(ReadAll(marked=marked, unread=notifications.unread_count(session, user=user)))


class ArrangementImport(SQLModel):
    toml: str = Field(description='TOML text: year = 2027, holidays = ["2027-01-01", …], workdays = […]')
    source: str = ""


class ArrangementPublic(SQLModel):
    year: int
    holidays: list[str]
    workdays: list[str]
    source: str


@route("/calendar/years", "POST", roles=(Role.ADMIN,), summary="Enter a year's official holiday arrangement",
       tags=("admin",), body=ArrangementImport, responses={201: ArrangementPublic},
       errors=(422,))  # fmt: skip
def import_year():
    body = json_body()
    if not isinstance(body.get("toml"), str):
        raise ValidationFailed.single("toml", N_("This field is required."))
    session = get_session()
    row = calendar.import_arrangement(
        session, actor=actor(), text=body["toml"], source=str(body.get("source", ""))
    )
    session.commit()
    return respond(ArrangementPublic.model_validate(row, from_attributes=True), 201)


@route("/calendar/years", "GET", summary="The years the office has entered", tags=("admin",),
       responses={200: list[ArrangementPublic]})  # fmt: skip
def list_years():
    actor()
    rows = calendar.list_arrangements(get_session())
    return [ArrangementPublic.model_validate(row, from_attributes=True).model_dump() for row in rows]
