"""Pagination: OFFSET pages for the staff lists, and numbered links for a public list
(``registry.lists``) while it is small enough to number."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from registry import lists
from registry.extensions import db
from registry.text import clean

MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # a deeper page is a crafted URL, not a reader (and would overflow OFFSET)


def paginate(stmt: Select) -> Pagination:
    """Page ``stmt`` by the ``page`` query argument; a bad page number gives the first page."""
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    return db.paginate(
        stmt,
        page=page,
        per_page=current_app.config["PER_PAGE"],
        max_per_page=MAX_PER_PAGE,
        error_out=False,
    )


MAX_CURSOR = 1_000  # a longer cursor is not one of ours
# Why a list's page link could not be followed (``lists.BadPage``), said above its first page.
BAD_PAGE = {
    "cursor": _l("That page link is damaged or out of date, so the list starts again here."),
    "sort": _l("That page link was made for another sort order, so the list starts again here."),
    "number": _l(
        "Pages after %(max)d are reached with “Next”, or by narrowing the list with a filter. "
        "The list starts again here.",
        max=lists.MAX_JUMP,
    ),
}


def requested_page(
    load: Callable[[str | None, int | None], lists.Page],
) -> tuple[lists.Page, int, str | None]:
    """The page of a list (``registry.lists``) that the request's ``cursor`` or ``page``
    asks for, loaded by ``load(cursor, number)``: with status 200, or, for a link that cannot
    be followed, the first page with 400 and the reason."""
    cursor = clean(request.args.get("cursor"), MAX_CURSOR) or None
    try:
        return load(cursor, page_number(request.args.get("page"))), 200, None
    except lists.BadPage as exc:
        return load(None, None), 400, str(BAD_PAGE[str(exc)])


def page_number(value: str | None) -> int | None:
    """A list's ``page`` argument: None when absent or unusable (the first page), else the
    number (which may be out of reach: the list machinery says so)."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number >= 1 else None


def numbered_pages(page, total) -> int | None:
    """How many numbered pages a public list page can link to: its pages while the count is
    exact and they all fit within ``MAX_JUMP``, else None (the page offers Previous and Next).
    A page reached by cursor links on by cursor."""
    if page.number is None or not total.exact:
        return None
    pages = max(1, -(-total.n // page.per_page))
    return pages if pages <= lists.MAX_JUMP else None


def sort_links(endpoint: str, filters, first_directions: dict[str, str]) -> dict[str, dict]:
    """Per sortable column of a public list: the link that sorts by it (or flips the order
    when it is the current sort) and the column's ``aria-sort``. ``filters`` is the list's
    Filters (``sort``, ``dir`` and ``args(**changes)``)."""
    links = {}
    for column, first_direction in first_directions.items():
        if filters.sort == column:
            direction = "desc" if filters.dir == "asc" else "asc"
            aria_sort = "ascending" if filters.dir == "asc" else "descending"
        else:
            direction, aria_sort = first_direction, None
        links[column] = {
            "url": url_for(endpoint, **filters.args(sort=column, dir=direction)),
            "aria_sort": aria_sort,
        }
    return links
