"""Staff accounts: API tokens expire and record their revocation; failed sign-ins slow, never lock, an address.

The hard lock (failed_logins, locked_until) goes: anyone who knew an e-mail address could hold it for ever.
Existing tokens expire 90 days after they were made (the default of BOT_API_TOKEN_DAYS).

Revision ID: 0008_staff_accounts
Revises: 0007_privacy
Create Date: 2026-11-23
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0008_staff_accounts"
down_revision = "0007_privacy"
branch_labels = None
depends_on = None

EXISTING_TOKEN_LIFETIME = timedelta(days=90)


def _give_existing_tokens_an_expiry() -> None:
    tokens = sa.table(
        "staff_api_tokens",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    for token_id, created_at in bind.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        bind.execute(
            tokens.update().where(tokens.c.id == token_id).values(expires_at=created_at + EXISTING_TOKEN_LIFETIME)
        )


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
    with op.batch_alter_table("staff_api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    _give_existing_tokens_an_expiry()
    with op.batch_alter_table("staff_api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_table(
        "staff_sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sign_in_failures")),
    )
    op.create_index(op.f("ix_staff_sign_in_failures_at"), "staff_sign_in_failures", ["at"])
    op.create_index("ix_staff_sign_in_failures_email_key_at", "staff_sign_in_failures", ["email_key", "at"])


def downgrade() -> None:
    op.drop_index("ix_staff_sign_in_failures_email_key_at", table_name="staff_sign_in_failures")
    op.drop_index(op.f("ix_staff_sign_in_failures_at"), table_name="staff_sign_in_failures")
    op.drop_table("staff_sign_in_failures")
    with op.batch_alter_table("staff_api_tokens") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
