"""redemptions wait for the voucher holder's confirmation: contract date, confirmation time, steps

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import sandbox.models.base

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

STATUS = sa.Enum(
    "awaiting_holder", "requested", "approved", "settled", "declined", "withdrawn", "rejected", "lapsed",
    name="redemptionstatus", native_enum=False, length=32,
)  # fmt: skip
ACTION = sa.Enum(
    "confirm", "decline", "withdraw", "approve", "reject", "settle", "lapse",
    name="redemptionaction", native_enum=False, length=32,
)  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("redemption", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract_signed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("confirmed_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "redemption_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("redemption_id", sa.Integer(), nullable=False),
        sa.Column("action", ACTION, nullable=False),
        sa.Column("from_status", STATUS, nullable=False),
        sa.Column("to_status", STATUS, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["redemption_id"], ["redemption.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("redemption_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redemption_step_redemption_id"), ["redemption_id"], unique=False)
    # Requests still open were never confirmed by the voucher's holder: they wait for that first now.
    op.execute("UPDATE redemption SET status = 'awaiting_holder' WHERE status = 'requested'")


def downgrade() -> None:
    # Before holders confirmed, an open request was "requested" and every request whose amount was given
    # back was "rejected".
    op.execute("UPDATE redemption SET status = 'requested' WHERE status = 'awaiting_holder'")
    op.execute(
        "UPDATE redemption SET status = 'rejected' WHERE status IN ('declined', 'withdrawn', 'lapsed')"
    )
    with op.batch_alter_table("redemption_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redemption_step_redemption_id"))
    op.drop_table("redemption_step")
    # Not a copy-and-move: voucher ledger rows refer to redemptions, so SQLite (3.35+) drops the columns
    # in place.
    with op.batch_alter_table("redemption", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("contract_signed_on")
