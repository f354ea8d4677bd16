"""One decision on a reviewable entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column
from registry.models.accounts import User


class Review(db.Model):
    __table_args__ = (Index("ix_review_entry", "entry_type", "entry_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_type: Mapped[str] = mapped_column(String(40))  # "stakeholder", "commitment"
    entry_id: Mapped[int]
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()

    reviewer: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Review {self.entry_type}:{self.entry_id} {self.from_status}->{self.to_status}>"
