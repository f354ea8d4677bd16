"""Importing commitments with their deliverables and resources: the file's layout, each row
checked as the commitment form and its service check it, possible duplicates, and the
confirmed rows written through the same service.

One row is one commitment, as one form is: its organization, its own columns, then its
deliverables and resources in numbered groups of columns, ``deliverable_1_title``,
``deliverable_1_target`` … ``deliverable_2_title`` …, ``resource_1_kind`` … (a partnership
officer fills a row across, as the form down; more deliverables are more numbered columns,
up to the form's 30). The column names are the commitment download's where they overlap
(``registry.exports.columns.COMMITMENTS``); the download's own columns are ignored with a
notice, its ``sdg_targets`` read as ``alignment``.

The organization is named by its registry id (``stakeholder_id``), or by its exact name
(``stakeholder_name``, letter case and spaces aside), or both, which must then agree. The
alignment is a list of codes separated by ";": an SDG target as "11.1" (or "SDG 11.1"), a
resolution's paragraph as its framework and code, "HSP/HA.2/RES.6 OP2", as the commitment's
page writes them.

Each row goes through ``CommitmentForm`` (its filters, validators and messages), then the
service's domain rules (``services.check_values``: deliverables due inside the period,
resources, the initiative and engagement the organization takes part in). A row whose title
is very close to a commitment its organization already has is a possible duplicate, skipped
unless the officer ticks "import anyway"; one close to an earlier row of the file for the same
organization is skipped. Imported commitments are drafts, as the form saves them.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process
from sqlalchemy import func, or_, select
from werkzeug.datastructures import MultiDict

from registry.commit import FieldRefused, Refused
from registry.commitments import services
from registry.commitments.forms import MAX_DELIVERABLES, MAX_RESOURCES, CommitmentForm, fields_of
from registry.extensions import db
from registry.frameworks import picker
from registry.imports import common
from registry.imports.common import MATCHES, key
from registry.imports.reading import Table, Unreadable
from registry.models import (
    RESOURCE_KIND_LABELS,
    Commitment,
    Framework,
    FrameworkItem,
    Stakeholder,
    Status,
    User,
)
from registry.permissions import can

# The commitment's own columns: (column, form field); the organization's two come first.
OWN = [
    ("stakeholder_id", None),
    ("stakeholder_name", None),
    ("title", "title"),
    ("description", "description"),
    ("starts_on", "starts_on"),
    ("ends_on", "ends_on"),
    ("alignment", "alignment"),
    ("initiative_id", "initiative_id"),
    ("engagement_id", "engagement_id"),
]
# The numbered groups: (column prefix, form list, its fields, how many the form takes).
GROUPS = [
    (
        "deliverable",
        "deliverables",
        ("title", "indicator", "baseline", "target", "unit", "due_on"),
        MAX_DELIVERABLES,
    ),
    ("resource", "resources", ("kind", "amount", "currency", "description"), MAX_RESOURCES),
]
IN_TEMPLATE = {"deliverable": 3, "resource": 2}  # groups the template file shows
REQUIRED = ("title",)
ORGANIZATION = ("stakeholder_id", "stakeholder_name")  # at least one of them
EXPORT_ONLY = (
    "id",
    "initiative_title",
    "engagement_title",
    "light",
    "progress",
    "deliverables",
    "last_activity_on",
    "completed_on",
    "approved_at",
    "url",
)
ALIASES = {"sdg_targets": "alignment"}
SEPARATOR = re.compile(r"[;,\n]")
SDG_CODE = re.compile(r"\d+\.[0-9a-z]+", re.IGNORECASE)
# RapidFuzz token_sort_ratio (0-100), titles lower-cased and without punctuation: at or
# above it, two titles of one organization's are taken for the same pledge.
CLOSE_TITLE = 88


def _group_columns(count: dict[str, int] | None = None) -> list[str]:
    names = []
    for prefix, _list, fields, limit in GROUPS:
        for n in range(1, (count or {}).get(prefix, limit) + 1):
            names += [f"{prefix}_{n}_{field}" for field in fields]
    return names


OWN_NAMES = [name for name, _field in OWN]
NAMES = OWN_NAMES + _group_columns()  # every column the import reads
TEMPLATE = OWN_NAMES + _group_columns(IN_TEMPLATE)
# The preview's columns, what an officer checks first: the organization (found, or as
# typed), the title and period, each group as a list, then the rest.
SHOWN = [
    "stakeholder",
    "title",
    "starts_on",
    "ends_on",
    *(list_name for _prefix, list_name, _f, _n in GROUPS),
    "alignment",
    "description",
    "initiative_id",
    "engagement_id",
]
EXPECTED = [*OWN_NAMES, "deliverable_1_title", "deliverable_1_target", "…", "resource_1_kind", "…"]
EXAMPLE = {
    "stakeholder_id": "",
    "stakeholder_name": "Nakuru Youth Housing Network",
    "title": "80 cities apply the Global Urban Monitoring Framework",
    "description": "Train city statisticians in 80 secondary cities of East Africa to report "
    "on SDG 11 with the framework, and publish their first reports.",
    "starts_on": "2026-01-01",
    "ends_on": "2028-12-31",
    "alignment": "11.1; 11.3",
    "initiative_id": "",
    "engagement_id": "",
    "deliverable_1_title": "Cities trained on the framework",
    "deliverable_1_indicator": "number of cities with a trained team",
    "deliverable_1_baseline": "0",
    "deliverable_1_target": "80",
    "deliverable_1_unit": "cities",
    "deliverable_1_due_on": "2027-06-30",
    "deliverable_2_title": "City reports published",
    "deliverable_2_target": "40",
    "deliverable_2_unit": "reports",
    "deliverable_2_due_on": "2028-12-31",
    "resource_1_kind": "financial",
    "resource_1_amount": "250000",
    "resource_1_currency": "USD",
    "resource_1_description": "Trainers' travel and workshops",
}
KIND_LOOKUP = {key(k.value): k.value for k in RESOURCE_KIND_LABELS} | {
    key(str(label)): k.value for k, label in RESOURCE_KIND_LABELS.items()
}


def shown_in(column: str) -> str:
    """The preview column a file column is shown in: a deliverable's under "deliverables"."""
    for prefix, list_name, _fields, _limit in GROUPS:
        if column.startswith(prefix + "_"):
            return list_name
    return "stakeholder" if column in ORGANIZATION else column


