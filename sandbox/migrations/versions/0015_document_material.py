"""documents may name the sector pack's filing material they provide

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("material_id", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("material_id")
