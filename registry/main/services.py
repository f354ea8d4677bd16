"""Figures for the home page: the public counts the stakeholder list uses, and the newest."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.models import Constituency, Sector, Stakeholder, Status
from registry.stakeholders import queries


def approved_total() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Stakeholder).where(Stakeholder.status == Status.APPROVED)
    )


def counts_by_sector() -> list[tuple[Sector, int]]:
    """Every sector with its number of approved stakeholders, zeros included (who is missing)."""
    return queries.sector_facet(queries.Filters())


def counts_by_constituency() -> list[tuple[Constituency, int]]:
    """Every constituency with the number of approved stakeholders that speak for it."""
    return queries.constituency_facet(queries.Filters())


def newest(limit: int = 8) -> list[Stakeholder]:
    stmt = (
        select(Stakeholder)
        .options(joinedload(Stakeholder.sector))
        .where(Stakeholder.status == Status.APPROVED)
        .order_by(Stakeholder.approved_at.desc(), Stakeholder.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
