"""Changing an entry of any type: directly while it is unpublished or by staff, as a pending
revision once it is approved and a community member edits it (the ``entry.edit_without_review``
rule decides which). The entry type's field specs give snapshot, diff and apply. Nothing is
overwritten silently: a save based on an older version is refused (``EditConflict``), and a
revision waits for an administrator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry import audit, entries, notifications, workflow
from registry.commit import Refused
from registry.entries import EntryType, FieldKind, FieldSpec
from registry.extensions import db
from registry.models import Revision, RevisionStatus, Status, User
from registry.models._base import utcnow
from registry.permissions import can
from registry.workflow import record_review


class EditConflict(Refused):
    """Someone saved this entry after the editor loaded it."""


@dataclass(frozen=True)
class RowChange:
    """One row of a child collection added, removed or changed."""

    kind: str  # "added", "removed", "changed"
    before: str
    after: str


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its values as stored (JSON) and as a reader sees them. Used by
    the diff of a proposed change, the merge preview and the audit trail alike."""

    field: str
    label: str
    before: Any
    after: Any
    spec: FieldSpec = field(repr=False, compare=False)

    @property
    def before_text(self) -> str:
        return self.spec.display(self.before)

    @property
    def after_text(self) -> str:
        return self.spec.display(self.after)

    @property
    def rows(self) -> list[RowChange]:
        """For a child collection: which rows were added, removed or changed."""
        if self.spec.kind != FieldKind.CHILDREN:
            return []
        before = {row.get("id"): row for row in self.spec.normal(self.before) if row.get("id")}
        after = self.spec.normal(self.after)
        found = []
        seen = set()
        for row in after:
            old = before.get(row.get("id"))
            if old is None:
                found.append(RowChange("added", "", self.spec.display_row(row)))
            else:
                seen.add(row["id"])
                if old != row:
                    old_text, new_text = self.spec.display_row(old), self.spec.display_row(row)
                    found.append(RowChange("changed", old_text, new_text))
        found.extend(
            RowChange("removed", self.spec.display_row(row), "")
            for key, row in before.items()
            if key not in seen
        )
        return found


def snapshot(entry: Any) -> dict[str, Any]:
    """The editable fields as plain JSON values."""
    return {spec.name: spec.read(entry) for spec in entries.of(entry).fields}


def changes(entry_type: EntryType, before: dict[str, Any], after: dict[str, Any]):
    """The fields of ``after`` that differ from ``before``, in the entry type's order."""
    return [
        FieldChange(spec.name, str(spec.label), before.get(spec.name), after.get(spec.name), spec)
        for spec in entry_type.fields
        if spec.name in after
        and spec.normal(before.get(spec.name)) != spec.normal(after[spec.name])
    ]


def apply(entry: Any, data: dict[str, Any]) -> None:
    # Touch the row even when only a relationship changes, so its version moves on too.
    entry.updated_at = utcnow()
    entry_type = entries.of(entry)
    with db.session.no_autoflush:  # one UPDATE per save, so the version moves on by one
        for spec in entry_type.fields:
            if spec.name in data:
                spec.write(entry, data[spec.name])
        entry_type.after_change(entry)


def needs_review(entry: Any, actor: User) -> bool:
    """Whether ``actor``'s change to ``entry`` waits for an administrator (a policy rule)."""
    return not can(actor, entries.of(entry).permission("edit_without_review"), entry)


def edit_token(entry: Any, actor: User) -> str:
    """What an edit form carries to prove it saw the latest state: the entry's version, and
    the pending proposal's too when this editor's change would continue it."""
    token = str(entry.version)
    if needs_review(entry, actor):
        revision = pending_revision(entry)
        if revision is not None:
            token += f"-{revision.id}.{revision.version}"
    return token


def check_version(entry: Any, actor: User, token: str | None) -> None:
    """Refuse a save whose form was loaded before someone else saved (``None``: no check)."""
    if token is not None and token != edit_token(entry, actor):
        raise EditConflict


def editable_values(entry: Any, actor: User) -> dict[str, Any]:
    """What an edit form starts from: the pending proposal if this editor's change would join
    it, else the entry as it is."""
    if needs_review(entry, actor):
        revision = pending_revision(entry)
        if revision is not None:
            return {**snapshot(entry), **revision.data}
    return snapshot(entry)


def pending_revision(entry: Any) -> Revision | None:
    return db.session.scalar(
        select(Revision).where(
            Revision.entry_type == entries.key_of(entry),
            Revision.entry_id == entry.id,
            Revision.status == RevisionStatus.PENDING,
        )
    )


def pending_ids(entry_type: EntryType, ids: list[int]) -> set[int]:
    """Which of these entries have a change waiting for review (one query)."""
    if not ids:
        return set()
    stmt = select(Revision.entry_id).where(
        Revision.entry_type == entry_type.key,
        Revision.entry_id.in_(ids),
        Revision.status == RevisionStatus.PENDING,
    )
    return set(db.session.scalars(stmt))


def entry_of(revision: Revision) -> Any:
    """The entry ``revision`` proposes a change to."""
    entry_type = entries.get(revision.entry_type)
    if entry_type is None:
        raise LookupError(f"no entry type {revision.entry_type!r}")
    return db.session.get(entry_type.model, revision.entry_id)


