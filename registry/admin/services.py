"""Account administration: each operation flushes and audits; the view commits once."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from registry import audit
from registry.auth import sessions
from registry.commit import Refused
from registry.extensions import db
from registry.models import Membership, Role, Stakeholder, User
from registry.text import escape_like


class AdminError(Refused):
    """An administrative change that is not allowed; the message says why."""

    status = 422


def users_query(q: str = "", role: str = "", state: str = ""):
    """The filtered, sorted user list as one statement (filtering and sorting in SQL)."""
    stmt = select(User).order_by(func.lower(User.name), User.id)
    if q:
        pattern = f"%{escape_like(q.strip().lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    if state == "active":
        stmt = stmt.where(User.active.is_(True))
    elif state == "inactive":
        stmt = stmt.where(User.active.is_(False))
    return stmt


def membership_counts(user_ids: list[int]) -> dict[int, int]:
    """Memberships per user, for one page of users in one query."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Membership.user_id, func.count())
        .where(Membership.user_id.in_(user_ids))
        .group_by(Membership.user_id)
    )
    return dict(rows.all())


def change_role(actor: User, user: User, role: Role) -> bool:
    """Give ``user`` a new role; returns False when it already had it."""
    if user.id == actor.id and role != user.role:
        raise AdminError(_("You cannot change your own role: ask another administrator."))
    if user.role == role:
        return False
    before = {"role": user.role.value}
    user.role = role
    # Logins made under the old role end: the next request asks for the password again.
    sessions.end_all(user)
    audit.record("user.role_changed", user, before=before, after={"role": role.value}, actor=actor)
    return True


def set_active(actor: User, user: User, active: bool) -> bool:
    """Deactivate or restore an account; returns False when nothing changed."""
    if user.id == actor.id and not active:
        raise AdminError(_("You cannot deactivate your own account."))
    if user.active == active:
        return False
    user.active = active
    sessions.end_all(user)
    audit.record(
        "user.activated" if active else "user.deactivated",
        user,
        before={"active": not active},
        after={"active": active},
        actor=actor,
    )
    return True


def add_membership(actor: User, user: User, stakeholder_id: int) -> Membership:
    stakeholder = db.session.get(Stakeholder, stakeholder_id)
    if stakeholder is None:
        raise AdminError(_("That organization is not in the registry."))
    if any(m.stakeholder_id == stakeholder.id for m in user.memberships):
        raise AdminError(_("This person is already a member of that organization."))
    membership = Membership(user=user, stakeholder=stakeholder)
    db.session.add(membership)
    audit.record(
        "user.membership_added",
        user,
        after={"stakeholder_id": stakeholder.id, "stakeholder": stakeholder.name},
        actor=actor,
    )
    return membership


def remove_membership(actor: User, user: User, membership_id: int) -> None:
    membership = next((m for m in user.memberships if m.id == membership_id), None)
    if membership is None:
        raise AdminError(_("This person is not a member of that organization."))
    audit.record(
        "user.membership_removed",
        user,
        before={
            "stakeholder_id": membership.stakeholder_id,
            "stakeholder": membership.stakeholder.name,
        },
        actor=actor,
    )
    user.memberships.remove(membership)


def stakeholder_candidates(q: str, limit: int = 20) -> list[Stakeholder]:
    """Organizations whose name or acronym contains ``q``, for the membership picker."""
    q = q.strip()
    if not q:
        return []
    pattern = f"%{escape_like(q.lower())}%"
    stmt = (
        select(Stakeholder)
        .where(
            or_(
                func.lower(Stakeholder.name).like(pattern, escape="\\"),
                func.lower(Stakeholder.acronym).like(pattern, escape="\\"),
            )
        )
        .order_by(func.lower(Stakeholder.name), Stakeholder.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
