"""The public list of commitments (declared once for ``registry.lists``), and the few
commitments with their lights that a stakeholder's, an initiative's and an engagement's page
show.

Only approved commitments are public. The traffic light is a column of each statement
(``progress.light_expr``), computed by the database for the page's rows; its filters are
ranges of indexed columns (``progress.light_where``). The light depends on the day, so its
counts cannot be maintained: they are counted over at most ``lists.CAP`` matching rows in
one grouped statement, and said to be approximate past that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, NamedTuple
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, case, exists, func, literal, or_, select
from sqlalchemy.orm import joinedload

from registry import countries, counts, lists
from registry.commitments import progress
from registry.commitments.progress import Light
from registry.extensions import db
from registry.lists import DESC, Listing, Sort
from registry.models import (
    Commitment,
    Engagement,
    Framework,
    FrameworkItem,
    Initiative,
    Stakeholder,
    Status,
)
from registry.models.commitments import commitment_alignment
from registry.models.engagements import EngagementKind
from registry.taxonomy import SECTOR_CODES
from registry.text import clean

SDG = "sdg"  # registry.frameworks.services.SDG_CODE

LISTING = counts.register(
    Listing(
        key="commitment",
        model=Commitment,
        public=lambda: [Commitment.status == Status.APPROVED],
        is_public=lambda row: row.status == Status.APPROVED,
        # Its filters are on the stakeholder, the alignment or the clock: none is a column
        # whose counts could be kept, so only the total is maintained (and, with it, the
        # content version that public pages are cached under moves with every commitment).
        facets=(),
        sorts={
            "title": Sort("title", (Commitment.title, Commitment.id)),
            "newest": Sort("newest", (Commitment.approved_at, Commitment.id), first=DESC),
            # Longest without a report first.
            "activity": Sort("activity", (Commitment.last_activity_on, Commitment.id)),
        },
        default_sort="title",
        watched=("status",),
    )
)

MAX_TEXT = 200
SORT_DEFAULT_DIR = {key: sort.first for key, sort in LISTING.sorts.items()}
DEFAULT_SORT = LISTING.default_sort
LIGHTS = frozenset(light.value for light in Light)
GOAL = re.compile(r"[0-9]{1,2}")
TARGET = re.compile(r"[0-9]{1,2}\.[0-9a-z]{1,2}")


def _clean(value: str | None, limit: int = MAX_TEXT) -> str:
    return clean(value, limit)


def _row_id(value: str | None) -> int | None:
    """An id typed into the address: a positive number the database's integer can hold."""
    text = _clean(value, 12)
    return int(text) if text.isdecimal() and 0 < int(text) < 2**31 else None


