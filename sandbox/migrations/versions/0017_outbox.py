"""the transactional outbox: e-mails (and later other work) queued in the transaction that causes them

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import sandbox.models.base

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dead_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("locked_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("locked_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outbox_message_due", "outbox_message", ["sent_at", "dead_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_message_due", table_name="outbox_message")
    op.drop_table("outbox_message")
