"""Registering and changing stakeholders, their contacts and membership claims.

Each operation flushes and writes its audit row; the view commits once (STYLE.md, habit 4).
Audit rows about contacts name only the contact's id: personal data is not copied into the trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from registry import audit, notifications, revisions, workflow
from registry.commit import Refused
from registry.extensions import db
from registry.models import (
    ClaimStatus,
    Constituency,
    Contact,
    Membership,
    MembershipClaim,
    Revision,
    Role,
    Stakeholder,
    Status,
    User,
)
from registry.models.reviews import Review
from registry.models.stakeholders import normalize_org_identifier, org_identifier_key
from registry.revisions import snapshot
from registry.stakeholders.entry import STAKEHOLDER


class ClaimRefused(Refused):
    """A membership request that cannot be made; the message says why."""


class IdentifierTaken(workflow.TransitionNotAllowed):
    """Another entry already has this organization identifier; ``holder`` is that entry.
    (A change that cannot be made as it stands: 409 to a reviewer; the forms say it at the
    field, 422.)"""

    def __init__(self, holder: Stakeholder, identifier: str) -> None:
        super().__init__(
            _(
                "The identifier %(identifier)s is now used by another entry (#%(id)d). "
                "Reject this change, or ask for a corrected one.",
                identifier=identifier,
                id=holder.id,
            )
        )
        self.holder = holder


def org_identifier_owner(
    org_identifier: str | None, exclude_id: int | None = None
) -> Stakeholder | None:
    """The stakeholder that already has this identifier, compared by its key (letter case
    aside): one probe of the key's unique index."""
    key = org_identifier_key(org_identifier)
    if key is None:
        return None
    stmt = select(Stakeholder).where(Stakeholder.org_identifier_key == key)
    if exclude_id is not None:
        stmt = stmt.where(Stakeholder.id != exclude_id)
    return db.session.scalar(stmt.limit(1))


def check_identifier_free(stakeholder: Stakeholder | None, identifier: str | None) -> None:
    """Refuse to give ``stakeholder`` (None: a new one) an identifier another entry has."""
    holder = org_identifier_owner(identifier, stakeholder.id if stakeholder else None)
    if holder is not None:
        raise IdentifierTaken(holder, normalize_org_identifier(identifier) or "")


def create_stakeholder(data: dict[str, Any], actor: User) -> Stakeholder:
    """A new draft entry; a community user who registers it becomes its member. An
    identifier another entry has is refused (``IdentifierTaken``)."""
    check_identifier_free(None, data.get("org_identifier"))
    codes = sorted(set(data.get("constituencies") or []))
    fields = {k: v for k, v in data.items() if k != "constituencies"}
    stakeholder = Stakeholder(**fields, status=Status.DRAFT, created_by_id=actor.id)
    stakeholder.constituencies = list(
        db.session.scalars(select(Constituency).where(Constituency.code.in_(codes)))
    )
    db.session.add(stakeholder)
    if actor.role == Role.COMMUNITY:
        db.session.add(Membership(user=actor, stakeholder=stakeholder))
    db.session.flush()
    audit.record("stakeholder.created", stakeholder, after=snapshot(stakeholder), actor=actor)
    return stakeholder


def submit(stakeholder: Stakeholder, actor: User) -> Review:
    """Send a draft for review; a second submit says plainly that it is already waiting."""
    if stakeholder.status == Status.SUBMITTED:
        raise workflow.TransitionNotAllowed(
            _("This entry is already waiting for review: there is nothing more to do for now.")
        )
    return workflow.transition(stakeholder, workflow.Action.SUBMIT, actor)


def withdraw(stakeholder: Stakeholder, actor: User, comment: str = "") -> Review:
    if stakeholder.status == Status.WITHDRAWN:
        raise workflow.TransitionNotAllowed(_("This entry is already withdrawn."))
    return workflow.transition(stakeholder, workflow.Action.WITHDRAW, actor, comment)


class NotDiscardable(Refused):
    status = 409


def ever_submitted(stakeholder: Stakeholder) -> bool:
    """Whether any decision was ever recorded on it (a submission first of all)."""
    stmt = (
        select(Review.id)
        .where(Review.entry_type == "stakeholder", Review.entry_id == stakeholder.id)
        .limit(1)
    )
    return db.session.scalar(stmt) is not None


def discardable(stakeholder: Stakeholder) -> bool:
    """A draft no reviewer ever saw can be thrown away; anything else has a history to keep
    (it is withdrawn or archived instead)."""
    return (
        stakeholder.status == Status.DRAFT
        and stakeholder.merged_into_id is None
        and not ever_submitted(stakeholder)
    )


