"""Database helpers every part may use: running a statement under a time limit, and the
schema comparison's view of indexes that only PostgreSQL has."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import OperationalError

from registry.extensions import db

DEFAULT_TIMEOUT_MS = 300
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE when a statement_timeout fires


def within_time(work: Select | Callable[[], list], timeout_ms: int | None = None) -> list:
    """Run ``work`` (a statement, or a function running several) under a statement timeout
    in a savepoint; [] if it runs out of time.

    For answers that help but must never make a person wait ("did you mean …?"). Only
    PostgreSQL has the setting; elsewhere the work simply runs.
    """
    run = work if callable(work) else (lambda: list(db.session.scalars(work)))
    if db.session.get_bind().dialect.name != "postgresql":
        return run()
    timeout = f"{timeout_ms or DEFAULT_TIMEOUT_MS}ms"
    try:
        with db.session.begin_nested():
            # is_local: the setting ends with this transaction; rolling back the savepoint on
            # a timeout undoes it too. The old value is read in the same round trip.
            previous = db.session.execute(
                select(
                    func.current_setting("statement_timeout"),
                    func.set_config("statement_timeout", timeout, True),
                )
            ).scalar()
            rows = run()
            db.session.execute(select(func.set_config("statement_timeout", previous, True)))
            return rows
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != QUERY_CANCELED:
            raise
        current_app.logger.info("statement dropped after %s", timeout)
        return []


# Indexes that only PostgreSQL has, made by the migrations and unknown to the models: an
# expression index SQLite can neither use the same way nor reflect (Alembic would warn).
POSTGRESQL_ONLY_INDEXES = {
    # "Did you mean …?": names starting with what was typed, ``lower(name) LIKE 'abc%'``.
    "ix_stakeholder_name_prefix": "stakeholder (lower(name) text_pattern_ops)",
    # … then names containing the typed name's rarest words (registry.stakeholders.similar).
    "ix_stakeholder_name_words": "stakeholder USING gin (to_tsvector('simple', name))",
    # … and a typed word's closest known word. On lower(value), not value: on the column
    # itself the planner took this index for the word counts' equality look-ups (13 ms
    # where the primary key answers in 0.1).
    "ix_facet_count_word_trgm": (
        "facet_count USING gin (lower(value) gin_trgm_ops) WHERE facet = 'word'"
    ),
    # Search everything (registry.search): the full-text index of each searched table …
    "ix_stakeholder_search": "stakeholder USING gin (search_vector)",
    "ix_initiative_search": "initiative USING gin (search_vector)",
    "ix_commitment_search": "commitment USING gin (search_vector)",
    "ix_engagement_search": "engagement USING gin (search_vector)",
    "ix_framework_item_search": "framework_item USING gin (search_vector)",
    # … the words of each title alone, read first so that a common word's best matches
    # (every word in the name) are never cut by the cap …
    "ix_stakeholder_title_search": (
        "stakeholder USING gin (to_tsvector('english'::regconfig, "
        "coalesce(name, '') || ' ' || coalesce(acronym, '')))"
    ),
    "ix_initiative_title_search": (
        "initiative USING gin (to_tsvector('english'::regconfig, coalesce(title, '')))"
    ),
    "ix_commitment_title_search": (
        "commitment USING gin (to_tsvector('english'::regconfig, coalesce(title, '')))"
    ),
    "ix_engagement_title_search": (
        "engagement USING gin (to_tsvector('english'::regconfig, coalesce(title, '')))"
    ),
    "ix_framework_item_title_search": (
        "framework_item USING gin (to_tsvector('english'::regconfig, "
        "coalesce(code, '') || ' ' || coalesce(short_title, '')))"
    ),
    # … and trigrams of the titles the typo fallback looks through (the stakeholder's name,
    # the initiative's and the commitment's title have theirs already, in the models).
    "ix_engagement_title_trgm": "engagement USING gin (title gin_trgm_ops)",
    "ix_framework_item_title_trgm": "framework_item USING gin (title gin_trgm_ops)",
}
# The generated ``tsvector`` columns (PostgreSQL) that registry.search reads and nothing
# writes: the database computes them, so the models leave them out (SQLite has none).
SEARCH_VECTOR = "search_vector"
# SQLite's FTS5 tables (and their shadow and vocabulary tables), kept by triggers.
SEARCH_TABLE_PREFIX = "search_"


def include_object(_obj, name, type_, reflected, _compare_to) -> bool:
    """Alembic's ``include_object``: the PostgreSQL-only indexes, the search columns and the
    search tables are the migrations' alone, not the models' to compare."""
    if not reflected:
        return True
    if type_ == "index":
        return name not in POSTGRESQL_ONLY_INDEXES
    if type_ == "column":
        return name != SEARCH_VECTOR
    if type_ == "table":
        return not name.startswith(SEARCH_TABLE_PREFIX)
    return True
