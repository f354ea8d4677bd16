"""Approved stakeholders whose name is close to one being registered ("Did you mean …?").

PostgreSQL answers with pg_trgm through the GIN trigram index on ``stakeholder.name``. SQLite
has no trigrams, so a bounded set of candidates (approved rows sharing a word prefix with the
name, best overlap first) is scored in Python with RapidFuzz. Neither reads the whole table.
"""

from __future__ import annotations

import re

from sqlalchemy import case, func, literal, or_, select

from registry.database import within_time
from registry.extensions import db
from registry.models import Stakeholder, Status
from registry.models.stakeholders import org_identifier_key
from registry.text import clean, escape_like

# pg_trgm's own default for the ``%`` operator (``pg_trgm.similarity_threshold``).
TRIGRAM_THRESHOLD = 0.3
# RapidFuzz's token_set_ratio (0-100) at or above which a name counts as close.
FUZZY_CUTOFF = 80
# SQLite: at most this many rows are scored in Python, however large the registry grows.
CANDIDATE_CAP = 300
# PostgreSQL: a suggestion that takes longer than this is dropped, not waited for. Trigram
# matching of very common words can take seconds on a large registry (PERFORMANCE-NOTES.md),
# and a person typing a name must never wait for "Did you mean …?".
TIMEOUT_MS = 300
MIN_QUERY = 3  # fewer characters than this match too much to be useful
MAX_QUERY = 200
MAX_WORDS = 8
PREFIX = 3  # a word prefix short enough to survive a typo later in the word

_WORD = re.compile(r"\w+")
# Words too common in organization names to tell two apart.
STOPWORDS = frozenset(
    {"and", "for", "the", "of", "de", "des", "du", "la", "le", "les", "del", "los", "las", "y"}
)


def _clean(text: str | None) -> str:
    # PostgreSQL refuses NUL in text; a pasted control character must not become a 500.
    return " ".join(clean(text).split())[:MAX_QUERY]


def _public():
    return [Stakeholder.status == Status.APPROVED, Stakeholder.merged_into_id.is_(None)]


def similar(
    name: str | None,
    limit: int = 5,
    exclude_id: int | None = None,
    org_identifier: str | None = None,
) -> list[Stakeholder]:
    """Up to ``limit`` approved stakeholders that look like ``name`` (closest first); one
    with the same ``org_identifier`` comes first whatever its name."""
    name = _clean(name)
    found: list[Stakeholder] = []
    if org_identifier:
        found.extend(_same_identifier(org_identifier, exclude_id))
    if len(name) >= MIN_QUERY:
        if db.session.get_bind().dialect.name == "postgresql":
            by_name = _trigram(name, limit, exclude_id)
        else:
            by_name = _fuzzy(name, limit, exclude_id)
        seen = {s.id for s in found}
        found.extend(s for s in by_name if s.id not in seen)
    return found[:limit]


def _same_identifier(org_identifier: str, exclude_id: int | None) -> list[Stakeholder]:
    key = org_identifier_key(org_identifier)
    stmt = select(Stakeholder).where(*_public(), Stakeholder.org_identifier_key == key)
    if exclude_id is not None:
        stmt = stmt.where(Stakeholder.id != exclude_id)
    return list(db.session.scalars(stmt.limit(1)))


def _trigram(name: str, limit: int, exclude_id: int | None) -> list[Stakeholder]:
    # pg_trgm folds case itself, so ``name`` is compared as stored: wrapping it in lower()
    # would give the same scores but stop the GIN index on ``name`` from being used.
    query = literal(name)
    score = func.similarity(Stakeholder.name, query)
    stmt = (
        select(Stakeholder)
        # ``%`` lets the index find the rows; the explicit score holds whatever the server's
        # pg_trgm.similarity_threshold is set to.
        .where(*_public(), Stakeholder.name.op("%")(query), score >= TRIGRAM_THRESHOLD)
        .order_by(score.desc(), Stakeholder.name, Stakeholder.id)
        .limit(limit)
    )
    if exclude_id is not None:
        stmt = stmt.where(Stakeholder.id != exclude_id)
    return within_time(stmt, TIMEOUT_MS)


def prefixes(name: str) -> list[str]:
    """The distinct word prefixes a candidate must share with ``name`` (at least one)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(name.lower()):
        if len(word) < PREFIX or word in STOPWORDS:
            continue
        seen.setdefault(word[:PREFIX], None)
        if len(seen) == MAX_WORDS:
            break
    return list(seen)


def candidates(name: str, exclude_id: int | None = None, cap: int | None = None):
    """Approved rows sharing a word prefix with ``name``: at most ``cap``, most shared first."""
    cap = cap or CANDIDATE_CAP
    parts = prefixes(name)
    if not parts:
        return []
    lowered = func.lower(Stakeholder.name)
    matches = [lowered.like(f"%{escape_like(p)}%", escape="\\") for p in parts]
    overlap = sum((case((m, 1), else_=0) for m in matches), start=literal(0))
    stmt = (
        select(Stakeholder)
        .where(*_public(), or_(*matches))
        .order_by(overlap.desc(), Stakeholder.id)
        .limit(cap)
    )
    if exclude_id is not None:
        stmt = stmt.where(Stakeholder.id != exclude_id)
    return list(db.session.scalars(stmt))


def _fuzzy(name: str, limit: int, exclude_id: int | None) -> list[Stakeholder]:
    from rapidfuzz import fuzz, process, utils

    rows = candidates(name, exclude_id)
    if not rows:
        return []
    scored = process.extract(
        name,
        [row.name for row in rows],
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        score_cutoff=FUZZY_CUTOFF,
        limit=None,
    )
    # Closest first; equal scores by name, so the answer does not depend on row order.
    scored.sort(key=lambda hit: (-hit[1], rows[hit[2]].name, rows[hit[2]].id))
    return [rows[index] for _match, _score, index in scored[:limit]]