# --- reading the header and the cells -----------------------------------------------------------


def header_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    positions, notices = common.header_columns(
        header,
        NAMES,
        REQUIRED,
        export_only=EXPORT_ONLY,
        aliases=ALIASES,
        expected=EXPECTED,
    )
    if not any(name in positions for name in ORGANIZATION):
        raise Unreadable(
            _(
                "The file has no column naming the organization: add stakeholder_id (its "
                "number in the registry) or stakeholder_name (its exact name). The template "
                "below has both."
            )
        )
    return positions, notices


def _groups(values: dict[str, str]) -> dict[str, list[tuple[int, dict[str, str]]]]:
    """Each list's filled groups in the file's order: (its number, its cells by field)."""
    found: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for prefix, list_name, fields, limit in GROUPS:
        rows = []
        for n in range(1, limit + 1):
            cells = {field: values.get(f"{prefix}_{n}_{field}", "") for field in fields}
            if any(cell.strip() for cell in cells.values()):
                rows.append((n, cells))
        found[list_name] = rows
    return found


def _alignment_codes(text: str) -> list[tuple[str, str]]:
    """("sdg", "11.1"), ("HSP/HA.2/RES.6", "OP2"): each code typed, as (framework, item)."""
    pairs = []
    for part in SEPARATOR.split(text or ""):
        code = " ".join(part.split())
        if not code:
            continue
        if code.upper().startswith("SDG"):
            pairs.append(("SDG", code[3:].strip().upper()))
        elif SDG_CODE.fullmatch(code):
            pairs.append(("SDG", code.upper()))
        else:
            framework, _sep, item = code.rpartition(" ")
            pairs.append((framework.upper(), item.upper()))
    return pairs


