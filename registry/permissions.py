"""Roles and the one permission policy.

``can(user, action, obj=None)`` is the only place a rule lives. Views declare the action they
need with ``@requires``; templates ask ``can`` before showing a control; a request to a view
that declares nothing is refused (deny by default, enforced in ``enforce_declared_permission``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, request
from flask_login import current_user

from registry import entries
from registry.extensions import login_manager
from registry.models import Role, Status

# Endpoints that Flask itself registers, with the permission they need.
BUILTIN_ENDPOINTS = {"static": "public"}


def _authenticated(user: Any, obj: Any = None) -> bool:
    return bool(user and user.is_authenticated)


def _has_role(*roles: Role) -> Callable[[Any, Any], bool]:
    def rule(user: Any, obj: Any = None) -> bool:
        return _authenticated(user) and user.role in roles

    return rule


STAFF = (Role.OFFICER, Role.ADMIN)
_is_staff = _has_role(*STAFF)
_is_admin = _has_role(Role.ADMIN)


def _is_member(user: Any, stakeholder: Any) -> bool:
    return (
        _authenticated(user)
        and stakeholder is not None
        and any(m.stakeholder_id == stakeholder.id for m in user.memberships)
    )


def _staff_or_member(user: Any, entry: Any = None) -> bool:
    """Officers and admins for any entry; a community user for its own organization's."""
    if entry is None:  # the route itself; the object is checked once loaded
        return _authenticated(user)
    return _is_staff(user) or _is_member(user, entries.owner(entry))


def _view_entry(user: Any, entry: Any = None) -> bool:
    """Approved entries are public; any other state only for staff and the members."""
    if entry is None or entry.status == Status.APPROVED:
        return True
    return _staff_or_member(user, entry)


def _act_on_entry(user: Any, entry: Any = None) -> bool:
    """Submit, withdraw, manage contacts: staff, or its members. Archived or merged entries
    are frozen for everyone but administrators."""
    if entry is not None and entry.status == Status.ARCHIVED:
        return _is_admin(user)
    return _staff_or_member(user, entry)


def _submit_entry(user: Any, entry: Any = None) -> bool:
    """As ``_act_on_entry``, from a confirmed address: an account made with someone else's
    address, or a mistyped one, cannot put entries in front of the reviewers."""
    if entry is not None and not getattr(user, "email_verified", False):
        return False
    return _act_on_entry(user, entry)


def _edit_entry(user: Any, entry: Any = None) -> bool:
    """As ``_act_on_entry``; and while an entry waits for review its members cannot change
    it, so the administrator approves exactly what was submitted."""
    if entry is not None and entry.status == Status.SUBMITTED:
        return _is_staff(user)
    return _act_on_entry(user, entry)


def _edit_without_review(user: Any, entry: Any = None) -> bool:
    """Whether an edit applies at once: staff edits and edits to unpublished entries do; a
    community member's change to a public entry waits for an administrator."""
    return entry is None or entry.status != Status.APPROVED or _is_staff(user)


def _request_partnership(user: Any, stakeholder: Any = None) -> bool:
    """A member asks, on behalf of an approved organization it acts for, to join an
    initiative; the route itself needs only a login (the organization is checked once chosen)."""
    if stakeholder is None:
        return _authenticated(user)
    return stakeholder.status == Status.APPROVED and _is_member(user, stakeholder)


def _write_commitment_for(user: Any, stakeholder: Any = None) -> bool:
    """A member writes its organization's commitments, staff any organization's; the route
    itself needs only a login (the organization is checked once chosen)."""
    if stakeholder is None:
        return _authenticated(user)
    if stakeholder.status == Status.ARCHIVED:
        return False
    return _is_staff(user) or _is_member(user, stakeholder)


def _report_progress(user: Any, commitment: Any = None) -> bool:
    """Progress is reported on a published commitment by its organization's members or staff."""
    if commitment is None:
        return _authenticated(user)
    return commitment.status == Status.APPROVED and _staff_or_member(user, commitment)


def _claim_stakeholder(user: Any, stakeholder: Any = None) -> bool:
    """A logged-in user asks to act for an approved organization it is not yet a member of."""
    if not _authenticated(user):
        return False
    if stakeholder is None:
        return True
    return stakeholder.status == Status.APPROVED and not _is_member(user, stakeholder)


