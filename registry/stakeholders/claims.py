"""Membership claims as a request type of the review queue: a person asks to act for an
organization already in the registry; an administrator approves (they become a member) or
declines with a reason. Operations flush and audit; the commit boundary commits once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from registry import entries, notifications, workflow
from registry.extensions import db
from registry.models import ClaimStatus, Membership, MembershipClaim, User
from registry.review import queue
from registry.review.queue import Choice, QueueItem, QueueSource


class ClaimMachine(workflow.Machine):
    """A membership claim is approved (the person becomes a member) or declined with a
    reason. Its trail is the stakeholder's; it writes no Review row (the entry did not move)."""

    rules: Mapping[str, workflow.Rule] = {
        "approve": workflow.Rule(frozenset({ClaimStatus.PENDING}), ClaimStatus.APPROVED, "decide"),
        "decline": workflow.Rule(
            frozenset({ClaimStatus.PENDING}), ClaimStatus.DECLINED, "decide", True
        ),
    }
    labels: Mapping[str, Any] = {
        "approve": _l("approve a request"),
        "decline": _l("decline a request"),
    }

    def entry(self, subject: MembershipClaim) -> Any:
        return subject.stakeholder

    def state(self, subject: MembershipClaim) -> ClaimStatus:
        return ClaimStatus(subject.status)

    def refusal(self, subject: MembershipClaim, source: Any, action: str) -> str:
        return _("This request has already been decided.")

    def effects(self, subject: MembershipClaim, action: str, target: Any, actor, comment):
        created = False
        if action == "approve":
            already = db.session.scalar(
                select(
                    exists().where(
                        Membership.user_id == subject.user_id,
                        Membership.stakeholder_id == subject.stakeholder_id,
                    )
                )
            )
            if not already:
                db.session.add(
                    Membership(user_id=subject.user_id, stakeholder_id=subject.stakeholder_id)
                )
                created = True
        after = {
            "claim": target.value,
            "claim_id": subject.id,
            "user_id": subject.user_id,
            **({"membership_created": True} if created else {}),
            **({"comment": comment} if comment else {}),
        }
        return {"claim": ClaimStatus.PENDING.value}, after

    def set_state(self, subject: MembershipClaim, rule: workflow.Rule, target: Any) -> None:
        subject.status = target

    def review_states(self, source: Any, target: Any) -> None:
        return None

    def audit_action(self, subject: MembershipClaim, action: str, target: Any) -> str:
        return f"{entries.key_of(subject.stakeholder)}.claim_{target.value}"

    def notify(self, subject: MembershipClaim, action: str, actor: User, comment: str) -> None:
        notifications.claim_decided(subject.stakeholder, subject.user, action == "approve", comment)


CLAIM = workflow.register_machine(MembershipClaim, ClaimMachine())


def decide_claim(claim: MembershipClaim, approve: bool, actor: User, comment: str = "") -> None:
    """Approve (the user becomes a member) or decline a request to act for a stakeholder."""
    workflow.transition(claim, "approve" if approve else "decline", actor, comment)


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
        model=MembershipClaim,
        pending=lambda: [MembershipClaim.status == ClaimStatus.PENDING],
        since=lambda: MembershipClaim.created_at,
        load=_load,
        is_pending=lambda claim: claim.status == ClaimStatus.PENDING,
        quote=lambda item: item.subject.message or "",
        outcome=_outcome,
        order=30,
    )
)
