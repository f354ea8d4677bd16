"""Engagements: the events where stakeholders meet (roundtables, conferences, consultations,
workshops, webinars, field visits, forums), the series they belong to, who took part in
which role, and what came out of them.

Times are stored in UTC with the event's IANA time zone beside them: the page shows the
event in its own zone ("12:45-14:45 EAT"), and a change of the zone's rules later (a country
dropping daylight saving) is a fact about the zone, not a change to the stored instant.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column, utcnow

if TYPE_CHECKING:
    from registry.models.accounts import User
    from registry.models.frameworks import FrameworkItem
    from registry.models.initiatives import Initiative
    from registry.models.stakeholders import Stakeholder


class EngagementKind(enum.StrEnum):
    ROUNDTABLE = "roundtable"
    CONFERENCE = "conference"
    CONSULTATION = "consultation"
    WORKSHOP = "workshop"
    WEBINAR = "webinar"
    FIELD_VISIT = "field_visit"
    FORUM = "forum"


KIND_LABELS = {
    EngagementKind.ROUNDTABLE: _l("Roundtable"),
    EngagementKind.CONFERENCE: _l("Conference"),
    EngagementKind.CONSULTATION: _l("Consultation"),
    EngagementKind.WORKSHOP: _l("Workshop"),
    EngagementKind.WEBINAR: _l("Webinar"),
    EngagementKind.FIELD_VISIT: _l("Field visit"),
    EngagementKind.FORUM: _l("Forum"),
}


class ParticipantRole(enum.StrEnum):
    ORGANIZER = "organizer"
    CO_HOST = "co_host"
    SUPPORTER = "supporter"
    PARTNER = "partner"
    SPEAKER = "speaker"
    PARTICIPANT = "participant"


ROLE_LABELS = {
    ParticipantRole.ORGANIZER: _l("Organizer"),
    ParticipantRole.CO_HOST: _l("Co-host"),
    ParticipantRole.SUPPORTER: _l("Supporter"),
    ParticipantRole.PARTNER: _l("Partner"),
    ParticipantRole.SPEAKER: _l("Speaker"),
    ParticipantRole.PARTICIPANT: _l("Participant"),
}

# Who "organized" it, for the list's organizer filter and schema.org's ``organizer``.
ORGANIZING = (ParticipantRole.ORGANIZER, ParticipantRole.CO_HOST)


class OutcomeKind(enum.StrEnum):
    """What seed 001 asks a roundtable to bring out: decisions, success stories, lessons
    learned and what to do next."""

    DECISION = "decision"
    SUCCESS_STORY = "success_story"
    LESSON_LEARNED = "lesson_learned"
    FOLLOW_UP_ACTION = "follow_up_action"


OUTCOME_LABELS = {
    OutcomeKind.DECISION: _l("Decision"),
    OutcomeKind.SUCCESS_STORY: _l("Success story"),
    OutcomeKind.LESSON_LEARNED: _l("Lesson learned"),
    OutcomeKind.FOLLOW_UP_ACTION: _l("Follow-up action"),
}
OUTCOME_HEADINGS = {
    OutcomeKind.DECISION: _l("Decisions"),
    OutcomeKind.SUCCESS_STORY: _l("Success stories"),
    OutcomeKind.LESSON_LEARNED: _l("Lessons learned"),
    OutcomeKind.FOLLOW_UP_ACTION: _l("Follow-up actions"),
}


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


def as_utc(value: datetime) -> datetime:
    """A stored instant as an aware UTC datetime: SQLite hands back naive values."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EngagementSeries(db.Model):
    """Engagements that belong together, e.g. the International Conferences on National
    Urban Policy."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300), unique=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()

    def __repr__(self) -> str:
        return f"<EngagementSeries {self.id} {self.title!r}>"


# The initiatives an engagement served (a conference of a programme, a session of a forum):
# listed on both pages. The primary key serves an engagement's; the index an initiative's.
engagement_initiative = Table(
    "engagement_initiative",
    db.metadata,
    Column("engagement_id", ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True),
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_engagement_initiative_initiative", "initiative_id", "engagement_id"),
)

# The framework items an engagement advances (a consultation on a resolution's paragraph, a
# forum on an SDG target). The primary key serves its page; the index the framework pages.
engagement_alignment = Table(
    "engagement_alignment",
    db.metadata,
    Column("engagement_id", ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("framework_item.id"), primary_key=True),
    Index("ix_engagement_alignment_item", "item_id", "engagement_id"),
)


class Engagement(db.Model):
    __table_args__ = (
        # The list's sort (start, id) for keyset pages, alone and under each filter.
        Index("ix_engagement_start_id", "start_utc", "id"),
        Index("ix_engagement_kind_start", "kind", "start_utc", "id"),
        Index("ix_engagement_country_start", "country", "start_utc", "id"),
        Index("ix_engagement_year_start", "year", "start_utc", "id"),
        # "Upcoming" is everything not yet over.
        Index("ix_engagement_end_start", "end_utc", "start_utc", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # Counted columns (``registry.counts``) keep their old value on change: active history.
    kind: Mapped[EngagementKind] = mapped_column(_enum(EngagementKind), active_history=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    start_utc: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_utc: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name, e.g. "Africa/Nairobi"
    # The year the event starts in, in its own zone: stored, so the year filter has an index
    # and maintained counts (a New Year's Eve event in Nairobi belongs to its local year).
    year: Mapped[int] = mapped_column(SmallInteger, active_history=True)
    venue: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2), active_history=True)  # ISO alpha-2
    online_url: Mapped[str | None] = mapped_column(String(500))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("engagement_series.id"), index=True)
    # Reported attendance: the numbers as reported, and the words they were reported in
    # ("more than 250 policymakers from more than 25 countries").
    attendance_people: Mapped[int | None] = mapped_column(Integer)
    attendance_countries: Mapped[int | None] = mapped_column(Integer)
    attendance_organizations: Mapped[int | None] = mapped_column(Integer)
    attendance_note: Mapped[str | None] = mapped_column(String(300))
    # Upcoming and past come from the dates; a cancelled event stays listed, marked.
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Optimistic locking: an edit based on an older version is refused, never applied.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol

    series: Mapped[EngagementSeries | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    participants: Mapped[list[EngagementParticipant]] = relationship(
        back_populates="engagement",
        cascade="all, delete-orphan",
        order_by="EngagementParticipant.id",
    )
    initiatives: Mapped[list[Initiative]] = relationship(
        secondary=engagement_initiative, order_by="Initiative.title"
    )
    alignment: Mapped[list[FrameworkItem]] = relationship(
        secondary=engagement_alignment, order_by="FrameworkItem.id"
    )
    outcomes: Mapped[list[EngagementOutcome]] = relationship(
        back_populates="engagement",
        cascade="all, delete-orphan",
        order_by=lambda: (EngagementOutcome.position, EngagementOutcome.id),
    )

    @property
    def start(self) -> datetime:
        return as_utc(self.start_utc)

    @property
    def end(self) -> datetime:
        return as_utc(self.end_utc)

    def __repr__(self) -> str:
        return f"<Engagement {self.id} {self.title!r} {self.start_utc:%Y-%m-%d}>"


class EngagementParticipant(db.Model):
    """One stakeholder's part in one engagement, in one role (it may have several)."""

    __table_args__ = (
        UniqueConstraint("engagement_id", "stakeholder_id", "role"),
        # A stakeholder's engagements (its page) and the list's organizer filter.
        Index("ix_engagement_participant_stakeholder", "stakeholder_id", "role", "engagement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"))
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"))
    role: Mapped[ParticipantRole] = mapped_column(_enum(ParticipantRole))
    created_at: Mapped[datetime] = created_at_column()

    engagement: Mapped[Engagement] = relationship(back_populates="participants")
    stakeholder: Mapped[Stakeholder] = relationship()

    def __repr__(self) -> str:
        return (
            f"<EngagementParticipant engagement={self.engagement_id} "
            f"stakeholder={self.stakeholder_id} {self.role.value}>"
        )


class EngagementOutcome(db.Model):
    """Something that came out of an engagement, written afterwards."""

    __table_args__ = (Index("ix_engagement_outcome_position", "engagement_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"))
    kind: Mapped[OutcomeKind] = mapped_column(_enum(OutcomeKind))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at_column()

    engagement: Mapped[Engagement] = relationship(back_populates="outcomes")

    def __repr__(self) -> str:
        return f"<EngagementOutcome {self.id} engagement={self.engagement_id} {self.kind.value}>"
