"""Stakeholders, the constituencies they speak for, and their contact persons."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from registry import countries
from registry.extensions import db
from registry.models._base import created_at_column, one_pending, utcnow
from registry.models.reviews import Decided, Status
from registry.text import clean

if TYPE_CHECKING:
    from registry.models.accounts import Membership, User
    from registry.models.taxonomy import Constituency, Sector


class Scale(enum.StrEnum):
    LOCAL = "local"
    NATIONAL = "national"
    REGIONAL = "regional"
    GLOBAL = "global"


SCALE_LABELS = {
    Scale.LOCAL: _l("Local"),
    Scale.NATIONAL: _l("National"),
    Scale.REGIONAL: _l("Regional"),
    Scale.GLOBAL: _l("Global"),
}


# org-id.guide: a list prefix (country or "XM"/"XI" code, then the list's code), then the
# organization's id in that list, e.g. "XM-DAC-41120", "GB-CHC-1234567", "KE-RCO-12345".
ORG_ID = re.compile(r"^([A-Za-z]{2}-[A-Za-z0-9]{2,})-([A-Za-z0-9][A-Za-z0-9._/:-]*)$")


def normalize_org_identifier(value: str | None) -> str | None:
    """Upper-case the list prefix and trim; the id keeps its case. None when empty."""
    value = clean(value or "")
    if not value:
        return None
    match = ORG_ID.match(value)
    if not match:
        return value
    return f"{match.group(1).upper()}-{match.group(2)}"


def org_identifier_key(value: str | None) -> str | None:
    """The form identifiers are compared in: letter case never tells two organizations apart."""
    value = normalize_org_identifier(value)
    return value.lower() if value else None


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


# Entries in progress: neither public nor archived (the staff's list of work).
IN_PROGRESS_WHERE = "status NOT IN ('approved', 'archived')"


class Stakeholder(db.Model):
    __table_args__ = (
        # Each sort of the public list, and each filter with the default sort: status first
        # (the public sees approved rows only), the id last (keyset pagination's tie-break).
        Index("ix_stakeholder_status_name_id", "status", "name", "id"),
        Index("ix_stakeholder_status_sector_rank", "status", "sector_rank", "name", "id"),
        Index("ix_stakeholder_status_country_rank", "status", "country_rank", "name", "id"),
        Index("ix_stakeholder_status_approved_id", "status", "approved_at", "id"),
        Index("ix_stakeholder_status_sector_name", "status", "sector_code", "name", "id"),
        Index("ix_stakeholder_status_country_name", "status", "country", "name", "id"),
        Index("ix_stakeholder_status_scale_name", "status", "scale", "name", "id"),
        # The commonest pair of filters, kind of body in one country.
        Index(
            "ix_stakeholder_status_sector_country", "status", "sector_code", "country", "name", "id"
        ),
        # Staff's entries in progress (registry.stakeholders.work), newest change first, with
        # and without a state chosen: partial, so the approved million are not in them.
        Index(
            "ix_stakeholder_in_progress_changed",
            "updated_at",
            "id",
            postgresql_where=text(IN_PROGRESS_WHERE),
            sqlite_where=text(IN_PROGRESS_WHERE),
        ),
        Index(
            "ix_stakeholder_in_progress_status_changed",
            "status",
            "updated_at",
            "id",
            postgresql_where=text(IN_PROGRESS_WHERE),
            sqlite_where=text(IN_PROGRESS_WHERE),
        ),
        # "Did you mean …?": trigram similarity on PostgreSQL (a plain index elsewhere); the
        # prefix index is PostgreSQL's alone (registry.database.POSTGRESQL_ONLY_INDEXES).
        Index(
            "ix_stakeholder_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        # The list's text search is name OR acronym: both need the index, or it reads all rows.
        Index(
            "ix_stakeholder_acronym_trgm",
            "acronym",
            postgresql_using="gin",
            postgresql_ops={"acronym": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), active_history=True)  # words are counted
    acronym: Mapped[str | None] = mapped_column(String(30))
    # Counted columns (``registry.counts``) keep their old value on change: active history.
    sector_code: Mapped[str] = mapped_column(ForeignKey("sector.code"), active_history=True)
    country: Mapped[str | None] = mapped_column(String(2), active_history=True)  # ISO alpha-2
    city: Mapped[str | None] = mapped_column(String(120))
    scale: Mapped[Scale] = mapped_column(_enum(Scale), default=Scale.LOCAL, active_history=True)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.DRAFT, active_history=True)
    # Stored sort keys, kept by the validators below: a country by its name, a sector by its
    # place in the taxonomy. Sorting by an expression would read and sort every row.
    country_rank: Mapped[int] = mapped_column(
        SmallInteger, server_default=str(countries.NO_COUNTRY_RANK)
    )
    sector_rank: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # org-id.guide identifier, e.g. "XM-DAC-41120": scheme prefix, then the id in that scheme.
    org_identifier: Mapped[str | None] = mapped_column(String(80))
    # Kept by ``_normalize_identifier``: unique, so "xm-dac-41120" cannot join "XM-DAC-41120",
    # and indexed, so the look-up for an identifier is one index probe.
    org_identifier_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # Set when an administrator merged this entry into another; its URL then redirects there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"), index=True)
    # Optimistic locking: a save based on an older version is refused, never silently applied.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol

    sector: Mapped[Sector] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    merged_into: Mapped[Stakeholder | None] = relationship(remote_side=[id])
    constituencies: Mapped[list[Constituency]] = relationship(
        secondary=stakeholder_constituency, order_by="Constituency.position"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="stakeholder", cascade="all, delete-orphan", order_by="Contact.id"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="stakeholder")

    @validates("country")
    def _rank_country(self, _key: str, value: str | None) -> str | None:
        self.country_rank = countries.rank(value)
        return value

    @validates("sector_code")
    def _rank_sector(self, _key: str, value: str) -> str:
        from registry.taxonomy import SECTOR_RANKS  # the taxonomy imports the models

        self.sector_rank = SECTOR_RANKS.get(value, len(SECTOR_RANKS))
        return value

    @validates("org_identifier")
    def _normalize_identifier(self, _key: str, value: str | None) -> str | None:
        """Every way of setting an identifier (a form, an approved revision, an import)
        stores it normalized, with its comparison key beside it."""
        value = normalize_org_identifier(value)
        self.org_identifier_key = org_identifier_key(value)
        return value

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


class ClaimStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class MembershipClaim(Decided, db.Model):
    """A user asks to act for an organization already in the registry."""

    __table_args__ = (one_pending("uq_membership_claim_pending", "user_id", "stakeholder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")  # who they are, how to verify
    status: Mapped[ClaimStatus] = mapped_column(_enum(ClaimStatus), default=ClaimStatus.PENDING)
    created_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    stakeholder: Mapped[Stakeholder] = relationship()

    def __repr__(self) -> str:
        return f"<MembershipClaim {self.id} user={self.user_id} of {self.stakeholder_id}>"


class Merge(db.Model):
    """Stakeholder ``source`` merged into ``target``: what moved, so it can be undone."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"), index=True)
    source_status: Mapped[str] = mapped_column(String(20))  # restored on undo
    # {"table.column": {"moved": [ids], "removed": [full rows], "superseded": [ids]}, ...}
    moved: Mapped[dict] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at_column()
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    source: Mapped[Stakeholder] = relationship(foreign_keys=[source_id])
    target: Mapped[Stakeholder] = relationship(foreign_keys=[target_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"<Merge {self.id} {self.source_id} -> {self.target_id}>"