RULES: dict[str, Callable[[Any, Any], bool]] = {
    "public": lambda user, obj=None: True,
    "account.logout": _authenticated,
    "account.manage": _authenticated,
    "users.manage": _is_admin,
    # Any reviewable entry (registry.entries); obj is the entry, its owner the stakeholder
    # whose members act for it. An entry type may name its own rule for an action instead.
    "entry.view": _view_entry,
    "entry.edit": _edit_entry,
    "entry.edit_without_review": _edit_without_review,
    "entry.submit": _submit_entry,
    "entry.withdraw": _act_on_entry,
    "entry.history": _staff_or_member,
    "entry.archive": _is_admin,
    "entry.decide": _is_admin,
    "entry.merge": _is_admin,
    # Stakeholders (DOMAIN.md, "Roles"); obj is the stakeholder.
    "stakeholder.view": _view_entry,
    "stakeholder.create": _authenticated,
    "stakeholder.edit": _edit_entry,
    "stakeholder.submit": _submit_entry,
    "stakeholder.withdraw": _act_on_entry,
    # Throw away a draft: its members and staff (the service refuses one ever submitted).
    "stakeholder.discard": _act_on_entry,
    "stakeholder.claim": _claim_stakeholder,
    "stakeholder.history": _staff_or_member,
    "stakeholder.work_list": _is_staff,  # entries in progress, to find work
    # Bulk import from a file (preview, then confirm): the routes serve every kind and each
    # kind asks its own rule too.
    "import.file": _is_staff,
    "stakeholder.import": _is_staff,
    "stakeholder.archive": _is_admin,
    "stakeholder.merge": _is_admin,
    "contact.view": _staff_or_member,  # personal data: never public, never exported
    "contact.edit": _act_on_entry,
    # Engagements: staff record and edit them and publish directly; everyone reads them.
    "engagement.create": _is_staff,
    "engagement.edit": _is_staff,
    # Initiatives and the partnerships in them: staff make them, and they are public at once
    # (audited); a member asks to join on behalf of its organization, and staff decide.
    "initiative.create": _is_staff,
    "initiative.edit": _is_staff,
    "partnership.manage": _is_staff,
    "partnership.request": _request_partnership,
    "partnership.decide": _is_staff,
    # Commitments (an entry type, so also the entry.* rules): members write their
    # organization's and submit them; staff write any and publish them directly; progress
    # reports are public at once, officers verify them, administrators hide them.
    "commitment.create": _authenticated,
    "commitment.write_for": _write_commitment_for,
    "commitment.publish": _is_staff,
    # Many commitments, with their deliverables, for any organizations from one file.
    "commitment.import": _is_staff,
    "commitment.report": _report_progress,
    "commitment.verify": _is_staff,
    "commitment.hide_report": _is_admin,
    # Global agreements: administrators add and edit a resolution and its paragraphs and
    # archive items; staff record, correct and hide its implementation statuses.
    "framework.edit": _is_admin,
    "framework.track": _is_staff,
    # The one picker of framework items that commitments, initiatives and engagements are
    # aligned to: for whoever may write any of them.
    "framework.pick": _authenticated,
    # Review and oversight. The queue is every staff member's: each source says who decides
    # its items (``QueueSource.permission``); officers see the requests they may decide.
    "review.queue": _is_staff,
    "review.respond": _is_staff,  # the queue's decide route; the source's rule is checked next
    "review.decide": _is_admin,
    "audit.view": _is_admin,
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` (perhaps anonymous) may do ``action`` (to ``obj``)."""
    rule = RULES.get(action)
    if rule is None:
        return False
    return rule(user, obj)


def authorize(action: str, obj: Any = None) -> None:
    """Stop the request unless the current user may do ``action`` to ``obj``."""
    if can(current_user, action, obj):
        return
    if not current_user.is_authenticated:
        # Anonymous: ask them to log in (Flask-Login's handler answers htmx and plain requests).
        abort(login_manager.unauthorized())
    abort(403)


def requires(action: str) -> Callable:
    """Declare the permission a view needs; checked before the view runs."""
    if action not in RULES:
        raise ValueError(f"unknown permission {action!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            authorize(action)
            return view(*args, **kwargs)

        wrapped.permission = action  # type: ignore[attr-defined]
        return wrapped

    return decorator


def declared_permission(endpoint: str) -> str | None:
    if endpoint in BUILTIN_ENDPOINTS:
        return BUILTIN_ENDPOINTS[endpoint]
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "permission", None)


def enforce_declared_permission() -> None:
    """``before_request``: refuse any view that forgot to say what it needs."""
    if request.endpoint is None:  # 404 and 405 are answered by the router
        return
    if declared_permission(request.endpoint) is None:
        current_app.logger.error("view %s declares no permission: refused", request.endpoint)
        abort(403)
