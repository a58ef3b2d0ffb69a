"""the testing lab's verification conclusion, and the exit decision's reviewer (提交复核)

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import sandbox.models.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_conclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "passed", "passed_with_conditions", "failed",
                name="verificationresult", native_enum=False, length=32,
            ),  # fmt: skip
            nullable=False,
        ),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sandbox.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_verification_conclusion_case_id"), "verification_conclusion", ["case_id"], unique=False
    )
    # Added in place. On SQLite with its reference inline, which ALTER TABLE … ADD COLUMN allows (Alembic
    # would copy the table instead, which other tables' references to cases stop once it holds rows).
    if op.get_bind().dialect.name == "sqlite":
        op.execute('ALTER TABLE "case" ADD COLUMN exit_reviewer_id INTEGER REFERENCES user (id)')
    else:
        op.add_column("case", sa.Column("exit_reviewer_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_case_exit_reviewer_id_user", "case", "user", ["exit_reviewer_id"], ["id"])
    op.create_index(op.f("ix_case_exit_reviewer_id"), "case", ["exit_reviewer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_exit_reviewer_id"), table_name="case")
    # Other tables refer to cases, so SQLite (3.35+) drops the column in place; PostgreSQL drops the
    # column's constraint with it.
    with op.batch_alter_table("case", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("exit_reviewer_id")
    op.drop_index(op.f("ix_verification_conclusion_case_id"), table_name="verification_conclusion")
    op.drop_table("verification_conclusion")
