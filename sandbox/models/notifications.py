"""In-app notifications (also sent by e-mail) and the office's working-day calendar entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sandbox.models.base import UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    """A message to one user. `dedupe_key` makes repeated sweeps send a notice only once."""

    __table_args__ = (sa.UniqueConstraint("user_id", "dedupe_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    kind: str = Field(max_length=40)
    # Message id and parameters, translated into the reader's language when shown or mailed.
    msgid: str = Field(max_length=500)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    dedupe_key: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HolidayArrangement(SQLModel, table=True):
    """A year's official holidays and make-up working days (调休), entered by the sandbox office.

    Takes precedence over the chinesecalendar package, whose data ends with 2026.
    """

    __tablename__ = "holiday_arrangement"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    holidays: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    workdays: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    source: str = Field(default="", max_length=300)
    entered_by_id: int | None = Field(default=None, foreign_key="user.id")
    entered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """Work to do after a transaction commits, written in that transaction (the transactional outbox).

    `kind` names the work (`email`: the e-mail of one notification); `payload` holds what is needed to do
    it later (ids and the recipient's language), never rendered text. A worker claims due rows
    (`locked_by`/`locked_at`, a lease that expires if the worker dies), does the work and sets `sent_at`;
    a failure counts an attempt and sets the next one further off, until `dead_at` gives up on it.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "sent_at", "dead_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dead_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=500)
    locked_by: str | None = Field(default=None, max_length=100)
    locked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