@dataclass(frozen=True)
class Filters:
    """What the visitor asked of the commitment list, validated: an unusable value is no
    filter."""

    stakeholder: int | None = None
    initiative: int | None = None
    engagement: int | None = None
    item: int | None = None  # a framework item's id: aligned to it or to one of its parts
    sector: str = ""  # the stakeholder's sector
    country: str = ""  # the stakeholder's country
    goal: str = ""  # an SDG goal's code ("11"): commitments aligned to any of its targets
    target: str = ""  # an SDG target's code ("11.3")
    light: str = ""
    slipped: str = ""  # "1": only commitments with a deliverable past its due date
    sort: str = DEFAULT_SORT
    dir: str = "asc"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        sector = _clean(args.get("sector"))
        country = _clean(args.get("country")).upper()
        goal = _clean(args.get("goal"), 10)
        target = _clean(args.get("target"), 10).lower()
        light = _clean(args.get("light"))
        sort = _clean(args.get("sort"))
        if sort not in SORT_DEFAULT_DIR:
            sort = DEFAULT_SORT
        direction = _clean(args.get("dir"))
        if direction not in {"asc", "desc"}:
            direction = SORT_DEFAULT_DIR[sort]
        return cls(
            stakeholder=_row_id(args.get("stakeholder")),
            initiative=_row_id(args.get("initiative")),
            engagement=_row_id(args.get("engagement")),
            item=_row_id(args.get("item")),
            sector=sector if sector in SECTOR_CODES else "",
            country=country if country in countries.names() else "",
            goal=goal if GOAL.fullmatch(goal) else "",
            target=target if TARGET.fullmatch(target) else "",
            light=light if light in LIGHTS else "",
            slipped="1" if _clean(args.get("slipped"), 5) in {"1", "on", "true"} else "",
            sort=sort,
            dir=direction,
        )

    @property
    def in_use(self) -> int:
        """How many of the folded filters are set (the page names the others in words)."""
        return sum(1 for name in FOLDED if getattr(self, name))

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in FILTERS)

    def args(self, **changes) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        if values["sort"] == DEFAULT_SORT and values["dir"] == SORT_DEFAULT_DIR[DEFAULT_SORT]:
            del values["sort"], values["dir"]
        return {key: str(value) for key, value in values.items() if value}

    def href(self, base: str, **changes) -> str:
        args = self.args(**changes)
        return f"{base}?{urlencode(args)}" if args else base

    def conditions(self, on: date) -> dict[str, ColumnElement[bool]]:
        """The SQL condition of each filter in use, by name."""
        found: dict[str, ColumnElement[bool]] = {}
        if self.stakeholder:
            found["stakeholder"] = Commitment.stakeholder_id == self.stakeholder
        if self.initiative:
            found["initiative"] = Commitment.initiative_id == self.initiative
        if self.engagement:
            found["engagement"] = Commitment.engagement_id == self.engagement
        if self.item:
            found["item"] = _aligned(_item_and_parts(self.item))
        if self.sector:
            found["sector"] = exists().where(
                Stakeholder.id == Commitment.stakeholder_id,
                Stakeholder.sector_code == self.sector,
            )
        if self.country:
            found["country"] = exists().where(
                Stakeholder.id == Commitment.stakeholder_id, Stakeholder.country == self.country
            )
        if self.goal:
            found["goal"] = _aligned(_goal_items(self.goal))
        if self.target:
            found["target"] = _aligned(_sdg_items().where(FrameworkItem.code == self.target))
        if self.light:
            found["light"] = progress.light_where(Light(self.light), on)
        if self.slipped:
            found["slipped"] = progress.slipped_where(on)
        return found

    def request(self, on: date) -> lists.Request:
        return lists.Request(LISTING, self.conditions(on), {}, self.sort, self.dir)


FILTERS = tuple(f.name for f in fields(Filters) if f.name not in {"sort", "dir"})
FOLDED = ("light", "sector", "country", "goal", "target", "slipped")  # the form's own


def _sdg_items():
    return (
        select(FrameworkItem.id)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .where(Framework.code == SDG)
    )


def _goal_items(code: str):
    """The goal's item and its targets' (what a commitment aligned to the goal names)."""
    goal = _sdg_items().where(FrameworkItem.code == code, FrameworkItem.kind == "goal")
    return _sdg_items().where(
        or_(FrameworkItem.id.in_(goal), FrameworkItem.parent_id.in_(goal)),
    )


def _item_and_parts(item_id: int):
    """The item, its children and grandchildren (a goal's targets and their indicators; a
    paragraph's sub-paragraphs; the New Urban Agenda's sections): what its page lists."""
    children = select(FrameworkItem.id).where(FrameworkItem.parent_id == item_id)
    return select(FrameworkItem.id).where(
        or_(
            FrameworkItem.id == item_id,
            FrameworkItem.parent_id == item_id,
            FrameworkItem.parent_id.in_(children),
        )
    )


def _aligned(items) -> ColumnElement[bool]:
    return exists().where(
        commitment_alignment.c.commitment_id == Commitment.id,
        commitment_alignment.c.item_id.in_(items),
    )


# --- the page ---------------------------------------------------------------------------------


class Row(NamedTuple):
    commitment: Commitment
    light: Light
    slipped: int  # deliverables past their due date and not done


