"""Counts kept current by the services that change what the public sees (``registry.counts``)."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db


class FacetCount(db.Model):
    """How many public entries of one type have one facet value (``facet`` "" is the total).

    Written in the same transaction as the change it counts, by relative updates
    (``n = n + 1``), so two approvals at once both count: each waits for the other's row lock.
    """

    __tablename__ = "facet_count"

    entry_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    # "sector", or a pair such as "country|sector:grassroots" (countries among grassroots rows)
    facet: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(80), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<FacetCount {self.entry_type}.{self.facet}={self.value!r}: {self.n}>"
