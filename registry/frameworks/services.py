"""Write framework data into the database: the SDGs from their YAML files, and resolutions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from registry.extensions import db
from registry.frameworks.sdg import read_sdg
from registry.models import Framework, FrameworkItem, FrameworkItemText

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
