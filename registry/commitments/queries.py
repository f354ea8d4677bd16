"""Read commitments: one commitment with what its page shows, and a stakeholder's, an
initiative's or an engagement's commitments with their lights."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from registry.extensions import db
from registry.models import Commitment, FrameworkItem, ProgressReport


def get_commitment(commitment_id: int) -> Commitment | None:
    stmt = (
        select(Commitment)
        .options(
            joinedload(Commitment.stakeholder),
            joinedload(Commitment.initiative),
            joinedload(Commitment.engagement),
            selectinload(Commitment.deliverables),
            selectinload(Commitment.resources),
            selectinload(Commitment.alignment).joinedload(FrameworkItem.framework),
            selectinload(Commitment.alignment).joinedload(FrameworkItem.parent),
        )
        .where(Commitment.id == commitment_id)
    )
    return db.session.scalar(stmt)


def reports(commitment: Commitment, with_hidden: bool = False) -> list[ProgressReport]:
    """Its progress reports, newest first, with what each said of each deliverable."""
    stmt = (
        select(ProgressReport)
        .options(
            selectinload(ProgressReport.updates),
            joinedload(ProgressReport.author),
            joinedload(ProgressReport.verified_by),
        )
        .where(ProgressReport.commitment_id == commitment.id)
        .order_by(ProgressReport.reported_on.desc(), ProgressReport.id.desc())
    )
    if not with_hidden:
        stmt = stmt.where(ProgressReport.hidden_at.is_(None))
    return list(db.session.scalars(stmt))


MINE_SHOWN = 50


def of_organizations(stakeholder_ids: list[int]) -> list[Commitment]:
    """The commitments of these organizations in any state, latest change first (a member's
    own list of work: drafts, those in review, public ones); bounded."""
    if not stakeholder_ids:
        return []
    stmt = (
        select(Commitment)
        .options(joinedload(Commitment.stakeholder))
        .where(Commitment.stakeholder_id.in_(stakeholder_ids))
        .order_by(Commitment.updated_at.desc(), Commitment.id.desc())
        .limit(MINE_SHOWN)
    )
    return list(db.session.scalars(stmt))
