"""Herts Reunited: found items from the property system, and residents' lost reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, utcnow


LOST_REPORT_STATUSES = ("open", "matched", "returned", "closed")


class FoundItem(Base):
    """An item handed in to or recovered by the police, as exported from the property system."""

    __tablename__ = "found_items"
    __table_args__ = (Index("ix_found_items_category_found_on", "category", "found_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    # A code of bot.services.lost_property.items.CATEGORIES.
    category: Mapped[str] = mapped_column(String(30))
    # Staff only: the property system's text can name the owner ("cards in the name of ..."); the chat never shows it.
    description: Mapped[str] = mapped_column(String(500))
    colour: Mapped[str] = mapped_column(String(60), default="")
    brand: Mapped[str] = mapped_column(String(80), default="")
    found_on: Mapped[date] = mapped_column(Date)
    found_at: Mapped[str] = mapped_column(String(200))
    held_at: Mapped[str] = mapped_column(String(120))
    dispose_after: Mapped[date] = mapped_column(Date, index=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class LostReport(Base):
    """A resident's report of a lost item, left in the chat for staff to match against found items."""

    __tablename__ = "lost_reports"
    __table_args__ = (CheckConstraint("status IN ('open', 'matched', 'returned', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(String(200), default="")  # colour, brand, marks: as the resident typed them
    lost_at: Mapped[str] = mapped_column(String(200))
    lost_on: Mapped[date] = mapped_column(Date)
    # Personal data: shown to signed-in staff only, never logged, audited or shown in the chat.
    contact_name: Mapped[str] = mapped_column(String(80))
    contact: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    matched_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("found_items.id", ondelete="SET NULL"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    matched_item: Mapped[FoundItem | None] = relationship()
