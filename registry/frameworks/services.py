"""Write framework data into the database: the SDGs from their YAML files, resolutions and
their paragraphs (imported, or typed in by administrators), and the implementation statuses
officers record on a resolution."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from registry import audit, counts
from registry.commit import FieldRefused, Refused
from registry.extensions import db
from registry.frameworks.periods import Period, PeriodError, parse_period
from registry.frameworks.sdg import read_sdg
from registry.models import (
    Framework,
    FrameworkItem,
    FrameworkItemText,
    ImplementationState,
    ImplementationStatus,
    User,
)
from registry.models._base import utcnow

SDG_CODE = "sdg"
SDG_TITLE = "Transforming our world: the 2030 Agenda for Sustainable Development (A/RES/70/1)"


def upsert_framework(code: str, kind: str, title: str, year: int | None = None) -> Framework:
    framework = db.session.scalar(select(Framework).where(Framework.code == code))
    if framework is None:
        framework = Framework(code=code, kind=kind, title=title, year=year, description="")
        db.session.add(framework)
        db.session.flush()
    else:
        framework.kind, framework.title, framework.year = kind, title, year
    return framework


def upsert_item(
    existing: dict[str, FrameworkItem], framework: Framework, code: str, fields: dict
) -> tuple[FrameworkItem, str | None]:
    """Add or update one item by code; says "added", "updated" or None (unchanged)."""
    row = existing.get(code)
    if row is None:
        row = FrameworkItem(framework_id=framework.id, code=code, **fields)
        db.session.add(row)
        db.session.flush()  # children refer to its id
        existing[code] = row
        return row, "added"
    if any(getattr(row, key) != value for key, value in fields.items()):
        for key, value in fields.items():
            setattr(row, key, value)
        return row, "updated"
    return row, None


def items_by_code(framework: Framework) -> dict[str, FrameworkItem]:
    stmt = select(FrameworkItem).where(FrameworkItem.framework_id == framework.id)
    return {item.code: item for item in db.session.scalars(stmt)}


def import_sdg(directory: str | Path) -> str:
    """Load goals, targets and indicators with their six-language titles; idempotent.

    Items are matched by code, so a second run updates in place and adds nothing; the caller
    commits. Returns a one-line summary.
    """
    items = read_sdg(directory)
    framework = upsert_framework(SDG_CODE, "agenda", SDG_TITLE, 2015)
    existing = items_by_code(framework)
    texts = {
        (t.item_id, t.lang): t
        for t in db.session.scalars(
            select(FrameworkItemText)
            .join(FrameworkItem)
            .where(FrameworkItem.framework_id == framework.id)
        )
    }
    outcomes: list[str | None] = []
    for source in items:  # parents come before their children in read_sdg's order
        parent = existing[source.parent] if source.parent else None
        fields = {
            "kind": source.kind,
            "position": source.position,
            "title": source.titles["en"],
            "short_title": source.short_titles.get("en"),
            "parent_id": parent.id if parent else None,
        }
        row, outcome = upsert_item(existing, framework, source.code, fields)
        outcomes.append(outcome)
        for lang, title in source.titles.items():
            short = source.short_titles.get(lang)
            text = texts.get((row.id, lang))
            if text is None:
                db.session.add(
                    FrameworkItemText(item_id=row.id, lang=lang, title=title, short_title=short)
                )
            elif (text.title, text.short_title) != (title, short):
                text.title, text.short_title = title, short
    db.session.flush()
    kinds = {kind: sum(1 for i in items if i.kind == kind) for kind in ("goal", "target")}
    indicators = len(items) - kinds["goal"] - kinds["target"]
    return (
        f"SDG framework: {kinds['goal']} goals, {kinds['target']} targets, "
        f"{indicators} indicators ({outcomes.count('added')} added, "
        f"{outcomes.count('updated')} updated)."
    )


def import_resolution(code: str, year: int, title: str, paragraphs: list[dict]) -> tuple[int, int]:
    """Load one UN-Habitat Assembly resolution and its operative paragraphs; idempotent."""
    framework = upsert_framework(code, "resolution", title, year)
    existing = items_by_code(framework)
    outcomes = []
    for position, paragraph in enumerate(paragraphs, start=1):
        parent = existing[paragraph["parent"]] if paragraph.get("parent") else None
        fields = {
            "kind": "paragraph",
            "position": position,
            "title": paragraph["title"],
            "parent_id": parent.id if parent else None,
        }
        outcomes.append(upsert_item(existing, framework, paragraph["code"], fields)[1])
    return outcomes.count("added"), outcomes.count("updated")


# --- editing through the app (administrators) ----------------------------------------------------
#
# A resolution and its operative paragraphs are typed in by an administrator; the SDG goals,
# targets and indicators are imported in six languages and are not edited here (see
# ``editable``). Each function flushes and audits in the caller's transaction and raises
# ``FieldRefused`` (422, said beside the field) for a value the domain refuses.

RESOLUTION_CODE = re.compile(r"HSP/HA\.[1-9]\d?/RES\.[1-9]\d{0,2}")
PARAGRAPH_CODE = re.compile(r"OP[1-9]\d{0,2}(\([a-z]{1,3}\))?(\([ivx]{1,6}\))?")
MIN_YEAR, MAX_YEAR = 1976, 2100  # Habitat I, and a generous horizon


def editable(framework: Framework) -> bool:
    """Whether administrators edit this framework's texts in the app: resolutions only. The
    2030 Agenda's titles come from the official data in six languages; an English edit here
    would be undone by the next ``flask frameworks import-sdg`` and leave the other five
    languages saying something else, so those are corrected in the data and re-imported."""
    return framework.kind == "resolution"


def _public_changed() -> None:
    """Framework pages are cached for anonymous readers under the content version: move it on
    in this transaction so no cached page outlives the change."""
    counts.apply(db.session, Counter({counts.VERSION: 1}))


def framework_snapshot(framework: Framework) -> dict[str, Any]:
    return {
        "code": framework.code,
        "year": framework.year,
        "title": framework.title,
        "description": framework.description,
    }


def item_snapshot(item: FrameworkItem, parent_code: str | None = None) -> dict[str, Any]:
    return {
        "code": item.code,
        "parent": parent_code,
        "position": item.position,
        "title": item.title,
    }


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in after if before.get(key) != after[key]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _check_year(year: int | None) -> None:
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise FieldRefused(
            "year", _("Enter the year of adoption, from %(a)d to %(b)d.", a=MIN_YEAR, b=MAX_YEAR)
        )


def create_resolution(values: dict[str, Any], actor: User | None) -> Framework:
    """Add a resolution (no paragraphs yet); the code must be a new Assembly symbol."""
    code = values["code"]
    if not RESOLUTION_CODE.fullmatch(code):
        raise FieldRefused("code", _("Write the symbol as the Assembly does, like HSP/HA.2/RES.9."))
    if db.session.scalar(select(Framework.id).where(Framework.code == code)) is not None:
        raise FieldRefused("code", _("%(code)s is already in the registry.", code=code))
    _check_year(values["year"])
    framework = Framework(
        code=code,
        kind="resolution",
        title=values["title"],
        year=values["year"],
        description=values.get("description") or "",
    )
    db.session.add(framework)
    db.session.flush()
    audit.record("framework.created", framework, actor=actor, after=framework_snapshot(framework))
    _public_changed()
    return framework


def update_framework(framework: Framework, values: dict[str, Any], actor: User | None) -> bool:
    """Change a resolution's year, title and description (its symbol is its identity: the
    addresses, citations and alignments hang on it). Says whether anything changed."""
    if not editable(framework):
        raise Refused(_("This agreement is imported from its official data, not edited here."))
    _check_year(values["year"])
    before = framework_snapshot(framework)
    framework.year = values["year"]
    framework.title = values["title"]
    framework.description = values.get("description") or ""
    old, new = _changes(before, framework_snapshot(framework))
    if not new:
        return False
    audit.record("framework.updated", framework, actor=actor, before=old, after=new)
    _public_changed()
    return True


def _parent(framework: Framework, parent_id: int | None, item: FrameworkItem | None):
    """The chosen parent paragraph, checked: of this framework, a top-level paragraph, not
    the item itself; an item that has sub-paragraphs stays at the top."""
    if parent_id is None:
        return None
    parent = db.session.get(FrameworkItem, parent_id) if 0 < parent_id < 2**31 else None
    if parent is None or parent.framework_id != framework.id:
        raise FieldRefused(
            "parent_id", _("Choose a paragraph of %(code)s as the parent.", code=framework.code)
        )
    if item is not None and parent.id == item.id:
        raise FieldRefused("parent_id", _("A paragraph cannot be its own parent."))
    if parent.parent_id is not None:
        raise FieldRefused(
            "parent_id",
            _(
                "%(code)s is itself a sub-paragraph: choose a top-level paragraph.",
                code=parent.code,
            ),
        )
    if item is not None and db.session.scalar(
        select(FrameworkItem.id).where(FrameworkItem.parent_id == item.id).limit(1)
    ):
        raise FieldRefused(
            "parent_id",
            _("%(code)s has sub-paragraphs of its own, so it stays at the top.", code=item.code),
        )
    return parent


def _check_paragraph_code(framework: Framework, code: str, item: FrameworkItem | None) -> None:
    if not PARAGRAPH_CODE.fullmatch(code):
        raise FieldRefused(
            "code", _("Write the paragraph's number like OP3, or OP2(a) for a sub-paragraph.")
        )
    taken = db.session.scalar(
        select(FrameworkItem.id).where(
            FrameworkItem.framework_id == framework.id, FrameworkItem.code == code
        )
    )
    if taken is not None and (item is None or taken != item.id):
        raise FieldRefused(
            "code", _("%(framework)s already has %(code)s.", framework=framework.code, code=code)
        )


def _next_position(framework: Framework) -> int:
    last = db.session.scalar(
        select(func.max(FrameworkItem.position)).where(FrameworkItem.framework_id == framework.id)
    )
    return (last or 0) + 1


def create_paragraph(framework: Framework, values: dict[str, Any], actor: User | None):
    """Add an operative paragraph (or a sub-paragraph under a top-level one)."""
    if not editable(framework):
        raise Refused(_("This agreement is imported from its official data, not edited here."))
    _check_paragraph_code(framework, values["code"], None)
    parent = _parent(framework, values.get("parent_id"), None)
    position = values.get("position")
    item = FrameworkItem(
        framework_id=framework.id,
        parent_id=parent.id if parent else None,
        code=values["code"],
        kind="paragraph",
        position=_next_position(framework) if position is None else position,
        title=values["title"],
    )
    db.session.add(item)
    db.session.flush()
    after = item_snapshot(item, parent.code if parent else None)
    audit.record("framework_item.created", item, actor=actor, after=after)
    _public_changed()
    return item


def update_paragraph(item: FrameworkItem, values: dict[str, Any], actor: User | None) -> bool:
    """Change a paragraph's number, parent, position or text; says whether anything changed."""
    framework = item.framework
    if not editable(framework):
        raise Refused(_("This agreement is imported from its official data, not edited here."))
    _check_paragraph_code(framework, values["code"], item)
    parent = _parent(framework, values.get("parent_id"), item)
    before = item_snapshot(item, item.parent.code if item.parent else None)
    item.code = values["code"]
    item.parent_id = parent.id if parent else None
    if values.get("position") is not None:
        item.position = values["position"]
    item.title = values["title"]
    old, new = _changes(before, item_snapshot(item, parent.code if parent else None))
    if not new:
        return False
    audit.record("framework_item.updated", item, actor=actor, before=old, after=new)
    _public_changed()
    return True


