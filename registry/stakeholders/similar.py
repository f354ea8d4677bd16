"""Approved stakeholders whose name is close to one being registered ("Did you mean …?").

PostgreSQL, in steps that each read a bounded number of rows (PERFORMANCE-NOTES.md lesson 3):

1. names that start with what was typed: the btree on ``lower(name) text_pattern_ops``;
2. otherwise names that contain the typed name's *rarest* words. How common each word is
   comes from the maintained word counts (``registry.counts``); a word nobody uses is taken
   as a typo and replaced by the closest known word (trigram similarity over the vocabulary,
   a few thousand rows, not the million names). The rarest one or two words then pick at most
   ``ANCHOR_CAP`` candidates through a full-text GIN index on the name (the words' own
   posting lists), ranked by trigram similarity to the whole name. A trigram match of the
   whole name against every row took seconds for common words; so did a nearest-neighbour
   scan of a GiST index for names of several common words.

A statement timeout stays as the last guard. SQLite has no trigrams: a bounded set of
candidates (approved rows sharing a word prefix with the name) is scored with RapidFuzz.
"""

from __future__ import annotations

from sqlalchemy import (
    String,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    values,
)

from registry import counts
from registry.database import within_time
from registry.extensions import db
from registry.lists import WORDS
from registry.models import FacetCount, Stakeholder, Status
from registry.models.stakeholders import org_identifier_key
from registry.text import clean, escape_like, name_words

# pg_trgm's own default for the ``%`` operator (``pg_trgm.similarity_threshold``).
TRIGRAM_THRESHOLD = 0.3
# A typed word is corrected to a known one at least this similar ("comunity" -> "community").
WORD_THRESHOLD = 0.4
ANCHORS = 2  # the rarest words a candidate must contain
ANCHOR_CAP = 300  # candidates ranked by similarity, at most, however common the words
MIN_CORRECTED = 4  # a shorter unknown word is likely still being typed: not corrected
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
    # Every step under one time limit: a person typing must never wait for suggestions.
    return within_time(lambda: _look_up(name, limit, exclude_id), TIMEOUT_MS)


def _look_up(name: str, limit: int, exclude_id: int | None) -> list[Stakeholder]:
    # Names that start with what was typed are the closest there are: then no more steps.
    found = list(db.session.scalars(_starting_with(name, limit, exclude_id)))
    return found or _by_rare_words(name, limit, exclude_id)


def _starting_with(name: str, limit: int, exclude_id: int | None):
    # ``lower(name) LIKE 'prefix%'`` is served by the text_pattern_ops btree.
    stmt = (
        select(Stakeholder)
        .where(
            *_public(),
            func.lower(Stakeholder.name).like(f"{escape_like(name.lower())}%", escape="\\"),
        )
        .order_by(func.lower(Stakeholder.name), Stakeholder.id)
        .limit(limit)
    )
    if exclude_id is not None:
        stmt = stmt.where(Stakeholder.id != exclude_id)
    return stmt


SIMPLE = literal_column("'simple'")  # a literal: the index expression must match exactly


def _has_words(words: list[str]):
    """Names containing every one of ``words`` (index ``ix_stakeholder_name_words``)."""
    vector = func.to_tsvector(SIMPLE, Stakeholder.name)
    return vector.op("@@")(func.plainto_tsquery(SIMPLE, " ".join(words)))


def known_words(name: str) -> list[tuple[str, int]]:
    """The typed name's words as the registry knows them, rarest first: (word, entries that
    use it). A word no entry uses is replaced by the closest one in the vocabulary."""
    typed = name_words(name)[:MAX_WORDS]
    found = counts.word_counts("stakeholder", typed)
    unknown = [word for word in typed if not found.get(word) and len(word) >= MIN_CORRECTED]
    corrected = _closest_words(unknown) if unknown else {}
    words: dict[str, int] = {}
    for word in typed:
        if found.get(word):
            words[word] = found[word]
        elif word in corrected:
            words.setdefault(*corrected[word])
    return sorted(words.items(), key=lambda item: (item[1], item[0]))


def _closest_words(words: list[str]) -> dict[str, tuple[str, int]]:
    """For each word, the most similar word of the vocabulary (with its count): one
    statement, a trigram match over the vocabulary's rows only."""
    typed = values(column("typed", String), name="typed").data([(w,) for w in words])
    vocabulary = FacetCount.__table__.alias("vocabulary")
    known = func.lower(vocabulary.c.value)  # the expression ix_facet_count_word_trgm indexes
    score = func.similarity(known, typed.c.typed)
    best = (
        select(vocabulary.c.value, vocabulary.c.n, score.label("score"))
        .where(
            vocabulary.c.entry_type == "stakeholder",
            # A literal, so the partial index (facet = 'word') serves even a prepared plan.
            vocabulary.c.facet == literal_column(f"'{WORDS}'"),
            vocabulary.c.n > 0,
            known.op("%")(typed.c.typed),
            score >= WORD_THRESHOLD,
        )
        .order_by(score.desc(), vocabulary.c.n.desc())
        .limit(1)
        .lateral("best")
    )
    stmt = (
        select(typed.c.typed, best.c.value, best.c.n).select_from(typed).join(best, literal(True))
    )
    return {word: (value, n) for word, value, n in db.session.execute(stmt)}


def _score(name: str):
    # Against the first words only: word_similarity over a 200-character input costs a
    # tenth of a millisecond per candidate, and the first words are what identify a name.
    typed = literal(" ".join(name.split()[:MAX_WORDS]))
    # Close as a whole, or the stored name found within what was typed (a long input), or
    # what was typed found within the name.
    return func.greatest(
        func.similarity(Stakeholder.name, typed),
        func.word_similarity(Stakeholder.name, typed),
        func.word_similarity(typed, Stakeholder.name),
    )


def _by_rare_words(name: str, limit: int, exclude_id: int | None) -> list[Stakeholder]:
    words = [word for word, _n in known_words(name)]
    if not words:
        return []
    score = _score(name)
    # The rarest two words together first; if no name has both, each of them alone.
    tries = [words[:ANCHORS], *([w] for w in words[:ANCHORS])] if len(words) > 1 else [words]
    for anchors in tries:
        # The words' own posting lists (a full-text GIN index on the name): two common words
        # intersect in a few ms where their trigram lists took a hundred.
        candidates = select(Stakeholder.id).where(*_public(), _has_words(anchors))
        if exclude_id is not None:
            candidates = candidates.where(Stakeholder.id != exclude_id)
        capped = candidates.limit(ANCHOR_CAP).subquery()
        stmt = (
            select(Stakeholder)
            .join(capped, capped.c.id == Stakeholder.id)
            .where(score >= TRIGRAM_THRESHOLD)
            .order_by(score.desc(), Stakeholder.name, Stakeholder.id)
            .limit(limit)
        )
        found = list(db.session.scalars(stmt))
        if found:
            return found
    return []


def prefixes(name: str) -> list[str]:
    """The distinct word prefixes a candidate must share with ``name`` (at least one)."""
    return list(dict.fromkeys(word[:PREFIX] for word in name_words(name)))[:MAX_WORDS]


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
