"""Reference agreements (the 2030 Agenda, resolutions) and their hierarchical parts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column


class Framework(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)  # "sdg", "HSP/HA.2/RES.6"
    kind: Mapped[str] = mapped_column(String(30))  # agenda, resolution
    title: Mapped[str] = mapped_column(String(400))
    year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[FrameworkItem]] = relationship(
        back_populates="framework", order_by="FrameworkItem.position", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Framework {self.code}>"


class FrameworkItem(db.Model):
    """A goal, target, indicator or operative paragraph; ``parent`` gives the hierarchy."""

    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("framework_item.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))  # "11", "11.3", "11.3.1", "OP2", "OP2(a)"
    kind: Mapped[str] = mapped_column(String(30))  # goal, target, indicator, paragraph
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)  # English, the source language
    short_title: Mapped[str | None] = mapped_column(String(200))
    # An item taken out of use: kept for what is already aligned to it, offered to nobody.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    framework: Mapped[Framework] = relationship(back_populates="items")
    parent: Mapped[FrameworkItem | None] = relationship(remote_side=[id])
    texts: Mapped[list[FrameworkItemText]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<FrameworkItem {self.code}>"


class FrameworkItemText(db.Model):
    """The title of an item in one of the six UN languages."""

    item_id: Mapped[int] = mapped_column(
        ForeignKey("framework_item.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(10), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    short_title: Mapped[str | None] = mapped_column(String(200))

    item: Mapped[FrameworkItem] = relationship(back_populates="texts")

    def __repr__(self) -> str:
        return f"<FrameworkItemText {self.item_id} {self.lang}>"


class ImplementationState(enum.StrEnum):
    """How far the secretariat's work on a resolution has come (seed 003's three forms)."""

    DONE = "done"
    UNDER_IMPLEMENTATION = "under_implementation"
    PLANNED = "planned"


IMPLEMENTATION_STATE_LABELS = {
    ImplementationState.DONE: _l("Done"),
    ImplementationState.UNDER_IMPLEMENTATION: _l("Under implementation"),
    ImplementationState.PLANNED: _l("Planned"),
}

implementation_status_item = Table(
    "implementation_status_item",
    db.metadata,
    Column(
        "status_id",
        ForeignKey("implementation_status.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("item_id", ForeignKey("framework_item.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_implementation_status_item_item", "item_id"),
)


class ImplementationStatus(db.Model):
    """One dated line of a resolution's implementation, as an officer records it: what was
    done, is under way or is planned (for a period written as people write it, "2024-25",
    kept with the dates it means), and the operative paragraphs it serves (none: the
    resolution as a whole, "Extended to 2025 by Decision 2/1"). Never deleted: a mistake is
    hidden with a reason, so the trail and the briefings already sent stay explainable."""

    __table_args__ = (
        Index("ix_implementation_status_framework", "framework_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    state: Mapped[ImplementationState] = mapped_column(
        Enum(
            ImplementationState,
            native_enum=False,
            length=30,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    period: Mapped[str] = mapped_column(String(40), default="")  # as written: "2024-25"
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)  # plain text; **a phrase** is shown in bold
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()

    framework: Mapped[Framework] = relationship()
    items: Mapped[list[FrameworkItem]] = relationship(
        secondary=implementation_status_item, order_by="FrameworkItem.position"
    )

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self) -> str:
        return f"<ImplementationStatus {self.id} {self.state} of {self.framework_id}>"