def _alignment_ids(texts: list[str]) -> dict[tuple[str, str], int]:
    """The items the whole file names, among those a commitment may be aligned to (one
    statement): by (framework code, item code) in capitals."""
    wanted = {pair for text in texts for pair in _alignment_codes(text)}
    if not wanted:
        return {}
    stmt = (
        select(FrameworkItem.id, Framework.code, FrameworkItem.code)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .where(
            func.upper(Framework.code).in_({framework for framework, _code in wanted}),
            func.upper(FrameworkItem.code).in_({code for _framework, code in wanted}),
            FrameworkItem.kind.in_(picker.ALIGNABLE_KINDS),
            FrameworkItem.archived_at.is_(None),
        )
    )
    return {
        (framework.upper(), code.upper()): item_id
        for item_id, framework, code in db.session.execute(stmt)
    }


def _organizations(rows: list[dict[str, Any]]) -> tuple[dict[int, Stakeholder], dict[str, list]]:
    """The organizations the file names, by id and by name (one statement)."""
    ids = {int(v) for r in rows if (v := r["values"].get("stakeholder_id", "").strip())
           if v.isdecimal() and 0 < int(v) < 2**31}  # fmt: skip
    names = {key(n) for r in rows if (n := r["values"].get("stakeholder_name", "")) if n.strip()}
    if not ids and not names:
        return {}, {}
    clauses = []
    if ids:
        clauses.append(Stakeholder.id.in_(ids))
    if names:
        clauses.append(func.lower(Stakeholder.name).in_(names))
    by_id: dict[int, Stakeholder] = {}
    by_name: dict[str, list[Stakeholder]] = {}
    for stakeholder in db.session.scalars(select(Stakeholder).where(or_(*clauses))):
        by_id[stakeholder.id] = stakeholder
        if stakeholder.status != Status.ARCHIVED:
            by_name.setdefault(key(stakeholder.name), []).append(stakeholder)
    return by_id, by_name


def _organization(
    values: dict[str, str], by_id: dict[int, Stakeholder], by_name: dict[str, list], actor: User
) -> tuple[Stakeholder | None, dict[str, str]]:
    """The row's organization, or the error at its column."""
    number, name = values.get("stakeholder_id", "").strip(), values.get("stakeholder_name", "")
    if number:
        found = by_id.get(int(number)) if number.isdecimal() and len(number) < 10 else None
        if found is None:
            return None, {
                "stakeholder_id": _(
                    "No organization in the registry has the number %(id)s", id=number
                )
            }
        if name.strip() and key(name) != key(found.name):
            return None, {
                "stakeholder_name": _(
                    "Organization #%(id)d is called “%(name)s”: correct the name or the number",
                    id=found.id,
                    name=found.name,
                )
            }
    elif name.strip():
        named = by_name.get(key(name), [])
        if not named:
            return None, {
                "stakeholder_name": _(
                    "No organization in the registry has exactly this name: give its number "
                    "in stakeholder_id"
                )
            }
        if len(named) > 1:
            return None, {
                "stakeholder_name": _(
                    "%(count)d organizations have this name: give the number of the right one "
                    "in stakeholder_id",
                    count=len(named),
                )
            }
        found = named[0]
    else:
        return None, {"stakeholder_name": _("Name the organization: its number or its exact name")}
    if not can(actor, "commitment.write_for", found):
        message = (
            _("%(name)s is archived: no commitment can be written for it", name=found.name)
            if found.status == Status.ARCHIVED
            else _("You cannot write commitments for %(name)s", name=found.name)
        )
        return None, {"stakeholder_name": message}
    return found, {}


