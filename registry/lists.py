"""One list machinery for every public list: stakeholders now, initiatives, commitments and
engagements next.

A list is declared once as a ``Listing``: which rows are public, its facets (the filters that
show a count per value) and its sorts. From that declaration come

* the page: one statement, keyset-paginated by an opaque signed cursor ("next"/"previous"),
  with a jump to page N only while N is small (an OFFSET of a few hundred rows at most);
* the counts: the unfiltered ones read from the maintained table (``registry.counts``), the
  filtered ones over at most ``CAP`` candidate rows and marked approximate past that, all of
  them in one statement;
* the maintained counts themselves, kept by ``registry.counts`` from the same facets.

Every sort ends with the row's id, and the model has an index for each ``(public condition,
sort columns)``; a sort on something computed (a country by its name) sorts by a stored key.
Nothing here reads a number of rows that grows with the registry.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    cast,
    exists,
    func,
    literal,
    select,
    tuple_,
    union_all,
)

from registry.extensions import db

CAP = 10_000  # a filtered count reads at most this many rows, then says "more than"
FACET_SAMPLE = 2_000  # a filtered facet counts among the first this many of them
LINKS_PER_ROW = 1_000  # more than any row has (a planner fence, not a cut)
MAX_JUMP = 20  # pages 1..MAX_JUMP may be asked for by number; deeper ones only by cursor
ASC, DESC = "asc", "desc"
WORDS = "word"  # the maintained counts' facet of a list's vocabulary


class BadPage(ValueError):
    """A cursor or a page number this list cannot serve: tampered, stale or out of reach."""


@dataclass(frozen=True)
class Facet:
    """A filter with a count per value: a column of the row, or codes in a link table."""

    name: str  # the query argument, and the facet's key in the maintained counts
    attr: str  # the model's attribute: a column, or a collection of terms with a ``code``
    column: Any  # the SQL value: the model's column, or the link table's value column
    link: Table | None = None
    link_key: Any = None  # the link table's column holding the row's id
    parse: Callable[[str], Any] = str  # a chosen value as the column compares it

    def values_of(self, row: Any) -> list[str]:
        """This facet's values for one row (in memory), as the counts store them."""
        value = getattr(row, self.attr)
        if self.link is not None:
            return [item.code for item in value]
        if value is None:
            return []
        return [value.value if isinstance(value, enum.Enum) else str(value)]

    def condition(self, model: type, value: str) -> ColumnElement[bool]:
        if self.link is None:
            return self.column == self.parse(value)
        return exists().where(self.link_key == model.id, self.column == value)


@dataclass(frozen=True)
class Sort:
    """An order the list offers: its columns, ending with a unique one (the id)."""

    key: str
    columns: tuple[Any, ...]
    first: str = ASC  # the direction a first click on the column sorts in


@dataclass(frozen=True)
class Listing:
    """A public list, declared once."""

    key: str  # the counts' entry type, e.g. "stakeholder"
    model: type
    public: Callable[[], list[ColumnElement[bool]]]  # the rows anyone may see, in SQL
    is_public: Callable[[Any], bool]  # the same test on a row in memory
    facets: tuple[Facet, ...]
    sorts: Mapping[str, Sort]
    default_sort: str
    # Attributes besides the facets' whose change can move a row in or out of the list.
    watched: tuple[str, ...] = ()
    # The attribute whose words are counted (facet ``WORDS``): how rare each word of a typed
    # name is, so that name suggestions look up by the rarest (``stakeholders.similar``).
    vocabulary: str | None = None
    # Whether ``registry.counts`` maintains its counts (a public list); a staff list over
    # the few rows in progress is counted like a filtered one, capped, every time.
    counted: bool = True

    def facet(self, name: str) -> Facet:
        return next(f for f in self.facets if f.name == name)


@dataclass(frozen=True)
class Count:
    """A number of rows, exact or known only to exceed ``CAP``."""

    n: int
    exact: bool = True


