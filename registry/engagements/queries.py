"""Read-only queries for the public engagement list, its pages, the calendar feed and the
engagements shown on a stakeholder's page.

The list is declared once (``LISTING``) for ``registry.lists``: a page is one keyset
statement on (start, id); the kind, country and year counts are maintained, and the
"upcoming"/"past" split (which moves with the clock) is a condition counted capped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import joinedload, selectinload

from registry import countries, counts, lists
from registry.extensions import db
from registry.lists import ASC, DESC, Facet, Listing, Sort
from registry.models import (
    Engagement,
    EngagementKind,
    EngagementParticipant,
    FrameworkItem,
    Stakeholder,
    Status,
)
from registry.models._base import utcnow
from registry.models.engagements import ORGANIZING
from registry.text import clean

LISTING = counts.register(
    Listing(
        key="engagement",
        model=Engagement,
        # Engagements are published by staff directly: every one is public.
        public=lambda: [],
        is_public=lambda row: True,
        facets=(
            Facet("kind", "kind", Engagement.kind, parse=EngagementKind),
            Facet("country", "country", Engagement.country),
            Facet("year", "year", Engagement.year, parse=int),
        ),
        sorts={"start": Sort("start", (Engagement.start_utc, Engagement.id))},
        default_sort="start",
    )
)

UPCOMING, PAST = "upcoming", "past"
MAX_DURATION = timedelta(days=366)  # the longest engagement the form accepts
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_ORGANIZERS = 200  # the organizer menu lists at most this many, by name
FEED_LIMIT = 200  # the calendar feed's upcoming engagements, soonest first
STAKEHOLDER_LIMIT = 50  # engagements listed on a stakeholder's page, latest first


def _year(value: str) -> str:
    return value if value.isdecimal() and MIN_YEAR <= int(value) <= MAX_YEAR else ""


def _id(value: str) -> str:
    return value if value.isdecimal() and 0 < int(value) < 2**31 else ""


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for, validated: an unusable value is no filter."""

    view: str = UPCOMING
    kind: str = ""
    country: str = ""
    year: str = ""
    organizer: str = ""  # a stakeholder's id

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        view = clean(args.get("view"), 20)
        kind = clean(args.get("kind"), 20)
        country = clean(args.get("country"), 10).upper()
        return cls(
            view=view if view in {UPCOMING, PAST} else UPCOMING,
            kind=kind if kind in {k.value for k in EngagementKind} else "",
            country=country if country in countries.names() else "",
            year=_year(clean(args.get("year"), 10)),
            organizer=_id(clean(args.get("organizer"), 12)),
        )

    @property
    def in_use(self) -> int:
        return sum(1 for v in (self.kind, self.country, self.year, self.organizer) if v)

    def args(self, **changes: str) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        if values["view"] == UPCOMING:
            del values["view"]
        return {key: value for key, value in values.items() if value}

    def href(self, base: str, **changes: str) -> str:
        args = self.args(**changes)
        return f"{base}?{urlencode(args)}" if args else base

    def request(self, now: datetime | None = None) -> lists.Request:
        chosen = {name: getattr(self, name) for name in ("kind", "country", "year")}
        chosen = {name: value for name, value in chosen.items() if value}
        conditions = lists.facet_conditions(LISTING, chosen)
        now = now or utcnow()
        # Upcoming: not over yet (one under way is still "upcoming" to someone joining it).
        # The bound on the start, true of every such row since none lasts longer than
        # MAX_DURATION, lets the (start, id) index read only the rows it returns.
        if self.view == UPCOMING:
            conditions["view"] = and_(
                Engagement.end_utc >= now, Engagement.start_utc >= now - MAX_DURATION
            )
        else:
            conditions["view"] = and_(Engagement.end_utc < now, Engagement.start_utc < now)
        if self.organizer:
            conditions["organizer"] = exists().where(
                EngagementParticipant.engagement_id == Engagement.id,
                EngagementParticipant.stakeholder_id == int(self.organizer),
                EngagementParticipant.role.in_(ORGANIZING),
            )
        direction = ASC if self.view == UPCOMING else DESC
        return lists.Request(LISTING, conditions, chosen, "start", direction)


