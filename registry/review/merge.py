"""Merging a duplicate stakeholder into the entry that is kept, and undoing it.

Every reference listed in ``registry.references`` moves in SQL; the ids of the rows that
moved (and any duplicate rows removed) are kept in the ``Merge`` record, so undoing moves
exactly those rows back. The duplicate is archived with a pointer to the kept entry, whose
address its own now redirects to. Operations flush and audit; the view commits once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import DateTime, delete, func, insert, or_, select, update
from sqlalchemy.orm import joinedload

from registry import audit, revisions, workflow
from registry.commit import Refused
from registry.extensions import db
from registry.models import Membership, Merge, Stakeholder, Status, User
from registry.models._base import utcnow
from registry.references import REFERENCES, Move, Reference, references
from registry.stakeholders.entry import STAKEHOLDER
from registry.text import clean, escape_like
from registry.workflow import STATUS_LABELS

MOVED = "moved"  # ids of rows repointed to the kept entry
REMOVED = "removed"  # whole rows deleted as duplicates, to re-insert on undo
SUPERSEDED = "superseded"  # ids of pending proposals marked superseded


class MergeError(Refused):
    """A merge or undo that cannot happen; ``status`` is the HTTP answer."""

    status = 422


class MergeConflict(MergeError):
    """The entries changed (another tab, another administrator): refused as it stands."""

    status = 409


def check(source: Stakeholder, target: Stakeholder) -> None:
    """Refuse a merge that makes no sense; the message says which and why."""
    if source.id == target.id:
        raise MergeError(_("An entry cannot be merged into itself: choose two different ones."))
    if source.merged_into_id is not None:
        raise MergeConflict(
            _("“%(name)s” has already been merged into another entry.", name=source.name)
        )
    if target.merged_into_id is not None:
        raise MergeError(
            _(
                "“%(name)s” was itself merged into another entry: merge into that one.",
                name=target.name,
            )
        )
    if target.status == Status.ARCHIVED:
        raise MergeError(
            _("“%(name)s” is archived: choose an entry that is kept.", name=target.name)
        )


# --- choosing and previewing --------------------------------------------------------------


def candidates(q: str, chosen: Stakeholder | None = None, limit: int = 20) -> list[Stakeholder]:
    """Entries whose name or acronym contains ``q`` (merged ones excluded), the chosen first."""
    found: list[Stakeholder] = [chosen] if chosen is not None else []
    q = clean(q)
    if q:
        pattern = f"%{escape_like(q)}%"
        stmt = (
            select(Stakeholder)
            .where(
                Stakeholder.merged_into_id.is_(None),
                or_(
                    Stakeholder.name.ilike(pattern, escape="\\"),
                    Stakeholder.acronym.ilike(pattern, escape="\\"),
                ),
            )
            .order_by(func.lower(Stakeholder.name), Stakeholder.id)
            .limit(limit)
        )
        found += [s for s in db.session.scalars(stmt) if chosen is None or s.id != chosen.id]
    return found


@dataclass(frozen=True)
class FieldPair:
    label: str
    source: str
    target: str

    @property
    def same(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class Preview:
    source: Stakeholder
    target: Stakeholder
    moves: list[tuple[str, int]]  # (what, how many rows move)
    duplicates: list[tuple[str, int]]  # (what, how many duplicate rows are removed instead)
    superseded: list[tuple[str, int]]  # (what, how many pending proposals become superseded)
    fields: list[FieldPair]
    problem: str | None  # why the merge would be refused, if it would
    # People who act for the duplicate and will act for the kept entry too: edit it, see its
    # contacts. Named, so the administrator grants that knowingly.
    new_members: list[User] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.moves)


def preview(source: Stakeholder, target: Stakeholder) -> Preview:
    """What merging ``source`` into ``target`` would do; changes nothing."""
    try:
        check(source, target)
        problem = None
    except MergeError as exc:
        problem = str(exc)
    counts = references(source)
    duplicates = [
        (str(ref.label), n)
        for ref in REFERENCES
        if ref.how == Move.MOVE_UNLESS_DUPLICATE
        and (n := _count(_duplicates(ref, source.id, target.id)))
    ]
    superseded = [
        (str(ref.label), n)
        for ref in REFERENCES
        if ref.how == Move.MOVE_SUPERSEDING_PENDING
        and (n := _count(select(ref.model.id).where(*ref.of(source.id), _pending(ref))))
    ]
    removed = dict(duplicates)
    moves = [(label, count - removed.get(label, 0)) for label, count in counts.items()]
    before, after = revisions.snapshot(source), revisions.snapshot(target)
    fields = [
        FieldPair(
            str(spec.label), spec.display(before.get(spec.name)), spec.display(after.get(spec.name))
        )
        for spec in STAKEHOLDER.fields
    ]
    fields.append(
        FieldPair(_("Status"), str(STATUS_LABELS[source.status]), str(STATUS_LABELS[target.status]))
    )
    return Preview(
        source, target, moves, duplicates, superseded, fields, problem, new_members(source, target)
    )


def new_members(source: Stakeholder, target: Stakeholder) -> list[User]:
    """Members of ``source`` who are not yet members of ``target``, by name."""
    already = select(Membership.user_id).where(Membership.stakeholder_id == target.id)
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.stakeholder_id == source.id, User.id.not_in(already))
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(stmt))


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


# --- merging ------------------------------------------------------------------------------


def _duplicates(ref: Reference, source_id: int, target_id: int):
    """Rows of the source whose ``unique_with`` value the target already has."""
    assert ref.unique_with is not None
    taken = select(ref.unique_with).where(*ref.of(target_id), *ref.unique_where)
    return select(ref.model.id).where(
        *ref.of(source_id), *ref.unique_where, ref.unique_with.in_(taken)
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(table, row: dict[str, Any]) -> dict[str, Any]:
    """A stored row back from its JSON form (dates parsed again)."""
    values = dict(row)
    for column in table.columns:
        if isinstance(column.type, DateTime) and isinstance(values.get(column.key), str):
            values[column.key] = datetime.fromisoformat(values[column.key])
    return values


def _move(ref: Reference, source_id: int, target_id: int) -> dict[str, list]:
    model, table = ref.model, ref.model.__table__
    record: dict[str, list] = {}
    if ref.how == Move.MOVE_UNLESS_DUPLICATE:
        ids = list(db.session.scalars(_duplicates(ref, source_id, target_id)))
        if ids:
            rows = db.session.execute(select(table).where(table.c.id.in_(ids))).mappings()
            record[REMOVED] = [{k: _plain(v) for k, v in row.items()} for row in rows]
            db.session.execute(delete(model).where(model.id.in_(ids)))
    if ref.how == Move.MOVE_SUPERSEDING_PENDING:
        ids = list(db.session.scalars(select(model.id).where(*ref.of(source_id), _pending(ref))))
        if ids:
            db.session.execute(update(model).where(model.id.in_(ids)).values(status=SUPERSEDED))
            record[SUPERSEDED] = ids
    ids = list(db.session.scalars(select(model.id).where(*ref.of(source_id))))
    if ids:
        db.session.execute(
            update(model).where(model.id.in_(ids)).values({ref.column.key: target_id})
        )
    record[MOVED] = ids
    return record


def _pending(ref: Reference):
    return ref.model.status == "pending"


def merge(source: Stakeholder, target: Stakeholder, actor: User) -> Merge:
    """Merge the duplicate ``source`` into ``target``: every reference moves, the source is
    archived and points to the target. All in the caller's transaction."""
    check(source, target)
    moved = {ref.key: _move(ref, source.id, target.id) for ref in REFERENCES}
    source_status = Status(source.status)
    record = Merge(
        source_id=source.id,
        target_id=target.id,
        source_status=source_status.value,
        moved=moved,
        actor_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    workflow.transition(
        source,
        workflow.Action.MERGE,
        actor,
        _("Merged into “%(name)s” (%(id)d).", name=target.name, id=target.id),
        before={"merged_into_id": None},
        after={"merged_into_id": target.id, "merge_id": record.id},
    )
    source.merged_into_id = target.id
    counts = summary(record)
    audit.record(
        "stakeholder.merged",
        target,
        after={"merged_from_id": source.id, "merge_id": record.id, "moved": counts},
        actor=actor,
    )
    return record


def summary(record: Merge) -> dict[str, int]:
    """Rows moved per reference key (duplicates removed counted apart, as "key removed")."""
    counts: dict[str, int] = {}
    for key, parts in record.moved.items():
        if parts.get(MOVED):
            counts[key] = len(parts[MOVED])
        if parts.get(REMOVED):
            counts[f"{key} removed"] = len(parts[REMOVED])
    return counts


@dataclass(frozen=True)
class MovedLine:
    label: str
    moved: int
    removed: int
    superseded: int


def moved_lines(record: Merge) -> list[MovedLine]:
    """What a merge moved, per reference, in the order of ``REFERENCES``."""
    lines = []
    for ref in REFERENCES:
        parts = record.moved.get(ref.key, {})
        lines.append(
            MovedLine(
                str(ref.label),
                len(parts.get(MOVED, [])),
                len(parts.get(REMOVED, [])),
                len(parts.get(SUPERSEDED, [])),
            )
        )
    return lines


# --- undoing ------------------------------------------------------------------------------


def undo(record: Merge, actor: User) -> None:
    """Move exactly the recorded rows back, restore removed duplicates and the source's state."""
    source, target = record.source, record.target
    if record.undone_at is not None:
        raise MergeConflict(_("This merge has already been undone."))
    if target.merged_into_id is not None:
        raise MergeConflict(
            _(
                "“%(name)s” has since been merged into another entry: undo that merge first.",
                name=target.name,
            )
        )
    if source.merged_into_id != target.id:
        raise MergeConflict(_("“%(name)s” no longer points to the kept entry.", name=source.name))
    for ref in REFERENCES:
        _move_back(ref, record.moved.get(ref.key, {}), source.id, target.id)
    workflow.transition(
        source,
        workflow.Action.UNDO_MERGE,
        actor,
        _("Merge into “%(name)s” undone.", name=target.name),
        to=Status(record.source_status),
        before={"merged_into_id": target.id},
        after={"merged_into_id": None, "merge_id": record.id},
    )
    source.merged_into_id = None
    record.undone_at = utcnow()
    record.undone_by_id = actor.id
    audit.record(
        "stakeholder.merge_undone",
        target,
        before={"merged_from_id": source.id},
        after={"moved_back": summary(record), "merge_id": record.id},
        actor=actor,
    )


def _move_back(ref: Reference, parts: dict[str, list], source_id: int, target_id: int) -> None:
    model, table = ref.model, ref.model.__table__
    ids = parts.get(MOVED, [])
    if ids:
        conditions = [model.id.in_(ids), ref.column == target_id]
        if ref.how == Move.MOVE_UNLESS_DUPLICATE:
            # Something added to the source since (by an administrator) wins; its twin stays.
            taken = select(ref.unique_with).where(*ref.of(source_id), *ref.unique_where)
            conditions.append(~ref.unique_with.in_(taken))
        db.session.execute(update(model).where(*conditions).values({ref.column.key: source_id}))
    for row in parts.get(REMOVED, []):
        if ref.unique_with is not None:
            value = row[ref.unique_with.key]
            clash = select(model.id).where(*ref.of(source_id), ref.unique_with == value)
            if db.session.scalar(clash.where(*ref.unique_where).limit(1)) is not None:
                continue
        db.session.execute(insert(table).values(_row(table, row)))
    if parts.get(SUPERSEDED):
        db.session.execute(
            update(model)
            .where(model.id.in_(parts[SUPERSEDED]), model.status == SUPERSEDED)
            .values(status="pending")
        )


def load(merge_id: int) -> Merge | None:
    stmt = (
        select(Merge)
        .options(joinedload(Merge.source), joinedload(Merge.target), joinedload(Merge.actor))
        .where(Merge.id == merge_id)
    )
    return db.session.scalar(stmt)


def recent(limit: int = 10) -> list[Merge]:
    stmt = (
        select(Merge)
        .options(joinedload(Merge.source), joinedload(Merge.target), joinedload(Merge.actor))
        .order_by(Merge.created_at.desc(), Merge.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
