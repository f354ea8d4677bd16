"""The public registry of stakeholders: the filterable list and each stakeholder's page."""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from registry import countries, lists, revisions, workflow
from registry.exports.links import links as download_links
from registry.htmx import render, wants_fragment
from registry.http_cache import cacheable
from registry.initiatives import queries as initiative_queries
from registry.models import PARTNERSHIP_ROLE_LABELS, SCALE_LABELS, Stakeholder, Status
from registry.pagination import numbered_pages, requested_page, sort_links
from registry.permissions import can, requires
from registry.review import queue
from registry.stakeholders import bp, queries, services
from registry.stakeholders import work as work_list
from registry.taxonomy import labels
from registry.text import split_url
from registry.workflow import STATUS_LABELS

MAX_MERGE_HOPS = 10  # a merge chain longer than this is a data error, not a page


def _web_link(url: str | None) -> str | None:
    """The website as a link target only when it is http(s): never ``javascript:``."""
    url = (url or "").strip()
    parts = split_url(url)
    return url if parts is not None and parts.scheme.lower() in {"http", "https"} else None


# Why a page link could not be followed; the first page is shown instead, with a 400.


@bp.route("/")
@cacheable()
@requires("public")
def index():
    """Approved stakeholders, filtered, sorted and paged, with a count for each filter value."""
    filters = queries.Filters.from_args(request.args)
    per_page = current_app.config["PER_PAGE"]
    page, status, notice = requested_page(
        lambda cursor, number: queries.list_page(
            filters, cursor=cursor, number=number, per_page=per_page
        )
    )
    facets = queries.facets(filters)
    return render(
        "stakeholders/list.html",
        block="results",
        downloads=download_links("stakeholders", filters.args()),
        status=status,
        notice=notice,
        filters=filters,
        page=page,
        numbered=numbered_pages(page, facets.total),
        facets=facets,
        # The form stays on the page while htmx swaps the results: its count is sent out of band.
        filter_count_oob=wants_fragment(),
        # Called by the template only when the whole page (with the form) is rendered.
        country_options=queries.country_options,
        sort_links=sort_links("stakeholders.index", filters, queries.SORT_DEFAULT_DIR),
        country_name=countries.name,
        scale_labels=SCALE_LABELS,
        cap=lists.CAP,
        sample=lists.FACET_SAMPLE,
    )


@bp.route("/in-progress")
@requires("stakeholder.work_list")
def work():
    """For officers and administrators: entries not (or no longer) public, to find work:
    drafts, entries waiting for review, changes requested, rejected and withdrawn."""
    filters = work_list.WorkFilters.from_args(request.args)
    per_page = current_app.config["PER_PAGE"]
    page, status, notice = requested_page(
        lambda cursor, number: work_list.page(
            filters, cursor=cursor, number=number, per_page=per_page
        )
    )
    total, found = work_list.counts(filters)
    return render(
        "stakeholders/work.html",
        status=status,
        notice=notice,
        filters=filters,
        page=page,
        total=total,
        numbered=numbered_pages(page, total),
        status_counts=[(s, found["status"].get(s.value)) for s in work_list.IN_PROGRESS],
        sectors=[
            (code, label, found["sector"].get(code)) for code, label in labels().sector.items()
        ],
        countries=sorted(
            ((code, n) for code, n in found["country"].counts.items() if code and n),
            key=lambda item: countries.name(item[0]),
        ),
        counts_exact=total.exact and all(f.exact for f in found.values()),
        status_labels=STATUS_LABELS,
        country_name=countries.name,
    )


def _visible_or_404(stakeholder: Stakeholder | None) -> Stakeholder:
    """The stakeholder, or 404 when it does not exist or the user may not see it: a
    community user who guesses the id of another group's draft learns nothing."""
    if stakeholder is None or not can(current_user, "stakeholder.view", stakeholder):
        abort(404)
    return stakeholder


def _merge_target(stakeholder: Stakeholder) -> Stakeholder | None:
    """Where a merged entry now lives, following merges of merges."""
    target = stakeholder
    for _hop in range(MAX_MERGE_HOPS):
        if target.merged_into is None:
            return target
        target = target.merged_into
    return None


@bp.route("/<int:stakeholder_id>")
@cacheable()
@requires("stakeholder.view")
def detail(stakeholder_id: int):
    """One stakeholder: the public record, and for its members and staff its contacts and
    review history."""
    stakeholder = queries.get_stakeholder(stakeholder_id)
    if stakeholder is not None and stakeholder.merged_into_id is not None:
        # An administrator merged a duplicate: its old address leads to the survivor, but
        # only when that one may be seen (a redirect must not reveal a hidden entry).
        target = _merge_target(stakeholder)
        if target is None or not can(current_user, "stakeholder.view", target):
            abort(404)
        # 302, not 301: a merge can be undone, and browsers keep a 301 for good.
        return redirect(url_for("stakeholders.detail", stakeholder_id=target.id), 302)
    stakeholder = _visible_or_404(stakeholder)
    show_contacts = can(current_user, "contact.view", stakeholder)
    show_history = can(current_user, "stakeholder.history", stakeholder)
    response = render(
        "stakeholders/detail.html",
        stakeholder=stakeholder,
        website_href=_web_link(stakeholder.website),
        contacts=stakeholder.contacts if show_contacts else None,
        reviews=workflow.history(stakeholder) if show_history else None,
        pending_revision=show_history and revisions.pending_revision(stakeholder) is not None,
        decision=queue.decision_on(stakeholder, current_user),
        discardable=stakeholder.status == Status.DRAFT
        and can(current_user, "stakeholder.discard", stakeholder)
        and services.discardable(stakeholder),
        country_name=countries.name,
        scale_labels=SCALE_LABELS,
        status_labels=STATUS_LABELS,
        partnerships=initiative_queries.of_stakeholder(stakeholder.id),
        role_labels=PARTNERSHIP_ROLE_LABELS,
        **_engagements_block(stakeholder),
        **_commitments_block(stakeholder),
    )
    response.last_modified = stakeholder.updated_at
    return response


def _commitments_block(stakeholder: Stakeholder) -> dict:
    """Its first approved commitments with their lights: one statement."""
    from registry.commitments import listing, progress

    return {
        "commitments": listing.of_stakeholder(stakeholder.id, progress.today()),
        **listing.labels_context(),
    }


def _engagements_block(stakeholder: Stakeholder) -> dict:
    """The engagements the stakeholder took part in (with its roles), and its schema.org
    ``Organization`` for search engines: public entries only."""
    from registry.engagements import linked_data, times
    from registry.engagements import queries as engagements
    from registry.models.engagements import ROLE_LABELS

    if stakeholder.status != Status.APPROVED:
        return {"engagements": [], "organization_ld": None}
    url = current_app.config["PUBLIC_URL"] + url_for(
        "stakeholders.detail", stakeholder_id=stakeholder.id
    )
    return {
        "engagements": engagements.for_stakeholder(stakeholder.id),
        "organization_ld": linked_data.organization(
            stakeholder, url, _web_link(stakeholder.website)
        ),
        "engagement_roles": ROLE_LABELS,
        "engagement_when": times.when,
    }
