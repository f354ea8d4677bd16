"""Figures for the home page, each one SQL query."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.models import Constituency, Sector, Stakeholder, Status
from registry.models.stakeholders import stakeholder_constituency


def approved_total() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Stakeholder).where(Stakeholder.status == Status.APPROVED)
    )


def counts_by_sector() -> list[tuple[Sector, int]]:
    """Every sector with its number of approved stakeholders, zeros included (who is missing)."""
    count = func.count(Stakeholder.id)
    stmt = (
        select(Sector, count)
        .outerjoin(
            Stakeholder,
            and_(Stakeholder.sector_code == Sector.code, Stakeholder.status == Status.APPROVED),
        )
        .group_by(Sector.code)
        .order_by(Sector.position)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def counts_by_constituency() -> list[tuple[Constituency, int]]:
    """Every constituency with the number of approved stakeholders that speak for it."""
    link = stakeholder_constituency
    count = func.count(Stakeholder.id)
    stmt = (
        select(Constituency, count)
        .outerjoin(link, link.c.constituency_code == Constituency.code)
        .outerjoin(
            Stakeholder,
            and_(Stakeholder.id == link.c.stakeholder_id, Stakeholder.status == Status.APPROVED),
        )
        .group_by(Constituency.code)
        .order_by(Constituency.position)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def newest(limit: int = 8) -> list[Stakeholder]:
    stmt = (
        select(Stakeholder)
        .options(joinedload(Stakeholder.sector))
        .where(Stakeholder.status == Status.APPROVED)
        .order_by(Stakeholder.approved_at.desc(), Stakeholder.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