def entries_of(revisions: list[Revision]) -> dict[int, Any]:
    """The entries of ``revisions``, by revision id: one query per entry type."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for revision in revisions:
        wanted[revision.entry_type].add(revision.entry_id)
    found: dict[tuple[str, int], Any] = {}
    for key, ids in wanted.items():
        entry_type = entries.get(key)
        if entry_type is None:
            continue
        model = entry_type.model
        stmt = select(model).options(*_field_loads(entry_type)).where(model.id.in_(ids))
        for entry in db.session.scalars(stmt):
            found[key, entry.id] = entry
    return {
        revision.id: found[revision.entry_type, revision.entry_id]
        for revision in revisions
        if (revision.entry_type, revision.entry_id) in found
    }


def _field_loads(entry_type: EntryType) -> list:
    """Load the related rows a diff reads with the entries, not one query per entry."""
    model = entry_type.model
    return [
        selectinload(getattr(model, spec.name))
        for spec in entry_type.fields
        if spec.kind in (FieldKind.CODES, FieldKind.CHILDREN)
    ]


def update(entry: Any, data: dict[str, Any], actor: User, token: str | None) -> Revision | None:
    """Save an edit: applied now, or held as the pending revision (returned). ``token`` is
    the form's ``edit_token`` from when it was loaded."""
    check_version(entry, actor, token)
    entry_type = entries.of(entry)
    entry_type.check_change(entry, data)  # the domain's own rules, e.g. a taken identifier
    if needs_review(entry, actor):
        return propose(entry, data, actor)
    found = changes(entry_type, snapshot(entry), data)
    if not found:
        return None
    apply(entry, data)
    audit.record(
        f"{entry_type.key}.updated",
        entry,
        before={c.field: c.before for c in found},
        after={c.field: c.after for c in found},
        actor=actor,
    )
    return None


def propose(entry: Any, data: dict[str, Any], author: User) -> Revision:
    """Hold a change to an approved entry until an administrator decides; one per entry."""
    entry_type = entries.of(entry)
    revision = pending_revision(entry)
    is_new = revision is None
    if is_new:
        revision = Revision(entry_type=entry_type.key, entry_id=entry.id, data={}, base_version=0)
        db.session.add(revision)
    # Keep only what differs from the public version: approving then changes those fields and
    # nothing else, so edits made to other fields in the meantime are never undone. Edits add
    # up: a second edit continues the pending proposal, it does not restart it.
    public = snapshot(entry)
    proposed = {**public, **(revision.data or {}), **data}
    revision.data = {c.field: c.after for c in changes(entry_type, public, proposed)}
    revision.base_version = entry.version
    revision.author_id = author.id
    audit.record(
        f"{entry_type.key}.revision_proposed",
        entry,
        after={c.field: c.after for c in diff(revision, entry)},
        actor=author,
    )
    if is_new:
        db.session.flush()
        record_review(entry_type.key, entry.id, "approved", "revision_pending", author, "")
        notifications.revision_proposed(entry, author)
    return revision


def diff(revision: Revision, entry: Any = None) -> list[FieldChange]:
    """What approving ``revision`` would change, field by field, against the public version."""
    entry = entry if entry is not None else entry_of(revision)
    return changes(entries.of(entry), snapshot(entry), revision.data)


class RevisionMachine(workflow.Machine):
    """A pending revision is approved (applied to its entry) or rejected with a reason."""

    rules: Mapping[str, workflow.Rule] = {
        "approve": workflow.Rule(
            frozenset({RevisionStatus.PENDING}), RevisionStatus.APPROVED, "decide"
        ),
        "reject": workflow.Rule(
            frozenset({RevisionStatus.PENDING}), RevisionStatus.REJECTED, "decide", True
        ),
    }
    labels: Mapping[str, Any] = {
        "approve": _l("approve a change"),
        "reject": _l("reject a change"),
    }

    def entry(self, subject: Revision) -> Any:
        return entry_of(subject)

    def state(self, subject: Revision) -> RevisionStatus:
        return RevisionStatus(subject.status)

    def refusal(self, subject: Revision, source: Any, action: str) -> str:
        return str(_l("This change has already been decided."))

    def effects(self, subject: Revision, action: str, target: Any, actor, comment):
        entry = self.entry(subject)
        found = diff(subject, entry)
        if action == "approve":
            if entry.status != Status.APPROVED:
                raise workflow.TransitionNotAllowed(
                    str(
                        _l(
                            "The entry is no longer approved (it is “%(state)s”): reject this "
                            "change instead.",
                            state=workflow.STATUS_LABELS[entry.status],
                        )
                    )
                )
            entries.of(entry).check_change(entry, subject.data)
            apply(entry, subject.data)
        before = {c.field: c.before for c in found}
        return before, ({c.field: c.after for c in found} if action == "approve" else None)

    def set_state(self, subject: Revision, rule: workflow.Rule, target: Any) -> None:
        subject.status = target

    def review_states(self, source: Any, target: Any) -> tuple[str, str]:
        # As an approved entry's history shows them: the change, not the entry, moved.
        return f"revision_{source.value}", f"revision_{target.value}"

    def audit_action(self, subject: Revision, action: str, target: Any) -> str:
        return f"{subject.entry_type}.revision_{target.value}"

    def notify(self, subject: Revision, action: str, actor: User, comment: str) -> None:
        notifications.revision_decided(
            self.entry(subject), subject.author, action == "approve", comment
        )


REVISION = workflow.register_machine(Revision, RevisionMachine())


def decide(revision: Revision, approve: bool, actor: User, comment: str = "") -> None:
    """Approve (apply) or reject a pending revision, through the one transition function."""
    workflow.transition(revision, "approve" if approve else "reject", actor, comment)
