"""The coverage matrix: initiatives down, sectors (or constituencies, or GAP groups) across,
each cell the number of an initiative's active partners (approved stakeholders) that are of
that sector; and how many columns are empty, its gaps.

A page is ``PER_PAGE`` rows, continued by a signed cursor (keyset pagination), so a page costs
the same at ten initiatives or at 100,000:

* **by title**: the rows come from ``ix_initiative_title_id`` (one statement), then their cells
  in one grouped statement over those rows' partnerships only;
* **by gaps**: a gap count is computed, not stored, so no index can serve that order. The rows
  are ranked among the first ``CAP`` initiatives of the filter by title (one statement that
  reads their partnerships), and the page says so when the filter holds more. Ranking every
  initiative exactly would need a gap count per initiative and dimension kept on the row,
  updated whenever a partnership starts or ends *and* whenever a stakeholder's sector or
  constituencies change (which fans out to each of its initiatives): a migration and hooks in
  the initiative and stakeholder services, worth doing if the registry grows past ``CAP``
  initiatives in one country or goal. Filtering by country or goal keeps it exact below that.

Measured on PostgreSQL at 100,000 initiatives with 500,000 partnerships among 200,000
stakeholders: a page by title 5 ms (the next page 5 ms, in one country 8 ms, for one goal
66 ms); by gaps 190 ms (280 ms by GAP group), which the cap keeps from growing further.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, Select, exists, func, literal, select, tuple_

from registry.coverage import compute
from registry.extensions import db
from registry.models import (
    Initiative,
    InitiativeCountry,
    Partnership,
    PartnershipStatus,
    Stakeholder,
    Status,
)

PER_PAGE = 50
CAP = 5_000  # initiatives ranked by gaps, at most
SORTS = {"title": "asc", "gaps": "desc"}  # each sort and its first direction
DIRECTIONS = ("asc", "desc")


class BadCursor(ValueError):
    """A page link that is damaged, or was made for another sort or dimension."""


@dataclass(frozen=True)
class Query:
    """What one visitor asked of the matrix (already checked: known country, known goal)."""

    by: str = compute.SECTOR
    sort: str = "title"
    dir: str = "asc"
    country: str | None = None
    goal: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str], country: str | None, goal: str | None) -> Query:
        by = args.get("by", "")
        sort = args.get("sort", "")
        sort = sort if sort in SORTS else "title"
        direction = args.get("dir", "")
        return cls(
            by=by if by in compute.DIMENSIONS else compute.SECTOR,
            sort=sort,
            dir=direction if direction in DIRECTIONS else SORTS[sort],
            country=country,
            goal=goal,
        )

    def args(self, **changes: str | None) -> dict[str, str]:
        """The query arguments of this view with ``changes`` (for links; defaults left out)."""
        values = {
            "by": self.by,
            "sort": self.sort,
            "dir": self.dir,
            "country": self.country,
            "goal": self.goal,
            **changes,
        }
        defaults = {"by": compute.SECTOR, "sort": "title", "dir": SORTS.get(values["sort"] or "")}
        return {k: v for k, v in values.items() if v and defaults.get(k) != v}


@dataclass
class Row:
    id: int
    title: str
    cells: list[int]
    gaps: int


@dataclass
class Matrix:
    columns: list[tuple[str, str]]  # (code, English name) in the taxonomy's order
    rows: list[Row] = field(default_factory=list)
    next: str | None = None  # the cursor of the next page
    capped: bool = False  # ranked by gaps among the first CAP only
    first: bool = True  # the first page (no cursor)


def conditions(query: Query) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.country:
        found.append(
            exists().where(
                InitiativeCountry.initiative_id == Initiative.id,
                InitiativeCountry.code == query.country,
            )
        )
    if query.goal:
        found.append(
            Initiative.id.in_(compute.initiatives_for_goal(compute.goal_items(query.goal)))
        )
    return found


def _codes(by: str, initiative_ids: Select):
    """(initiative_id, stakeholder_id, code) for each active, approved partner of those
    initiatives and each term of ``by`` it counts under."""
    partners = (
        select(
            Partnership.initiative_id,
            Partnership.stakeholder_id,
            Stakeholder.sector_code,
        )
        .join(Stakeholder, Stakeholder.id == Partnership.stakeholder_id)
        .where(
            Partnership.status == PartnershipStatus.ACTIVE,
            Stakeholder.status == Status.APPROVED,
            Partnership.initiative_id.in_(initiative_ids),
        )
        .subquery("partners")
    )
    return compute.term_rows(by, partners, "initiative_id").subquery("codes")


def cells(by: str, ids: list[int]) -> dict[int, dict[str, int]]:
    """Active partners per initiative and term, for the initiatives ``ids``: one statement."""
    if not ids:
        return {}
    codes = _codes(by, select(Initiative.id).where(Initiative.id.in_(ids)))
    stmt = select(
        codes.c.initiative_id, codes.c.code, func.count(func.distinct(codes.c.stakeholder_id))
    ).group_by(codes.c.initiative_id, codes.c.code)
    found: dict[int, dict[str, int]] = {}
    for initiative_id, code, n in db.session.execute(stmt):
        found.setdefault(initiative_id, {})[code] = n
    return found


# --- cursors ------------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="coverage-matrix")


def _cursor(query: Query, values: list) -> str:
    return _serializer().dumps([query.sort, query.dir, query.by, values])


def _read_cursor(query: Query, token: str, size: int) -> list:
    try:
        sort, direction, by, values = _serializer().loads(token)
    except (BadData, ValueError, TypeError) as exc:
        raise BadCursor from exc
    if (sort, direction, by) != (query.sort, query.dir, query.by):
        raise BadCursor
    if not isinstance(values, list) or len(values) != size:
        raise BadCursor
    *numbers, title, row_id = values
    if not isinstance(title, str) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in (*numbers, row_id)
    ):
        raise BadCursor
    return values


# --- pages --------------------------------------------------------------------------------------


def page(query: Query, cursor: str | None = None) -> Matrix:
    """One page of the matrix: the rows in one statement, their cells in another (and, sorted
    by gaps, one more that says whether the ranking was capped). Raises ``BadCursor``."""
    columns = compute.TERMS[query.by]
    matrix = Matrix(columns=columns, first=cursor is None)
    if query.sort == "gaps":
        found = _by_gaps(query, cursor, len(columns), matrix)
    else:
        found = _by_title(query, cursor)
    more = len(found) > PER_PAGE
    found = found[:PER_PAGE]
    counted = cells(query.by, [row_id for row_id, _title, *_ in found])
    for row_id, title, *_ in found:
        mine = counted.get(row_id, {})
        values = [mine.get(code, 0) for code, _name in columns]
        matrix.rows.append(Row(row_id, title, values, sum(1 for v in values if not v)))
    if more and found:
        last_id, last_title, *rank = found[-1]
        matrix.next = _cursor(query, [*rank, last_title, last_id])
    return matrix


def _by_title(query: Query, cursor: str | None) -> list[tuple]:
    key = (Initiative.title, Initiative.id)
    stmt = select(Initiative.id, Initiative.title).where(*conditions(query))
    ascending = query.dir == "asc"
    if cursor:
        title, row_id = _read_cursor(query, cursor, 2)
        bound = tuple_(literal(title, Initiative.title.type), literal(row_id))
        stmt = stmt.where(tuple_(*key) > bound if ascending else tuple_(*key) < bound)
    order = [c.asc() if ascending else c.desc() for c in key]
    return [tuple(r) for r in db.session.execute(stmt.order_by(*order).limit(PER_PAGE + 1))]


def _by_gaps(query: Query, cursor: str | None, size: int, matrix: Matrix) -> list[tuple]:
    """Rows ranked by gaps among the first CAP initiatives of the filter by title. Most gaps
    first is the fewest terms present first; the rank column is whichever of the two counts
    ascends in the asked order, so the keyset is one ascending tuple (rank, title, id)."""
    filtered = select(Initiative.id, Initiative.title).where(*conditions(query))
    over = filtered.with_only_columns(Initiative.id).limit(CAP + 1).subquery("over")
    matrix.capped = db.session.scalar(select(func.count()).select_from(over)) > CAP
    candidates = filtered.order_by(Initiative.title, Initiative.id).limit(CAP).cte("candidates")
    ranked_ids = select(candidates.c.id)
    codes = _codes(query.by, ranked_ids)
    present = (
        select(codes.c.initiative_id, func.count(func.distinct(codes.c.code)).label("n"))
        .group_by(codes.c.initiative_id)
        .subquery("present")
    )
    n_present = func.coalesce(present.c.n, 0)
    rank = n_present if query.dir == "desc" else literal(size) - n_present
    ranked = (
        select(candidates.c.id, candidates.c.title, rank.label("rank"))
        .outerjoin(present, present.c.initiative_id == candidates.c.id)
        .subquery("ranked")
    )
    key = (ranked.c.rank, ranked.c.title, ranked.c.id)
    stmt = select(ranked.c.id, ranked.c.title, ranked.c.rank)
    if cursor:
        rank_value, title, row_id = _read_cursor(query, cursor, 3)
        stmt = stmt.where(
            tuple_(*key)
            > tuple_(literal(rank_value), literal(title, Initiative.title.type), literal(row_id))
        )
    stmt = stmt.order_by(*key).limit(PER_PAGE + 1)
    return [tuple(r) for r in db.session.execute(stmt)]
