"""An uploaded import file, read and checked, waiting for the officer to confirm it.

The app keeps no state between requests, so what the preview showed lives here until the
confirmation writes it: the rows as read (JSON), what was decided for each, who uploaded it and
until when it may be confirmed. Confirming stamps ``confirmed_at`` in the same transaction as
the rows it writes, so a second confirmation finds it stamped and writes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models._base import created_at_column


class ImportBatch(db.Model):
    __table_args__ = (Index("ix_import_batch_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "stakeholders"
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    # The file's columns, what was read (encoding, notices) and every row with its checks.
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.kind} {self.filename!r}>"
