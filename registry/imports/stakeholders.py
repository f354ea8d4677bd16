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
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from registry import countries
from registry.commit import Refused
from registry.extensions import db
from registry.imports import common
from registry.imports.common import MATCHES, key
from registry.imports.reading import Table
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


def _lookup(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Code or English label, any letter case, to the code."""
    found = {key(code): code for code, _label in pairs}
    found.update({key(label): code for code, label in pairs})
    return found


SECTOR_LOOKUP = _lookup(SECTORS)
CONSTITUENCY_LOOKUP = _lookup(CONSTITUENCIES)


def _country(value: str) -> str:
    if not value:
        return ""
    by_name = {key(name): code for code, name in countries.names().items()}
    return by_name.get(key(value), value.strip().upper())


def header_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Where each known column is, and notices; ``Unreadable`` naming missing columns."""
    return common.header_columns(header, NAMES, REQUIRED, export_only=EXPORT_ONLY)


def _formdata(values: dict[str, str]) -> MultiDict:
    data = MultiDict()
    for name, field in COLUMNS:
        value = values.get(name, "")
        if name == "sector":
            data.add(field, SECTOR_LOOKUP.get(key(value), value))
        elif name == "constituencies":
            for part in value.split(SEPARATOR):
                if part.strip():
                    data.add(field, CONSTITUENCY_LOOKUP.get(key(part), part.strip()))
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


def check(table: Table, actor: User | None = None) -> dict[str, Any]:
    """Every row with its values, its errors per column, its possible duplicates and what
    confirming will do: the batch's content, shown by the preview and written by ``write``
    (the registration's checks are the same whoever imports: ``actor`` is not needed).

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
    common.decide(rows)
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
    for taken, holder_id in db.session.execute(stmt):
        for row in keys[taken]:
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
        name_key = key(data["name"])
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


def done(written: list[Stakeholder], skipped: int) -> str:
    return _(
        "Imported %(written)d stakeholders as drafts; %(skipped)d rows were skipped.",
        written=len(written),
        skipped=skipped,
    )


KIND = common.Kind(
    name="stakeholders",
    permission="stakeholder.import",
    title=_l("Import stakeholders from a file"),
    columns=NAMES,
    example=EXAMPLE,
    check=check,
    write=write,
    done=done,
    entry_endpoint="stakeholders.detail",
    entry_arg="stakeholder_id",
    about="imports/_about_stakeholders.html",
    back=("stakeholders.work", _l("Entries in progress")),
)
