"""Keeping the import batches table small: a batch is only needed while its preview may be
confirmed (``views.LIFETIME``), and a confirmed one a while longer, so an officer can look
back at what the file held (the audit row keeps what was written for good)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_

from registry.extensions import db
from registry.models import ImportBatch
from registry.models._base import utcnow

KEEP_CONFIRMED = timedelta(days=30)


def purge(now: datetime | None = None, keep_confirmed: timedelta = KEEP_CONFIRMED) -> int:
    """Delete the batches no longer confirmable and never confirmed, and the confirmed ones
    older than ``keep_confirmed``; how many (``flask imports purge``)."""
    now = now or utcnow()
    return db.session.execute(
        delete(ImportBatch).where(
            or_(
                and_(ImportBatch.confirmed_at.is_(None), ImportBatch.expires_at <= now),
                ImportBatch.confirmed_at <= now - keep_confirmed,
            )
        )
    ).rowcount
