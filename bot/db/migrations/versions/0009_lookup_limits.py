"""Status-check limits per client: attempts keep the client's pseudonym; alerts of many clients on one reference.

A reference is no longer locked for everyone after failures from anywhere (that shut its victim out): guessing
locks the conversation or the client's address, and many clients failing one reference slow it and alert staff.

Revision ID: 0009_lookup_limits
Revises: 0008_staff_accounts
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_lookup_limits"
down_revision = "0008_staff_accounts"
branch_labels = None
depends_on = None

ATTEMPT_TABLES = ("case_verification_attempts", "complaint_lookup_attempts")


def upgrade() -> None:
    for table in ATTEMPT_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("client_key", sa.String(length=64), nullable=False, server_default=""))
        op.create_index(f"ix_{table}_client_at", table, ["client_key", "at"])
    op.create_table(
        "lookup_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("reference_key", sa.String(length=64), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("sources", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["staff_users.id"], name=op.f("fk_lookup_alerts_closed_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lookup_alerts")),
    )
    op.create_index(op.f("ix_lookup_alerts_raised_at"), "lookup_alerts", ["raised_at"])
    op.create_index("ix_lookup_alerts_kind_reference_key", "lookup_alerts", ["kind", "reference_key"])


def downgrade() -> None:
    op.drop_index("ix_lookup_alerts_kind_reference_key", table_name="lookup_alerts")
    op.drop_index(op.f("ix_lookup_alerts_raised_at"), table_name="lookup_alerts")
    op.drop_table("lookup_alerts")
    for table in ATTEMPT_TABLES:
        op.drop_index(f"ix_{table}_client_at", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("client_key")
