"""Column helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, text
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_at_column():
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


def one_pending(name: str, *columns: str) -> Index:
    """A partial unique index: at most one pending row per ``columns`` (one pending
    revision per entry, one pending request per person and organization)."""
    return Index(
        name,
        *columns,
        unique=True,
        postgresql_where=text("status = 'pending'"),
        sqlite_where=text("status = 'pending'"),
    )
