"""A stakeholder's stored field values as a reader should see them: names, not codes."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from registry import countries
from registry.models import SCALE_LABELS, Scale
from registry.taxonomy import CONSTITUENCIES, SECTORS

_SECTOR_NAMES = dict(SECTORS)
_CONSTITUENCY_NAMES = dict(CONSTITUENCIES)
_CONSTITUENCY_ORDER = {code: position for position, (code, _name) in enumerate(CONSTITUENCIES)}


def display(field: str, value: Any) -> str:
    """One field's value for reading ("" when empty); constituencies in taxonomy order."""
    if value in (None, "", []):
        return ""
    if field == "sector_code":
        return _(_SECTOR_NAMES[value]) if value in _SECTOR_NAMES else str(value)
    if field == "constituencies":
        codes = sorted(
            value, key=lambda code: _CONSTITUENCY_ORDER.get(code, len(_CONSTITUENCY_ORDER))
        )
        return ", ".join(_(_CONSTITUENCY_NAMES.get(code, str(code))) for code in codes)
    if field == "country":
        return countries.name(value)
    if field == "scale":
        try:
            return str(SCALE_LABELS[Scale(value)])
        except ValueError:
            return str(value)
    return str(value)
