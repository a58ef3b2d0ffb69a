"""enterprise size declarations, other support declared per project, and the size a voucher used

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import sandbox.models.base

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "size_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("industry", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("operating_revenue_fen", sa.BigInteger(), nullable=False),
        sa.Column("total_assets_fen", sa.BigInteger(), nullable=True),
        sa.Column(
            "size",
            sa.Enum("large", "medium", "small", "micro", name="enterprisesize", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("declared_by_id", sa.Integer(), nullable=False),
        sa.Column("declared_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["declared_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "version"),
    )
    op.create_index(op.f("ix_size_declaration_enterprise_id"), "size_declaration", ["enterprise_id"])
    op.create_table(
        "other_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("programme", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("received", "applied", name="supportstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("granted_on", sa.Date(), nullable=True),
        sa.Column("approval_number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=False),
        sa.Column("declared_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column("corrected_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("correction_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["corrected_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["declared_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_other_support_case_id"), "other_support", ["case_id"])
    op.create_index(op.f("ix_other_support_enterprise_id"), "other_support", ["enterprise_id"])
    # Added in place: ledger rows and redemptions refer to vouchers, so SQLite gets the reference inline
    # (ALTER TABLE … ADD COLUMN allows it) instead of a copied table.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE voucher ADD COLUMN size_declaration_id INTEGER REFERENCES size_declaration (id)"
        )
    else:
        op.add_column("voucher", sa.Column("size_declaration_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_voucher_size_declaration_id", "voucher", "size_declaration", ["size_declaration_id"], ["id"]
        )
    op.add_column(
        "voucher", sa.Column("enterprise_size", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("voucher", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("enterprise_size")
        batch_op.drop_column("size_declaration_id")
    op.drop_index(op.f("ix_other_support_enterprise_id"), table_name="other_support")
    op.drop_index(op.f("ix_other_support_case_id"), table_name="other_support")
    op.drop_table("other_support")
    op.drop_index(op.f("ix_size_declaration_enterprise_id"), table_name="size_declaration")
    op.drop_table("size_declaration")