@dataclass(frozen=True)
class FacetCounts:
    counts: dict[str, int]
    exact: bool = True  # False: counted over the first FACET_SAMPLE matches, lower bounds

    def get(self, value: str) -> int:
        return self.counts.get(value, 0)


@dataclass(frozen=True)
class Request:
    """What one visitor asked of one list: active filters, the sort and its direction."""

    listing: Listing
    conditions: Mapping[str, ColumnElement[bool]] = field(default_factory=dict)
    chosen: Mapping[str, str] = field(default_factory=dict)  # facet name -> chosen value
    sort: str = ""
    direction: str = ASC

    def __post_init__(self) -> None:
        if self.sort not in self.listing.sorts:
            object.__setattr__(self, "sort", self.listing.default_sort)

    @property
    def columns(self) -> tuple[Any, ...]:
        return self.listing.sorts[self.sort].columns

    def where(self, *, without: str | None = None) -> list[ColumnElement[bool]]:
        others = [c for name, c in self.conditions.items() if name != without]
        return [*self.listing.public(), *others]


def facet_conditions(listing: Listing, chosen: Mapping[str, str]) -> dict[str, ColumnElement]:
    """The SQL condition of each chosen facet value, by facet name."""
    return {
        name: listing.facet(name).condition(listing.model, value)
        for name, value in chosen.items()
        if value
    }


# --- pages ------------------------------------------------------------------------------------


@dataclass
class Page:
    items: list
    per_page: int
    next: str | None = None  # cursor of the next page
    prev: str | None = None  # cursor of the previous page
    number: int | None = None  # set when the page was asked for by number (or is the first)


def _serializer(listing: Listing) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"list-cursor:{listing.key}")


def _plain(value: Any) -> Any:
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _typed(column: Any, value: Any) -> Any:
    python_type = column.type.python_type
    if python_type is datetime:
        if not isinstance(value, str):
            raise BadPage("cursor")
        return datetime.fromisoformat(value)
    if python_type is date:
        if not isinstance(value, str):
            raise BadPage("cursor")
        return date.fromisoformat(value)
    if python_type is int and not (isinstance(value, int) and not isinstance(value, bool)):
        raise BadPage("cursor")
    if python_type is str and not isinstance(value, str):
        raise BadPage("cursor")
    return value


def _cursor(request: Request, row: Any, forward: bool) -> str:
    values = [_plain(getattr(row, column.key)) for column in request.columns]
    marker = "n" if forward else "p"
    return _serializer(request.listing).dumps([request.sort, request.direction, marker, values])


def _read_cursor(request: Request, token: str) -> tuple[bool, list[Any]]:
    """(forward, the sort key values after or before which the page starts)."""
    try:
        sort, direction, marker, values = _serializer(request.listing).loads(token)
    except (BadData, ValueError, TypeError) as exc:
        raise BadPage("cursor") from exc
    if (sort, direction) != (request.sort, request.direction):
        raise BadPage("sort")
    columns = request.columns
    if marker not in {"n", "p"} or not isinstance(values, list) or len(values) != len(columns):
        raise BadPage("cursor")
    try:
        typed = [_typed(c, v) for c, v in zip(columns, values, strict=True)]
    except ValueError as exc:
        raise BadPage("cursor") from exc
    return marker == "n", typed


def _ordered(stmt: Select, request: Request, *, reverse: bool = False) -> Select:
    ascending = (request.direction == ASC) != reverse
    return stmt.order_by(*(c.asc() if ascending else c.desc() for c in request.columns))


def _after(request: Request, values: Sequence[Any], *, forward: bool) -> ColumnElement[bool]:
    columns = request.columns
    key = tuple_(*columns)
    bound = tuple_(*(literal(v, c.type) for c, v in zip(columns, values, strict=True)))
    ascending = (request.direction == ASC) == forward
    return key > bound if ascending else key < bound


