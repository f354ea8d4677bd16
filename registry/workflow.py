"""The one transition function, and the rule table of a reviewable entry (DOMAIN.md,
"Workflow of an entry")::

    draft ──submit──▶ submitted ──approve──▶ approved (public)
      ▲                   │  └──reject (reason)──▶ rejected
      └─request changes───┘
    approved ──withdraw──▶ withdrawn      any ──archive (admin)──▶ archived
    any ──merge into another (admin)──▶ archived ──undo the merge──▶ the state it had

Everything that is decided moves through ``transition`` by a rule table: an entry (here), a
pending revision (``registry.revisions``), a request such as a membership claim
(``registry.stakeholders.claims``). Each kind has a ``Machine``: its rules (source states,
target, permission, comment required) and what a move does besides changing the state. The
function checks the rule, the actor's permission and the comment, then writes the state, the
Review row and the AuditEvent in the caller's transaction and queues the notices that go out
once it commits. The caller commits once (``registry.commit.committing``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from registry import audit, entries, notifications
from registry.commit import Refused
from registry.extensions import db
from registry.models import Decided, Review, Status, User
from registry.models._base import utcnow
from registry.permissions import can


class Action(enum.StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"
    WITHDRAW = "withdraw"
    ARCHIVE = "archive"
    RESTORE = "restore"  # out of the archive, to the state it was archived from
    MERGE = "merge"  # merged into the entry that is kept (registry.review.merge)
    UNDO_MERGE = "undo_merge"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Any]  # states of the subject's own kind (Status, RevisionStatus, …)
    target: Any  # None: the caller names it (undoing a merge returns to the recorded state)
    permission: str  # the action whose rule the entry's type names (``EntryType.permission``)
    needs_comment: bool = False
    offered: bool = True  # a button on the subject's page (a merge is made on its own page)


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
    # The caller names the target: the state the entry was archived from (its Review row).
    Action.RESTORE: Rule(frozenset({Status.ARCHIVED}), None, "archive", offered=False),
    Action.MERGE: Rule(frozenset(Status), Status.ARCHIVED, "merge", offered=False),
    Action.UNDO_MERGE: Rule(frozenset({Status.ARCHIVED}), None, "merge", offered=False),
}
# The audit trail's names for moves that are not named by their verb.
AUDIT_NAMES = {Action.MERGE: "merged", Action.UNDO_MERGE: "merge_undone"}

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
    Action.RESTORE: _l("Restore"),
    Action.MERGE: _l("Merge"),
    Action.UNDO_MERGE: _l("Undo the merge"),
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


class Machine:
    """How one kind of subject moves: its rule table, and what a move writes besides its
    state. This one is the entry's; revisions and requests subclass it."""

    rules: Mapping[str, Rule] = RULES
    labels: Mapping[str, Any] = ACTION_LABELS  # an action as a message names it

    def entry(self, subject: Any) -> Any:
        """The entry the subject is about: its type names the permissions, its trail the
        audit rows."""
        return subject

    def state(self, subject: Any) -> Any:
        return Status(subject.status)

    def refusal(self, subject: Any, source: Any, action: str) -> str:
        return str(
            _l(
                "This entry is “%(state)s”: it cannot be %(action)s from there.",
                state=STATUS_LABELS[source],
                action=self.label(action),
            )
        )

    def label(self, action: str) -> str:
        return str(self.labels[action]).lower()

    def effects(self, subject: Any, action: str, target: Any, actor: User, comment: str):
        """What the move does besides its state, before the state changes; the audit row's
        ``before`` and ``after``."""
        source = self.state(subject)
        return {"status": source.value}, {
            "status": target.value,
            **({"comment": comment} if comment else {}),
        }

    def set_state(self, subject: Any, rule: Rule, target: Any) -> None:
        subject.status = target
        if rule.target == Status.APPROVED:  # approved now (an undone merge keeps its date)
            subject.approved_at = utcnow()

    def review_states(self, source: Any, target: Any) -> tuple[str, str] | None:
        """The from/to states its Review row records (None: it records none)."""
        return source.value, target.value

    def audit_action(self, subject: Any, action: str, target: Any) -> str:
        name = AUDIT_NAMES.get(action, action)
        return f"{entries.key_of(self.entry(subject))}.{name}"

    def notify(self, subject: Any, action: str, actor: User, comment: str) -> None:
        notifications.transition_made(subject, action, actor, comment, lambda: submitter(subject))

    def permitted(self, user: Any, rule: Rule, subject: Any) -> bool:
        """Whether ``user`` may make a move of ``rule``: the entry's type names the rule of
        ``can`` that decides (a request's machine may ask about the request itself)."""
        entry = self.entry(subject)
        return can(user, entries.of(entry).permission(rule.permission), entry)


