"""The API's shapes as pydantic models, and the OpenAPI 3.1 document built from them.

The row models are made from the downloads' column declarations (``registry.exports.columns``):
a column's Table Schema type gives the field's type, its data-dictionary words the field's
description. The same declaration so makes the CSV, the JSON download, the /data page, the API's
rows and the schema that describes them: none can drift from another. The document is built
from ``model_json_schema`` output and the small route table below, not written by hand.

Models are made per call (inside a request, so the descriptions are translated) and cheaply:
the document is asked for rarely, and a browser caches it.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import models_json_schema

from registry import countries
from registry.commitments.forms import MAX_DELIVERABLES, MAX_RESOURCES
from registry.exports.columns import TABLES, Column, Table
from registry.models import ResourceKind, Scale
from registry.taxonomy import CONSTITUENCY_CODES, SECTOR_CODES

MAX_ID = 2**31 - 1
TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": date,
    "datetime": datetime,
}
SINGULAR = {
    "stakeholders": "Stakeholder",
    "initiatives": "Initiative",
    "engagements": "Engagement",
    "commitments": "Commitment",
}


class Problem(BaseModel):
    """An error (RFC 9457): what went wrong, in words a person can act on."""

    model_config = ConfigDict(title="Problem")

    type: str = Field(description="A URI naming the kind of problem; about:blank here.")
    title: str = Field(description="The kind of problem, in a few words.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request and what to do.")


class Links(BaseModel):
    self: str = Field(description="This page of the list.")
    next: str | None = Field(description="The next page, or null on the last one.")


class Licence(BaseModel):
    name: str
    path: str
    title: str


class ListMeta(BaseModel):
    limit: int = Field(description="Rows per page.")
    filters: dict[str, str] = Field(
        description="The filters in force, as understood (an unusable value is dropped)."
    )
    licence: Licence


class EntryMeta(BaseModel):
    licence: Licence


class FrameworkRow(BaseModel):
    code: str = Field(description="The framework's code, e.g. sdg or HSP/HA.2/RES.6.")
    kind: str = Field(description="agenda or resolution.")
    title: str
    year: int | None
    description: str
    url: str = Field(description="Its page in the registry.")


class FrameworkItemRow(BaseModel):
    id: int
    code: str = Field(description="The item's code within its framework: 11, 11.3, OP2(a).")
    kind: str = Field(description="goal, target, indicator or paragraph.")
    parent_id: int | None = Field(description="The item it sits under, if any.")
    title: str = Field(description="Its text, in English.")
    short_title: str | None
    archived: bool = Field(description="No longer current (kept for what was aligned to it).")


class FrameworkDetail(FrameworkRow):
    items: list[FrameworkItemRow]


class FrameworkList(BaseModel):
    data: list[FrameworkRow]
    links: dict[str, str | None]
    meta: dict[str, Any]


class FrameworkEntry(BaseModel):
    data: FrameworkDetail
    links: dict[str, str | None]
    meta: dict[str, Any]


# --- what the write endpoints read (``registry.api.write``) --------------------------------------
# Types and sizes only: every value then goes through the page's own form, whose rules and
# messages are the ones a person filling it in meets.

WRITE = ConfigDict(extra="forbid", strict=True)
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class FieldError(BaseModel):
    pointer: str = Field(description="A JSON pointer to the field in the body (#/title).")
    detail: str = Field(description="What is wrong with it, and how to put it right.")


class ValidationProblem(Problem):
    """The body was refused: one entry per field, saying what to change."""

    model_config = ConfigDict(title="ValidationProblem")

    errors: list[FieldError] = Field(default_factory=list)


def _one_of(codes: frozenset[str]) -> Any:
    return Literal[tuple(sorted(codes))]


Sector = _one_of(SECTOR_CODES)
ConstituencyCode = _one_of(CONSTITUENCY_CODES)
Country = _one_of(countries.codes())


def _line(most: int) -> Any:
    return Annotated[str, Field(max_length=most)]


class StakeholderIn(BaseModel):
    """An organization to register, with the registration form's fields."""

    model_config = WRITE

    name: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="Its full name, as the organization writes it."
    )
    acronym: _line(30) | None = None
    org_identifier: _line(80) | None = Field(
        default=None, description="Its identifier on org-id.guide, like XM-DAC-41120."
    )
    sector: Sector = Field(description="What kind of body the organization is.")
    constituencies: list[ConstituencyCode] = Field(default_factory=list, max_length=50)
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    city: _line(120) | None = None
    scale: Scale
    website: _line(300) | None = Field(default=None, description="e.g. https://example.org")
    description: _line(5000) | None = None
    not_listed: bool = Field(
        default=False,
        description="True when organizations with a similar name are not this one.",
    )
    submit: bool = Field(
        default=False,
        description="Submit it for review at once (otherwise it stays a draft).",
    )


