"""``flask export DIR``: every public row of every list, as a Frictionless Data Package.

One CSV per list (the same writer, columns and statement as the downloads, with no filter)
and ``datapackage.json``: a Table Schema per file generated from ``columns.py``, the licence,
the source and the time. ``frictionless validate DIR/datapackage.json`` passes
(tests/test_exports.py runs it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from registry.exports import writers
from registry.exports.columns import TABLES, Table, batches, context, everything, statement
from registry.extensions import db
from registry.models._base import utcnow

NAME = "whole-of-society-registry"
TITLE = "Whole-of-Society Registry"


def schema(table: Table) -> dict[str, Any]:
    """The file's Table Schema, from its columns."""
    return {
        "fields": [
            {"name": c.name, "type": c.type, "description": str(c.description)}
            for c in table.columns
        ],
        "primaryKey": ["id"],
    }


def descriptor(created: str) -> dict[str, Any]:
    public_url = current_app.config["PUBLIC_URL"]
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": (
            "The public entries of the Whole-of-Society Registry: who takes part in building "
            "sustainable cities, what they do together and what they promise."
        ),
        "homepage": f"{public_url}/data",
        "created": created,
        "licenses": [writers.LICENCE],
        "sources": [{"title": TITLE, "path": public_url}],
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "title": str(table.title),
                "description": str(table.description),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema(table),
            }
            for table in TABLES.values()
        ],
    }


def count(table: Table) -> int:
    model = table.listing.model
    where = everything(table).where()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def export(directory: Path, progress: Callable[[Table, int], Any] | None = None) -> dict[str, int]:
    """Write the package into ``directory`` (made if missing); returns the rows per file.
    ``progress(table, n)`` is told of every batch written."""
    directory.mkdir(parents=True, exist_ok=True)
    ctx = context()
    created = writers.timestamp(utcnow())
    written: dict[str, int] = {}
    for table in TABLES.values():
        stmt = statement(table, everything(table), ctx)
        with (directory / f"{table.name}.csv").open("wb") as out:
            written[table.name] = writers.write_csv(
                out, table.columns, _told(table, batches(stmt), progress)
            )
    package = descriptor(created)
    (directory / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return written


def _told(
    table: Table, found: Iterator[Sequence[Any]], progress: Callable[[Table, int], Any] | None
) -> Iterator[Sequence[Any]]:
    for batch in found:
        yield batch
        if progress is not None:
            progress(table, len(batch))