def discard(stakeholder: Stakeholder, actor: User) -> None:
    """Delete a draft that was never submitted, with its contact persons and memberships. The
    audit trail keeps what it was (it is history, never rewritten)."""
    if not discardable(stakeholder):
        raise NotDiscardable(
            _(
                "Only a draft that was never submitted can be discarded. This one has a "
                "history: withdraw it instead."
            )
        )
    audit.record(
        "stakeholder.discarded",
        stakeholder,
        before={**snapshot(stakeholder), "contacts": len(stakeholder.contacts)},
        actor=actor,
    )
    # Through the session, row by row (a draft has a handful): objects already loaded in this
    # request (the page's memberships, its contacts) are deleted, not left stale.
    parts = [
        select(model).where(model.stakeholder_id == stakeholder.id)
        for model in (Contact, Membership, MembershipClaim)
    ]
    parts.append(
        select(Revision).where(
            Revision.entry_type == "stakeholder", Revision.entry_id == stakeholder.id
        )
    )
    for stmt in parts:
        for row in db.session.scalars(stmt):
            db.session.delete(row)
    db.session.flush()
    db.session.expire(stakeholder)  # its collections: emptied above
    db.session.delete(stakeholder)
    db.session.flush()


# --- contacts ----------------------------------------------------------------------------------


def add_contact(stakeholder: Stakeholder, data: dict[str, Any], actor: User) -> Contact:
    contact = Contact(stakeholder=stakeholder, **data)
    db.session.add(contact)
    db.session.flush()
    audit.record("contact.created", stakeholder, after={"contact_id": contact.id}, actor=actor)
    return contact


def update_contact(contact: Contact, data: dict[str, Any], actor: User) -> bool:
    """Change a contact; returns whether anything changed. The trail names the changed
    fields, never their values."""
    changed = sorted(
        name for name, value in data.items() if not _same(getattr(contact, name), value)
    )
    if not changed:
        return False
    for name in changed:
        setattr(contact, name, data[name])
    audit.record(
        "contact.updated",
        contact.stakeholder,
        after={"contact_id": contact.id, "fields": changed},
        actor=actor,
    )
    return True


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old.date() == new.date()  # SQLite hands back consent dates without a zone
    return old == new


def delete_contact(contact: Contact, actor: User) -> None:
    """Remove a contact person for good: personal data is erased, not archived."""
    stakeholder = contact.stakeholder
    audit.record("contact.deleted", stakeholder, before={"contact_id": contact.id}, actor=actor)
    stakeholder.contacts.remove(contact)
    db.session.flush()


# --- membership claims -------------------------------------------------------------------------


def pending_claim(user: User, stakeholder: Stakeholder) -> MembershipClaim | None:
    return db.session.scalar(
        select(MembershipClaim).where(
            MembershipClaim.user_id == user.id,
            MembershipClaim.stakeholder_id == stakeholder.id,
            MembershipClaim.status == ClaimStatus.PENDING,
        )
    )


def request_claim(stakeholder: Stakeholder, user: User, message: str) -> MembershipClaim:
    """Ask to act for ``stakeholder``; administrators hear of it once the view commits."""
    if user.is_member_of(stakeholder):
        raise ClaimRefused(_("You already act for this organization."))
    if pending_claim(user, stakeholder) is not None:
        raise ClaimRefused(
            _("You have already asked to join this organization. An administrator will reply.")
        )
    claim = MembershipClaim(user_id=user.id, stakeholder_id=stakeholder.id, message=message)
    db.session.add(claim)
    db.session.flush()
    # The message may say who the person is: the trail keeps only the ids.
    audit.record(
        "stakeholder.claim_requested",
        stakeholder,
        after={"claim_id": claim.id, "user_id": user.id},
        actor=user,
    )
    notifications.claim_made(stakeholder, user)
    return claim


# --- "my organizations" ------------------------------------------------------------------------


def my_stakeholders(user: User) -> list[Stakeholder]:
    """The organizations ``user`` acts for, by name (merged entries left out)."""
    stmt = (
        select(Stakeholder)
        .join(Membership, Membership.stakeholder_id == Stakeholder.id)
        .where(Membership.user_id == user.id, Stakeholder.merged_into_id.is_(None))
        .order_by(func.lower(Stakeholder.name), Stakeholder.id)
    )
    return list(db.session.scalars(stmt))


def pending_revision_ids(stakeholder_ids: list[int]) -> set[int]:
    """Which of these stakeholders have a change waiting for review (one query)."""
    return revisions.pending_ids(STAKEHOLDER, stakeholder_ids)


def my_pending_claims(user: User) -> list[MembershipClaim]:
    stmt = (
        select(MembershipClaim)
        .options(joinedload(MembershipClaim.stakeholder))
        .where(MembershipClaim.user_id == user.id, MembershipClaim.status == ClaimStatus.PENDING)
        .order_by(MembershipClaim.created_at.desc(), MembershipClaim.id.desc())
    )
    return list(db.session.scalars(stmt))
