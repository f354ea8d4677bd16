"""Read-only queries for initiatives: the public list (declared once for ``registry.lists``),
an initiative's page with its partners, and a stakeholder's partnerships."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import NamedTuple
from urllib.parse import urlencode

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from registry import countries, counts, lists
from registry.extensions import db
from registry.lists import DESC, Facet, Listing, Sort
from registry.models import (
    Engagement,
    Framework,
    FrameworkItem,
    Initiative,
    InitiativeCountry,
    InitiativeKind,
    InitiativeStatus,
    Partnership,
    PartnershipRole,
    PartnershipStatus,
    Stakeholder,
    Status,
)
from registry.models.engagements import engagement_initiative
from registry.models.initiatives import initiative_alignment
from registry.taxonomy import SECTOR_CODES
from registry.text import clean, escape_like

_countries = InitiativeCountry.__table__

LISTING = counts.register(
    Listing(
        key="initiative",
        model=Initiative,
        # Made by staff, public at once: every initiative is in the list.
        public=lambda: [],
        is_public=lambda row: True,
        facets=(
            Facet("kind", "kind", Initiative.kind, parse=InitiativeKind),
            Facet("status", "status", Initiative.status, parse=InitiativeStatus),
            Facet(
                "country",
                "countries",
                _countries.c.code,
                link=_countries,
                link_key=_countries.c.initiative_id,
            ),
        ),
        sorts={
            "title": Sort("title", (Initiative.title, Initiative.id)),
            "start": Sort("start", (Initiative.starts_on, Initiative.id), first=DESC),
            "newest": Sort("newest", (Initiative.created_at, Initiative.id), first=DESC),
        },
        default_sort="title",
    )
)

MAX_TEXT = 200
SORT_DEFAULT_DIR = {key: sort.first for key, sort in LISTING.sorts.items()}
DEFAULT_SORT = LISTING.default_sort
FACETS = tuple(facet.name for facet in LISTING.facets)
KINDS = frozenset(kind.value for kind in InitiativeKind)
STATUSES = frozenset(status.value for status in InitiativeStatus)


def _clean(value: str | None, limit: int = MAX_TEXT) -> str:
    return clean(value, limit)


def _partner_id(value: str | None) -> int | None:
    text = _clean(value, 12)
    return int(text) if text.isdecimal() and 0 < int(text) < 2**31 else None


@dataclass(frozen=True)
class Filters:
    """What the visitor asked of the initiative list, validated: an unusable value is no
    filter."""

    q: str = ""
    kind: str = ""
    status: str = ""
    country: str = ""
    sector: str = ""  # a sector among the active partners
    partner: int | None = None  # a stakeholder among the active partners
    item: int | None = None  # a framework item it is aligned to (a goal: one of its targets)
    sort: str = DEFAULT_SORT
    dir: str = "asc"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        kind = _clean(args.get("kind"))
        status = _clean(args.get("status"))
        country = _clean(args.get("country")).upper()
        sector = _clean(args.get("sector"))
        sort = _clean(args.get("sort"))
        if sort not in SORT_DEFAULT_DIR:
            sort = DEFAULT_SORT
        direction = _clean(args.get("dir"))
        if direction not in {"asc", "desc"}:
            direction = SORT_DEFAULT_DIR[sort]
        return cls(
            q=_clean(args.get("q")),
            kind=kind if kind in KINDS else "",
            status=status if status in STATUSES else "",
            country=country if country in countries.names() else "",
            sector=sector if sector in SECTOR_CODES else "",
            partner=_partner_id(args.get("partner")),
            item=_partner_id(args.get("item")),
            sort=sort,
            dir=direction,
        )

    @property
    def in_use(self) -> int:
        return sum(
            1
            for v in (self.kind, self.status, self.country, self.sector, self.partner, self.item)
            if v
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.in_use)

    def args(self, **changes) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        if values["sort"] == DEFAULT_SORT and values["dir"] == SORT_DEFAULT_DIR[DEFAULT_SORT]:
            del values["sort"], values["dir"]
        return {key: str(value) for key, value in values.items() if value}

    def href(self, base: str, **changes) -> str:
        args = self.args(**changes)
        return f"{base}?{urlencode(args)}" if args else base

    def request(self) -> lists.Request:
        chosen = {name: getattr(self, name) for name in FACETS if getattr(self, name)}
        conditions = lists.facet_conditions(LISTING, chosen)
        if self.q:
            pattern = f"%{escape_like(self.q)}%"
            conditions["q"] = Initiative.title.ilike(pattern, escape="\\")
        if self.partner:
            conditions["partner"] = exists().where(
                Partnership.initiative_id == Initiative.id,
                Partnership.stakeholder_id == self.partner,
                Partnership.status == PartnershipStatus.ACTIVE,
            )
        if self.sector:
            conditions["sector"] = exists().where(
                Partnership.initiative_id == Initiative.id,
                Partnership.status == PartnershipStatus.ACTIVE,
                Stakeholder.id == Partnership.stakeholder_id,
                Stakeholder.sector_code == self.sector,
            )
        if self.item:
            # The item or its parts: ix_initiative_alignment_item serves both.
            items = select(FrameworkItem.id).where(
                or_(FrameworkItem.id == self.item, FrameworkItem.parent_id == self.item)
            )
            conditions["item"] = exists().where(
                initiative_alignment.c.initiative_id == Initiative.id,
                initiative_alignment.c.item_id.in_(items),
            )
        return lists.Request(LISTING, conditions, chosen, self.sort, self.dir)


def list_page(filters: Filters, *, cursor: str | None, number: int | None, per_page: int):
    """The page's initiatives, with their lead and countries: three statements."""
    return lists.page(
        filters.request(),
        cursor=cursor,
        number=number,
        per_page=per_page,
        options=[joinedload(Initiative.lead), selectinload(Initiative.countries)],
    )