def list_page(
    filters: Filters, on: date, *, cursor: str | None, number: int | None, per_page: int
) -> lists.Page:
    """The page's commitments with their organization, initiative and light (one statement),
    and how many deliverables each has slipped (one grouped statement)."""
    page = lists.page(
        filters.request(on),
        cursor=cursor,
        number=number,
        per_page=per_page,
        options=[joinedload(Commitment.stakeholder), joinedload(Commitment.initiative)],
        columns=[progress.light_expr(on).label("light")],
    )
    slipped = progress.slipped_counts([c.id for c, _light in page.items], on)
    page.items = [Row(c, Light(light), slipped.get(c.id, 0)) for c, light in page.items]
    return page


@dataclass(frozen=True)
class Counts:
    total: lists.Count
    lights: dict[str, int]  # light -> commitments, under the other filters
    lights_exact: bool


def light_counts(filters: Filters, on: date) -> tuple[dict[str, int], bool]:
    """Commitments per light under every filter but the light: one grouped statement over at
    most ``CAP`` of them (the light moves with the clock, so it cannot be maintained)."""
    where = [
        *LISTING.public(),
        *(c for name, c in filters.conditions(on).items() if name != "light"),
    ]
    matches = (
        select(progress.light_expr(on).label("light"))
        .where(*where)
        .limit(lists.CAP + 1)
        .subquery("matches")
    )
    stmt = select(matches.c.light, func.count()).group_by(matches.c.light)
    found = dict(db.session.execute(stmt).all())
    return found, sum(found.values()) <= lists.CAP


def list_counts(filters: Filters, on: date) -> Counts:
    """The total (maintained when no filter is used, else capped) and the lights' counts."""
    total, _facets = lists.counts(filters.request(on))
    lights, exact = light_counts(filters, on)
    return Counts(total=total, lights=lights, lights_exact=exact)


class Named(NamedTuple):
    stakeholder: str | None
    initiative: str | None
    engagement: str | None
    item: str | None = None  # "HSP/HA.2/RES.6 OP2(a)", "SDG 11.3"


def filter_names(filters: Filters) -> Named:
    """The names of the stakeholder, initiative, engagement and framework item the list is
    filtered by (None for one that is not public): one statement, none when no such filter is
    used."""
    parts = []
    if filters.stakeholder:
        parts.append(
            select(Stakeholder.name)
            .where(Stakeholder.id == filters.stakeholder, Stakeholder.status == Status.APPROVED)
            .scalar_subquery()
            .label("stakeholder")
        )
    if filters.initiative:
        parts.append(
            select(Initiative.title)
            .where(Initiative.id == filters.initiative)
            .scalar_subquery()
            .label("initiative")
        )
    if filters.engagement:
        parts.append(
            select(Engagement.title)
            .where(Engagement.id == filters.engagement)
            .scalar_subquery()
            .label("engagement")
        )
    if filters.item:
        prefix = case((Framework.code == SDG, literal("SDG")), else_=Framework.code)
        parts.append(
            select(prefix.concat(" ").concat(FrameworkItem.code))
            .join(Framework, Framework.id == FrameworkItem.framework_id)
            .where(FrameworkItem.id == filters.item)
            .scalar_subquery()
            .label("item")
        )
    if not parts:
        return Named(None, None, None)
    row = db.session.execute(select(*parts)).one()._mapping
    return Named(
        row.get("stakeholder"), row.get("initiative"), row.get("engagement"), row.get("item")
    )


class Choice(NamedTuple):
    code: str
    label: str


@dataclass(frozen=True)
class SdgChoices:
    goals: list[Choice]
    targets: list[Choice]


def sdg_choices() -> SdgChoices:
    """The SDG goals and targets in use, for the filters' menus: one statement."""
    stmt = (
        select(FrameworkItem.code, FrameworkItem.kind, FrameworkItem.short_title)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .where(
            Framework.code == SDG,
            FrameworkItem.kind.in_(("goal", "target")),
            FrameworkItem.archived_at.is_(None),
        )
        .order_by(FrameworkItem.position, FrameworkItem.id)
    )
    goals, targets = [], []
    for code, kind, short_title in db.session.execute(stmt):
        label = f"{code} {short_title}" if short_title else code
        (goals if kind == "goal" else targets).append(Choice(code, label))
    return SdgChoices(goals, targets)


