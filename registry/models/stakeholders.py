"""Stakeholders, the constituencies they speak for, and their contact persons."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column, utcnow

if TYPE_CHECKING:
    from registry.models.accounts import Membership
    from registry.models.taxonomy import Constituency, Sector


class Status(enum.StrEnum):
    """States of a reviewable entry (DOMAIN.md, "Workflow of an entry")."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"


class Scale(enum.StrEnum):
    LOCAL = "local"
    NATIONAL = "national"
    REGIONAL = "regional"
    GLOBAL = "global"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


stakeholder_constituency = Table(
    "stakeholder_constituency",
    db.metadata,
    Column(
        "stakeholder_id",
        ForeignKey("stakeholder.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("constituency_code", ForeignKey("constituency.code"), primary_key=True, index=True),
)


class Stakeholder(db.Model):
    __table_args__ = (
        Index("ix_stakeholder_status_sector", "status", "sector_code"),
        Index("ix_stakeholder_status_approved_at", "status", "approved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(30))
    sector_code: Mapped[str] = mapped_column(ForeignKey("sector.code"))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    city: Mapped[str | None] = mapped_column(String(120))
    scale: Mapped[Scale] = mapped_column(_enum(Scale), default=Scale.LOCAL)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.DRAFT)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    sector: Mapped[Sector] = relationship()
    constituencies: Mapped[list[Constituency]] = relationship(
        secondary=stakeholder_constituency, order_by="Constituency.position"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="stakeholder", cascade="all, delete-orphan", order_by="Contact.id"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="stakeholder")

    def __repr__(self) -> str:
        return f"<Stakeholder {self.id} {self.name!r} {self.status}>"


class Contact(db.Model):
    """A focal person of a stakeholder: personal data, never public, never exported."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholder.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()

    stakeholder: Mapped[Stakeholder] = relationship(back_populates="contacts")

    def __repr__(self) -> str:
        return f"<Contact {self.id} of stakeholder {self.stakeholder_id}>"
