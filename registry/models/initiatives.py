"""Initiatives (what people work on together) and partnerships (the tie of one stakeholder to
one initiative, with its role, basis and period)."""

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
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column, utcnow
from registry.models.reviews import Decided
from registry.models.stakeholders import _enum

if TYPE_CHECKING:
    from registry.models.accounts import User
    from registry.models.frameworks import FrameworkItem
    from registry.models.stakeholders import Stakeholder


class InitiativeKind(enum.StrEnum):
    PROGRAMME = "programme"
    PROJECT = "project"
    COALITION = "coalition"
    POLICY_PROCESS = "policy_process"  # e.g. a National Urban Policy
    CAMPAIGN = "campaign"
    KNOWLEDGE_PLATFORM = "knowledge_platform"


INITIATIVE_KIND_LABELS = {
    InitiativeKind.PROGRAMME: _l("Programme"),
    InitiativeKind.PROJECT: _l("Project"),
    InitiativeKind.COALITION: _l("Coalition"),
    InitiativeKind.POLICY_PROCESS: _l("Policy process"),
    InitiativeKind.CAMPAIGN: _l("Campaign"),
    InitiativeKind.KNOWLEDGE_PLATFORM: _l("Knowledge platform"),
}


class InitiativeStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


INITIATIVE_STATUS_LABELS = {
    InitiativeStatus.PLANNED: _l("Planned"),
    InitiativeStatus.ACTIVE: _l("Active"),
    InitiativeStatus.COMPLETED: _l("Completed"),
    InitiativeStatus.DISCONTINUED: _l("Discontinued"),
}


# The framework items (SDG targets, operative paragraphs) an initiative advances. The primary
# key serves an initiative's page; the index a framework page, an item's page and the list's
# alignment filter.
initiative_alignment = Table(
    "initiative_alignment",
    db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("framework_item.id"), primary_key=True),
    Index("ix_initiative_alignment_item", "item_id", "initiative_id"),
)


