"""Alerts for staff: many clients failing the status check of one reference (bot.services.lookup_alerts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class LookupAlert(Base):
    """One reference whose status checks failed from several clients: checks of it are slowed, and staff told."""

    __tablename__ = "lookup_alerts"
    __table_args__ = (Index("ix_lookup_alerts_kind_reference_key", "kind", "reference_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # the check's audit prefix: "cases" or "complaints"
    # The normalised reference itself, so staff can warn its owner or the force; the audit log has its pseudonym.
    reference: Mapped[str] = mapped_column(String(40))
    reference_key: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    failures: Mapped[int] = mapped_column(default=0)  # failed checks of the reference within the window, so far
    sources: Mapped[int] = mapped_column(default=0)  # different clients (or conversations) among them
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None
    )