def _formdata(values: dict[str, str], groups, alignment: list[int]) -> MultiDict:
    data = MultiDict()
    for column, field in OWN:
        if field and field != "alignment":
            data.add(field, values.get(column, ""))
    for item_id in alignment:
        data.add("alignment", str(item_id))
    for _prefix, list_name, fields, _limit in GROUPS:
        for index, (_n, cells) in enumerate(groups[list_name]):
            for field in fields:
                value = cells[field]
                if field == "kind":
                    value = KIND_LOOKUP.get(key(value), value.strip())
                elif field == "currency":
                    value = value.strip().upper()
                data.add(f"{list_name}-{index}-{field}", value)
    return data


def _column(field: str, groups) -> str:
    """The file's column of a form field or a service's refusal ("deliverables-1-due_on")."""
    list_name, _sep, rest = field.partition("-")
    index, _sep, name = rest.partition("-")
    for prefix, group_list, _fields, _limit in GROUPS:
        if list_name == group_list and index.isdecimal() and int(index) < len(groups[list_name]):
            return f"{prefix}_{groups[list_name][int(index)][0]}_{name}"
    return field


def _shown(values: dict[str, str], groups, organization: Stakeholder | None) -> dict[str, Any]:
    """The row as the preview shows it: the organization found (or what was typed), the
    commitment's cells, and each group in a line."""
    shown: dict[str, Any] = {name: values.get(name, "") for name in SHOWN}
    if organization is not None:
        shown["stakeholder"] = f"#{organization.id} {organization.name}"
    else:
        typed = (values.get("stakeholder_id", "").strip(), values.get("stakeholder_name", ""))
        shown["stakeholder"] = " ".join(part for part in typed if part.strip())
    for _prefix, list_name, fields, _limit in GROUPS:
        shown[list_name] = [
            f"{n}. " + " · ".join(f"{field}: {cells[field]}" for field in fields if cells[field])
            for n, cells in groups[list_name]
        ]
    return shown


def _check_row(values, organization, groups, alignment, known) -> tuple[dict, dict | None]:
    """The errors at their columns, or none and the values the service is given."""
    errors: dict[str, str] = {}
    codes = _alignment_codes(values.get("alignment", ""))
    unknown = [" ".join(pair).strip() for pair in codes if pair not in known]
    if unknown:
        errors["alignment"] = _(
            "Unknown or no longer in use: %(codes)s. Write SDG targets as 11.1 and paragraphs "
            "as their resolution and number, e.g. HSP/HA.2/RES.6 OP2",
            codes=", ".join(unknown),
        )
    form = CommitmentForm(formdata=_formdata(values, groups, alignment), meta={"csrf": False})
    form.validate()
    for field in fields_of(form):
        if field.errors and field.name != "csrf_token":
            errors.setdefault(_column(field.name, groups), str(field.errors[0]))
    if errors or organization is None:
        return errors, None
    data = form.data_for_model()
    checked = {name: value for name, value in data.items() if name != "alignment"}
    try:  # the alignment is checked above, for the whole file at once
        services.check_values(organization, checked)
    except FieldRefused as refusal:
        return {_column(refusal.field, groups): refusal.message}, None
    return {}, {**data, "stakeholder_id": organization.id}


def check(table: Table, actor: User) -> dict[str, Any]:
    """Every row with its values, its errors per column, its possible duplicates and what
    confirming will do: the batch's content, shown by the preview and written by ``write``.

    Statements: one for the organizations named, one for the alignment codes, one for the
    titles those organizations already have; then only what the service's rules read for a
    row linked to an initiative or an engagement."""
    positions, notices = header_columns(table.header)
    rows: list[dict[str, Any]] = [
        {"line": number, "values": {name: cells[i] for name, i in positions.items()}}
        for number, cells in enumerate(table.rows, start=2)  # line 1 is the header
    ]
    by_id, by_name = _organizations(rows)
    known = _alignment_ids([row["values"].get("alignment", "") for row in rows])
    for row in rows:
        values = row.pop("values")
        groups = _groups(values)
        organization, errors = _organization(values, by_id, by_name, actor)
        alignment = sorted(
            {known[pair] for pair in _alignment_codes(values.get("alignment", "")) if pair in known}
        )
        more, data = _check_row(values, organization, groups, alignment, known)
        row["values"] = _shown(values, groups, organization)
        row["errors"] = {**errors, **more}
        if data is not None:
            row["data"] = data
    _duplicates(rows)
    common.decide(rows)
    return {
        "columns": SHOWN,
        "encoding": table.encoding,
        "notices": [*table.notices, *notices],
        "rows": rows,
    }


