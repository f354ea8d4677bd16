"""Maintained counts: the public totals and facet counts, kept current where entries change.

Every list's unfiltered numbers (the home page, the default list, its facets, the country
menu) are the same for every visitor and change only when an entry enters or leaves the
public list or changes a facet value. Recounting them per page view reads every public row;
instead each flush that changes a counted entry adds its difference to ``facet_count`` in the
same transaction. That covers every path that changes an entry (the workflow's approvals,
archives, withdrawals and merges, approved revisions, imports through the ORM) without any of
them knowing about counts. Bulk writes around the ORM (``flask generate``) call ``recount``.

The difference of one entry is taken from SQLAlchemy's attribute history: the values it had
when last loaded or flushed, against the values it has now. Counted columns are mapped with
``active_history`` so that their old value is known even when it was never read.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

from flask import g, has_request_context
from sqlalchemy import String, cast, delete, event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.extensions import db
from registry.lists import WORDS, Listing, pair_key
from registry.models import FacetCount
from registry.text import name_words

TOTAL = ("", "")  # the facet and value under which a list's total is kept
# Moves on with every change to an entry the public lists show: rendered public pages are
# cached under it (``registry.http_cache``), so no page outlives the data it shows.
VERSION = ("", "#version", "")

_LISTINGS: dict[type, Listing] = {}


def register(listing: Listing) -> Listing:
    """Keep ``listing``'s counts from now on (registered once, at import)."""
    _LISTINGS[listing.model] = listing
    return listing


def counted_lists() -> list[str]:
    return [listing.key for listing in _LISTINGS.values()]


def listing_for(key: str) -> Listing:
    return next(listing for listing in _LISTINGS.values() if listing.key == key)


# --- reading ----------------------------------------------------------------------------------


def read(key: str) -> dict[str, dict[str, int]]:
    """facet -> value -> count for the list ``key`` ("" -> "" holds the total): one statement,
    once per request."""
    cache = g.setdefault("_facet_counts", {}) if has_request_context() else {}
    if key not in cache:
        listing = listing_for(key)
        names = ["", *(facet.name for facet in listing.facets)]
        stmt = select(FacetCount.facet, FacetCount.value, FacetCount.n).where(
            FacetCount.entry_type == key, FacetCount.facet.in_(names), FacetCount.n > 0
        )
        found: dict[str, dict[str, int]] = {}
        for facet, value, n in db.session.execute(stmt):
            found.setdefault(facet, {})[value] = n
        cache[key] = found
    return cache[key]


def total(key: str) -> int:
    return read(key).get("", {}).get("", 0)


def read_pairs(key: str, facet: str, value: str) -> dict[str, dict[str, int]]:
    """facet -> value -> count among the public entries of ``key`` with ``facet=value``
    (the other facets under one chosen value): one statement, once per request."""
    cache = g.setdefault("_facet_pairs", {}) if has_request_context() else {}
    if (key, facet, value) not in cache:
        others = {
            pair_key(f.name, facet, value): f.name
            for f in listing_for(key).facets
            if f.name != facet
        }
        stmt = select(FacetCount.facet, FacetCount.value, FacetCount.n).where(
            FacetCount.entry_type == key, FacetCount.facet.in_(others), FacetCount.n > 0
        )
        found: dict[str, dict[str, int]] = {}
        for pair, counted, n in db.session.execute(stmt):
            found.setdefault(others[pair], {})[counted] = n
        cache[(key, facet, value)] = found
    return cache[(key, facet, value)]


def content_version() -> int:
    """The number that moves on with every change to a public entry (one primary-key read)."""
    entry_type, facet, value = VERSION
    stmt = select(FacetCount.n).where(
        FacetCount.entry_type == entry_type, FacetCount.facet == facet, FacetCount.value == value
    )
    return db.session.scalar(stmt) or 0


def word_counts(key: str, words: list[str]) -> dict[str, int]:
    """How many public entries of ``key`` have each of ``words`` in their vocabulary."""
    if not words:
        return {}
    stmt = select(FacetCount.value, FacetCount.n).where(
        FacetCount.entry_type == key, FacetCount.facet == WORDS, FacetCount.value.in_(words)
    )
    found = {value: n for value, n in db.session.execute(stmt) if n > 0}
    return {word: found.get(word, 0) for word in words}


# --- keeping ----------------------------------------------------------------------------------


def keys_of(listing: Listing, row: Any) -> Counter[tuple[str, str]]:
    """The (facet, value) counters one row adds to: none unless it is public."""
    if row is None or not listing.is_public(row):
        return Counter()
    keys: Counter[tuple[str, str]] = Counter([TOTAL])
    values = {facet.name: set(facet.values_of(row)) for facet in listing.facets}
    for name, found in values.items():
        keys.update((name, value) for value in found)
        # And among the rows with each value of every other facet (a filtered list's facets).
        for other, other_values in values.items():
            if other != name:
                keys.update(
                    (pair_key(name, other, by), value) for by in other_values for value in found
                )
    if listing.vocabulary:
        keys.update((WORDS, word) for word in name_words(getattr(row, listing.vocabulary)))
    return keys


def _attributes(listing: Listing) -> list[str]:
    names = [*listing.watched, *(facet.attr for facet in listing.facets)]
    if listing.vocabulary:
        names.append(listing.vocabulary)
    return list(dict.fromkeys(names))


def _before(listing: Listing, obj: Any) -> SimpleNamespace | None:
    """``obj`` as it was at its last load or flush (None if it is new)."""
    state = inspect(obj)
    if state.pending or state.transient:
        return None
    values = {}
    for name in _attributes(listing):
        attribute = state.attrs[name]
        history = attribute.history
        if not history.has_changes():
            values[name] = attribute.value
        elif (
            state.mapper.relationships.get(name) is not None
            and state.mapper.relationships[name].uselist
        ):
            values[name] = [*history.unchanged, *history.deleted]
        else:
            values[name] = history.deleted[0] if history.deleted else None
    return SimpleNamespace(**values)