def list_page(filters: Filters, *, cursor: str | None, number: int | None, per_page: int):
    """The page's rows in one statement, and their organizers in two more."""
    return lists.page(
        filters.request(),
        cursor=cursor,
        number=number,
        per_page=per_page,
        options=[
            selectinload(Engagement.participants).joinedload(EngagementParticipant.stakeholder)
        ],
    )


@dataclass(frozen=True)
class Facets:
    total: lists.Count
    kind: list[tuple[EngagementKind, int]]
    country: list[tuple[str, int]]
    year: list[tuple[str, int]]
    exact: dict[str, bool]


def facets(filters: Filters) -> Facets:
    total, found = lists.counts(filters.request())
    return Facets(
        total=total,
        kind=[(kind, found["kind"].get(kind.value)) for kind in EngagementKind],
        country=sorted(
            ((code, n) for code, n in found["country"].counts.items() if code and n),
            key=lambda item: countries.name(item[0]),
        ),
        year=sorted(
            ((str(y), n) for y, n in found["year"].counts.items() if y and n), reverse=True
        ),
        exact={name: c.exact for name, c in found.items()},
    )


def present(facet: str) -> list[str]:
    """Values of ``facet`` that some engagement has (a menu's options), from the counts."""
    return lists.present(lists.Request(LISTING), facet)


def organizers() -> list[tuple[int, str]]:
    """(id, name) of the stakeholders that organized or co-hosted an engagement, by name."""
    stmt = (
        select(Stakeholder.id, Stakeholder.name)
        .where(
            Stakeholder.status == Status.APPROVED,
            exists().where(
                EngagementParticipant.stakeholder_id == Stakeholder.id,
                EngagementParticipant.role.in_(ORGANIZING),
            ),
        )
        .order_by(Stakeholder.name, Stakeholder.id)
        .limit(MAX_ORGANIZERS)
    )
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def get_engagement(engagement_id: int) -> Engagement | None:
    """The engagement with its series, participants (and their stakeholders) and outcomes:
    three statements, however many took part."""
    stmt = (
        select(Engagement)
        .options(
            joinedload(Engagement.series),
            selectinload(Engagement.participants).joinedload(EngagementParticipant.stakeholder),
            selectinload(Engagement.outcomes),
            selectinload(Engagement.initiatives),
            selectinload(Engagement.alignment).joinedload(FrameworkItem.framework),
        )
        .where(Engagement.id == engagement_id)
    )
    return db.session.scalars(stmt).first()


def upcoming(now: datetime | None = None) -> list[Engagement]:
    """The engagements not yet over, soonest first (the calendar feed)."""
    stmt = (
        select(Engagement)
        .options(joinedload(Engagement.series))
        .where(*[Filters().request(now).conditions["view"]])
        .order_by(Engagement.start_utc, Engagement.id)
        .limit(FEED_LIMIT)
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class Participation:
    """One engagement on a stakeholder's page, with every role the stakeholder had in it."""

    engagement: Engagement
    roles: list


def for_stakeholder(stakeholder_id: int) -> list[Participation]:
    """The engagements ``stakeholder_id`` took part in, latest first, with its roles: one
    statement."""
    stmt = (
        select(EngagementParticipant)
        .join(EngagementParticipant.engagement)
        .options(joinedload(EngagementParticipant.engagement))
        .where(EngagementParticipant.stakeholder_id == stakeholder_id)
        .order_by(Engagement.start_utc.desc(), Engagement.id.desc(), EngagementParticipant.id)
        .limit(STAKEHOLDER_LIMIT * 6)  # at most six roles each
    )
    found: dict[int, Participation] = {}
    for participant in db.session.scalars(stmt):
        entry = found.setdefault(
            participant.engagement_id, Participation(participant.engagement, [])
        )
        entry.roles.append(participant.role)
    return list(found.values())[:STAKEHOLDER_LIMIT]
