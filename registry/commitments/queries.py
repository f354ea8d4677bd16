"""Read commitments: one commitment with what its page shows, framework items to align to,
and a stakeholder's, an initiative's or an engagement's commitments with their lights."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from registry.commitments.services import ALIGNABLE_KINDS
from registry.extensions import db
from registry.models import Commitment, Framework, FrameworkItem, ProgressReport
from registry.text import escape_like

ITEMS_SHOWN = 20


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


def items_statement(query: str) -> Select:
    """SDG targets and operative paragraphs in use whose code starts with what is typed, or
    whose text has it: "11.1" finds target 11.1, "housing" every target about housing."""
    query = " ".join((query or "").split())
    stmt = (
        select(FrameworkItem)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .options(joinedload(FrameworkItem.framework))
        .where(FrameworkItem.kind.in_(ALIGNABLE_KINDS), FrameworkItem.archived_at.is_(None))
    )
    if not query:
        return stmt.where(False)
    code = escape_like(query.upper().removeprefix("SDG").strip())
    stmt = stmt.where(
        or_(
            func.upper(FrameworkItem.code).like(f"{code}%", escape="\\"),
            FrameworkItem.title.ilike(f"%{escape_like(query)}%", escape="\\"),
            func.upper(Framework.code).like(f"{escape_like(query.upper())}%", escape="\\"),
        )
    )
    return stmt.order_by(Framework.kind, Framework.code, FrameworkItem.position).limit(ITEMS_SHOWN)


def find_items(query: str) -> list[FrameworkItem]:
    return list(db.session.scalars(items_statement(query)))


def items(ids: list[int]) -> list[FrameworkItem]:
    if not ids:
        return []
    stmt = (
        select(FrameworkItem)
        .options(joinedload(FrameworkItem.framework))
        .where(FrameworkItem.id.in_(ids))
        .order_by(FrameworkItem.framework_id, FrameworkItem.position)
    )
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
