"""What the framework pages read: the frameworks, their items in the page's language, and
what is aligned to each item: the initiatives, the approved commitments (with their traffic
lights) and the engagements that advance it.

Each function is one statement (or a fixed few), whatever the number of items or aligned
rows; templates get plain values and run no query.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Table, and_, case, func, literal, select, union, union_all
from sqlalchemy.orm import aliased

from registry.commitments import progress
from registry.extensions import db
from registry.models import (
    Commitment,
    Engagement,
    Framework,
    FrameworkItem,
    FrameworkItemText,
    Initiative,
    InitiativeStatus,
    Stakeholder,
    Status,
)
from registry.models._base import utcnow
from registry.models.commitments import commitment_alignment
from registry.models.engagements import engagement_alignment
from registry.models.initiatives import initiative_alignment

SDG = "sdg"  # registry.frameworks.services.SDG_CODE
SOURCE_LANGUAGE = "en"
# Flask-Babel's language of the page -> the language code the SDG import stores.
STORED_LANGUAGE = {"zh": "zh-Hans"}
MAX_CODE = 60  # Framework.code's length; FrameworkItem.code is 30
_NUMBER = re.compile(r"\d+")


def stored_language(page_language: str) -> str:
    """The ``FrameworkItemText.lang`` that holds a page language's titles."""
    return STORED_LANGUAGE.get(page_language, page_language)


def usable_code(code: str, limit: int = MAX_CODE) -> bool:
    """A code worth looking up: short, printable (a NUL would trouble PostgreSQL)."""
    return 0 < len(code) <= limit and code.isprintable()


def natural_key(code: str) -> tuple:
    """ "HSP/HA.2/RES.10" after "HSP/HA.2/RES.9": numbers compared as numbers."""
    return tuple(int(part) for part in _NUMBER.findall(code)), code


@dataclass
class Entry:
    """An item with its title in the page's language (or English), for a template."""

    id: int
    code: str
    kind: str
    parent_id: int | None
    title: str
    short_title: str | None
    lang: str  # the language the title is in
    archived: bool
    children: list[Entry] = field(default_factory=list)


def _entries(language: str, *where) -> list[Entry]:
    """Items matching ``where`` in position order, titled in ``language`` where the import
    has it, else in English: one statement."""
    text = aliased(FrameworkItemText)
    stmt = (
        select(
            FrameworkItem.id,
            FrameworkItem.code,
            FrameworkItem.kind,
            FrameworkItem.parent_id,
            FrameworkItem.title,
            FrameworkItem.short_title,
            FrameworkItem.archived_at,
            text.title.label("text_title"),
            text.short_title.label("text_short"),
        )
        .outerjoin(text, and_(text.item_id == FrameworkItem.id, text.lang == language))
        .where(*where)
        .order_by(FrameworkItem.position, FrameworkItem.id)
    )
    found = []
    for row in db.session.execute(stmt):
        translated = row.text_title is not None
        found.append(
            Entry(
                id=row.id,
                code=row.code,
                kind=row.kind,
                parent_id=row.parent_id,
                title=row.text_title if translated else row.title,
                short_title=row.text_short if translated else row.short_title,
                lang=language if translated else SOURCE_LANGUAGE,
                archived=row.archived_at is not None,
            )
        )
    return found


def frameworks() -> list[Framework]:
    """Every framework: one statement."""
    return list(db.session.scalars(select(Framework).order_by(Framework.year, Framework.code)))


def get_framework(code: str) -> Framework | None:
    if not usable_code(code):
        return None
    return db.session.scalar(select(Framework).where(Framework.code == code))


def all_items(framework: Framework, language: str) -> list[Entry]:
    """Every item of a framework, flat, in its order (the API): one statement."""
    return _entries(language, FrameworkItem.framework_id == framework.id)


def top_items(framework: Framework, language: str) -> list[Entry]:
    """A framework's items without a parent: the SDG goals (without their targets), or a
    resolution's paragraphs with their sub-paragraphs under them: one statement."""
    if framework.code == SDG:
        return _entries(
            language, FrameworkItem.framework_id == framework.id, FrameworkItem.kind == "goal"
        )
    return tree(_entries(language, FrameworkItem.framework_id == framework.id), None)


def sdg_goals(language: str) -> list[Entry]:
    """The SDG goals with their short titles: one statement."""
    framework = select(Framework.id).where(Framework.code == SDG).scalar_subquery()
    return _entries(language, FrameworkItem.framework_id == framework, FrameworkItem.kind == "goal")


