"""A second reviewable entry type that exists only in the test schema: a small pledge with
an enum, a date and a child collection, registered by the tests that use it. It proves a new
noun plugs into the review machinery without an edit to the machinery itself.

Its tables are made by ``conftest.reset_schema`` after the migrations (``TABLES``); it has no
foreign key to stakeholders, so the merge references stay the application's own.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask import Blueprint
from sqlalchemy import Date, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models import Stakeholder, Status
from registry.models._base import created_at_column, utcnow
from registry.permissions import requires


class PledgeKind(enum.StrEnum):
    FINANCIAL = "financial"
    IN_KIND = "in_kind"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Pledge(db.Model):
    __tablename__ = "test_pledge"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PledgeKind] = mapped_column(_enum(PledgeKind), default=PledgeKind.IN_KIND)
    due: Mapped[date | None] = mapped_column(Date)
    stakeholder_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.DRAFT)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol

    stakeholder: Mapped[Stakeholder] = relationship(
        primaryjoin="foreign(Pledge.stakeholder_id) == Stakeholder.id"
    )
    items: Mapped[list[PledgeItem]] = relationship(
        cascade="all, delete-orphan", order_by="PledgeItem.id"
    )

    def __repr__(self) -> str:
        return f"<Pledge {self.id} {self.title!r} {self.status}>"


class PledgeItem(db.Model):
    __tablename__ = "test_pledge_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("test_pledge.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    target: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<PledgeItem {self.id} {self.title!r}>"


TABLES = [Pledge.__table__, PledgeItem.__table__]

bp = Blueprint("pledges", __name__)


@bp.route("/pledges/<int:pledge_id>")
@requires("entry.view")
def detail(pledge_id: int):
    """The pledge's own page, which notices link to."""
    pledge = db.get_or_404(Pledge, pledge_id)
    return pledge.title
