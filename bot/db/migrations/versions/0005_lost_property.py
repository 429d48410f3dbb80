"""Lost property: found items held by the police and residents' lost-item reports.

Revision ID: 0005_lost_property
Revises: 0004_complaints
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_lost_property"
down_revision = "0004_complaints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "found_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("colour", sa.String(length=60), nullable=False),
        sa.Column("brand", sa.String(length=80), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("found_at", sa.String(length=200), nullable=False),
        sa.Column("held_at", sa.String(length=120), nullable=False),
        sa.Column("dispose_after", sa.Date(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_found_items")),
        sa.UniqueConstraint("reference", name=op.f("uq_found_items_reference")),
    )
    op.create_index(op.f("ix_found_items_dispose_after"), "found_items", ["dispose_after"])
    op.create_index("ix_found_items_category_found_on", "found_items", ["category", "found_on"])
    op.create_table(
        "lost_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("details", sa.String(length=200), nullable=False),
        sa.Column("lost_at", sa.String(length=200), nullable=False),
        sa.Column("lost_on", sa.Date(), nullable=False),
        sa.Column("contact_name", sa.String(length=80), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("matched_item_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'matched', 'returned', 'closed')", name=op.f("ck_lost_reports_status")
        ),
        sa.ForeignKeyConstraint(
            ["matched_item_id"],
            ["found_items.id"],
            name=op.f("fk_lost_reports_matched_item_id_found_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lost_reports")),
        sa.UniqueConstraint("reference", name=op.f("uq_lost_reports_reference")),
    )
    op.create_index(op.f("ix_lost_reports_status"), "lost_reports", ["status"])
    op.create_index(op.f("ix_lost_reports_matched_item_id"), "lost_reports", ["matched_item_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_lost_reports_matched_item_id"), table_name="lost_reports")
    op.drop_index(op.f("ix_lost_reports_status"), table_name="lost_reports")
    op.drop_table("lost_reports")
    op.drop_index("ix_found_items_category_found_on", table_name="found_items")
    op.drop_index(op.f("ix_found_items_dispose_after"), table_name="found_items")
    op.drop_table("found_items")
