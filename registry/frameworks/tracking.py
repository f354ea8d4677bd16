"""What a resolution's tracking page and the briefing read: the implementation statuses of
one or more resolutions, each with the codes of the paragraphs it serves, in their order.

Two statements whatever the number of statuses or resolutions (the statuses; then their
paragraphs); templates get plain values.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from registry.extensions import db
from registry.models import (
    IMPLEMENTATION_STATE_LABELS,
    FrameworkItem,
    ImplementationState,
    ImplementationStatus,
    implementation_status_item,
)

_EMPHASIS = re.compile(r"\*\*(.+?)\*\*")


@dataclass
class StatusLine:
    id: int
    framework_id: int
    state: ImplementationState
    period: str
    text: str
    recorded_on: date
    position: int
    hidden: bool
    hidden_reason: str
    codes: list[str] = field(default_factory=list)  # the paragraphs it serves, in order
    item_ids: list[int] = field(default_factory=list)

    @property
    def runs(self) -> list[tuple[str, bool]]:
        return emphasis(self.text)

    @property
    def plain(self) -> str:
        return plain(self.text)

    @property
    def state_label(self) -> str:
        return str(IMPLEMENTATION_STATE_LABELS[self.state])


def emphasis(text: str) -> list[tuple[str, bool]]:
    """The text as (words, bold) runs: a phrase between two pairs of asterisks is bold, like
    the briefing's highlighted phrases; a lone ``**`` stays as written."""
    runs: list[tuple[str, bool]] = []
    last = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > last:
            runs.append((text[last : match.start()], False))
        runs.append((match[1], True))
        last = match.end()
    if last < len(text):
        runs.append((text[last:], False))
    return runs


def plain(text: str) -> str:
    """The text without its emphasis markers."""
    return "".join(words for words, _bold in emphasis(text))


def briefing_code(code: str) -> str:
    """A paragraph as the briefing cites it: "OP2a" for "OP2(a)" (seed 003's usual form)."""
    return code.replace("(", "").replace(")", "")


def paragraph_order() -> tuple[list, Any]:
    """ORDER BY terms that keep a sub-paragraph under its paragraph (OP2, OP2(a), OP9) when
    items are listed flat, whatever positions they were given; with the outer join they need
    (``FrameworkItem`` to its parent)."""
    parent = aliased(FrameworkItem)
    terms = [
        func.coalesce(parent.position, FrameworkItem.position),
        func.coalesce(parent.id, FrameworkItem.id),
        FrameworkItem.parent_id.is_not(None),
        FrameworkItem.position,
        FrameworkItem.id,
    ]
    return terms, (parent, parent.id == FrameworkItem.parent_id)


def status_lines(framework_ids: list[int], with_hidden: bool = False) -> dict[int, list]:
    """The statuses of each framework, in their order, by framework id: two statements."""
    if not framework_ids:
        return {}
    stmt = select(ImplementationStatus).where(ImplementationStatus.framework_id.in_(framework_ids))
    if not with_hidden:
        stmt = stmt.where(ImplementationStatus.hidden_at.is_(None))
    stmt = stmt.order_by(ImplementationStatus.position, ImplementationStatus.id)
    lines = [
        StatusLine(
            id=row.id,
            framework_id=row.framework_id,
            state=row.state,
            period=row.period,
            text=row.text,
            recorded_on=row.recorded_on,
            position=row.position,
            hidden=row.hidden_at is not None,
            hidden_reason=row.hidden_reason,
        )
        for row in db.session.scalars(stmt)
    ]
    by_id = {line.id: line for line in lines}
    if by_id:
        order, (parent, onclause) = paragraph_order()
        links = (
            select(implementation_status_item.c.status_id, FrameworkItem.id, FrameworkItem.code)
            .join(FrameworkItem, FrameworkItem.id == implementation_status_item.c.item_id)
            .outerjoin(parent, onclause)
            .where(implementation_status_item.c.status_id.in_(list(by_id)))
            .order_by(*order)
        )
        for status_id, item_id, code in db.session.execute(links):
            by_id[status_id].codes.append(code)
            by_id[status_id].item_ids.append(item_id)
    found: dict[int, list[StatusLine]] = defaultdict(list)
    for line in lines:
        found[line.framework_id].append(line)
    return dict(found)


@dataclass
class Tracking:
    """A resolution's statuses arranged for its page."""

    whole: list[StatusLine]  # about the resolution as a whole
    by_item: dict[int, list[StatusLine]]  # per paragraph id
    count: int


def tracking(framework_id: int, with_hidden: bool = False) -> Tracking:
    lines = status_lines([framework_id], with_hidden).get(framework_id, [])
    by_item: dict[int, list[StatusLine]] = defaultdict(list)
    for line in lines:
        for item_id in line.item_ids:
            by_item[item_id].append(line)
    return Tracking(
        whole=[line for line in lines if not line.item_ids],
        by_item=dict(by_item),
        count=len(lines),
    )