def set_archived(item: FrameworkItem, archived: bool, actor: User | None) -> None:
    """Take an item out of use (kept for what is aligned to it, offered to nobody), or put it
    back. Allowed on imported items too: the import never touches ``archived_at``."""
    if (item.archived_at is not None) == archived:
        raise Refused(
            _("%(code)s is already archived.", code=item.code)
            if archived
            else _("%(code)s is not archived.", code=item.code)
        )
    before = {"archived_at": item.archived_at.isoformat() if item.archived_at else None}
    item.archived_at = utcnow() if archived else None
    after = {"archived_at": item.archived_at.isoformat() if item.archived_at else None}
    if archived:
        audit.record("framework_item.archived", item, actor=actor, before=before, after=after)
    else:
        audit.record("framework_item.restored", item, actor=actor, before=before, after=after)
    _public_changed()


# --- implementation statuses (officers and administrators) -------------------------------------

MAX_STATUS_TEXT = 2000


def status_snapshot(status: ImplementationStatus) -> dict[str, Any]:
    return {
        "state": status.state.value,
        "period": status.period,
        "text": status.text,
        "paragraphs": [item.code for item in status.items],
        "recorded_on": status.recorded_on.isoformat(),
        "position": status.position,
    }


def _status_items(framework: Framework, ids: list[int], status=None) -> list[FrameworkItem]:
    """The checked paragraphs, all of this framework; an archived one only if the status
    already served it (it is kept, not offered)."""
    wanted = sorted({i for i in ids if 0 < i < 2**31})
    if len(wanted) != len(set(ids)):
        raise FieldRefused("items", _("Choose paragraphs of %(code)s.", code=framework.code))
    items = (
        list(db.session.scalars(select(FrameworkItem).where(FrameworkItem.id.in_(wanted))))
        if wanted
        else []
    )
    kept = {item.id for item in status.items} if status is not None else set()
    if len(items) != len(wanted) or any(
        item.framework_id != framework.id or (item.archived_at and item.id not in kept)
        for item in items
    ):
        raise FieldRefused("items", _("Choose paragraphs of %(code)s.", code=framework.code))
    return sorted(items, key=lambda item: (item.position, item.id))


