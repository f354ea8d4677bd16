"""The review queue: what waits for an administrator, and the decisions on membership requests.

Stakeholder and revision decisions go through ``registry.workflow`` and
``registry.stakeholders.revisions``; this module only finds what waits and decides claims.
Operations flush and audit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, cast, exists, func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from registry import audit, notifications
from registry.extensions import db
from registry.models import (
    ClaimStatus,
    Membership,
    MembershipClaim,
    Review,
    RevisionStatus,
    Stakeholder,
    StakeholderRevision,
    Status,
    User,
)
from registry.models._base import utcnow
from registry.stakeholders import revisions
from registry.stakeholders.display import display
from registry.workflow import CommentRequired, TransitionNotAllowed

STAKEHOLDER = "stakeholder"
REVISION = "revision"
CLAIM = "claim"

KIND_LABELS = {
    STAKEHOLDER: _l("New organization"),
    REVISION: _l("Change to a public entry"),
    CLAIM: _l("Request to act for an organization"),
}

# --- what waits ---------------------------------------------------------------------------


def _latest_submit(column):
    """``column`` of the enclosing query's stakeholder's latest submit Review (correlated)."""
    return (
        select(func.max(column))
        .where(
            Review.entry_type == STAKEHOLDER,
            Review.entry_id == Stakeholder.id,
            Review.to_status == Status.SUBMITTED.value,
        )
        .correlate(Stakeholder)
        .scalar_subquery()
    )


def _waiting_stakeholders() -> list:
    return [Stakeholder.status == Status.SUBMITTED]


def _waiting_revisions() -> list:
    return [StakeholderRevision.status == RevisionStatus.PENDING]


def _waiting_claims() -> list:
    return [MembershipClaim.status == ClaimStatus.PENDING]


def waiting_count() -> int:
    """Everything waiting for an administrator, in one query (for the navigation)."""

    def count(model: type, conditions: list):
        return select(func.count()).select_from(model).where(*conditions).scalar_subquery()

    stmt = select(
        count(Stakeholder, _waiting_stakeholders())
        + count(StakeholderRevision, _waiting_revisions())
        + count(MembershipClaim, _waiting_claims())
    )
    return int(db.session.scalar(stmt) or 0)


def _key(kind: str, id_column: Any):
    return (literal(f"{kind}:") + cast(id_column, String)).label("key")


def queue_statement() -> Select:
    """Keys ("kind:id") of everything waiting, oldest first, for the shared paginator.

    One statement across the three kinds, so the queue pages in SQL whatever its length.
    """
    waiting = union_all(
        select(
            _key(STAKEHOLDER, Stakeholder.id),
            func.coalesce(_latest_submit(Review.created_at), Stakeholder.updated_at).label("since"),
        ).where(*_waiting_stakeholders()),
        select(
            _key(REVISION, StakeholderRevision.id),
            StakeholderRevision.created_at.label("since"),
        ).where(*_waiting_revisions()),
        select(
            _key(CLAIM, MembershipClaim.id),
            MembershipClaim.created_at.label("since"),
        ).where(*_waiting_claims()),
    ).subquery()
    return select(waiting.c.key).order_by(waiting.c.since, waiting.c.key)


@dataclass
class QueueItem:
    """One thing waiting (or just decided): what it is, about which stakeholder, who, since."""

    kind: str
    entry: Any  # Stakeholder, StakeholderRevision or MembershipClaim
    stakeholder: Stakeholder
    who: User | None
    since: datetime

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.entry.id}"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def pending(self) -> bool:
        if self.kind == STAKEHOLDER:
            return self.entry.status == Status.SUBMITTED
        if self.kind == REVISION:
            return self.entry.status == RevisionStatus.PENDING
        return self.entry.status == ClaimStatus.PENDING

    @property
    def changed_fields(self) -> list[str]:
        """For a revision: the labels of the fields it changes."""
        if self.kind != REVISION:
            return []
        return [change.label for change in revisions.diff(self.entry)]


def load_items(keys: list[str]) -> list[QueueItem]:
    """The queue items for ``keys``, in that order: at most one query per kind."""
    ids: dict[str, list[int]] = {STAKEHOLDER: [], REVISION: [], CLAIM: []}
    for key in keys:
        kind, _sep, number = key.partition(":")
        ids[kind].append(int(number))
    found: dict[str, QueueItem] = {}
    for item in (
        *_stakeholder_items(ids[STAKEHOLDER]),
        *_revision_items(ids[REVISION]),
        *_claim_items(ids[CLAIM]),
    ):
        found[f"{item.kind}:{item.entry.id}"] = item
    return [found[key] for key in keys if key in found]


def _stakeholder_items(ids: list[int]) -> list[QueueItem]:
    if not ids:
        return []
    stmt = (
        select(Stakeholder, Review)
        .outerjoin(Review, Review.id == _latest_submit(Review.id))
        .options(joinedload(Stakeholder.sector), joinedload(Review.reviewer))
        .where(Stakeholder.id.in_(ids))
    )
    return [
        QueueItem(
            STAKEHOLDER,
            stakeholder,
            stakeholder,
            submit.reviewer if submit else stakeholder.created_by,
            submit.created_at if submit else stakeholder.updated_at,
        )
        for stakeholder, submit in db.session.execute(stmt).unique()
    ]


def _revision_items(ids: list[int]) -> list[QueueItem]:
    if not ids:
        return []
    stmt = (
        select(StakeholderRevision)
        .options(
            # The row lists the changed fields: the diff needs the public constituencies.
            selectinload(StakeholderRevision.stakeholder).selectinload(Stakeholder.constituencies),
            joinedload(StakeholderRevision.author),
        )
        .where(StakeholderRevision.id.in_(ids))
    )
    return [
        QueueItem(REVISION, revision, revision.stakeholder, revision.author, revision.created_at)
        for revision in db.session.scalars(stmt)
    ]


def _claim_items(ids: list[int]) -> list[QueueItem]:
    if not ids:
        return []
    stmt = (
        select(MembershipClaim)
        .options(joinedload(MembershipClaim.user), joinedload(MembershipClaim.stakeholder))
        .where(MembershipClaim.id.in_(ids))
    )
    return [
        QueueItem(CLAIM, claim, claim.stakeholder, claim.user, claim.created_at)
        for claim in db.session.scalars(stmt)
    ]


def item_for(kind: str, entry_id: int) -> QueueItem | None:
    found = load_items([f"{kind}:{entry_id}"])
    return found[0] if found else None


# --- membership requests ------------------------------------------------------------------


def decide_claim(claim: MembershipClaim, approve: bool, actor: User, comment: str = "") -> None:
    """Approve (the user becomes a member) or decline a request to act for a stakeholder."""
    if claim.status != ClaimStatus.PENDING:
        raise TransitionNotAllowed(_("This request has already been decided."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise CommentRequired(_("Say why: a comment is required to decline a request."))
    created = False
    if approve:
        already = db.session.scalar(
            select(
                exists().where(
                    Membership.user_id == claim.user_id,
                    Membership.stakeholder_id == claim.stakeholder_id,
                )
            )
        )
        if not already:
            db.session.add(Membership(user_id=claim.user_id, stakeholder_id=claim.stakeholder_id))
            created = True
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.DECLINED
    claim.decided_at = utcnow()
    claim.decided_by_id = actor.id
    claim.comment = comment
    audit.record(
        "stakeholder.claim_approved" if approve else "stakeholder.claim_declined",
        claim.stakeholder,
        before={"claim": ClaimStatus.PENDING.value},
        after={
            "claim": claim.status.value,
            "claim_id": claim.id,
            "user_id": claim.user_id,
            **({"membership_created": True} if created else {}),
            **({"comment": comment} if comment else {}),
        },
        actor=actor,
    )
    notifications.claim_decided(claim.stakeholder, claim.user, approve, comment)


# --- showing a proposed change ----------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    before: str
    after: str


def revision_diff(revision: StakeholderRevision) -> list[DiffRow]:
    """What approving ``revision`` changes, field by field, as readers see the values."""
    return [
        DiffRow(c.field, c.label, display(c.field, c.before), display(c.field, c.after))
        for c in revisions.diff(revision)
    ]


def load_revision(revision_id: int) -> StakeholderRevision | None:
    stmt = (
        select(StakeholderRevision)
        .options(
            joinedload(StakeholderRevision.stakeholder),
            joinedload(StakeholderRevision.author),
            joinedload(StakeholderRevision.decided_by),
        )
        .where(StakeholderRevision.id == revision_id)
    )
    return db.session.scalar(stmt)