class DeliverableIn(BaseModel):
    model_config = WRITE

    title: _line(300)
    indicator: _line(300) | None = None
    baseline: float | None = None
    target: float | None = None
    unit: _line(60) | None = None
    due_on: date | None = None


class ResourceIn(BaseModel):
    model_config = WRITE

    kind: ResourceKind
    amount: float | None = None
    currency: _line(3) | None = Field(default=None, description="ISO 4217 code, for money.")
    description: _line(300) | None = None


class CommitmentIn(BaseModel):
    """A commitment of an organization the token's owner acts for, with its deliverables."""

    model_config = WRITE

    stakeholder_id: Id = Field(description="The organization making the commitment.")
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: _line(10_000) = ""
    initiative_id: Id | None = None
    engagement_id: Id | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    deliverables: list[DeliverableIn] = Field(default_factory=list, max_length=MAX_DELIVERABLES)
    resources: list[ResourceIn] = Field(default_factory=list, max_length=MAX_RESOURCES)
    alignment: list[Id] = Field(
        default_factory=list,
        max_length=100,
        description="Ids of framework items (SDG targets, resolution paragraphs).",
    )
    submit: bool = Field(
        default=False,
        description="Submit it for review at once (it must be SMART); otherwise a draft.",
    )


class DeliverableUpdateIn(BaseModel):
    model_config = WRITE

    deliverable_id: Id
    achieved: float | None = None
    done_on: date | None = None


class ReportIn(BaseModel):
    """A progress report on a published commitment, as its report form takes it."""

    model_config = WRITE

    reported_on: date | None = Field(default=None, description="Today if not given.")
    covers_from: date | None = None
    covers_to: date | None = None
    narrative: _line(10_000) = ""
    evidence_url: _line(500) | None = None
    updates: list[DeliverableUpdateIn] = Field(default_factory=list, max_length=MAX_DELIVERABLES)


class DeliverableUpdateOut(BaseModel):
    deliverable_id: int
    achieved: float | None
    done_on: date | None


class ReportOut(BaseModel):
    id: int
    commitment_id: int
    reported_on: date
    covers_from: date | None
    covers_to: date | None
    narrative: str
    evidence_url: str | None
    verification: str = Field(description="self_reported, evidence or verified.")
    updates: list[DeliverableUpdateOut]


class ReportCreated(BaseModel):
    data: ReportOut
    links: dict[str, str | None]
    meta: dict[str, Any]


def _field(column: Column) -> tuple[Any, Any]:
    kind = list[str] if column.many else TYPES[column.type] | None
    return kind, Field(description=str(column.description))


def row_model(table: Table) -> type[BaseModel]:
    """A row of ``table``'s list: one field per download column, in the same order."""
    name = SINGULAR[table.name]
    fields = {c.name: _field(c) for c in table.columns}
    return create_model(name, __doc__=str(table.description), **fields)


