"""login failures per (account, address) replace the per-account counter

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import sandbox.models.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sandbox.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "address"),
    )
    op.create_index(op.f("ix_login_failure_user_id"), "login_failure", ["user_id"], unique=False)
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy: copying "user" would delete and
    # re-insert a table every other table refers to.
    op.drop_column("user", "failed_logins")
    op.drop_column("user", "locked_until")


def downgrade() -> None:
    op.add_column(
        "user", sa.Column("locked_until", sandbox.models.base.UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column("user", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.drop_index(op.f("ix_login_failure_user_id"), table_name="login_failure")
    op.drop_table("login_failure")
