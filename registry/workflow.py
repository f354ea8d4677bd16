"""The review state machine every reviewable entry uses (DOMAIN.md, "Workflow of an entry").

::

    draft ──submit──▶ submitted ──approve──▶ approved (public)
      ▲                   │  └──reject (reason)──▶ rejected
      └─request changes───┘
    approved ──withdraw──▶ withdrawn      any ──archive (admin)──▶ archived

``transition`` checks that the move is allowed from the entry's state and by the actor, then
writes the Review row and the AuditEvent in the caller's transaction, and queues the notices
that go out once it commits. The caller commits once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry import audit, entries, notifications
from registry.commit import Refused
from registry.extensions import db
from registry.models import Review, Status, User
from registry.models._base import utcnow
from registry.permissions import can


class Action(enum.StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"
    WITHDRAW = "withdraw"
    ARCHIVE = "archive"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status
    permission: str  # the action whose rule the entry type names (``EntryType.permission``)
    needs_comment: bool = False


RULES: dict[Action, Rule] = {
    Action.SUBMIT: Rule(
        frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED, "submit"
    ),
    Action.APPROVE: Rule(frozenset({Status.SUBMITTED}), Status.APPROVED, "decide"),
    Action.REJECT: Rule(frozenset({Status.SUBMITTED}), Status.REJECTED, "decide", True),
    Action.REQUEST_CHANGES: Rule(
        frozenset({Status.SUBMITTED}), Status.CHANGES_REQUESTED, "decide", True
    ),
    Action.WITHDRAW: Rule(
        frozenset({Status.SUBMITTED, Status.APPROVED}), Status.WITHDRAWN, "withdraw"
    ),
    Action.ARCHIVE: Rule(frozenset(set(Status) - {Status.ARCHIVED}), Status.ARCHIVED, "archive"),
}

STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Waiting for review"),
    Status.CHANGES_REQUESTED: _l("Changes requested"),
    Status.APPROVED: _l("Approved"),
    Status.REJECTED: _l("Rejected"),
    Status.WITHDRAWN: _l("Withdrawn"),
    Status.ARCHIVED: _l("Archived"),
    # Decisions on a pending revision of an approved entry, as they appear in its history.
    "revision_pending": _l("Change proposed"),
    "revision_approved": _l("Change approved"),
    "revision_rejected": _l("Change rejected"),
}

ACTION_LABELS = {
    Action.SUBMIT: _l("Submit for review"),
    Action.APPROVE: _l("Approve"),
    Action.REJECT: _l("Reject"),
    Action.REQUEST_CHANGES: _l("Request changes"),
    Action.WITHDRAW: _l("Withdraw"),
    Action.ARCHIVE: _l("Archive"),
}


class WorkflowError(Refused):
    """A transition that cannot happen; ``status`` is the HTTP answer, the message says why."""

    status = 409


class TransitionNotAllowed(WorkflowError):
    status = 409


class CommentRequired(WorkflowError):
    status = 422


class NotPermitted(WorkflowError):
    status = 403


def _permitted(user: Any, rule: Rule, entry: Any) -> bool:
    return can(user, entries.of(entry).permission(rule.permission), entry)


def allowed_actions(user: Any, entry: Any) -> list[Action]:
    """The transitions ``user`` may make on ``entry`` now, for showing buttons."""
    return [
        action
        for action, rule in RULES.items()
        if entry.status in rule.sources and _permitted(user, rule, entry)
    ]


def allows(user: Any, entry: Any, action: Action | str) -> bool:
    """Whether ``user`` may make ``action`` on ``entry`` now (a template's question)."""
    return Action(action) in allowed_actions(user, entry)


def transition(entry: Any, action: Action | str, actor: User, comment: str = "") -> Review:
    """Move ``entry`` by ``action``; writes Review and AuditEvent, queues the notices."""
    try:
        action = Action(action)
    except ValueError:
        raise TransitionNotAllowed(str(_l("Unknown action."))) from None
    rule = RULES[action]
    kind = entries.key_of(entry)
    source = Status(entry.status)
    if source not in rule.sources:
        raise TransitionNotAllowed(
            str(
                _l(
                    "This entry is “%(state)s”: it cannot be %(action)s from there.",
                    state=STATUS_LABELS[source],
                    action=str(ACTION_LABELS[action]).lower(),
                )
            )
        )
    if not _permitted(actor, rule, entry):
        raise NotPermitted(str(_l("You are not allowed to do this.")))
    comment = (comment or "").strip()
    if rule.needs_comment and not comment:
        raise CommentRequired(
            str(
                _l(
                    "Say why: a comment is required to %(action)s.",
                    action=str(ACTION_LABELS[action]).lower(),
                )
            )
        )

    entry.status = rule.target
    if rule.target == Status.APPROVED:
        entry.approved_at = utcnow()
    review = record_review(kind, entry.id, source.value, rule.target.value, actor, comment)
    audit.record(
        f"{kind}.{action.value}",
        entry,
        before={"status": source.value},
        after={"status": rule.target.value, **({"comment": comment} if comment else {})},
        actor=actor,
    )
    notifications.transition_made(entry, action, actor, comment, lambda: submitter(entry))
    return review


def record_review(
    kind: str, entry_id: int, source: str, target: str, actor: User, comment: str = ""
) -> Review:
    review = Review(
        entry_type=kind,
        entry_id=entry_id,
        from_status=source,
        to_status=target,
        reviewer_id=actor.id,
        comment=comment,
    )
    db.session.add(review)
    return review


def history(entry: Any) -> list[Review]:
    """Every decision on ``entry``, newest first, reviewers loaded in the same query."""
    from sqlalchemy.orm import joinedload

    stmt = (
        select(Review)
        .options(joinedload(Review.reviewer))
        .where(Review.entry_type == entries.key_of(entry), Review.entry_id == entry.id)
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    return list(db.session.scalars(stmt))


def submitter(entry: Any) -> User | None:
    """Who last submitted ``entry`` for review: they hear about the decision."""
    stmt = (
        select(User)
        .join(Review, Review.reviewer_id == User.id)
        .where(
            Review.entry_type == entries.key_of(entry),
            Review.entry_id == entry.id,
            Review.to_status == Status.SUBMITTED.value,
        )
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)
