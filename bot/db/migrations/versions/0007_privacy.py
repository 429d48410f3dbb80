"""Privacy: forgotten conversations (a hash of the id and when), checked by the web app and the tracker store.

Keyed pseudonyms need no schema change. Rows written before BOT_SECRET_KEY existed keep their unkeyed
labels: attempt rows go within a day (attempt_limits.ATTEMPT_RETENTION), audit rows with audit retention.

Revision ID: 0007_privacy
Revises: 0006_feedback
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_privacy"
down_revision = "0006_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forgotten_conversations",
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_hash", name=op.f("pk_forgotten_conversations")),
    )
    with op.batch_alter_table("forgotten_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forgotten_conversations_forgotten_at"), ["forgotten_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("forgotten_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forgotten_conversations_forgotten_at"))
    op.drop_table("forgotten_conversations")
