"""cases carry a hashed progress query code (办件查询码) and their acceptance receipt

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import sandbox.models.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress_code_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column(
                "progress_code_issued_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("receipt_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # Other tables refer to cases, so SQLite (3.35+) drops the columns in place.
    with op.batch_alter_table("case", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("receipt_sha256")
        batch_op.drop_column("progress_code_issued_at")
        batch_op.drop_column("progress_code_hash")
