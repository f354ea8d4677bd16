"""Figures for the home page: the maintained public counts, and the newest entries."""

from __future__ import annotations

from sqlalchemy import select

from registry import counts
from registry.extensions import db
from registry.models import Stakeholder, Status
from registry.stakeholders import queries
from registry.stakeholders.queries import Term
from registry.taxonomy import labels


def approved_total() -> int:
    return counts.total(queries.LISTING.key)


def counts_by_sector() -> list[tuple[Term, int]]:
    """Every sector with its number of approved stakeholders, zeros included (who is missing)."""
    found = counts.read(queries.LISTING.key).get("sector", {})
    return [(Term(code, label), found.get(code, 0)) for code, label in labels().sector.items()]


def counts_by_constituency() -> list[tuple[Term, int]]:
    """Every constituency with the number of approved stakeholders that speak for it."""
    found = counts.read(queries.LISTING.key).get("constituency", {})
    names = labels().constituency
    return [(Term(code, label), found.get(code, 0)) for code, label in names.items()]


def newest(limit: int = 8) -> list[Stakeholder]:
    """The latest approvals: the index ``(status, approved_at, id)`` read backwards."""
    stmt = (
        select(Stakeholder)
        .where(Stakeholder.status == Status.APPROVED)
        .order_by(Stakeholder.approved_at.desc(), Stakeholder.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
