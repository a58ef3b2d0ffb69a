"""signing keys name their algorithm: SM2 keys beside the Ed25519 ones; re-issued certificates

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import sandbox.models.base

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("algorithm", sa.String(length=32), nullable=False, server_default="Ed25519")
        )
        batch_op.add_column(sa.Column("public_y", sa.String(length=64), nullable=True))
    op.create_table(
        "certificate_reissue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("certificate_id", sa.String(length=32), sa.ForeignKey("certificate.id"), nullable=False),
        sa.Column("old_credential", sa.JSON(), nullable=False),
        sa.Column("old_sha256", sa.String(length=64), nullable=False),
        sa.Column("old_log_index", sa.Integer(), nullable=False),
        sa.Column("new_log_index", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_certificate_reissue_certificate_id", "certificate_reissue", ["certificate_id"])
    op.create_index("ix_certificate_reissue_old_sha256", "certificate_reissue", ["old_sha256"])


def downgrade() -> None:
    # Keys are never deleted, and an Ed25519-only schema cannot hold an SM2 key: refuse rather than lose one.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM signing_key WHERE algorithm <> 'Ed25519'")).scalar():
        raise RuntimeError("SM2 signing keys exist; downgrading would lose them")
    op.drop_index("ix_certificate_reissue_old_sha256", table_name="certificate_reissue")
    op.drop_index("ix_certificate_reissue_certificate_id", table_name="certificate_reissue")
    op.drop_table("certificate_reissue")
    with op.batch_alter_table("signing_key", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("public_y")
        batch_op.drop_column("algorithm")
