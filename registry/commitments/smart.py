"""The SMART rule, written once: the checklist beside the form, the check before a commitment
is submitted (or published) and the API ask it the same question.

It reads a commitment as plain values, the shape of ``revisions.snapshot``: ``title``,
``description``, ``starts_on`` and ``ends_on`` (ISO dates), ``deliverables`` and
``resources`` (lists of dicts), ``alignment`` (framework item ids). A draft may fail it; a
commitment is submitted only when every part is met.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

DESCRIPTION_MIN = 40  # characters: a sentence that says what will be done, for whom, where

LABELS = {
    "specific": _l("Specific"),
    "measurable": _l("Measurable"),
    "achievable": _l("Achievable"),
    "relevant": _l("Relevant"),
    "time_bound": _l("Time-bound"),
}
HINTS = {
    "specific": _l("A title and a description of what will be done, for whom and where."),
    "measurable": _l("At least one deliverable with a target value."),
    "achievable": _l("At least one resource that backs it: money, in kind, staff or technical."),
    "relevant": _l("Aligned to at least one SDG target or resolution paragraph."),
    "time_bound": _l("An end date, and a due date inside the period for each deliverable."),
}


@dataclass(frozen=True)
class Check:
    key: str
    missing: tuple[str, ...]  # what is missing, in words; empty when the part is met

    @property
    def met(self) -> bool:
        return not self.missing

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    @property
    def hint(self) -> str:
        return str(HINTS[self.key])


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rows(values: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    return [row for row in values.get(name) or [] if any(v not in (None, "") for v in row.values())]


def _specific(values: Mapping[str, Any]) -> list[str]:
    missing = []
    if not (values.get("title") or "").strip():
        missing.append(_("a title"))
    if len((values.get("description") or "").strip()) < DESCRIPTION_MIN:
        missing.append(
            _(
                "a description of what will be done (at least %(count)d characters)",
                count=DESCRIPTION_MIN,
            )
        )
    return missing


def _measurable(values: Mapping[str, Any]) -> list[str]:
    rows = _rows(values, "deliverables")
    if not any(
        (row.get("title") or "").strip() and _number(row.get("target")) is not None for row in rows
    ):
        return [_("a deliverable with a target value")]
    return []


def _achievable(values: Mapping[str, Any]) -> list[str]:
    if not any(row.get("kind") for row in _rows(values, "resources")):
        return [_("a resource that backs the commitment")]
    return []


def _relevant(values: Mapping[str, Any]) -> list[str]:
    if not values.get("alignment"):
        return [_("an SDG target or a resolution paragraph it advances")]
    return []


def _time_bound(values: Mapping[str, Any]) -> list[str]:
    missing = []
    starts, ends = _date(values.get("starts_on")), _date(values.get("ends_on"))
    if ends is None:
        missing.append(_("an end date"))
    rows = [row for row in _rows(values, "deliverables") if (row.get("title") or "").strip()]
    dues = [(row, _date(row.get("due_on"))) for row in rows]
    if not any(due for _row, due in dues):
        missing.append(_("a due date for a deliverable"))
    for row, due in dues:
        if due is None:
            continue
        if (ends is not None and due > ends) or (starts is not None and due < starts):
            missing.append(
                _("a due date inside the period for “%(title)s”", title=row.get("title"))
            )
    return missing


RULES = (
    ("specific", _specific),
    ("measurable", _measurable),
    ("achievable", _achievable),
    ("relevant", _relevant),
    ("time_bound", _time_bound),
)


def check(values: Mapping[str, Any]) -> list[Check]:
    """Each SMART part, met or with what it misses."""
    return [Check(key, tuple(rule(values))) for key, rule in RULES]


def complete(values: Mapping[str, Any]) -> bool:
    return all(part.met for part in check(values))


def missing(values: Mapping[str, Any]) -> list[str]:
    """Everything missing, in the order of the checklist."""
    return [item for part in check(values) for item in part.missing]
