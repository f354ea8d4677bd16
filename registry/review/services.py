"""Showing a proposed change to an administrator: the revision, its entry, the diff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from registry import entries, revisions
from registry.commit import Refused
from registry.extensions import db
from registry.models import Review, Revision, Status, User
from registry.workflow import Action, transition


class MergedAway(Refused):
    """A merged duplicate comes back by undoing the merge, which moves its parts back too."""

    status = 409


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    before: str
    after: str


def revision_diff(revision: Revision, entry: Any) -> list[DiffRow]:
    """What approving ``revision`` changes, field by field, as readers see the values."""
    return [
        DiffRow(c.field, c.label, c.before_text, c.after_text)
        for c in revisions.diff(revision, entry)
    ]


def load_revision(revision_id: int) -> tuple[Revision, Any] | None:
    """A revision with its author and decider, and the entry it is about."""
    stmt = (
        select(Revision)
        .options(joinedload(Revision.author), joinedload(Revision.decided_by))
        .where(Revision.id == revision_id)
    )
    revision = db.session.scalar(stmt)
    if revision is None:
        return None
    entry = revisions.entry_of(revision)
    return (revision, entry) if entry is not None else None


def archived_from(entry: Any) -> Status:
    """The state ``entry`` was in when it was last archived (draft if no record says)."""
    stmt = (
        select(Review.from_status)
        .where(
            Review.entry_type == entries.key_of(entry),
            Review.entry_id == entry.id,
            Review.to_status == Status.ARCHIVED.value,
        )
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )
    found = db.session.scalar(stmt)
    return Status(found) if found else Status.DRAFT


def restore(entry: Any, actor: User, comment: str = "") -> Status:
    """Bring an archived entry back to the state it was archived from; audited. An approved
    entry is public again at once, under its first approval date."""
    if getattr(entry, "merged_into_id", None) is not None:
        raise MergedAway(
            _(
                "“%(name)s” was merged into another entry: undo the merge to bring it back.",
                name=entries.title(entry),
            )
        )
    target = archived_from(entry)
    transition(entry, Action.RESTORE, actor, comment, to=target)
    return target
