"""The public list of commitments: filtered, sorted and paged, each with its traffic light."""

from __future__ import annotations

from flask import current_app, request

from registry import countries, lists
from registry.commitments import bp, listing, progress
from registry.exports.links import links as download_links
from registry.htmx import render
from registry.http_cache import cacheable
from registry.pagination import numbered_pages, requested_page, sort_links
from registry.permissions import requires
from registry.taxonomy import labels


@bp.route("/")
@cacheable()
@requires("public")
def index():
    """Approved commitments, filtered, sorted and paged, with their lights and how many of each
    light there are."""
    filters = listing.Filters.from_args(request.args)
    on = progress.today()
    per_page = current_app.config["PER_PAGE"]
    page, status, notice = requested_page(
        lambda cursor, number: listing.list_page(
            filters, on, cursor=cursor, number=number, per_page=per_page
        )
    )
    found = listing.list_counts(filters, on)
    return render(
        "commitments/list.html",
        block="results",
        downloads=download_links("commitments", filters.args()),
        status=status,
        notice=notice,
        filters=filters,
        page=page,
        numbered=numbered_pages(page, found.total),
        counts=found,
        names=listing.filter_names(filters),
        sdg=listing.sdg_choices(),
        sort_links=sort_links("commitments.index", filters, listing.SORT_DEFAULT_DIR),
        country_name=countries.name,
        countries_menu=countries.by_name(),
        sectors=labels().sector,
        lights=list(progress.Light),
        cap=lists.CAP,
        **listing.labels_context(),
    )
