"""The read endpoints: a list and an entry for every public noun.

A list takes the list page's own query arguments (its ``Filters.from_args``: an unknown or
malformed value is no filter, as on the page), ``limit`` (rows per page) and ``cursor`` (the
list machinery's signed keyset cursor, handed out as ``links.next``). Its rows are the
download's columns (``registry.exports.columns``) computed beside each row in the page's one
statement, so a list costs the same number of statements for 5 rows as for 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import lists
from registry.api import bp, schemas
from registry.api.problems import document, problem
from registry.exports import writers
from registry.exports.columns import SEPARATOR, TABLES, Column, Table, context
from registry.extensions import db
from registry.frameworks import queries as framework_queries
from registry.htmx import render
from registry.permissions import can, requires

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
NOUNS = tuple(TABLES)  # stakeholders, initiatives, engagements, commitments


def _cell(column: Column, value: Any) -> Any:
    if column.many:
        return value.split(SEPARATOR) if value else []
    return writers.PLAIN[column.type](value)


def _record(table: Table, row: Any) -> dict[str, Any]:
    values = row._mapping
    return {c.name: _cell(c, values[c.name]) for c in table.columns}


def _labelled(table: Table, ctx) -> list[Any]:
    return [c.value(ctx).label(c.name) for c in table.columns]


def public_url(endpoint: str, **values: Any) -> str:
    """An address in the registry as the public knows it (PUBLIC_URL, never the Host)."""
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)


def _limit(args: Mapping[str, str]) -> int | None:
    raw = args.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    # ASCII digits only, and few: "²" is a digit to str.isdigit, and int() of 5,000 digits fails.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3) or not 1 <= int(raw) <= MAX_LIMIT:
        return None
    return int(raw)


def _answer(data: Any, links: dict[str, Any], meta: dict[str, Any]) -> Response:
    """The envelope of every answer: the rows or the entry, where to go next, and about it."""
    return document({"data": data, "links": links, "meta": meta})


def _bad(detail: str) -> Response:
    return problem(400, _("Bad request"), detail)


def _not_found() -> Response:
    return problem(404, _("Not found"), _("There is no public entry with this id."))


@requires("public")
def collection(noun: str):
    """One page of a public list, filtered and ordered as its page is."""
    table = TABLES[noun]
    limit = _limit(request.args)
    if limit is None:
        return _bad(_("limit must be a whole number from 1 to %(most)d.", most=MAX_LIMIT))
    ctx = context()
    filters = table.filters(request.args)
    found = table.request(filters, ctx.on)
    try:
        page = lists.page(
            found,
            cursor=request.args.get("cursor") or None,
            per_page=limit,
            columns=_labelled(table, ctx),
        )
    except lists.BadPage:
        return _bad(
            _("The cursor is not one this list handed out (or the sort changed): start again.")
        )
    args = filters.args()
    following = None
    if page.next:
        following = public_url(
            "api.collection", noun=noun, **args, limit=str(limit), cursor=page.next
        )
    return _answer(
        [_record(table, row) for row in page.items],
        {
            "self": public_url("api.collection", noun=noun)
            + (f"?{urlencode(request.args)}" if request.args else ""),
            "next": following,
        },
        {"limit": limit, "filters": args, "licence": writers.LICENCE},
    )


@requires("public")
def entry(noun: str, entry_id: int):
    """One public entry, with the same fields as a row of its list."""
    table = TABLES[noun]
    ctx = context()
    model = table.listing.model
    stmt = db.select(*_labelled(table, ctx)).where(*table.listing.public(), model.id == entry_id)
    row = db.session.execute(stmt).first()
    if row is None and _visible_unpublished(noun, entry_id):
        row = db.session.execute(_row_statement(table, ctx, entry_id)).first()
    if row is None:
        return _not_found()
    return _answer(_record(table, row), {}, {"licence": writers.LICENCE})


# Who may see an entry before it is public: the same rule as its page (its members, staff).
VIEW_UNPUBLISHED = {"stakeholders": "stakeholder.view", "commitments": "entry.view"}


def _visible_unpublished(noun: str, entry_id: int) -> bool:
    """A draft or an entry in review, to a token of someone who may see it (anonymous
    readers see only what is public)."""
    action = VIEW_UNPUBLISHED.get(noun)
    if action is None or not current_user.is_authenticated:
        return False
    found = db.session.get(TABLES[noun].listing.model, entry_id)
    if found is None or getattr(found, "merged_into_id", None) is not None:
        return False
    return can(current_user, action, found)


def _row_statement(table: Table, ctx, entry_id: int):
    model = table.listing.model
    return db.select(*_labelled(table, ctx), model.status.label("status")).where(
        model.id == entry_id
    )


def created_record(noun: str, entry_id: int) -> dict[str, Any]:
    """An entry just written through the API, in its list's shape, with its review status
    (a draft, or submitted: not yet in the public lists)."""
    table = TABLES[noun]
    row = db.session.execute(_row_statement(table, context(), entry_id)).one()
    return {**_record(table, row), "status": str(row.status)}


for _noun in NOUNS:
    bp.add_url_rule(
        f"/{_noun}", endpoint="collection", view_func=collection, defaults={"noun": _noun}
    )
    bp.add_url_rule(
        f"/{_noun}/<int:entry_id>", endpoint="entry", view_func=entry, defaults={"noun": _noun}
    )


# --- frameworks: a handful of documents, each with its items ----------------------------------


def _framework(framework: Any) -> dict[str, Any]:
    return {
        "code": framework.code,
        "kind": framework.kind,
        "title": framework.title,
        "year": framework.year,
        "description": framework.description,
        "url": public_url("frameworks.framework", code=framework.code),
    }


@bp.route("/frameworks")
@requires("public")
def frameworks():
    """Every framework (the SDGs, the resolutions): one statement, no paging."""
    found = framework_queries.frameworks()
    return _answer([_framework(f) for f in found], {"next": None}, {})


@bp.route("/frameworks/<path:code>")
@requires("public")
def framework(code: str):
    """A framework and every item in it (goals, targets, indicators, paragraphs), flat, in
    the framework's order, titled in English; ``parent_id`` makes the tree."""
    found = framework_queries.get_framework(code)
    if found is None:
        return problem(404, _("Not found"), _("There is no framework with this code."))
    items = framework_queries.all_items(found, framework_queries.SOURCE_LANGUAGE)
    return _answer(
        {
            **_framework(found),
            "items": [
                {
                    "id": i.id,
                    "code": i.code,
                    "kind": i.kind,
                    "parent_id": i.parent_id,
                    "title": i.title,
                    "short_title": i.short_title,
                    "archived": i.archived,
                }
                for i in items
            ],
        },
        {},
        {},
    )


# --- the description of all this --------------------------------------------------------------


@bp.route("/openapi.json")
@requires("public")
def openapi():
    """The OpenAPI 3.1 document, built from the models and the routes in ``schemas``."""
    return document(schemas.document(url_for("api.openapi").rsplit("/", 1)[0]))


@bp.route("/docs")
@requires("public")
def docs():
    """The document, browsable (Swagger UI from static/vendor, set up by ``make``)."""
    return render("api/docs.html", spec_url=url_for("api.openapi"))
