"""Entries in progress, for staff: drafts, entries waiting for review, changes requested,
rejected and withdrawn ones, filterable, newest change first.

The same list machinery as the public list (``registry.lists``), over the rows that are not
public and not archived. Its counts are not maintained (``counted=False``): they are counted
over at most ``lists.CAP`` rows, like any filtered count. Partial indexes on exactly these
rows serve the sort by last change, with and without a status filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import or_, text

from registry import countries, lists
from registry.lists import ASC, DESC, Facet, Listing, Sort
from registry.models import Stakeholder, Status
from registry.taxonomy import SECTOR_CODES
from registry.text import clean, escape_like

# The rows of this list: what a reviewer or officer still has to do something about.
IN_PROGRESS = (
    Status.SUBMITTED,
    Status.CHANGES_REQUESTED,
    Status.DRAFT,
    Status.REJECTED,
    Status.WITHDRAWN,
)
# Written out, not bound: PostgreSQL uses a partial index only for a query whose condition
# it can see implies the index's own (the same text as in the migration).
IN_PROGRESS_SQL = "stakeholder.status NOT IN ('approved', 'archived')"

LISTING = Listing(
    key="stakeholder-in-progress",
    model=Stakeholder,
    public=lambda: [text(IN_PROGRESS_SQL), Stakeholder.merged_into_id.is_(None)],
    is_public=lambda row: row.status in IN_PROGRESS and row.merged_into_id is None,
    facets=(
        Facet("status", "status", Stakeholder.status, parse=Status),
        Facet("sector", "sector_code", Stakeholder.sector_code),
        Facet("country", "country", Stakeholder.country),
    ),
    sorts={
        "changed": Sort("changed", (Stakeholder.updated_at, Stakeholder.id), first=DESC),
    },
    default_sort="changed",
    counted=False,
)
MAX_TEXT = 200


@dataclass(frozen=True)
class WorkFilters:
    q: str = ""
    status: str = ""
    sector: str = ""
    country: str = ""
    dir: str = DESC  # newest change first; "asc": what has waited longest

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> WorkFilters:
        status = clean(args.get("status"), MAX_TEXT)
        sector = clean(args.get("sector"), MAX_TEXT)
        country = clean(args.get("country"), MAX_TEXT).upper()
        direction = clean(args.get("dir"), MAX_TEXT)
        return cls(
            q=clean(args.get("q"), MAX_TEXT),
            status=status if status in {s.value for s in IN_PROGRESS} else "",
            sector=sector if sector in SECTOR_CODES else "",
            country=country if country in countries.names() else "",
            dir=direction if direction in {ASC, DESC} else DESC,
        )

    def args(self, **changes: str) -> dict[str, str]:
        values = {"q": self.q, "status": self.status, "sector": self.sector}
        values |= {"country": self.country, "dir": self.dir if self.dir != DESC else ""}
        values |= changes
        return {k: v for k, v in values.items() if v}

    def href(self, base: str, **changes: str) -> str:
        query = urlencode(self.args(**changes))
        return f"{base}?{query}" if query else base

    @property
    def in_use(self) -> int:
        return sum(bool(v) for v in (self.status, self.sector, self.country))

    def request(self) -> lists.Request:
        chosen = {"status": self.status, "sector": self.sector, "country": self.country}
        chosen = {k: v for k, v in chosen.items() if v}
        conditions = lists.facet_conditions(LISTING, chosen)
        if self.q:
            pattern = f"%{escape_like(self.q.lower())}%"
            conditions["q"] = or_(
                Stakeholder.name.ilike(pattern, escape="\\"),
                Stakeholder.acronym.ilike(pattern, escape="\\"),
            )
        return lists.Request(LISTING, conditions, chosen, "changed", self.dir)


def page(filters: WorkFilters, *, cursor: str | None, number: int | None, per_page: int):
    return lists.page(
        filters.request(),
        cursor=cursor,
        number=number,
        per_page=per_page,
    )


def counts(filters: WorkFilters):
    """The total and the count of each status, sector and country under the other filters."""
    return lists.counts(filters.request())