class Initiative(db.Model):
    """A programme, project, coalition, policy process, campaign or knowledge platform. Made
    by staff, so public at once (audited); every row is in the public list."""

    __table_args__ = (
        # Each sort of the public list, and each column filter with the default sort; the id
        # last (keyset pagination's tie-break). Countries and partners filter through their
        # own tables' indexes.
        Index("ix_initiative_title_id", "title", "id"),
        Index("ix_initiative_kind_title", "kind", "title", "id"),
        Index("ix_initiative_status_title", "status", "title", "id"),
        Index("ix_initiative_starts_id", "starts_on", "id"),
        Index("ix_initiative_created_id", "created_at", "id"),
        Index("ix_initiative_kind_starts", "kind", "starts_on", "id"),
        Index("ix_initiative_status_starts", "status", "starts_on", "id"),
        # The list's title search: trigrams on PostgreSQL (a plain index elsewhere).
        Index(
            "ix_initiative_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # Counted columns (``registry.counts``) keep their old value on change: active history.
    kind: Mapped[InitiativeKind] = mapped_column(_enum(InitiativeKind), active_history=True)
    status: Mapped[InitiativeStatus] = mapped_column(
        _enum(InitiativeStatus), default=InitiativeStatus.ACTIVE, active_history=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    lead_stakeholder_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder.id"), index=True
    )
    cities: Mapped[str | None] = mapped_column(String(300))  # as written: "Nakuru, Kisumu"
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    website: Mapped[str | None] = mapped_column(String(300))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Optimistic locking: a save based on an older version is refused, never silently applied.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol

    lead: Mapped[Stakeholder | None] = relationship(foreign_keys=[lead_stakeholder_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    countries: Mapped[list[InitiativeCountry]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="InitiativeCountry.code"
    )
    partnerships: Mapped[list[Partnership]] = relationship(
        back_populates="initiative", order_by="Partnership.id"
    )
    alignment: Mapped[list[FrameworkItem]] = relationship(
        secondary=initiative_alignment, order_by="FrameworkItem.id"
    )

    @property
    def country_codes(self) -> list[str]:
        return [country.code for country in self.countries]

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.title!r} {self.status}>"


class InitiativeCountry(db.Model):
    """A country an initiative works in (ISO 3166-1 alpha-2): the country filter's link."""

    __table_args__ = (Index("ix_initiative_country_code", "code", "initiative_id"),)

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(2), primary_key=True)

    initiative: Mapped[Initiative] = relationship(back_populates="countries")

    def __repr__(self) -> str:
        return f"<InitiativeCountry {self.initiative_id} {self.code}>"


class PartnershipRole(enum.StrEnum):
    LEAD = "lead"
    CO_LEAD = "co_lead"
    IMPLEMENTING = "implementing"
    FUNDING = "funding"
    TECHNICAL = "technical"  # technical or knowledge partner
    PARTICIPANT = "participant"


PARTNERSHIP_ROLE_LABELS = {
    PartnershipRole.LEAD: _l("Lead"),
    PartnershipRole.CO_LEAD: _l("Co-lead"),
    PartnershipRole.IMPLEMENTING: _l("Implementing partner"),
    PartnershipRole.FUNDING: _l("Funding partner"),
    PartnershipRole.TECHNICAL: _l("Technical or knowledge partner"),
    PartnershipRole.PARTICIPANT: _l("Participant"),
}


class PartnershipBasis(enum.StrEnum):
    MOU = "mou"
    AGREEMENT = "agreement"
    LETTER = "letter"
    INFORMAL = "informal"


PARTNERSHIP_BASIS_LABELS = {
    PartnershipBasis.MOU: _l("Memorandum of understanding"),
    PartnershipBasis.AGREEMENT: _l("Agreement"),
    PartnershipBasis.LETTER: _l("Letter"),
    PartnershipBasis.INFORMAL: _l("Informal"),
}


class PartnershipStatus(enum.StrEnum):
    PROPOSED = "proposed"  # a member asked to join; staff confirm or decline
    ACTIVE = "active"
    ENDED = "ended"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the member took the request back before it was decided


PARTNERSHIP_STATUS_LABELS = {
    PartnershipStatus.PROPOSED: _l("Proposed"),
    PartnershipStatus.ACTIVE: _l("Active"),
    PartnershipStatus.ENDED: _l("Ended"),
    PartnershipStatus.DECLINED: _l("Declined"),
    PartnershipStatus.WITHDRAWN: _l("Withdrawn"),
}

# A stakeholder holds at most one open (proposed or active) partnership per initiative: the
# database decides, so two requests racing cannot both get in.
OPEN_WHERE = "status IN ('proposed', 'active')"


class Partnership(Decided, db.Model):
    __table_args__ = (
        Index(
            "uq_partnership_open",
            "initiative_id",
            "stakeholder_id",
            unique=True,
            postgresql_where=text(OPEN_WHERE),
            sqlite_where=text(OPEN_WHERE),
        ),
        Index("ix_partnership_initiative_status", "initiative_id", "status"),
        Index("ix_partnership_stakeholder_status", "stakeholder_id", "status", "initiative_id"),
        # The review queue's rows: proposed partnerships, oldest first.
        Index(
            "ix_partnership_proposed",
            "created_at",
            "id",
            postgresql_where=text("status = 'proposed'"),
            sqlite_where=text("status = 'proposed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"))
    role: Mapped[PartnershipRole] = mapped_column(_enum(PartnershipRole))
    basis: Mapped[PartnershipBasis] = mapped_column(
        _enum(PartnershipBasis), default=PartnershipBasis.INFORMAL
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[PartnershipStatus] = mapped_column(
        _enum(PartnershipStatus), default=PartnershipStatus.ACTIVE
    )
    message: Mapped[str] = mapped_column(Text, default="")  # a request's "why we should join"
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol

    initiative: Mapped[Initiative] = relationship(back_populates="partnerships")
    stakeholder: Mapped[Stakeholder] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])

    def __repr__(self) -> str:
        return (
            f"<Partnership {self.id} {self.stakeholder_id} in {self.initiative_id} "
            f"{self.role} {self.status}>"
        )