def _period(values: dict[str, Any]) -> Period | None:
    text = (values.get("period") or "").strip()
    if not text:
        if values["state"] == ImplementationState.PLANNED:
            raise FieldRefused(
                "period", _("Say when it is planned for, like 2024, 2024-25 or Q3 2024.")
            )
        return None
    try:
        return parse_period(text)
    except PeriodError:
        raise FieldRefused(
            "period",
            _(
                "“%(text)s” is not a period we can read. Write a year (2024), two years "
                "(2024-25 or 2024\u20132025), a quarter (Q3 2024), a half (H1 2025) or a month "
                "(April 2024).",
                text=text[:40],
            ),
        ) from None


def _check_status(values: dict[str, Any], today: date) -> None:
    if not values.get("text"):
        raise FieldRefused("text", _("Say what was done, is under way or is planned."))
    if len(values["text"]) > MAX_STATUS_TEXT:
        raise FieldRefused("text", _("Write 2,000 characters or fewer."))
    recorded_on = values.get("recorded_on")
    if recorded_on is None or recorded_on > today:
        raise FieldRefused("recorded_on", _("Enter today's date or an earlier one."))


def _next_status_position(framework: Framework) -> int:
    last = db.session.scalar(
        select(func.max(ImplementationStatus.position)).where(
            ImplementationStatus.framework_id == framework.id
        )
    )
    return (last or 0) + 1