def get_item(framework_id: int, code: str, language: str) -> Entry | None:
    if not usable_code(code, 30):
        return None
    found = _entries(
        language, FrameworkItem.framework_id == framework_id, FrameworkItem.code == code
    )
    return found[0] if found else None


def get_entry(item_id: int, language: str) -> Entry | None:
    found = _entries(language, FrameworkItem.id == item_id)
    return found[0] if found else None


def descendants(item: Entry, language: str) -> list[Entry]:
    """The item's children and grandchildren (a goal's targets and their indicators; a
    paragraph's sub-paragraphs) as a tree under the item: one statement."""
    children = select(FrameworkItem.id).where(FrameworkItem.parent_id == item.id)
    rows = _entries(
        language,
        (FrameworkItem.parent_id == item.id) | FrameworkItem.parent_id.in_(children),
    )
    return tree(rows, item.id)


def tree(rows: list[Entry], root: int | None) -> list[Entry]:
    """Hang each row under its parent (rows in position order); the rows under ``root``."""
    by_id = {row.id: row for row in rows}
    top = []
    for row in rows:
        parent = by_id.get(row.parent_id) if row.parent_id is not None else None
        if parent is not None:
            parent.children.append(row)
        elif row.parent_id == root:
            top.append(row)
    return top


def flatten(entries: list[Entry]) -> list[Entry]:
    found = []
    for entry in entries:
        found.append(entry)
        found.extend(flatten(entry.children))
    return found


# --- what is aligned to the items ----------------------------------------------------------------

KINDS = ("initiative", "commitment", "engagement")  # the order a page lists them in
SHOWN = 10  # of each kind, per item of a framework's page; the rest are counted


@dataclass(frozen=True)
class Kind:
    """One kind of entry that is aligned: its association table and what makes it public."""

    key: str
    model: Any
    link: Table
    link_id: Any  # the association table's column holding the entry's id
    # Initiatives and engagements are staff's, public at once; a commitment once approved.
    public: Callable[[], list[ColumnElement[bool]]] = list


ALIGNED = {
    "initiative": Kind(
        "initiative", Initiative, initiative_alignment, initiative_alignment.c.initiative_id
    ),
    "commitment": Kind(
        "commitment",
        Commitment,
        commitment_alignment,
        commitment_alignment.c.commitment_id,
        lambda: [Commitment.status == Status.APPROVED],
    ),
    "engagement": Kind(
        "engagement", Engagement, engagement_alignment, engagement_alignment.c.engagement_id
    ),
}


@dataclass(frozen=True)
class Tally:
    """How many public entries of each kind advance an item (or one of its parts)."""

    initiative: int = 0
    commitment: int = 0
    engagement: int = 0

    @property
    def total(self) -> int:
        return self.initiative + self.commitment + self.engagement

    def __bool__(self) -> bool:
        return bool(self.total)


def _public_pairs(kind: Kind, *where) -> Any:
    """(item, entry) pairs of ``kind`` whose entry is public, among items matching ``where``."""
    stmt = (
        select(kind.link.c.item_id.label("item_id"), kind.link_id.label("entry_id"))
        .join(FrameworkItem, FrameworkItem.id == kind.link.c.item_id)
        .where(*where)
    )
    if kind.public():
        stmt = stmt.where(kind.link_id.in_(select(kind.model.id).where(*kind.public())))
    return stmt


def aligned_counts(framework_id: int) -> dict[int, Tally]:
    """Public initiatives, approved commitments and engagements aligned to each item of the
    framework or to one of its parts (a paragraph counts its sub-paragraphs', a goal its
    targets'; an entry aligned to both is counted once), by item id: one statement."""
    parts = []
    for kind in ALIGNED.values():
        own = _public_pairs(kind, FrameworkItem.framework_id == framework_id)
        to_parent = _public_pairs(
            kind, FrameworkItem.framework_id == framework_id, FrameworkItem.parent_id.is_not(None)
        ).with_only_columns(
            FrameworkItem.parent_id.label("item_id"), kind.link_id.label("entry_id")
        )
        pairs = union(own, to_parent).subquery(f"{kind.key}_pairs")  # UNION drops doubles
        parts.append(
            select(literal(kind.key).label("kind"), pairs.c.item_id, func.count().label("n"))
            .select_from(pairs)
            .group_by(pairs.c.item_id)
        )
    found: dict[int, dict[str, int]] = {}
    for key, item_id, n in db.session.execute(union_all(*parts)):
        found.setdefault(item_id, {})[key] = n
    return {item_id: Tally(**values) for item_id, values in found.items()}


