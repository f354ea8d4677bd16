"""Membership claims as a request type of the review queue: a person asks to act for an
organization already in the registry; an administrator approves (they become a member) or
declines with a reason. Operations flush and audit; the commit boundary commits once."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload

from registry import audit, notifications
from registry.extensions import db
from registry.models import ClaimStatus, Membership, MembershipClaim, User
from registry.review import queue
from registry.review.queue import Choice, QueueItem, QueueSource
from registry.workflow import CommentRequired, TransitionNotAllowed


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
    claim.mark_decided(actor, comment)
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


def _waiting() -> Select:
    return select(
        queue.item_key("claim", MembershipClaim.id), MembershipClaim.created_at.label("since")
    ).where(MembershipClaim.status == ClaimStatus.PENDING)


def _load(ids: list[int]) -> list[QueueItem]:
    stmt = (
        select(MembershipClaim)
        .options(joinedload(MembershipClaim.user), joinedload(MembershipClaim.stakeholder))
        .where(MembershipClaim.id.in_(ids))
    )
    return [
        QueueItem(CLAIMS, claim, claim.stakeholder, claim.user, claim.created_at)
        for claim in db.session.scalars(stmt)
    ]


def _outcome(item: QueueItem, choice: Choice) -> str:
    if choice.value == "approve":
        return _("Approved by you: %(user)s can now act for it.", user=item.who.name)
    return _("Declined by you.")


CLAIMS = queue.register(
    QueueSource(
        key="claim",
        slug="claims",
        label=_l("Request to act for an organization"),
        asked=_l("Asked by"),
        hint=_l("Required to decline."),
        choices=(Choice("approve", _l("Approve")), Choice("decline", _l("Decline"), "danger")),
        waiting=_waiting,
        load=_load,
        is_pending=lambda claim: claim.status == ClaimStatus.PENDING,
        decide=lambda claim, choice, actor, comment: decide_claim(
            claim, choice == "approve", actor, comment
        ),
        quote=lambda item: item.subject.message or "",
        outcome=_outcome,
        order=30,
    )
)
