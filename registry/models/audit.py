"""One change to any entry, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column
from registry.models.accounts import User


class AuditEvent(db.Model):
    # The log is read newest first, a page at a time by keyset (registry.auditlog): each
    # filter it offers has an index ending in (created_at, id), the sort's columns.
    __table_args__ = (
        Index("ix_audit_event_entry", "entry_type", "entry_id", "created_at", "id"),
        Index("ix_audit_event_created_at", "created_at", "id"),
        Index("ix_audit_event_action_created", "action", "created_at", "id"),
        Index("ix_audit_event_actor_created", "actor_id", "created_at", "id"),
        Index("ix_audit_event_type_created", "entry_type", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(60))  # "user.role_changed"
    entry_type: Mapped[str] = mapped_column(String(40))
    entry_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.entry_type}:{self.entry_id}>"
