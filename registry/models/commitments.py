"""Commitments (SMART pledges by one stakeholder), their deliverables, the resources behind
them, their alignment to framework items, and the progress reports that follow them up.

What a commitment's traffic light needs is kept on its row by the services, so the light is
one indexed comparison in the list's query: ``last_activity_on`` (the latest public progress
report, else the day it was published), ``completed_on`` (every deliverable done) and
``next_due_on`` (the earliest due date of a deliverable not yet done: "slipped" when past).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column, utcnow
from registry.models.reviews import Status
from registry.models.stakeholders import _enum

if TYPE_CHECKING:
    from registry.models.accounts import User
    from registry.models.engagements import Engagement
    from registry.models.frameworks import FrameworkItem
    from registry.models.initiatives import Initiative
    from registry.models.stakeholders import Stakeholder


# The framework items (SDG targets, operative paragraphs) a commitment advances. The primary
# key serves a commitment's page; the index the list's goal and target filters.
commitment_alignment = Table(
    "commitment_alignment",
    db.metadata,
    Column("commitment_id", ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("framework_item.id"), primary_key=True),
    Index("ix_commitment_alignment_item", "item_id", "commitment_id"),
)

# Approved commitments not yet completed: the rows whose light depends on the clock.
OPEN_WHERE = "status = 'approved' AND completed_on IS NULL"
APPROVED_WHERE = "status = 'approved'"


class Commitment(db.Model):
    __table_args__ = (
        # Each sort of the public list (approved rows only), the id last for keyset pages.
        Index("ix_commitment_status_title", "status", "title", "id"),
        Index("ix_commitment_status_approved", "status", "approved_at", "id"),
        Index("ix_commitment_status_activity", "status", "last_activity_on", "id"),
        # The traffic light: on track, overdue and inactive are ranges of the last activity
        # among open commitments; completed ones have a date.
        Index(
            "ix_commitment_light_open",
            "last_activity_on",
            "id",
            postgresql_where=text(OPEN_WHERE),
            sqlite_where=text(OPEN_WHERE),
        ),
        Index(
            "ix_commitment_light_completed",
            "completed_on",
            "id",
            postgresql_where=text(APPROVED_WHERE),
            sqlite_where=text(APPROVED_WHERE),
        ),
        # "Slipped deliverables": an open commitment whose next due date has passed.
        Index(
            "ix_commitment_next_due",
            "next_due_on",
            "id",
            postgresql_where=text(OPEN_WHERE),
            sqlite_where=text(OPEN_WHERE),
        ),
        Index("ix_commitment_stakeholder_status", "stakeholder_id", "status", "title", "id"),
        Index("ix_commitment_initiative_status", "initiative_id", "status", "title", "id"),
        Index("ix_commitment_engagement_status", "engagement_id", "status", "title", "id"),
        # The staff's work: commitments in progress, newest change first.
        Index(
            "ix_commitment_in_progress_changed",
            "updated_at",
            "id",
            postgresql_where=text("status NOT IN ('approved', 'archived')"),
            sqlite_where=text("status NOT IN ('approved', 'archived')"),
        ),
        Index(
            "ix_commitment_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id"))
    # The engagement it was announced at ("pledges made at this roundtable").
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.DRAFT, active_history=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Derived and kept by the services (registry.commitments.progress), never typed.
    last_activity_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    next_due_on: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(SmallInteger, default=0)  # percent, 0-100
    deliverable_count: Mapped[int] = mapped_column(SmallInteger, default=0)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Optimistic locking: a save based on an older version is refused, never silently applied.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol

    stakeholder: Mapped[Stakeholder] = relationship()
    initiative: Mapped[Initiative | None] = relationship()
    engagement: Mapped[Engagement | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    deliverables: Mapped[list[Deliverable]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by=lambda: (Deliverable.position, Deliverable.id),
    )
    resources: Mapped[list[Resource]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by=lambda: (Resource.position, Resource.id),
    )
    alignment: Mapped[list[FrameworkItem]] = relationship(
        secondary=commitment_alignment, order_by="FrameworkItem.id"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by=lambda: (ProgressReport.reported_on.desc(), ProgressReport.id.desc()),
    )

    def __repr__(self) -> str:
        return f"<Commitment {self.id} {self.title!r} {self.status}>"


class Deliverable(db.Model):
    """A measurable output: an indicator moving from a baseline to a target by a due date.
    ``achieved`` and ``done_on`` come from the latest public progress report that names it."""

    __table_args__ = (Index("ix_deliverable_commitment", "commitment_id", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    title: Mapped[str] = mapped_column(String(300))
    indicator: Mapped[str | None] = mapped_column(String(300))
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(60))
    due_on: Mapped[date | None] = mapped_column(Date)
    achieved: Mapped[float | None] = mapped_column(Float)
    done_on: Mapped[date | None] = mapped_column(Date)

    commitment: Mapped[Commitment] = relationship(back_populates="deliverables")

    def __repr__(self) -> str:
        return f"<Deliverable {self.id} of {self.commitment_id} {self.title!r}>"


class ResourceKind(enum.StrEnum):
    FINANCIAL = "financial"
    IN_KIND = "in_kind"
    STAFF = "staff"
    TECHNICAL = "technical"


RESOURCE_KIND_LABELS = {
    ResourceKind.FINANCIAL: _l("Financial"),
    ResourceKind.IN_KIND: _l("In kind"),
    ResourceKind.STAFF: _l("Staff"),
    ResourceKind.TECHNICAL: _l("Technical"),
}


class Resource(db.Model):
    """What backs a commitment: money (an amount in an ISO 4217 currency), or in kind, staff
    or technical support described in words."""

    __table_args__ = (Index("ix_resource_commitment", "commitment_id", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    kind: Mapped[ResourceKind] = mapped_column(_enum(ResourceKind))
    amount: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(String(300))

    commitment: Mapped[Commitment] = relationship(back_populates="resources")

    def __repr__(self) -> str:
        return f"<Resource {self.id} of {self.commitment_id} {self.kind}>"


class Verification(enum.StrEnum):
    SELF_REPORTED = "self_reported"
    EVIDENCE = "evidence"  # an evidence link is attached
    VERIFIED = "verified"  # an officer checked it


VERIFICATION_LABELS = {
    Verification.SELF_REPORTED: _l("Self-reported"),
    Verification.EVIDENCE: _l("Evidence attached"),
    Verification.VERIFIED: _l("Verified by an officer"),
}


class ProgressReport(db.Model):
    """A dated update on an approved commitment: public at once, audited; an administrator
    may hide it with a reason (it then no longer counts towards progress or the light)."""

    __table_args__ = (Index("ix_progress_report_commitment", "commitment_id", "reported_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    reported_on: Mapped[date] = mapped_column(Date)
    covers_from: Mapped[date | None] = mapped_column(Date)
    covers_to: Mapped[date | None] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    verification: Mapped[Verification] = mapped_column(
        _enum(Verification), default=Verification.SELF_REPORTED
    )
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at_column()

    commitment: Mapped[Commitment] = relationship(back_populates="reports")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    updates: Mapped[list[DeliverableUpdate]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="DeliverableUpdate.id"
    )

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self) -> str:
        return f"<ProgressReport {self.id} on {self.commitment_id} {self.reported_on}>"


class DeliverableUpdate(db.Model):
    """What one report says of one deliverable: the value achieved so far, or done on a date."""

    __table_args__ = (Index("ix_deliverable_update_deliverable", "deliverable_id", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"))
    deliverable_id: Mapped[int] = mapped_column(ForeignKey("deliverable.id", ondelete="CASCADE"))
    achieved: Mapped[float | None] = mapped_column(Float)
    done_on: Mapped[date | None] = mapped_column(Date)

    report: Mapped[ProgressReport] = relationship(back_populates="updates")
    deliverable: Mapped[Deliverable] = relationship()

    def __repr__(self) -> str:
        return f"<DeliverableUpdate {self.deliverable_id} in report {self.report_id}>"


class ReminderSent(db.Model):
    """A reminder mailed about an overdue commitment: ``flask remind-overdue`` sends one per
    commitment per reminder period, and this row is how it knows."""

    __table_args__ = (Index("ix_reminder_sent_commitment", "commitment_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = created_at_column()
    recipients: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<ReminderSent {self.commitment_id} {self.sent_at:%Y-%m-%d}>"
