"""Decisions: the states of a reviewed entry, a Review row per move of an entry, pending
revisions of approved entries, and the columns every decided request shares."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column, one_pending, utcnow
from registry.models.accounts import User


class Status(enum.StrEnum):
    """States of a reviewable entry (DOMAIN.md, "Workflow of an entry")."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"


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


class Decided:
    """Who decided a request (a revision, a membership claim, a request to join), when, and
    what they said: the columns each decided row shares."""

    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    comment: Mapped[str] = mapped_column(Text, default="")

    @declared_attr
    def decided_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=lambda: [cls.decided_by_id])

    def mark_decided(self, actor: User, comment: str) -> None:
        self.decided_at = utcnow()
        self.decided_by_id = actor.id
        self.comment = comment


class RevisionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Revision(Decided, db.Model):
    """A change proposed to an approved entry of any type; the public sees the approved
    version until an administrator approves this. At most one is pending per entry."""

    __table_args__ = (
        Index("ix_revision_entry", "entry_type", "entry_id"),
        one_pending("uq_revision_pending", "entry_type", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_type: Mapped[str] = mapped_column(String(40))  # an ``EntryType.key``
    entry_id: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)  # the proposed values, by field name
    base_version: Mapped[int]  # the entry's version the proposal was made against
    status: Mapped[RevisionStatus] = mapped_column(
        Enum(
            RevisionStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=RevisionStatus.PENDING,
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Two members continuing the same proposal: the second save is refused, not merged blind.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    def __repr__(self) -> str:
        return f"<Revision {self.id} of {self.entry_type}:{self.entry_id} {self.status}>"