ENTRY = Machine()
_MACHINES: dict[type, Machine] = {}


def register_machine(model: type, machine: Machine) -> Machine:
    """Let ``transition`` move rows of ``model`` (a revision, a request) by ``machine``."""
    _MACHINES[model] = machine
    return machine


def machine_for(subject: Any) -> Machine:
    """The subject's machine; a registered entry type moves by the entry's."""
    return _MACHINES.get(type(subject), ENTRY)


def _permitted(user: Any, machine: Machine, rule: Rule, subject: Any) -> bool:
    return machine.permitted(user, rule, subject)


def allowed_actions(user: Any, subject: Any) -> list[str]:
    """The moves ``user`` may make on ``subject`` now, for showing buttons."""
    machine = machine_for(subject)
    source = machine.state(subject)
    return [
        action
        for action, rule in machine.rules.items()
        if rule.offered and source in rule.sources and _permitted(user, machine, rule, subject)
    ]


def allows(user: Any, subject: Any, action: str) -> bool:
    """Whether ``user`` may make ``action`` on ``subject`` now (a template's question)."""
    return str(action) in allowed_actions(user, subject)


def transition(
    subject: Any,
    action: str,
    actor: User,
    comment: str = "",
    *,
    to: Any = None,
    before: dict | None = None,
    after: dict | None = None,
) -> Review | None:
    """Move ``subject`` by ``action``: state, Review and AuditEvent written, notices queued.

    ``to`` is the target where the rule leaves it to the caller; ``before`` and ``after``
    add what else the audit row should say about the move (e.g. which merge it was)."""
    machine = machine_for(subject)
    action = str(action)
    rule = machine.rules.get(action)
    if rule is None:
        raise TransitionNotAllowed(str(_l("Unknown action.")))
    source = machine.state(subject)
    if source not in rule.sources:
        raise TransitionNotAllowed(machine.refusal(subject, source, action))
    if not _permitted(actor, machine, rule, subject):
        raise NotPermitted(str(_l("You are not allowed to do this.")))
    comment = (comment or "").strip()
    if rule.needs_comment and not comment:
        raise CommentRequired(
            str(_l("Say why: a comment is required to %(action)s.", action=machine.label(action)))
        )

    target = rule.target if rule.target is not None else to
    if target is None:
        raise TransitionNotAllowed(str(_l("Unknown action.")))  # a rule that needs ``to``

    entry = machine.entry(subject)
    was, now = machine.effects(subject, action, target, actor, comment)
    machine.set_state(subject, rule, target)
    if isinstance(subject, Decided):
        subject.mark_decided(actor, comment)
    review = None
    states = machine.review_states(source, target)
    if states is not None:
        review = record_review(entries.key_of(entry), entry.id, *states, actor, comment)
    if was is not None or before:
        was = {**(was or {}), **(before or {})}
    if now is not None or after:
        now = {**(now or {}), **(after or {})}
    audit.record(
        machine.audit_action(subject, action, target), entry, before=was, after=now, actor=actor
    )
    machine.notify(subject, action, actor, comment)
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
