"""Showing a proposed change to an administrator: the revision, its entry, the diff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from registry import revisions
from registry.extensions import db
from registry.models import Revision


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