def _apply_status(status: ImplementationStatus, values, period, items) -> None:
    status.state = ImplementationState(values["state"])
    status.period = period.text if period else ""
    status.period_start = period.start if period else None
    status.period_end = period.end if period else None
    status.text = values["text"]
    status.recorded_on = values["recorded_on"]
    status.items = items
    if values.get("position") is not None:
        status.position = values["position"]


def record_status(
    framework: Framework, values: dict[str, Any], actor: User | None, today: date
) -> ImplementationStatus:
    """Record one line of a resolution's implementation, for the paragraphs it serves (none:
    the resolution as a whole)."""
    if framework.kind != "resolution":
        raise Refused(_("Implementation is recorded on resolutions."))
    _check_status(values, today)
    period = _period(values)
    items = _status_items(framework, values.get("items") or [])
    status = ImplementationStatus(
        framework_id=framework.id,
        recorded_by_id=actor.id if actor else None,
        position=_next_status_position(framework),
    )
    _apply_status(status, values, period, items)
    db.session.add(status)
    db.session.flush()
    audit.record(
        "implementation_status.created", status, actor=actor, after=status_snapshot(status)
    )
    _public_changed()
    return status


def update_status(
    status: ImplementationStatus, values: dict[str, Any], actor: User | None, today: date
) -> bool:
    """Correct a recorded line; says whether anything changed. A hidden one stays hidden."""
    if status.hidden:
        raise Refused(_("This line is hidden; it is no longer edited."))
    _check_status(values, today)
    period = _period(values)
    items = _status_items(status.framework, values.get("items") or [], status)
    before = status_snapshot(status)
    _apply_status(status, values, period, items)
    old, new = _changes(before, status_snapshot(status))
    if not new:
        return False
    audit.record("implementation_status.updated", status, actor=actor, before=old, after=new)
    _public_changed()
    return True


def hide_status(status: ImplementationStatus, reason: str, actor: User | None) -> None:
    """Take a line out of the page and the briefings, with the reason; never deleted."""
    if status.hidden:
        raise Refused(_("This line is already hidden."))
    if not reason:
        raise FieldRefused("reason", _("Say why it is hidden."))
    status.hidden_at = utcnow()
    status.hidden_by_id = actor.id if actor else None
    status.hidden_reason = reason
    audit.record("implementation_status.hidden", status, actor=actor, after={"reason": reason})
    _public_changed()
