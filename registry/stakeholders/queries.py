"""Read-only queries for the public stakeholder list and the detail page.

The list is declared once (``LISTING``) for the list machinery in ``registry.lists``: a page
is one keyset-paginated statement, the unfiltered counts come from the maintained table and
the filtered ones are capped. No request reads a number of rows that grows with the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlencode

from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from registry import countries, counts, lists
from registry.extensions import db
from registry.lists import DESC, Facet, Listing, Sort
from registry.models import Scale, Stakeholder, Status
from registry.models.stakeholders import stakeholder_constituency
from registry.taxonomy import CONSTITUENCY_CODES, SECTOR_CODES, labels
from registry.text import clean, escape_like

_link = stakeholder_constituency

LISTING = counts.register(
    Listing(
        key="stakeholder",
        model=Stakeholder,
        public=lambda: [Stakeholder.status == Status.APPROVED],
        is_public=lambda row: row.status == Status.APPROVED,
        watched=("status",),
        vocabulary="name",
        facets=(
            Facet("sector", "sector_code", Stakeholder.sector_code),
            Facet(
                "constituency",
                "constituencies",
                _link.c.constituency_code,
                link=_link,
                link_key=_link.c.stakeholder_id,
            ),
            Facet("country", "country", Stakeholder.country),
            Facet("scale", "scale", Stakeholder.scale, parse=Scale),
        ),
        sorts={
            "name": Sort("name", (Stakeholder.name, Stakeholder.id)),
            "sector": Sort("sector", (Stakeholder.sector_rank, Stakeholder.name, Stakeholder.id)),
            "country": Sort(
                "country", (Stakeholder.country_rank, Stakeholder.name, Stakeholder.id)
            ),
            "newest": Sort("newest", (Stakeholder.approved_at, Stakeholder.id), first=DESC),
        },
        default_sort="name",
    )
)


class Term(NamedTuple):
    """A taxonomy term as the pages show it (from the taxonomy's data, no query)."""

    code: str
    label: str  # in the page's language


MAX_TEXT = 200  # longer search input is cut, never an error

SORT_DEFAULT_DIR = {key: sort.first for key, sort in LISTING.sorts.items()}
DEFAULT_SORT = LISTING.default_sort
FACETS = tuple(facet.name for facet in LISTING.facets)
TOP_COUNTRIES = 10  # the country facet lists the largest; the menu above has every one


def _clean(value: str | None, limit: int = MAX_TEXT) -> str:
    return clean(value, limit)


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for, already validated: an unusable value is no filter."""

    q: str = ""
    sector: str = ""
    constituency: str = ""
    country: str = ""
    scale: str = ""
    city: str = ""
    sort: str = DEFAULT_SORT
    dir: str = "asc"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        sector = _clean(args.get("sector"))
        constituency = _clean(args.get("constituency"))
        country = _clean(args.get("country")).upper()
        scale = _clean(args.get("scale"))
        sort = _clean(args.get("sort"))
        if sort not in SORT_DEFAULT_DIR:
            sort = DEFAULT_SORT
        direction = _clean(args.get("dir"))
        if direction not in {"asc", "desc"}:
            direction = SORT_DEFAULT_DIR[sort]
        return cls(
            q=_clean(args.get("q")),
            sector=sector if sector in SECTOR_CODES else "",
            constituency=constituency if constituency in CONSTITUENCY_CODES else "",
            country=country if country in countries.names() else "",
            scale=scale if scale in {s.value for s in Scale} else "",
            city=_clean(args.get("city"), 120),
            sort=sort,
            dir=direction,
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.in_use)

    @property
    def in_use(self) -> int:
        """How many of the filters under "Filter" are set (the name search stays outside)."""
        return sum(
            1 for v in (self.sector, self.constituency, self.country, self.scale, self.city) if v
        )

    def args(self, **changes: str) -> dict[str, str]:
        """Query arguments for a link to this list with ``changes``; empty and default
        values are left out so URLs stay short."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        if values["sort"] == DEFAULT_SORT and values["dir"] == SORT_DEFAULT_DIR[DEFAULT_SORT]:
            del values["sort"], values["dir"]
        return {key: value for key, value in values.items() if value}

    def href(self, base: str, **changes: str) -> str:
        """A link to ``base`` (this list's address) with ``changes``: ``url_for`` is too slow
        for the ~80 facet links of a page."""
        args = self.args(**changes)
        return f"{base}?{urlencode(args)}" if args else base

    def request(self) -> lists.Request:
        """This visit as the list machinery's request."""
        chosen = {name: getattr(self, name) for name in FACETS if getattr(self, name)}
        conditions = lists.facet_conditions(LISTING, chosen)
        if self.q:
            pattern = f"%{escape_like(self.q)}%"
            conditions["q"] = or_(
                Stakeholder.name.ilike(pattern, escape="\\"),
                Stakeholder.acronym.ilike(pattern, escape="\\"),
            )
        if self.city:
            conditions["city"] = func.lower(Stakeholder.city) == func.lower(self.city)
        return lists.Request(LISTING, conditions, chosen, self.sort, self.dir)


def list_page(filters: Filters, *, cursor: str | None, number: int | None, per_page: int):
    """The page's rows: one statement, and one for the constituencies of the page."""
    return lists.page(
        filters.request(),
        cursor=cursor,
        number=number,
        per_page=per_page,
        options=[selectinload(Stakeholder.constituencies)],
    )


@dataclass(frozen=True)
class Facets:
    """The counts beside the list, each under the visitor's other filters."""

    total: lists.Count
    sector: list[tuple[Term, int]]
    constituency: list[tuple[Term, int]]
    country: list[tuple[str, int]]  # the largest TOP_COUNTRIES, and the chosen one
    scale: list[tuple[Scale, int]]
    exact: dict[str, bool]  # False: counted over the first lists.CAP matches only
    more_countries: bool  # some countries are left to the menu

    @property
    def approximate(self) -> bool:
        return not self.total.exact or not all(self.exact.values())


def facets(filters: Filters) -> Facets:
    total, found = lists.counts(filters.request())
    names = labels()
    country = found["country"]
    top = sorted(country.counts.items(), key=lambda item: (-item[1], countries.name(item[0])))
    top = [(code, n) for code, n in top if n]
    shown = top[:TOP_COUNTRIES]
    if filters.country and filters.country not in dict(shown):
        shown.append((filters.country, country.get(filters.country)))
    return Facets(
        total=total,
        sector=[
            (Term(code, label), found["sector"].get(code)) for code, label in names.sector.items()
        ],
        constituency=[
            (Term(code, label), found["constituency"].get(code))
            for code, label in names.constituency.items()
        ],
        country=sorted(shown, key=lambda item: countries.name(item[0])),
        scale=[(scale, found["scale"].get(scale.value)) for scale in Scale],
        exact={name: counts.exact for name, counts in found.items()},
        more_countries=len(top) > len(shown),
    )


def public_countries() -> list[tuple[str, str]]:
    """(code, name) of the countries that have an approved stakeholder, by name (the country
    menu), from the maintained counts."""
    present = set(lists.present(lists.Request(LISTING), "country"))
    return [(code, name) for code, name in countries.by_name() if code in present]


def country_options(chosen: str) -> Markup:
    """The country menu's ``<option>``s, ``chosen`` selected: rendered once for each set of
    countries present (some 250 options, escaped one by one, on every full page before)."""
    html = _country_options(tuple(public_countries()))
    plain = Markup('<option value="{0}">').format(chosen)
    if chosen and plain in html:
        return html.replace(plain, Markup('<option value="{0}" selected>').format(chosen))
    if chosen:  # a country no approved entry is in: still shown as chosen
        extra = Markup('<option value="{0}" selected>{1}</option>').format(
            chosen, countries.name(chosen)
        )
        return extra + html
    return html


@lru_cache(maxsize=8)
def _country_options(present: tuple[tuple[str, str], ...]) -> Markup:
    return Markup("").join(
        Markup('<option value="{0}">{1}</option>').format(code, name) for code, name in present
    )


def get_stakeholder(stakeholder_id: int) -> Stakeholder | None:
    """The stakeholder with its sector and constituencies, in one statement."""
    stmt = (
        select(Stakeholder)
        .options(joinedload(Stakeholder.sector), joinedload(Stakeholder.constituencies))
        .where(Stakeholder.id == stakeholder_id)
    )
    return db.session.scalars(stmt).unique().first()