def _close(title: str, other: str) -> bool:
    return (
        fuzz.token_sort_ratio(title, other, processor=default_process, score_cutoff=CLOSE_TITLE) > 0
    )


def _duplicates(rows: list[dict[str, Any]]) -> None:
    """A title close to an earlier row's for the same organization: skipped; close to one
    the organization already has in the registry: a possible duplicate."""
    valid = [row for row in rows if "data" in row]
    owners = {row["data"]["stakeholder_id"] for row in valid}
    existing: dict[int, list[tuple[int, str]]] = {}
    if owners:
        stmt = select(Commitment.stakeholder_id, Commitment.id, Commitment.title).where(
            Commitment.stakeholder_id.in_(owners), Commitment.status != Status.ARCHIVED
        )
        for owner, commitment_id, title in db.session.execute(stmt):
            existing.setdefault(owner, []).append((commitment_id, title))
    earlier: dict[int, list[tuple[int, str]]] = {}
    for row in valid:
        owner, title = row["data"]["stakeholder_id"], row["data"]["title"]
        same = next((line for line, t in earlier.get(owner, []) if _close(title, t)), None)
        if same:
            row["duplicate_of"] = same
            continue
        earlier.setdefault(owner, []).append((row["line"], title))
        row["matches"] = [
            {"id": commitment_id, "name": other}
            for commitment_id, other in existing.get(owner, [])
            if _close(title, other)
        ][:MATCHES]


# --- confirming ---------------------------------------------------------------------------------


def write(rows: list[dict[str, Any]], actor: User) -> list[Commitment]:
    """Create each row's commitment through the commitment service (each audited as created,
    with its deliverables and resources), in the caller's transaction: one refused row (an
    organization archived since the preview, an item taken out of use) refuses them all."""
    ids = {row["data"]["stakeholder_id"] for row in rows}
    organizations = {
        s.id: s for s in db.session.scalars(select(Stakeholder).where(Stakeholder.id.in_(ids)))
    }
    written = []
    for row in rows:
        data = {k: v for k, v in row["data"].items() if k != "stakeholder_id"}
        organization = organizations.get(row["data"]["stakeholder_id"])
        try:
            if organization is None:
                raise Refused(_("its organization is no longer in the registry"))
            written.append(services.create(organization, data, actor))
        except Refused as refused:
            raise Refused(
                _(
                    "line %(line)d: %(why)s. Upload the file again to see every row checked anew.",
                    line=row["line"],
                    why=refused.message.rstrip("."),
                ),
                409,
            ) from refused
    return written


def done(written: list[Commitment], skipped: int) -> str:
    return _(
        "Imported %(written)d commitments with %(deliverables)d deliverables as drafts; "
        "%(skipped)d rows were skipped.",
        written=len(written),
        deliverables=sum(len(c.deliverables) for c in written),
        skipped=skipped,
    )


KIND = common.Kind(
    name="commitments",
    permission="commitment.import",
    title=_l("Import commitments from a file"),
    columns=TEMPLATE,
    example=EXAMPLE,
    check=check,
    write=write,
    done=done,
    entry_endpoint="commitments.detail",
    entry_arg="commitment_id",
    about="imports/_about_commitments.html",
    back=("commitments.create", _l("Write a commitment")),
    shown_in=shown_in,
)
