"""Importing stakeholders: the columns, each row checked as the registration form checks it,
possible duplicates found by the registration's own matching, and the confirmed rows written.

Columns are the stakeholder download's (``registry.exports.columns.STAKEHOLDERS``) where they
overlap, under the same names, with constituencies separated by ";" as there: a downloaded
file can be edited and imported again. The download's own columns (``id``, ``approved_at``,
``url``) are ignored on the way in (a notice says so): an import only ever registers new
entries, it never changes an existing one.

Each row goes through ``StakeholderForm`` (its filters and validators, the messages people see
on the form), after the file's friendlier spellings are turned into codes: a sector or a
constituency by its code or its English label, a country by its ISO code or its name, letter
case aside. A row whose name (or identifier) the registration's "Did you mean …?"
(``similar``) matches is a possible duplicate: skipped unless the officer ticks "import
anyway". A row repeating an earlier row of the file is skipped. Imported entries are drafts,
as every entry staff register through the form is today (``services.create_stakeholder``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from registry import audit, countries
from registry.commit import Refused
from registry.extensions import db
from registry.imports.reading import Table, Unreadable
from registry.models import Scale, Stakeholder, User
from registry.models.stakeholders import org_identifier_key
from registry.stakeholders import services
from registry.stakeholders.forms import StakeholderForm
from registry.stakeholders.similar import similar
from registry.taxonomy import CONSTITUENCIES, SECTORS

SEPARATOR = ";"  # as in the downloads (registry.exports.columns.SEPARATOR)
# (column, form field), in the template's order.
COLUMNS = [
    ("name", "name"),
    ("acronym", "acronym"),
    ("sector", "sector"),
    ("constituencies", "constituencies"),
    ("country", "country"),
    ("city", "city"),
    ("scale", "scale"),
    ("website", "website"),
    ("org_identifier", "org_identifier"),
    ("description", "description"),
]
NAMES = [name for name, _field in COLUMNS]
REQUIRED = ("name", "sector", "scale")
EXPORT_ONLY = ("id", "approved_at", "url")  # in a downloaded file; not imported
EXAMPLE = {
    "name": "Nakuru Youth Housing Network",
    "acronym": "NYHN",
    "sector": "civil_society",
    "constituencies": "children_youth;urban_poor",
    "country": "KE",
    "city": "Nakuru",
    "scale": "local",
    "website": "www.example.org",
    "org_identifier": "",
    "description": "Youth groups improving housing in informal settlements.",
}
MATCHES = 3  # possible duplicates shown per row

CREATE, SKIP = "create", "skip"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _lookup(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Code or English label, any letter case, to the code."""
    found = {_key(code): code for code, _label in pairs}
    found.update({_key(label): code for code, label in pairs})
    return found


SECTOR_LOOKUP = _lookup(SECTORS)
CONSTITUENCY_LOOKUP = _lookup(CONSTITUENCIES)


def _country(value: str) -> str:
    if not value:
        return ""
    by_name = {_key(name): code for code, name in countries.names().items()}
    return by_name.get(_key(value), value.strip().upper())


def header_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Where each known column is, and notices; ``Unreadable`` naming missing columns."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    for index, raw in enumerate(header):
        name = _key(raw.lstrip("\ufeff")).replace(" ", "_")
        if name in NAMES and name not in positions:
            positions[name] = index
        elif name in EXPORT_ONLY:
            ignored.append(name)
        elif name:
            unknown.append(raw.strip())
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise Unreadable(
            _(
                "The file has no column named %(missing)s. The first row must name the "
                "columns: %(expected)s (%(required)s are required). The template below has "
                "them all.",
                missing=", ".join(missing),
                expected=", ".join(NAMES),
                required=", ".join(REQUIRED),
            )
        )
    notices = []
    if unknown:
        notices.append(
            _("These columns are not imported: %(names)s.", names=", ".join(unknown[:20]))
        )
    if ignored:
        notices.append(
            _(
                "The download's columns %(names)s are ignored: an import registers new "
                "entries only.",
                names=", ".join(ignored),
            )
        )
    return positions, notices


