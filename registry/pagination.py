"""The one pagination helper every list uses."""

from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from registry.extensions import db

MAX_PER_PAGE = 100


def paginate(stmt: Select) -> Pagination:
    """Page ``stmt`` by the ``page`` query argument; a bad page number gives the first page."""
    page = request.args.get("page", 1, type=int)
    return db.paginate(
        stmt,
        page=max(page, 1),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=MAX_PER_PAGE,
        error_out=False,
    )
