"""exact counts kept as tallies, the registry's search index, filing numbers in numeric order

Revision ID: 0019
Revises: 0018

The new tables are derived data: the migration creates them empty and asks `sandbox.db.upgrade` to
fill them with the application's own code once the schema is at head (`derived.rebuild`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

STATES = ("draft", "submitted", "amendment_requested", "risk_assessment", "technical_verification", "testing",
          "suspended", "exit_evaluation", "exited", "dispute", "liability_exemption", "rejected", "withdrawn",
          "terminated")  # fmt: skip


def upgrade() -> None:
    # Plain ALTERs and indexes, no batch rebuild of `case`: SQLite could not drop the table other tables
    # refer to while its foreign keys are on.
    op.add_column("case", sa.Column("filing_order", sa.BigInteger(), nullable=True))
    op.create_index("ix_case_filing_order", "case", ["filing_order"], unique=True)
    op.drop_index("ix_case_sector_filing_number", table_name="case")
    op.drop_index("ix_case_state_filing_number", table_name="case")
    op.create_index("ix_case_filing_order_id", "case", ["filing_order", "id"], unique=False)
    op.create_index("ix_case_sector_filing_order", "case", ["sector", "filing_order", "id"], unique=False)
    op.create_index("ix_case_state_filing_order", "case", ["state", "filing_order", "id"], unique=False)
    # YZSB-2026-0042 → 2026 × 10⁹ + 42 (PREFIX is four letters: the year starts at 6, the number at 11)
    op.execute(
        """UPDATE "case" SET filing_order =
            CAST(substr(filing_number, 6, 4) AS BIGINT) * 1000000000
            + CAST(substr(filing_number, 11) AS BIGINT)
            WHERE filing_number LIKE 'YZSB-____-%'"""
    )
    op.create_table(
        "case_tally",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("state", sa.Enum(*STATES, name="casestate", native_enum=False, length=32), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("filing_year", sa.Integer(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.UniqueConstraint("state", "sector", "overdue", "registered", "filing_year"),
    )
    op.create_table(
        "registry_text",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_table(
        "registry_gram",
        sa.Column("gram", sa.String(length=3), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_registry_gram_case_id", "registry_gram", ["case_id"])
    context.config.attributes["rebuild_derived"] = True


def downgrade() -> None:
    op.drop_index("ix_registry_gram_case_id", table_name="registry_gram")
    op.drop_table("registry_gram")
    op.drop_table("registry_text")
    op.drop_table("case_tally")
    op.drop_index("ix_case_state_filing_order", table_name="case")
    op.drop_index("ix_case_sector_filing_order", table_name="case")
    op.drop_index("ix_case_filing_order_id", table_name="case")
    op.create_index("ix_case_sector_filing_number", "case", ["sector", "filing_number"], unique=False)
    op.create_index("ix_case_state_filing_number", "case", ["state", "filing_number"], unique=False)
    op.drop_index("ix_case_filing_order", table_name="case")
    op.drop_column("case", "filing_order")
