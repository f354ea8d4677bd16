"""Write the audit trail: one AuditEvent per change, in the change's own transaction."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context

from registry.extensions import db
from registry.models import AuditEvent, User


def record(
    action: str,
    entry: Any,
    *,
    actor: User | None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an audit row for ``entry``; the caller's single commit makes both durable.

    ``actor`` is who did it, always named by the caller (``None`` for the system itself, e.g.
    the demo seed): a service called from the API or the CLI has no logged-in user to guess.
    """
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
