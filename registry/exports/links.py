"""The download links a list page shows: kept apart from the views so that the list views
can import them without importing every list's queries."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlencode

from flask import url_for
from flask_babel import lazy_gettext as _l

FORMAT_LABELS = {"csv": "CSV", "json": "JSON", "xlsx": _l("Excel")}


class Download(NamedTuple):
    label: Any
    fmt: str
    href: str


def links(table: str, args: dict[str, str]) -> list[Download]:
    """The list's download links, carrying its current filters (``Filters.args()``)."""
    query = f"?{urlencode(args)}" if args else ""
    return [
        Download(label, fmt, url_for("exports.download", table=table, fmt=fmt) + query)
        for fmt, label in FORMAT_LABELS.items()
    ]
