"""Reference agreements (the 2030 Agenda, resolutions) and their hierarchical parts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db


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
