"""Write the audit trail: one AuditEvent per change, in the change's own transaction."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_login import current_user

from registry.extensions import db
from registry.models import AuditEvent, User


def record(
    action: str,
    entry: Any,
    before: dict | None = None,
    after: dict | None = None,
    actor: User | None = None,
) -> AuditEvent:
    """Add an audit row for ``entry``; the caller's single commit makes both durable."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if entry.id is None:
        db.session.flush()  # the entry needs its id before the trail can point at it
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        entry_type=entry.__tablename__,
        entry_id=entry.id,
        before=before,
        after=after,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(event)
    return event
