"""One picker for aligning an entry to framework items, used by every form that aligns
(commitments, initiatives, engagements): the form's two fields, the search behind the htmx
endpoint and the "Find" button, the items a form has chosen, and the domain's check that
refuses an archived or unknown item.

Only SDG targets and operative paragraphs are offered: a goal is too broad to say what the
work advances, an indicator is a measure, not an aim. An item taken out of use is offered to
nobody, but an entry that was aligned to it before keeps it (its history stays true).

An entry's alignment is a list of item ids, the shape ``revisions.snapshot`` gives a CODES
field (``field_spec``), so the form, the services, the audit trail and a revision's diff hand
the same value around; ``display`` names the items ("SDG 11.1, HSP/HA.2/RES.6 OP2(a)").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload
from wtforms import Field, SelectMultipleField, StringField
from wtforms.validators import Length, ValidationError

from registry.commit import FieldRefused
from registry.entries import FieldKind, FieldSpec
from registry.extensions import db
from registry.forms import one_line
from registry.models import Framework, FrameworkItem
from registry.text import escape_like

ALIGNABLE_KINDS = ("target", "paragraph", "section")  # a section: the New Urban Agenda's
MAX_ALIGNMENT = 40  # items one entry is aligned to: more says nothing
ITEMS_SHOWN = 20  # matches the picker lists for what is typed
MAX_QUERY = 100
FIELD = "alignment"  # the form field, the snapshot key and a refusal's field name


def item_label(item: FrameworkItem) -> str:
    """An item as its framework and code: "SDG 11.1", "HSP/HA.2/RES.6 OP2(a)"."""
    prefix = "SDG" if item.framework.code == "sdg" else item.framework.code
    return f"{prefix} {item.code}"


def _id(value: Any) -> int:
    """An item's id as a form sends it; anything else (text, a huge number) is none (0)."""
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.isdecimal() and 0 < int(value) < 2**31 else 0
    return value if isinstance(value, int) and 0 < value < 2**31 else 0


def ids_of(values: Iterable[Any]) -> list[int]:
    """The distinct usable ids among ``values``, sorted."""
    return sorted({number for number in (_id(v) for v in values or []) if number})


# --- the form -----------------------------------------------------------------------------------


def fields() -> tuple[SelectMultipleField, StringField]:
    """The picker's two fields, declared in a form's class where they should come in its
    order: ``alignment, alignment_q = picker.fields()``. The items ticked, and what is typed
    to find more; the template is ``frameworks/_picker.html``."""
    alignment = SelectMultipleField(_l("Aligned to"), validate_choice=False, coerce=_id)
    query = StringField(
        _l("Find an SDG target or a resolution paragraph"),
        description=_l("Type a number such as “11.1” or words such as “housing”."),
        filters=[one_line],
        validators=[Length(max=MAX_QUERY, message=_l("Type at most 100 characters"))],
    )
    return alignment, query


class AlignmentForm:
    """Mixed into a form that declares ``fields()``: the check on how many are ticked, and
    the ids ticked."""

    def validate_alignment(self, field: Field) -> None:
        if len(ids_of(field.data)) > MAX_ALIGNMENT:
            raise ValidationError(_("Choose at most %(count)d items", count=MAX_ALIGNMENT))

    def alignment_ids(self) -> list[int]:
        return ids_of(self.alignment.data)


def context(form: Any, found: list[FrameworkItem] | None = None) -> dict[str, Any]:
    """What ``frameworks/_picker.html`` reads: the items ticked (one statement), and the
    matches for what was typed when the form came back from "Find" (one more)."""
    chosen_ids = form.alignment_ids()
    if found is None and form.alignment_q.data:
        found = find(form.alignment_q.data)
    return {
        "picker_chosen": items(chosen_ids),
        "picker_found": [item for item in found or [] if item.id not in set(chosen_ids)],
        "item_label": item_label,
    }


# --- finding items ------------------------------------------------------------------------------