# --- a few commitments on another page ------------------------------------------------------

SHOWN = 10  # commitments a stakeholder's, initiative's or engagement's page lists


@dataclass(frozen=True)
class Shown:
    rows: list[tuple[Commitment, Light]]
    more: bool  # there are more than these: the page links to the filtered list


def _shown(condition: ColumnElement[bool], on: date, limit: int) -> Shown:
    stmt = (
        select(Commitment, progress.light_expr(on).label("light"))
        .options(joinedload(Commitment.stakeholder))
        .where(condition, Commitment.status == Status.APPROVED)
        .order_by(Commitment.title, Commitment.id)
        .limit(limit + 1)
    )
    found = [(c, Light(light)) for c, light in db.session.execute(stmt)]
    return Shown(found[:limit], len(found) > limit)


def of_stakeholder(stakeholder_id: int, on: date, limit: int = SHOWN) -> Shown:
    """The stakeholder's first approved commitments by title, with lights: one statement."""
    return _shown(Commitment.stakeholder_id == stakeholder_id, on, limit)


def of_initiative(initiative_id: int, on: date, limit: int = SHOWN) -> Shown:
    """The initiative's first approved commitments by title, with lights: one statement."""
    return _shown(Commitment.initiative_id == initiative_id, on, limit)


def of_engagement(engagement_id: int, on: date, limit: int = SHOWN) -> Shown:
    """The commitments announced at the engagement, first by title: one statement."""
    return _shown(Commitment.engagement_id == engagement_id, on, limit)


def of_items(item_ids: list[int], on: date, limit: int = SHOWN) -> Shown:
    """The first approved commitments aligned to any of these framework items (an item and
    its children), by title, with lights: one statement."""
    return _shown(_aligned(item_ids), on, limit)


# What the pledges were made at, in words that read after "12 pledges made".
MADE_AT = {
    EngagementKind.ROUNDTABLE: _l("at this roundtable"),
    EngagementKind.CONFERENCE: _l("at this conference"),
    EngagementKind.CONSULTATION: _l("at this consultation"),
    EngagementKind.WORKSHOP: _l("at this workshop"),
    EngagementKind.WEBINAR: _l("at this webinar"),
    EngagementKind.FIELD_VISIT: _l("during this field visit"),
    EngagementKind.FORUM: _l("at this forum"),
}
LIGHT_COUNTS = {
    Light.ON_TRACK: _l("%(num)s on track"),
    Light.OVERDUE: _l("%(num)s overdue"),
    Light.INACTIVE: _l("%(num)s inactive"),
    Light.COMPLETED: _l("%(num)s completed"),
}


@dataclass(frozen=True)
class Summary:
    total: int
    lights: list[tuple[Light, int]]  # in the lights' order, those with any


def engagement_summary(engagement_id: int, on: date) -> Summary:
    """How many approved commitments were announced at the engagement, per light: one
    grouped statement."""
    light = progress.light_expr(on).label("light")
    stmt = (
        select(light, func.count())
        .where(Commitment.engagement_id == engagement_id, Commitment.status == Status.APPROVED)
        .group_by(light)
    )
    found: dict[str, int] = dict(db.session.execute(stmt).all())
    return Summary(
        total=sum(found.values()),
        lights=[(lt, found[lt.value]) for lt in Light if found.get(lt.value)],
    )


def summary_parts(summary: Summary) -> list[str]:
    return [str(LIGHT_COUNTS[light]) % {"num": n} for light, n in summary.lights]


def labels_context() -> dict[str, Any]:
    """What a template needs to draw lights."""
    return {"light_labels": progress.LIGHT_LABELS, "light_hints": progress.LIGHT_HINTS}