class Option(NamedTuple):
    value: str
    label: str
    n: int


@dataclass(frozen=True)
class Facets:
    total: lists.Count
    kind: dict[str, int]
    status: dict[str, int]
    country: list[tuple[str, int]]
    exact: bool


def facets(filters: Filters) -> Facets:
    total, found = lists.counts(filters.request())
    country = sorted(
        ((code, n) for code, n in found["country"].counts.items() if code and n),
        key=lambda item: countries.name(item[0]),
    )
    if filters.country and filters.country not in dict(country):
        country.append((filters.country, 0))
    return Facets(
        total=total,
        kind=found["kind"].counts,
        status=found["status"].counts,
        country=country,
        exact=total.exact and all(f.exact for f in found.values()),
    )


def partner_name(stakeholder_id: int | None) -> str | None:
    """The name of the partner a list is filtered by (None: no such approved stakeholder)."""
    if not stakeholder_id:
        return None
    return db.session.scalar(
        select(Stakeholder.name).where(
            Stakeholder.id == stakeholder_id, Stakeholder.status == Status.APPROVED
        )
    )


def item_name(item_id: int | None) -> str | None:
    """The framework item a list is filtered by, as "SDG 11.1" (None: no such item)."""
    if not item_id:
        return None
    row = db.session.execute(
        select(Framework.code, FrameworkItem.code)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .where(FrameworkItem.id == item_id)
    ).first()
    if row is None:
        return None
    return f"{'SDG' if row[0] == 'sdg' else row[0]} {row[1]}"


# --- one initiative ---------------------------------------------------------------------------


def get_initiative(initiative_id: int) -> Initiative | None:
    stmt = (
        select(Initiative)
        .options(
            joinedload(Initiative.lead),
            selectinload(Initiative.countries),
            selectinload(Initiative.alignment).joinedload(FrameworkItem.framework),
        )
        .where(Initiative.id == initiative_id)
    )
    return db.session.scalars(stmt).first()


def partnerships(initiative: Initiative, *, statuses=None) -> list[Partnership]:
    """The initiative's partnerships with their stakeholders, sectors and constituencies:
    two statements, however many partners."""
    stmt = (
        select(Partnership)
        .join(Partnership.stakeholder)
        .options(
            joinedload(Partnership.stakeholder).joinedload(Stakeholder.sector),
            joinedload(Partnership.stakeholder).selectinload(Stakeholder.constituencies),
        )
        .where(Partnership.initiative_id == initiative.id)
        .order_by(Stakeholder.name, Partnership.id)
    )
    if statuses is not None:
        stmt = stmt.where(Partnership.status.in_(statuses))
    return list(db.session.scalars(stmt).unique())


ROLE_ORDER = list(PartnershipRole)


def by_role(found: list[Partnership]) -> list[tuple[PartnershipRole, list[Partnership]]]:
    """Active partners grouped by role, in the roles' order (lead first)."""
    groups: dict[PartnershipRole, list[Partnership]] = {}
    for partnership in found:
        if partnership.status == PartnershipStatus.ACTIVE:
            groups.setdefault(PartnershipRole(partnership.role), []).append(partnership)
    return [(role, groups[role]) for role in ROLE_ORDER if role in groups]


def of_stakeholder(stakeholder_id: int, *, limit: int = 200) -> list[Partnership]:
    """A stakeholder's active and ended partnerships with their initiatives (its page)."""
    stmt = (
        select(Partnership)
        .join(Partnership.initiative)
        .options(joinedload(Partnership.initiative))
        .where(
            Partnership.stakeholder_id == stakeholder_id,
            Partnership.status.in_([PartnershipStatus.ACTIVE, PartnershipStatus.ENDED]),
        )
        .order_by(Partnership.status, Initiative.title, Partnership.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


ENGAGEMENT_LIMIT = 50  # the latest engagements an initiative's page lists


def engagements(initiative_id: int) -> list[Engagement]:
    """The engagements that served the initiative, latest first: one statement."""
    stmt = (
        select(Engagement)
        .join(engagement_initiative, engagement_initiative.c.engagement_id == Engagement.id)
        .where(engagement_initiative.c.initiative_id == initiative_id)
        .order_by(Engagement.start_utc.desc(), Engagement.id.desc())
        .limit(ENGAGEMENT_LIMIT)
    )
    return list(db.session.scalars(stmt))
