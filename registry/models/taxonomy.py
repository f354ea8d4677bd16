"""Classification tables: sectors, constituencies and the GAP's 16 partner constituent groups.

Their rows are data kept in ``registry.taxonomy`` (with its version date) and written by
``sync_taxonomy``; the tables exist so stakeholders can refer to them by key.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db


class _Term:
    """Columns every taxonomy term has: a stable code, an English name, an order, a version."""

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    position: Mapped[int] = mapped_column(Integer)
    version: Mapped[date] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


class Sector(_Term, db.Model):
    """What kind of body a stakeholder is (one per stakeholder)."""


class Constituency(_Term, db.Model):
    """A group of people a stakeholder speaks for (zero or more per stakeholder)."""


class GapGroup(_Term, db.Model):
    """One of the 16 Partner Constituent Groups of the General Assembly of Partners."""


class GapMapping(db.Model):
    """A sector or a constituency counts towards a GAP group (exactly one of the two is set)."""

    __table_args__ = (UniqueConstraint("sector_code", "constituency_code", "gap_group_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sector_code: Mapped[str | None] = mapped_column(ForeignKey("sector.code"))
    constituency_code: Mapped[str | None] = mapped_column(ForeignKey("constituency.code"))
    gap_group_code: Mapped[str] = mapped_column(ForeignKey("gap_group.code"))
    version: Mapped[date] = mapped_column(Date)

    def __repr__(self) -> str:
        source = self.sector_code or self.constituency_code
        return f"<GapMapping {source} -> {self.gap_group_code}>"
