"""contract disputes name their counter-party; mediation agreements (调解协议书) and their confirmations

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import sandbox.models.base

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place. On SQLite with its reference inline, which ALTER TABLE … ADD COLUMN allows (Alembic
    # would copy the table instead, which other tables' references to disputes stop once it holds rows).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE dispute ADD COLUMN counterparty_org_id INTEGER REFERENCES organisation (id)")
    else:
        op.add_column("dispute", sa.Column("counterparty_org_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_dispute_counterparty_org_id_organisation", "dispute", "organisation",
            ["counterparty_org_id"], ["id"],
        )  # fmt: skip
    op.create_index(op.f("ix_dispute_counterparty_org_id"), "dispute", ["counterparty_org_id"], unique=False)
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
    op.drop_index(op.f("ix_dispute_counterparty_org_id"), table_name="dispute")
    # Other tables refer to disputes, so SQLite (3.35+) drops the column in place; PostgreSQL drops the
    # column's constraint with it.
    with op.batch_alter_table("dispute", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("counterparty_org_id")
