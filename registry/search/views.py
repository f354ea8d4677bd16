"""The search page: ``/search?q=``, a whole page or (htmx, as the visitor types) its results."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import countries
from registry.htmx import render, wants_fragment
from registry.pagination import page_number
from registry.permissions import requires
from registry.search import bp, engine
from registry.taxonomy import labels

FACET_NAMES = {
    "type": _l("Type"),
    "sector": _l("Sector"),
    "country": _l("Country"),
    "goal": _l("SDG goal"),
}
PAST_THE_END = _l(
    "That page is past the results offered, so they start again here. A narrower search "
    "(another word, or a filter) brings the rest forward."
)


def _unknown_notice(name: str, value: str) -> str:
    return _(
        "“%(value)s” is not a %(filter)s the search knows, so that filter was left out.",
        value=value[:40],
        filter=str(FACET_NAMES[name]).lower(),
    )


def _labeller():
    """Facet value -> words, for the page (no query: names come from the taxonomy and ISO)."""
    sectors = labels().sector

    def label(facet: str, value: str) -> str:
        if facet == "type":
            return str(engine.BY_KEY[value].label)
        if facet == "sector":
            return str(sectors.get(value, value))
        if facet == "country":
            return countries.name(value)
        return _("Goal %(code)s", code=value)

    return label


def hit_url(hit: engine.Hit) -> str:
    if hit.kind == "stakeholder":
        return url_for("stakeholders.detail", stakeholder_id=hit.id)
    if hit.kind == "initiative":
        return url_for("initiatives.detail", initiative_id=hit.id)
    if hit.kind == "commitment":
        return url_for("commitments.detail", commitment_id=hit.id)
    if hit.kind == "engagement":
        return url_for("engagements.detail", engagement_id=hit.id)
    return url_for("frameworks.item", code=hit.framework, item=hit.code)


@bp.route("/search")
@requires("public")
def index():
    """Everything public that matches the words typed, ranked, with counts per facet."""
    filters, unknown, cut = engine.Filters.from_args(request.args)
    notices = [_unknown_notice(name, value) for name, value in unknown]
    if cut:
        notices.append(
            _(
                "Only the first %(num)d characters of your search were used.",
                num=engine.MAX_QUERY,
            )
        )
    status = 200
    number = page_number(request.args.get("page")) or 1
    try:
        result = engine.search(filters, number)
    except engine.BadPage:
        result = engine.search(filters, 1)
        status = 400
        notices.append(str(PAST_THE_END))
    return render(
        "search/search.html",
        block="results",
        status=status,
        filters=filters,
        result=result,
        notices=notices,
        facet_names=FACET_NAMES,
        facet_label=_labeller(),
        hit_url=hit_url,
        country_name=countries.name,
        kind_label=lambda key: engine.BY_KEY[key].label,
        match_cap=engine.MATCH_CAP,
        per_page=engine.PER_PAGE,
        # As the visitor types only the results are swapped: the count is also sent to the
        # page's live region (out of band), which screen readers announce.
        live_oob=wants_fragment(),
    )
