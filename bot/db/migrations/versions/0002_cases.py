"""Cases: Track My Crime cases, their timeline, and verification attempts for the limits.

Revision ID: 0002_cases
Revises: 0001_foundation
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_cases"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("offence", sa.String(length=200), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("verifier_hash", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("status_detail", sa.Text(), nullable=False),
        sa.Column("officer_name", sa.String(length=120), nullable=False),
        sa.Column("officer_contact", sa.String(length=300), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    op.create_table(
        "case_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("status_detail", sa.Text(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_updates_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_updates")),
    )
    op.create_index(op.f("ix_case_updates_case_id"), "case_updates", ["case_id"])
    op.create_table(
        "case_verification_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference_key", sa.String(length=64), nullable=False),
        sa.Column("conversation_key", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_verification_attempts")),
    )
    op.create_index(op.f("ix_case_verification_attempts_at"), "case_verification_attempts", ["at"])
    op.create_index(
        "ix_case_verification_attempts_reference_at", "case_verification_attempts", ["reference_key", "at"]
    )
    op.create_index(
        "ix_case_verification_attempts_conversation_at", "case_verification_attempts", ["conversation_key", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_case_verification_attempts_conversation_at", table_name="case_verification_attempts")
    op.drop_index("ix_case_verification_attempts_reference_at", table_name="case_verification_attempts")
    op.drop_index(op.f("ix_case_verification_attempts_at"), table_name="case_verification_attempts")
    op.drop_table("case_verification_attempts")
    op.drop_index(op.f("ix_case_updates_case_id"), table_name="case_updates")
    op.drop_table("case_updates")
    op.drop_table("cases")