def _formdata(values: dict[str, str]) -> MultiDict:
    data = MultiDict()
    for name, field in COLUMNS:
        value = values.get(name, "")
        if name == "sector":
            data.add(field, SECTOR_LOOKUP.get(_key(value), value))
        elif name == "constituencies":
            for part in value.split(SEPARATOR):
                if part.strip():
                    data.add(field, CONSTITUENCY_LOOKUP.get(_key(part), part.strip()))
        elif name == "country":
            data.add(field, _country(value))
        elif name == "scale":
            data.add(field, value.strip().lower())
        else:
            data.add(field, value)
    return data


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The model values as JSON keeps them (the scale by its value)."""
    return {**data, "scale": data["scale"].value}


def check(table: Table) -> dict[str, Any]:
    """Every row with its values, its errors per column, its possible duplicates and what
    confirming will do: the batch's content, shown by the preview and written by ``write``.

    Statements: one for the identifiers any entry already has (the whole file at once), then
    the registration's matching (``similar``) once per distinct name; nothing else per row."""
    positions, notices = header_columns(table.header)
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(table.rows, start=2):  # line 1 is the header
        values = {name: cells[index] for name, index in positions.items()}
        form = StakeholderForm(formdata=_formdata(values), meta={"csrf": False})
        form.validate()
        errors = {
            column: str(getattr(form, field).errors[0])
            for column, field in COLUMNS
            if getattr(form, field).errors
        }
        row: dict[str, Any] = {"line": number, "values": values, "errors": errors}
        if not errors:
            row["data"] = _plain(form.data_for_model())
        rows.append(row)
    _taken_identifiers(rows)
    _duplicates(rows)
    for row in rows:
        row["action"] = CREATE if not row["errors"] and not row.get("duplicate_of") else SKIP
    return {
        "columns": [name for name in NAMES if name in positions],
        "encoding": table.encoding,
        "notices": [*table.notices, *notices],
        "rows": rows,
    }


def _taken_identifiers(rows: list[dict[str, Any]]) -> None:
    keys: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if "data" in row and row["data"]["org_identifier"]:
            keys.setdefault(org_identifier_key(row["data"]["org_identifier"]), []).append(row)
    if not keys:
        return
    stmt = select(Stakeholder.org_identifier_key, Stakeholder.id).where(
        Stakeholder.org_identifier_key.in_(list(keys))
    )
    for key, holder_id in db.session.execute(stmt):
        for row in keys[key]:
            row["errors"]["org_identifier"] = _(
                "Another organization in the registry already has this identifier (#%(id)d)",
                id=holder_id,
            )
            row.pop("data", None)


def _duplicates(rows: list[dict[str, Any]]) -> None:
    seen_names: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    matched: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        if "data" not in row:
            continue
        data = row["data"]
        name_key = _key(data["name"])
        id_key = org_identifier_key(data["org_identifier"])
        earlier = seen_names.get(name_key) or (seen_ids.get(id_key) if id_key else None)
        if earlier:
            row["duplicate_of"] = earlier
            continue
        seen_names[name_key] = row["line"]
        if id_key:
            seen_ids[id_key] = row["line"]
        probe = (name_key, id_key or "")
        if probe not in matched:
            found = similar(data["name"], limit=MATCHES, org_identifier=data["org_identifier"])
            matched[probe] = [{"id": s.id, "name": s.name} for s in found]
        row["matches"] = matched[probe]


def summary(content: dict[str, Any]) -> dict[str, int]:
    rows = content["rows"]
    return {
        "rows": len(rows),
        "create": sum(1 for r in rows if r["action"] == CREATE and not r.get("matches")),
        "matches": sum(1 for r in rows if r["action"] == CREATE and r.get("matches")),
        "skip": sum(1 for r in rows if r["action"] == SKIP),
    }


def to_write(content: dict[str, Any], anyway: set[int]) -> list[dict[str, Any]]:
    """The rows a confirmation writes: valid, not repeated in the file, and either matching
    nothing in the registry or ticked "import anyway" (by line number)."""
    return [
        row
        for row in content["rows"]
        if row["action"] == CREATE and (not row.get("matches") or row["line"] in anyway)
    ]


def write(rows: list[dict[str, Any]], actor: User) -> list[Stakeholder]:
    """Register each row through the stakeholder service (each audited as a registration),
    in the caller's transaction: one refused row (an identifier taken since the preview)
    refuses them all."""
    written = []
    for row in rows:
        data = {**row["data"], "scale": Scale(row["data"]["scale"])}
        try:
            written.append(services.create_stakeholder(data, actor))
        except services.IdentifierTaken as taken:
            raise Refused(
                _(
                    "line %(line)d's identifier is now used by another entry (#%(id)d). "
                    "Upload the file again to see every row checked anew.",
                    line=row["line"],
                    id=taken.holder.id,
                ),
                409,
            ) from taken
    return written


def record(batch: Any, written: list[Stakeholder], skipped: int, actor: User) -> None:
    audit.record(
        "import_batch.confirmed",
        batch,
        after={
            "kind": batch.kind,
            "filename": batch.filename,
            "written": len(written),
            "skipped": skipped,
            "stakeholder_ids": [s.id for s in written][:500],
        },
        actor=actor,
    )