def created_envelope(table: Table) -> type[BaseModel]:
    """The answer to a write: the new entry as its list shows it, with its review status."""
    name = SINGULAR[table.name]
    row = create_model(
        f"{name}Created",
        __base__=row_model(table),
        status=(
            str,
            Field(description="draft, or submitted (waiting in the review queue)."),
        ),
    )
    return create_model(
        f"{name}CreatedEntry",
        data=(row, ...),
        links=(dict[str, str | None], ...),
        meta=(dict[str, Any], ...),
    )


def envelopes(table: Table) -> tuple[type[BaseModel], type[BaseModel]]:
    row = row_model(table)
    name = SINGULAR[table.name]
    page = create_model(
        f"{name}List", data=(list[row], ...), links=(Links, ...), meta=(ListMeta, ...)
    )
    entry = create_model(
        f"{name}Entry", data=(row, ...), links=(dict[str, str | None], ...), meta=(EntryMeta, ...)
    )
    return page, entry


# --- the document -----------------------------------------------------------------------------


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref(Problem)}},
    }


def _filter_parameters(table: Table) -> list[dict[str, Any]]:
    """The list page's own query arguments: the fields of its ``Filters``."""
    filters = table.filters({})
    sorts = sorted(table.listing.sorts)
    found = []
    for item in dataclasses.fields(filters):
        schema: dict[str, Any] = {"type": "string"}
        if item.name == "sort":
            schema["enum"] = sorts
        elif item.name == "dir":
            schema["enum"] = ["asc", "desc"]
        found.append(
            {
                "name": item.name,
                "in": "query",
                "required": False,
                "schema": schema,
                "description": _("As on the list page; a value it cannot use is ignored."),
            }
        )
    return found


def _paging() -> list[dict[str, Any]]:
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
            "description": _("Rows per page."),
        },
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": _("Where to continue: copy it from links.next, with the same filters."),
        },
    ]


def _request_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(model)}}}


def _write_refusals() -> dict[str, Any]:
    return {
        "401": _problem(_("No token, or one that is unknown, revoked or expired")),
        "403": _problem(_("A read token, or not allowed for this organization")),
        "409": _problem(_("The entry cannot be changed so now")),
        "413": _problem(_("The body is larger than the API accepts")),
        "415": _problem(_("The body is not JSON")),
        "422": {
            "description": _("The body is not valid: one error per field"),
            "content": {"application/problem+json": {"schema": _ref(ValidationProblem)}},
        },
        "429": _problem(_("Too many requests with this token: wait (Retry-After)")),
    }


