"""Stakeholders as an entry type: what the review machinery, revisions, notices and the audit
log need to know about them (``registry.entries``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask_babel import lazy_gettext as _l

from registry import entries
from registry.entries import EntryType, FieldKind, FieldSpec
from registry.models import Constituency, Scale, Stakeholder
from registry.stakeholders.display import display


def _spec(name: str, label: Any, kind: FieldKind = FieldKind.SCALAR, **options: Any) -> FieldSpec:
    return FieldSpec(name, label, kind, show=partial(display, name), **options)


# The fields a stakeholder's editors change, in the order a diff lists them.
FIELDS = (
    _spec("name", _l("Name")),
    _spec("acronym", _l("Acronym")),
    _spec("org_identifier", _l("Organization identifier")),
    _spec("sector_code", _l("Sector")),
    _spec("constituencies", _l("Constituencies"), FieldKind.CODES, related=Constituency),
    _spec("country", _l("Country")),
    _spec("city", _l("City or locality")),
    _spec("scale", _l("Scale"), FieldKind.ENUM, enum=Scale, default=Scale.LOCAL),
    _spec("website", _l("Website")),
    _spec("description", _l("Description")),
)


def _summary(stakeholder: Stakeholder) -> str:
    """Sector · city · country, for the review queue."""
    parts = [
        display("sector_code", stakeholder.sector_code),
        stakeholder.city or "",
        display("country", stakeholder.country),
    ]
    return " · ".join(part for part in parts if part)


def _check_change(stakeholder: Stakeholder, data: dict[str, Any]) -> None:
    """The identifier was free when the change was proposed; another entry may have it now."""
    from registry.stakeholders.services import check_identifier_free  # services imports us

    check_identifier_free(stakeholder, data.get("org_identifier"))


STAKEHOLDER = entries.register(
    EntryType(
        key="stakeholder",
        model=Stakeholder,
        label=_l("Organization"),
        endpoint="stakeholders.detail",
        id_arg="stakeholder_id",
        plural="stakeholders",
        queue_label=_l("New organization"),
        summary=_summary,
        owner=lambda stakeholder: stakeholder,
        title=lambda stakeholder: stakeholder.name,
        aside=lambda stakeholder: stakeholder.acronym or "",
        fields=FIELDS,
        check_change=_check_change,
    )
)
