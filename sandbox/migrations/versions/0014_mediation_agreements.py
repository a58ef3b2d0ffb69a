"""contract disputes name their counter-party; mediation agreements (调解协议书) and their confirmations

Revision ID: 0014
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import sandbox.models.base

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counterparty_org_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_dispute_counterparty_org_id"), ["counterparty_org_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_dispute_counterparty_org_id_organisation", "organisation", ["counterparty_org_id"], ["id"]
        )
    op.create_table(
        "mediation_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("terms", sa.String(length=10000), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("enterprise_confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_confirmed_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("counterparty_confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("counterparty_confirmed_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["counterparty_confirmed_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["dispute_id"], ["dispute.id"]),
        sa.ForeignKeyConstraint(["enterprise_confirmed_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["mediator_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dispute_id"),
    )


def downgrade() -> None:
    op.drop_table("mediation_agreement")
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.drop_constraint("fk_dispute_counterparty_org_id_organisation", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_dispute_counterparty_org_id"))
        batch_op.drop_column("counterparty_org_id")