def _write_paths(prefix: str) -> tuple[dict[str, Any], list[type[BaseModel]]]:
    """The write operations (each needs a token with the write scope), and the models of
    their answers."""
    secured = [{"token": []}]
    written = {name: created_envelope(TABLES[name]) for name in ("stakeholders", "commitments")}
    stakeholder_body, commitment_body = StakeholderIn, CommitmentIn
    paths = {
        f"{prefix}/stakeholders": {
            "post": {
                "operationId": "createStakeholder",
                "summary": _("Register an organization (a draft, or submitted for review)"),
                "tags": ["stakeholders"],
                "security": secured,
                "requestBody": _request_body(stakeholder_body),
                "responses": {
                    "201": {
                        **_json(written["stakeholders"], _("Registered")),
                        "links": {
                            "getStakeholder": {
                                "operationId": "getStakeholder",
                                "parameters": {"entry_id": "$response.body#/data/id"},
                            }
                        },
                    },
                    **_write_refusals(),
                },
            }
        },
        f"{prefix}/commitments": {
            "post": {
                "operationId": "createCommitment",
                "summary": _("Write a commitment (a draft, or submitted for review)"),
                "tags": ["commitments"],
                "security": secured,
                "requestBody": _request_body(commitment_body),
                "responses": {
                    "201": {
                        **_json(written["commitments"], _("Written")),
                        "links": {
                            "getCommitment": {
                                "operationId": "getCommitment",
                                "parameters": {"entry_id": "$response.body#/data/id"},
                            },
                            "createReport": {
                                "operationId": "createReport",
                                "parameters": {"commitment_id": "$response.body#/data/id"},
                            },
                        },
                    },
                    **_write_refusals(),
                },
            }
        },
        f"{prefix}/commitments/{{commitment_id}}/reports": {
            "post": {
                "operationId": "createReport",
                "summary": _("Report progress on a published commitment"),
                "tags": ["commitments"],
                "security": secured,
                "parameters": [
                    {
                        "name": "commitment_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    }
                ],
                "requestBody": _request_body(ReportIn),
                "responses": {
                    "201": _json(ReportCreated, _("Published")),
                    "404": _problem(_("No commitment with this id that you may see")),
                    **_write_refusals(),
                },
            }
        },
    }
    return paths, [ValidationProblem, ReportCreated, *written.values()]


def document(prefix: str = "/api/v1") -> dict[str, Any]:
    """The OpenAPI 3.1 document of the read endpoints."""
    models: list[type[BaseModel]] = [Problem, FrameworkList, FrameworkEntry]
    paths: dict[str, Any] = {}
    for name, table in TABLES.items():
        page, entry = envelopes(table)
        models += [page, entry]
        singular = SINGULAR[name]
        paths[f"{prefix}/{name}"] = {
            "get": {
                "operationId": f"list{singular}s",
                "summary": _("One page of the public %(list)s", list=name),
                "tags": [name],
                "parameters": [*_filter_parameters(table), *_paging()],
                "responses": {
                    "200": {
                        **_json(page, _("A page of rows")),
                        "links": {
                            f"get{singular}": {
                                "operationId": f"get{singular}",
                                "parameters": {"entry_id": "$response.body#/data/0/id"},
                            }
                        },
                    },
                    "400": _problem(_("A cursor or limit this list cannot use")),
                },
            }
        }
        paths[f"{prefix}/{name}/{{entry_id}}"] = {
            "get": {
                "operationId": f"get{singular}",
                "summary": _("One public entry"),
                "tags": [name],
                "parameters": [
                    {
                        "name": "entry_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    }
                ],
                "responses": {
                    "200": _json(entry, _("The entry")),
                    "404": _problem(_("No public entry with this id")),
                },
            }
        }
    paths[f"{prefix}/frameworks"] = {
        "get": {
            "operationId": "listFrameworks",
            "summary": _("Every framework"),
            "tags": ["frameworks"],
            "responses": {"200": _json(FrameworkList, _("The frameworks"))},
        }
    }
    paths[f"{prefix}/frameworks/{{code}}"] = {
        "get": {
            "operationId": "getFramework",
            "summary": _("A framework with its items"),
            "tags": ["frameworks"],
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": _json(FrameworkEntry, _("The framework and its items")),
                "404": _problem(_("No framework with this code")),
            },
        }
    }
    for operations in paths.values():
        for operation in operations.values():
            # Reading is open to all; a token, when sent, is checked (and counted).
            operation["security"] = [{}, {"token": []}]
            operation["responses"]["401"] = _problem(_("A token was sent that is no good"))
            operation["responses"]["429"] = _problem(
                _("Too many requests with this token: wait (Retry-After)")
            )
    writes, written = _write_paths(prefix)
    models += written
    for path, operations in writes.items():
        paths.setdefault(path, {}).update(operations)
    _keys, schemas = models_json_schema(
        [(m, "serialization") for m in models]
        + [(m, "validation") for m in (StakeholderIn, CommitmentIn, ReportIn)],
        ref_template="#/components/schemas/{model}",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Whole-of-Society Registry API",
            "version": "1",
            "description": _(
                "The registry's public entries as JSON: the lists with the same filters and "
                "order as the pages, and each entry by id. Errors are application/problem+json."
            ),
            "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        },
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": _(
                        "A personal API token, made on your account page: needed to write, "
                        "optional to read (public data; a token also shows your own drafts)."
                    ),
                }
            },
        },
    }
