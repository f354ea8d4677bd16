"""What the framework pages read: the frameworks, their items in the page's language, and
how many approved commitments are aligned to each item.

Each function is one statement (or a fixed few), whatever the number of items or
commitments; templates get plain values and run no query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select, union
from sqlalchemy.orm import aliased

from registry.extensions import db
from registry.models import Commitment, Framework, FrameworkItem, FrameworkItemText, Status
from registry.models.commitments import commitment_alignment

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


def aligned_counts(framework_id: int) -> dict[int, int]:
    """Approved commitments aligned to each item of the framework or to one of its children
    (a paragraph counts its sub-paragraphs', a goal its targets'), by item id: one grouped
    statement."""
    approved = select(Commitment.id).where(Commitment.status == Status.APPROVED)
    pairs = (
        select(commitment_alignment.c.item_id, commitment_alignment.c.commitment_id)
        .join(FrameworkItem, FrameworkItem.id == commitment_alignment.c.item_id)
        .where(FrameworkItem.framework_id == framework_id)
        .where(commitment_alignment.c.commitment_id.in_(approved))
    )
    to_parents = (
        select(
            FrameworkItem.parent_id.label("item_id"),
            commitment_alignment.c.commitment_id,
        )
        .join(FrameworkItem, FrameworkItem.id == commitment_alignment.c.item_id)
        .where(FrameworkItem.framework_id == framework_id, FrameworkItem.parent_id.is_not(None))
        .where(commitment_alignment.c.commitment_id.in_(approved))
    )
    both = union(pairs, to_parents).subquery("pairs")  # UNION drops a pair counted twice
    stmt = select(both.c.item_id, func.count()).group_by(both.c.item_id)
    return dict(db.session.execute(stmt).all())