def items_statement(query: str) -> Select:
    """SDG targets and operative paragraphs in use whose code starts with what is typed, or
    whose text has it, or whose framework's code does: "11.1" finds target 11.1, "housing"
    every target about housing, "HSP/HA.2/RES.6" that resolution's paragraphs."""
    query = " ".join((query or "").split())[:MAX_QUERY]
    stmt = (
        select(FrameworkItem)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .options(joinedload(FrameworkItem.framework))
        .where(FrameworkItem.kind.in_(ALIGNABLE_KINDS), FrameworkItem.archived_at.is_(None))
    )
    if not query:
        return stmt.where(False)
    code = escape_like(query.upper().removeprefix("SDG").strip())
    stmt = stmt.where(
        or_(
            func.upper(FrameworkItem.code).like(f"{code}%", escape="\\"),
            FrameworkItem.title.ilike(f"%{escape_like(query)}%", escape="\\"),
            func.upper(Framework.code).like(f"{escape_like(query.upper())}%", escape="\\"),
        )
    )
    return stmt.order_by(Framework.kind, Framework.code, FrameworkItem.position).limit(ITEMS_SHOWN)


def find(query: str) -> list[FrameworkItem]:
    return list(db.session.scalars(items_statement(query)))


def items(ids: list[int]) -> list[FrameworkItem]:
    """These items with their frameworks, in the frameworks' order: one statement."""
    if not ids:
        return []
    stmt = (
        select(FrameworkItem)
        .options(joinedload(FrameworkItem.framework))
        .where(FrameworkItem.id.in_(ids))
        .order_by(FrameworkItem.framework_id, FrameworkItem.position)
    )
    return list(db.session.scalars(stmt))


def ids_by_code(pairs: Iterable[tuple[str, str]]) -> list[int]:
    """The ids of the items named (framework code, item code) that exist, e.g. ("sdg",
    "11.3"), ("HSP/HA.2/RES.6", "OP2(a)"); one statement. The demo names items so."""
    wanted = set(pairs)
    if not wanted:
        return []
    stmt = (
        select(FrameworkItem.id, Framework.code, FrameworkItem.code)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .where(
            Framework.code.in_({framework for framework, _code in wanted}),
            FrameworkItem.code.in_({code for _framework, code in wanted}),
        )
    )
    return sorted(
        item_id
        for item_id, framework, code in db.session.execute(stmt)
        if (framework, code) in wanted
    )


# --- the domain's rule --------------------------------------------------------------------------


def alignable(ids: list[int], kept: Iterable[int] = ()) -> list[FrameworkItem]:
    """The items of ``ids`` that may be aligned to: SDG targets and operative paragraphs in
    use; an archived one only if the entry already had it (``kept``)."""
    if not ids:
        return []
    stmt = select(FrameworkItem).where(
        FrameworkItem.id.in_(ids),
        FrameworkItem.kind.in_(ALIGNABLE_KINDS),
        or_(FrameworkItem.archived_at.is_(None), FrameworkItem.id.in_(list(kept) or [0])),
    )
    return list(db.session.scalars(stmt))


def check(wanted: Iterable[Any], current: Iterable[FrameworkItem] = ()) -> list[FrameworkItem]:
    """The items to align to, or a ``FieldRefused`` on the alignment field when one is not in
    use, unknown, or not a target or paragraph (``current``: what the entry has now)."""
    ids = sorted({_id(i) for i in wanted or []})  # 0: not an id at all
    if len(ids) > MAX_ALIGNMENT:
        raise FieldRefused(FIELD, _("Choose at most %(count)d items", count=MAX_ALIGNMENT))
    found = alignable([i for i in ids if i], {item.id for item in current})
    if {item.id for item in found} != set(ids):
        raise FieldRefused(
            FIELD,
            _(
                "Choose SDG targets or resolution paragraphs from the list: one is unknown or "
                "no longer in use"
            ),
        )
    return sorted(found, key=lambda item: item.id)


def align(entry: Any, wanted: Iterable[Any]) -> bool:
    """Set ``entry.alignment`` to the items of ``wanted`` after ``check``; whether it
    changed."""
    before = sorted(item.id for item in entry.alignment)
    found = check(wanted, entry.alignment)
    if [item.id for item in found] == before:
        return False
    entry.alignment = found
    return True


# --- as a field of an entry type ----------------------------------------------------------------


def display(ids: Any) -> str:
    """Stored ids as a reader sees them: "SDG 11.1, HSP/HA.2/RES.6 OP2" (one statement)."""
    wanted = ids_of(ids if isinstance(ids, list) else [])
    if not wanted:
        return ""
    return ", ".join(sorted(item_label(row) for row in items(wanted)))


def field_spec() -> FieldSpec:
    """The alignment as an entry type's field: a many-to-many kept as sorted item ids."""
    return FieldSpec(
        FIELD,
        _l("Alignment"),
        FieldKind.CODES,
        related=FrameworkItem,
        code="id",
        show=display,
    )
