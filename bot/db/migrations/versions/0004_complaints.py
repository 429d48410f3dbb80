"""Complaints: tickets of the Complaint Resolution Team, their triage flags, notes, status history,
the yearly reference counter and the status-check attempts.

Revision ID: 0004_complaints
Revises: 0003_staff_sessions
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_complaints"
down_revision = "0003_staff_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_complaint_counters")),
    )
    op.create_table(
        "complaint_lookup_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference_key", sa.String(length=64), nullable=False),
        sa.Column("conversation_key", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_lookup_attempts")),
    )
    op.create_index(op.f("ix_complaint_lookup_attempts_at"), "complaint_lookup_attempts", ["at"])
    op.create_index(
        "ix_complaint_lookup_attempts_conversation_at", "complaint_lookup_attempts", ["conversation_key", "at"]
    )
    op.create_index("ix_complaint_lookup_attempts_reference_at", "complaint_lookup_attempts", ["reference_key", "at"])
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("category_triggers", sa.JSON(), nullable=False),
        sa.Column("must_record", sa.Boolean(), nullable=False),
        sa.Column("acknowledge_by", sa.Date(), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("complainant_role", sa.String(length=20), nullable=False),
        sa.Column("has_permission", sa.Boolean(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("preferred_contact", sa.String(length=10), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("incident_date", sa.Date(), nullable=True),
        sa.Column("incident_when", sa.String(length=200), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("people_involved", sa.Text(), nullable=False),
        sa.Column("injury_or_damage", sa.Text(), nullable=False),
        sa.Column("witnesses", sa.Text(), nullable=False),
        sa.Column("reference_numbers", sa.Text(), nullable=False),
        sa.Column("desired_outcome", sa.Text(), nullable=False),
        sa.Column("wants_recorded", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'in_progress', 'recorded', 'service_recovery', 'closed')",
            name=op.f("ck_complaints_status"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"],
            ["staff_users.id"],
            name=op.f("fk_complaints_assigned_to_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("reference", name=op.f("uq_complaints_reference")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_complaints_submission_key")),
    )
    op.create_index(op.f("ix_complaints_assigned_to_id"), "complaints", ["assigned_to_id"])
    op.create_index(op.f("ix_complaints_category"), "complaints", ["category"])
    op.create_index(op.f("ix_complaints_created_at"), "complaints", ["created_at"])
    op.create_index("ix_complaints_queue", "complaints", ["status", "priority", "acknowledge_by"])
    op.create_index(op.f("ix_complaints_sender_id"), "complaints", ["sender_id"])
    op.create_table(
        "complaint_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_flags_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_flags")),
    )
    op.create_index("ix_complaint_flags_code_complaint", "complaint_flags", ["code", "complaint_id"])
    op.create_index(op.f("ix_complaint_flags_complaint_id"), "complaint_flags", ["complaint_id"])
    op.create_table(
        "complaint_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff_users.id"],
            name=op.f("fk_complaint_notes_author_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_notes_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_notes")),
    )
    op.create_index(op.f("ix_complaint_notes_complaint_id"), "complaint_notes", ["complaint_id"])
    op.create_table(
        "complaint_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_complaint_status_changes_changed_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_status_changes_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_status_changes")),
    )
    op.create_index(op.f("ix_complaint_status_changes_complaint_id"), "complaint_status_changes", ["complaint_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_complaint_status_changes_complaint_id"), table_name="complaint_status_changes")
    op.drop_table("complaint_status_changes")
    op.drop_index(op.f("ix_complaint_notes_complaint_id"), table_name="complaint_notes")
    op.drop_table("complaint_notes")
    op.drop_index(op.f("ix_complaint_flags_complaint_id"), table_name="complaint_flags")
    op.drop_index("ix_complaint_flags_code_complaint", table_name="complaint_flags")
    op.drop_table("complaint_flags")
    op.drop_index(op.f("ix_complaints_sender_id"), table_name="complaints")
    op.drop_index("ix_complaints_queue", table_name="complaints")
    op.drop_index(op.f("ix_complaints_created_at"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_category"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_assigned_to_id"), table_name="complaints")
    op.drop_table("complaints")
    op.drop_index("ix_complaint_lookup_attempts_reference_at", table_name="complaint_lookup_attempts")
    op.drop_index("ix_complaint_lookup_attempts_conversation_at", table_name="complaint_lookup_attempts")
    op.drop_index(op.f("ix_complaint_lookup_attempts_at"), table_name="complaint_lookup_attempts")
    op.drop_table("complaint_lookup_attempts")
    op.drop_table("complaint_counters")
