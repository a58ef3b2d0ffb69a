"""signing keys name their algorithm: SM2 keys beside the Ed25519 ones

Revision ID: 0018
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("algorithm", sa.String(length=32), nullable=False, server_default="Ed25519")
        )
        batch_op.add_column(sa.Column("public_y", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # Keys are never deleted, and an Ed25519-only schema cannot hold an SM2 key: refuse rather than lose one.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM signing_key WHERE algorithm <> 'Ed25519'")).scalar():
        raise RuntimeError("SM2 signing keys exist; downgrading would lose them")
    with op.batch_alter_table("signing_key", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("public_y")
        batch_op.drop_column("algorithm")
