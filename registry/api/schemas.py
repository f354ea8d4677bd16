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
from typing import Any

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import models_json_schema

from registry.exports.columns import TABLES, Column, Table

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


def _field(column: Column) -> tuple[Any, Any]:
    kind = list[str] if column.many else TYPES[column.type] | None
    return kind, Field(description=str(column.description))


def row_model(table: Table) -> type[BaseModel]:
    """A row of ``table``'s list: one field per download column, in the same order."""
    name = SINGULAR[table.name]
    fields = {c.name: _field(c) for c in table.columns}
    return create_model(name, __doc__=str(table.description), **fields)


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
    _keys, schemas = models_json_schema(
        [(m, "serialization") for m in models], ref_template="#/components/schemas/{model}"
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
        "components": {"schemas": schemas.get("$defs", {})},
    }