class Row(NamedTuple):
    """An aligned entry as a framework page lists it."""

    kind: str
    id: int
    title: str
    state: Any  # an initiative's status, a commitment's Light, an engagement's "upcoming" …
    by: str  # a commitment's organization; "" for the others


@dataclass
class Aligned:
    """What advances one item of a framework's page: the first ``SHOWN`` of each kind, by
    title, and how many there are in all."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {k: [] for k in KINDS})
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def more(self, kind: str) -> int:
        return self.totals[kind] - len(self.rows[kind])

    def __bool__(self) -> bool:
        return any(self.totals.values())


def _state(kind: Kind, on: date, now: datetime) -> ColumnElement:
    if kind.key == "commitment":
        return progress.light_expr(on)
    if kind.key == "initiative":
        return Initiative.status
    return case(
        (Engagement.cancelled.is_(True), literal("cancelled")),
        (Engagement.end_utc < now, literal("past")),
        else_=literal("upcoming"),
    )


def _read_state(kind: Kind, value: Any) -> Any:
    if kind.key == "commitment":
        return progress.Light(value)
    if kind.key == "initiative":
        return InitiativeStatus(value)
    return str(value)


def _aligned_rows(kind: Kind, framework_id: int, roll_up: bool, on: date, limit: int):
    """The first ``limit`` public entries of ``kind`` per item of the framework, by title,
    each with how many the item has: one statement (a window over the aligned pairs)."""
    key = FrameworkItem.parent_id if roll_up else FrameworkItem.id
    pairs = (
        select(key.label("item_id"), kind.link_id.label("entry_id"))
        .join(FrameworkItem, FrameworkItem.id == kind.link.c.item_id)
        .where(FrameworkItem.framework_id == framework_id, key.is_not(None))
        .distinct()  # rolled up, an entry aligned to two targets of one goal counts once
        .subquery("pairs")
    )
    model = kind.model
    window = {"partition_by": pairs.c.item_id}
    by = Stakeholder.name if model is Commitment else literal("")
    ranked = (
        select(
            pairs.c.item_id,
            model.id.label("id"),
            model.title.label("title"),
            _state(kind, on, utcnow()).label("state"),
            by.label("by"),
            func.row_number().over(**window, order_by=(model.title, model.id)).label("n"),
            func.count().over(**window).label("total"),
        )
        .join(model, model.id == pairs.c.entry_id)
        .where(*kind.public())
    )
    if model is Commitment:
        ranked = ranked.join(Stakeholder, Stakeholder.id == Commitment.stakeholder_id)
    ranked = ranked.subquery("ranked")
    stmt = select(ranked).where(ranked.c.n <= limit).order_by(ranked.c.item_id, ranked.c.n)
    return db.session.execute(stmt)


def aligned(
    framework_id: int, *, roll_up: bool = False, on: date | None = None, limit: int | None = None
) -> dict[int, Aligned]:
    """What advances each item of a framework's page, by item id: the initiatives, approved
    commitments (with their lights) and engagements aligned to it, ``limit`` of each and
    their number. ``roll_up``: gather on each item what is aligned to its parts instead (the
    SDG page shows the goals, and what is aligned are their targets). Three statements, one
    per kind, whatever the number of items or aligned rows."""
    on = on or progress.today()
    found: dict[int, Aligned] = {}
    for kind in ALIGNED.values():
        for row in _aligned_rows(kind, framework_id, roll_up, on, limit or SHOWN):
            entry = found.setdefault(row.item_id, Aligned())
            state = _read_state(kind, row.state)
            entry.rows[kind.key].append(Row(kind.key, row.id, row.title, state, row.by))
            entry.totals[kind.key] = row.total
    return found


@dataclass(frozen=True)
class Shown:
    """The first entries of one kind aligned to an item or its parts (an item's page)."""

    rows: list[Row]
    more: bool  # there are more than these


def of_items(key: str, item_ids: list[int], limit: int = SHOWN, on: date | None = None) -> Shown:
    """The first public entries of kind ``key`` ("initiative", "engagement") aligned to any
    of these items, by title: one statement. (Commitments: ``listing.of_items``.)"""
    kind = ALIGNED[key]
    model = kind.model
    aligned_to = select(kind.link_id).where(kind.link.c.item_id.in_(item_ids or [0]))
    stmt = (
        select(model.id, model.title, _state(kind, on or progress.today(), utcnow()).label("state"))
        .where(model.id.in_(aligned_to), *kind.public())
        .order_by(model.title, model.id)
        .limit(limit + 1)
    )
    rows = [
        Row(key, row.id, row.title, _read_state(kind, row.state), "")
        for row in db.session.execute(stmt)
    ]
    return Shown(rows[:limit], len(rows) > limit)
