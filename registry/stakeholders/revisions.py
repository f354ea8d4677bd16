"""Changing a stakeholder: directly while it is unpublished or by staff, as a pending revision
once it is approved and a community member edits it. Nothing is overwritten silently: a save
based on an older version is refused (``EditConflict``), and a revision waits for an admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry import audit, notifications
from registry.extensions import db
from registry.models import (
    Constituency,
    RevisionStatus,
    Scale,
    Stakeholder,
    StakeholderRevision,
    Status,
    User,
)
from registry.models._base import utcnow
from registry.permissions import STAFF
from registry.workflow import STATUS_LABELS, CommentRequired, TransitionNotAllowed, record_review

# The fields a stakeholder's editors change, in the order a diff lists them.
FIELDS: dict[str, Any] = {
    "name": _l("Name"),
    "acronym": _l("Acronym"),
    "org_identifier": _l("Organization identifier"),
    "sector_code": _l("Sector"),
    "constituencies": _l("Constituencies"),
    "country": _l("Country"),
    "city": _l("City or locality"),
    "scale": _l("Scale"),
    "website": _l("Website"),
    "description": _l("Description"),
}


class EditConflict(Exception):
    """Someone saved this entry after the editor loaded it."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


def snapshot(stakeholder: Stakeholder) -> dict[str, Any]:
    """The editable fields as plain JSON values (constituencies as sorted codes)."""
    data = {name: getattr(stakeholder, name) for name in FIELDS if name != "constituencies"}
    data["scale"] = stakeholder.scale.value if stakeholder.scale else None
    data["constituencies"] = sorted(c.code for c in stakeholder.constituencies)
    return data


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    return [
        FieldChange(name, str(label), before.get(name), after.get(name))
        for name, label in FIELDS.items()
        if name in after and _normal(before.get(name)) != _normal(after.get(name))
    ]


def _normal(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value)
    return value or None  # "" and None are the same absence


def apply(stakeholder: Stakeholder, data: dict[str, Any]) -> None:
    # Touch the row even when only constituencies change, so its version moves on too.
    stakeholder.updated_at = utcnow()
    with db.session.no_autoflush:  # one UPDATE per save, so the version moves on by one
        for name, value in data.items():
            if name == "constituencies":
                codes = sorted(set(value or []))
                stakeholder.constituencies = list(
                    db.session.scalars(select(Constituency).where(Constituency.code.in_(codes)))
                )
            elif name == "scale":
                stakeholder.scale = Scale(value) if value else Scale.LOCAL
            elif name in FIELDS:
                setattr(stakeholder, name, value)


def needs_review(stakeholder: Stakeholder, actor: User) -> bool:
    """A community member's change to a public entry waits for an administrator."""
    return stakeholder.status == Status.APPROVED and actor.role not in STAFF


def edit_token(stakeholder: Stakeholder, actor: User) -> str:
    """What an edit form carries to prove it saw the latest state: the entry's version, and
    the pending proposal's too when this editor's change would continue it."""
    token = str(stakeholder.version)
    if needs_review(stakeholder, actor):
        revision = pending_revision(stakeholder)
        if revision is not None:
            token += f"-{revision.id}.{revision.version}"
    return token


def check_version(stakeholder: Stakeholder, actor: User, token: str | None) -> None:
    """Refuse a save whose form was loaded before someone else saved (``None``: no check)."""
    if token is not None and token != edit_token(stakeholder, actor):
        raise EditConflict


def editable_values(stakeholder: Stakeholder, actor: User) -> dict[str, Any]:
    """What an edit form starts from: the pending proposal if this editor's change would join
    it, else the entry as it is."""
    if needs_review(stakeholder, actor):
        revision = pending_revision(stakeholder)
        if revision is not None:
            return {**snapshot(stakeholder), **revision.data}
    return snapshot(stakeholder)


def pending_revision(stakeholder: Stakeholder) -> StakeholderRevision | None:
    return db.session.scalar(
        select(StakeholderRevision).where(
            StakeholderRevision.stakeholder_id == stakeholder.id,
            StakeholderRevision.status == RevisionStatus.PENDING,
        )
    )


