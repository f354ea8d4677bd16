"""Choosing an approved organization by typing part of its name (a partner of an initiative,
a participant of an engagement, an initiative's lead): the stakeholder list's own name filter,
so the same index serves it, then names like the one typed (a typo forgiven)."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from registry import lists
from registry.extensions import db
from registry.models import Stakeholder, Status
from registry.stakeholders import queries
from registry.stakeholders.similar import similar
from registry.text import clean

LIMIT = 8  # organizations offered for a typed name
MAX_TYPED = 200  # characters of a typed name that are searched: a pasted novel searches its start
MIN_TYPED = 2


def typed(text: str | None) -> str:
    return " ".join(clean(text, MAX_TYPED).split())


def matches(text: str | None, limit: int = LIMIT) -> list[Stakeholder]:
    """Approved organizations whose name or acronym contains ``text``, then ones with a name
    like it; at most ``limit``."""
    text = typed(text)
    if len(text) < MIN_TYPED:
        return []
    found = list(lists.page(queries.Filters(q=text).request(), per_page=limit).items)
    if len(found) < limit:
        seen = {s.id for s in found}
        found += [s for s in similar(text, limit=limit) if s.id not in seen]
    return found[:limit]


def exact(text: str | None) -> Stakeholder | None:
    """The one approved organization called ``text`` (or with that acronym), if only one is."""
    folded = typed(text).casefold()
    if not folded:
        return None
    stmt = (
        select(Stakeholder)
        .where(
            Stakeholder.status == Status.APPROVED,
            Stakeholder.merged_into_id.is_(None),
            or_(func.lower(Stakeholder.name) == folded, func.lower(Stakeholder.acronym) == folded),
        )
        .limit(2)
    )
    found = list(db.session.scalars(stmt))
    return found[0] if len(found) == 1 else None