def page(
    request: Request,
    *,
    cursor: str | None = None,
    number: int | None = None,
    per_page: int = 25,
    options: Sequence[Any] = (),
    joins: Sequence[Any] = (),
    columns: Sequence[Any] = (),
) -> Page:
    """One page of the list in one statement (plus whatever ``options`` load per page).

    ``cursor`` continues from a row; ``number`` (1..MAX_JUMP) jumps by a small OFFSET.
    ``columns`` are computed in the same statement beside each row (a commitment's light):
    the items are then rows ``(model, *columns)``.
    Raises ``BadPage`` for a cursor that is not this list's or not this sort's, and for a
    page number past MAX_JUMP."""
    stmt = select(request.listing.model, *columns)
    for target in joins:
        stmt = stmt.join(target)
    stmt = stmt.options(*options).where(*request.where()).limit(per_page + 1)
    if cursor:
        forward, values = _read_cursor(request, cursor)
        stmt = _ordered(
            stmt.where(_after(request, values, forward=forward)), request, reverse=not forward
        )
        rows = _rows(stmt, columns)
        more = len(rows) > per_page
        rows = rows[:per_page]
        if not forward:
            rows.reverse()
        result = Page(rows, per_page)
        if rows:
            # Came forward: there is a page before; came back: one after.
            has_next = more if forward else True
            has_prev = True if forward else more
            result.next = _cursor(request, _keyed(rows[-1], columns), True) if has_next else None
            result.prev = _cursor(request, _keyed(rows[0], columns), False) if has_prev else None
        return result
    number = number or 1
    if number < 1 or number > MAX_JUMP:
        raise BadPage("number")
    stmt = _ordered(stmt.offset((number - 1) * per_page), request)
    rows = _rows(stmt, columns)
    more = len(rows) > per_page
    rows = rows[:per_page]
    result = Page(rows, per_page, number=number)
    if rows and more:
        result.next = _cursor(request, _keyed(rows[-1], columns), True)
    if rows and number > 1:
        result.prev = _cursor(request, _keyed(rows[0], columns), False)
    return result


def _rows(stmt: Select, columns: Sequence[Any]) -> list:
    return list(db.session.execute(stmt).all() if columns else db.session.scalars(stmt))


def _keyed(row: Any, columns: Sequence[Any]) -> Any:
    """The model instance whose sort columns make the cursor."""
    return row[0] if columns else row


# --- counts -----------------------------------------------------------------------------------


def pair_key(counted: str, facet: str, value: str) -> str:
    """The maintained counts' facet name of ``counted`` among the rows with ``facet=value``."""
    return f"{counted}|{facet}:{value}"


def counts(request: Request) -> tuple[Count, dict[str, FacetCounts]]:
    """The list's total and every facet's counts, each under the other filters.

    Maintained, exact and free: everything when no filter is active or one facet value is
    chosen (the table keeps counts for each pair of facet values too), and a facet's own
    counts when it is the only filter. The rest is counted in one statement over the first
    ``CAP`` rows of each distinct set of filters (one scan shared by the facets that use it;
    facets among the first ``FACET_SAMPLE``), and marked approximate when a cap was hit."""
    from registry import counts as maintained

    listing = request.listing
    stored = maintained.read(listing.key) if listing.counted else {}
    active = frozenset(request.conditions)

    def from_table(names: frozenset[str]) -> dict[str, dict[str, int]] | None:
        """The maintained counts under the filters ``names``, when the table has them."""
        if not listing.counted:
            return None
        if not names:
            return stored
        if len(names) == 1 and next(iter(names)) in request.chosen:
            (name,) = names
            return maintained.read_pairs(listing.key, name, request.chosen[name])
        return None

    facets: dict[str, FacetCounts] = {}
    total: Count | None = None
    under_all = from_table(active)
    if under_all is not None:
        if not active:
            total = Count(stored.get("", {}).get("", 0))
        else:
            (name,) = active
            total = Count(stored.get(name, {}).get(request.chosen[name], 0))
    needed: dict[frozenset[str], list[Facet]] = {}
    for facet in listing.facets:
        names = active - {facet.name}
        found = from_table(names)
        if found is not None:
            facets[facet.name] = FacetCounts(dict(found.get(facet.name, {})))
        else:
            needed.setdefault(names, []).append(facet)
    if total is None:
        needed.setdefault(active, [])
    if needed:
        rows = _capped_counts(request, needed)
        for names, group in needed.items():
            seen = rows.get((names, "#rows"), {}).get("", 0)
            sampled = rows.get((names, "#sample"), {}).get("", 0)
            for facet in group:
                values = rows.get((names, facet.name), {})
                values.pop(None, None)
                facets[facet.name] = FacetCounts(values, exact=sampled < FACET_SAMPLE)
            if names == active and total is None:
                total = Count(min(seen, CAP), exact=seen <= CAP)
    assert total is not None
    return total, facets