def update(
    stakeholder: Stakeholder, data: dict[str, Any], actor: User, token: str | None
) -> StakeholderRevision | None:
    """Save an edit: applied now, or held as the pending revision (returned). ``token`` is
    the form's ``edit_token`` from when it was loaded."""
    check_version(stakeholder, actor, token)
    if needs_review(stakeholder, actor):
        return propose(stakeholder, data, actor)
    before = snapshot(stakeholder)
    found = changes(before, data)
    if not found:
        return None
    apply(stakeholder, data)
    audit.record(
        "stakeholder.updated",
        stakeholder,
        before={c.field: c.before for c in found},
        after={c.field: c.after for c in found},
        actor=actor,
    )
    return None


def propose(stakeholder: Stakeholder, data: dict[str, Any], author: User) -> StakeholderRevision:
    """Hold a change to an approved entry until an administrator decides; one per entry."""
    revision = pending_revision(stakeholder)
    is_new = revision is None
    if is_new:
        revision = StakeholderRevision(stakeholder=stakeholder, data={}, base_version=0)
        db.session.add(revision)
    # Keep only what differs from the public version: approving then changes those fields and
    # nothing else, so edits made to other fields in the meantime are never undone. Edits add
    # up: a second edit continues the pending proposal, it does not restart it.
    public = snapshot(stakeholder)
    proposed = {**public, **(revision.data or {}), **data}
    revision.data = {c.field: c.after for c in changes(public, proposed)}
    revision.base_version = stakeholder.version
    revision.author_id = author.id
    audit.record(
        "stakeholder.revision_proposed",
        stakeholder,
        after={c.field: c.after for c in diff(revision)},
        actor=author,
    )
    if is_new:
        db.session.flush()
        record_review("stakeholder", stakeholder.id, "approved", "revision_pending", author, "")
        notifications.revision_proposed(stakeholder, author)
    return revision


def _check_identifier_free(stakeholder: Stakeholder, identifier: str | None) -> None:
    """The identifier was free when proposed; another entry may have taken it since."""
    from registry.stakeholders.services import org_identifier_owner  # services imports us

    holder = org_identifier_owner(identifier, exclude_id=stakeholder.id)
    if holder is not None:
        raise TransitionNotAllowed(
            str(
                _l(
                    "The identifier %(identifier)s is now used by another entry (#%(id)d). "
                    "Reject this change, or ask for a corrected one.",
                    identifier=identifier,
                    id=holder.id,
                )
            )
        )


def diff(revision: StakeholderRevision) -> list[FieldChange]:
    """What approving ``revision`` would change, field by field, against the public version."""
    return changes(snapshot(revision.stakeholder), revision.data)


def decide(revision: StakeholderRevision, approve: bool, actor: User, comment: str = "") -> None:
    """Approve (apply) or reject a pending revision; Review and AuditEvent in this transaction."""
    if revision.status != RevisionStatus.PENDING:
        raise TransitionNotAllowed(str(_l("This change has already been decided.")))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise CommentRequired(str(_l("Say why: a comment is required to reject a change.")))
    stakeholder = revision.stakeholder
    found = diff(revision)
    if approve:
        if stakeholder.status != Status.APPROVED:
            raise TransitionNotAllowed(
                str(
                    _l(
                        "The entry is no longer approved (it is “%(state)s”): reject this "
                        "change instead.",
                        state=STATUS_LABELS[stakeholder.status],
                    )
                )
            )
        _check_identifier_free(stakeholder, revision.data.get("org_identifier"))
        apply(stakeholder, revision.data)
    revision.status = RevisionStatus.APPROVED if approve else RevisionStatus.REJECTED
    revision.decided_at = utcnow()
    revision.decided_by_id = actor.id
    revision.comment = comment
    outcome = "revision_approved" if approve else "revision_rejected"
    record_review("stakeholder", stakeholder.id, "revision_pending", outcome, actor, comment)
    audit.record(
        f"stakeholder.{outcome}",
        stakeholder,
        before={c.field: c.before for c in found},
        after={c.field: c.after for c in found} if approve else None,
        actor=actor,
    )
    notifications.revision_decided(stakeholder, revision.author, approve, comment)