def _changed(listing: Listing, obj: Any) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _attributes(listing))


def differences(session: Session) -> Counter[tuple[str, str, str]]:
    """What this flush changes in the counts: (entry type, facet, value) -> +n / -n."""
    delta: Counter[tuple[str, str, str]] = Counter()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        listing = _LISTINGS.get(type(obj))
        if listing is None:
            continue
        if obj not in session.dirty or session.is_modified(obj):
            delta[VERSION] = 1  # anything shown may have changed
        if obj in session.new:
            before, after = None, obj
        elif obj in session.deleted:
            before, after = _before(listing, obj), None
        elif _changed(listing, obj):
            before, after = _before(listing, obj), obj
        else:
            continue
        change = keys_of(listing, after)
        change.subtract(keys_of(listing, before))
        for (facet, value), n in change.items():
            if n:
                delta[(listing.key, facet, value)] += n
    return Counter({key: n for key, n in delta.items() if n})


def _upsert(rows: list[dict[str, Any]]):
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(FacetCount.__table__).values(rows)
    return stmt.on_conflict_do_update(
        index_elements=["entry_type", "facet", "value"],
        set_={"n": FacetCount.__table__.c.n + stmt.excluded.n},
    )


def apply(session: Session, delta: Counter[tuple[str, str, str]]) -> None:
    """Add ``delta`` to the stored counts: one statement, rows in key order (so that two
    transactions lock them in the same order and never deadlock)."""
    if not delta:
        return
    rows = [
        {"entry_type": key, "facet": facet, "value": value, "n": n}
        for (key, facet, value), n in sorted(delta.items())
    ]
    session.connection().execute(_upsert(rows))
    if has_request_context():
        g.pop("_facet_counts", None)


@event.listens_for(Session, "after_flush")
def _count_changes(session: Session, _context) -> None:
    # After the flush's statements, before its bookkeeping: ``new``, ``dirty``, ``deleted``
    # and the attribute history still describe what the flush wrote, and new rows now have
    # their column defaults (a scale left unset is "local" from here on).
    if _LISTINGS:
        apply(session, differences(session))


# --- recounting -------------------------------------------------------------------------------


def computed(listing: Listing) -> dict[str, dict[str, int]]:
    """The counts recounted from the rows: what the maintained table must equal."""
    model = listing.model
    where = listing.public()
    found: dict[str, dict[str, int]] = {
        "": {"": db.session.scalar(select(func.count()).select_from(model).where(*where))}
    }
    for facet in listing.facets:
        if facet.link is None:
            value = cast(facet.column, String)
            stmt = select(value, func.count()).where(*where, facet.column.is_not(None))
        else:
            value = facet.column
            stmt = (
                select(value, func.count())
                .select_from(facet.link)
                .join(model, model.id == facet.link_key)
                .where(*where)
            )
        found[facet.name] = dict(db.session.execute(stmt.group_by(value)).all())
    for counted in listing.facets:
        for by in listing.facets:
            if by is not counted:
                for (value, by_value), n in _pairs(listing, counted, by).items():
                    found.setdefault(pair_key(counted.name, by.name, by_value), {})[value] = n
    if listing.vocabulary:
        words: Counter[str] = Counter()
        names = select(getattr(model, listing.vocabulary)).where(*where)
        for (name,) in db.session.execute(names.execution_options(yield_per=10_000)):
            words.update(name_words(name))
        found[WORDS] = dict(words)
    if not found[""][""]:
        found[""] = {}
    return {facet: counts for facet, counts in found.items() if counts}


def _pairs(listing: Listing, counted, by) -> dict[tuple[str, str], int]:
    """(value of ``counted``, value of ``by``) -> public rows having both."""
    model = listing.model
    stmt = select().select_from(model)
    columns = []
    for facet in (counted, by):
        if facet.link is None:
            columns.append(cast(facet.column, String))
            stmt = stmt.where(facet.column.is_not(None))
        else:
            columns.append(facet.column)
            stmt = stmt.join(facet.link, facet.link_key == model.id)
    stmt = stmt.add_columns(*columns, func.count()).where(*listing.public()).group_by(*columns)
    return {(a, b): n for a, b, n in db.session.execute(stmt)}


def stored(listing: Listing) -> dict[str, dict[str, int]]:
    """The maintained counts as stored (zeros left out), read past the request's cache."""
    stmt = select(FacetCount.facet, FacetCount.value, FacetCount.n).where(
        FacetCount.entry_type == listing.key, FacetCount.n != 0
    )
    found: dict[str, dict[str, int]] = {}
    for facet, value, n in db.session.execute(stmt):
        found.setdefault(facet, {})[value] = n
    return found


def recount(listing: Listing) -> None:
    """Replace ``listing``'s stored counts by a recount, in the caller's transaction (after a
    bulk load, or to repair them). Reads every public row: never on a page view."""
    db.session.execute(delete(FacetCount).where(FacetCount.entry_type == listing.key))
    rows = [
        {"entry_type": listing.key, "facet": facet, "value": value, "n": n}
        for facet, values in computed(listing).items()
        for value, n in values.items()
    ]
    if rows:
        db.session.execute(FacetCount.__table__.insert(), rows)
    db.session.execute(
        _upsert([dict(zip(("entry_type", "facet", "value"), VERSION, strict=True), n=1)])
    )
    if has_request_context():
        g.pop("_facet_counts", None)


def recount_all() -> list[str]:
    for listing in _LISTINGS.values():
        recount(listing)
    return [listing.key for listing in _LISTINGS.values()]