def _capped_counts(
    request: Request, needed: dict[frozenset[str], list[Facet]]
) -> dict[tuple[frozenset[str], str], dict[str | None, int]]:
    """One statement: per set of filters, the first CAP + 1 matching rows (a CTE read once),
    their number, and each facet's counts among the first FACET_SAMPLE of them."""
    listing, model = request.listing, request.listing.model
    lateral = db.session.get_bind().dialect.name == "postgresql"
    scalar = [f for f in listing.facets if f.link is None]
    branches: list[Select] = []
    labels: dict[str, tuple[frozenset[str], str]] = {}
    for index, (names, group) in enumerate(needed.items()):
        where = [*listing.public(), *(request.conditions[name] for name in sorted(names))]
        columns = [cast(f.column, String).label(f.name) for f in scalar if f in group]
        matches = select(model.id.label("id"), *columns).where(*where).limit(CAP + 1)
        matches = matches.cte(f"m{index}")
        branches.append(_count_of(matches, f"c{index}#rows"))
        labels[f"c{index}#rows"] = (names, "#rows")
        sample = select(matches).limit(FACET_SAMPLE).cte(f"c{index}")
        if group:
            branches.append(_count_of(sample, f"c{index}#sample"))
            labels[f"c{index}#sample"] = (names, "#sample")
        for facet in group:
            label = f"c{index}.{facet.name}"
            labels[label] = (names, facet.name)
            rows = sample
            if facet.link is None:
                value = rows.c[facet.name]
                branches.append(select(literal(label, String), value, func.count()).group_by(value))
                continue
            if lateral:
                # Probe the link table's key per candidate: a hash join would read all of it.
                # The LIMIT keeps the planner from flattening the lateral into such a join.
                linked = (
                    select(facet.column.label("v"))
                    .where(facet.link_key == rows.c.id)
                    .limit(LINKS_PER_ROW)
                    .lateral(f"l{index}")
                )
                joined = (
                    select(literal(label, String), linked.c.v, func.count())
                    .select_from(rows)
                    .join(linked, literal(True))
                )
                branches.append(joined.group_by(linked.c.v))
            else:
                branches.append(
                    select(literal(label, String), facet.column, func.count())
                    .select_from(rows)
                    .join(facet.link, facet.link_key == rows.c.id)
                    .group_by(facet.column)
                )
    found: dict[tuple[frozenset[str], str], dict[str | None, int]] = {}
    for label, value, n in db.session.execute(union_all(*branches)):
        found.setdefault(labels[label], {})[value] = n
    return found


def _count_of(rows, label: str) -> Select:
    return select(literal(label, String), literal("", String), func.count()).select_from(rows)


def present(request: Request, facet: str) -> list[str]:
    """Values of ``facet`` that any public row has (a filter's options), from the counts."""
    from registry import counts as maintained

    return [value for value, n in maintained.read(request.listing.key).get(facet, {}).items() if n]
