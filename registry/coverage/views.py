"""The coverage pages: who takes part and who is missing, for the whole registry, one country
or one SDG goal, then the initiatives-by-sectors matrix as a heat map and a table, and the
charts (commitments per SDG goal, traffic lights over the last 12 months).

``/coverage/?country=KE&goal=11`` filters; ``/coverage/countries/KE`` and ``/coverage/goals/11``
are the same page for one country or one goal, with addresses worth sharing. An unknown
country or goal is a 404 that names it. Every number comes from a grouped statement: the page
runs the same number of statements at ten initiatives or at 100,000.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

from flask import Blueprint, abort, current_app, g, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from registry import countries, counts
from registry.commitments import listing, progress
from registry.coverage import charts, compute, history, matrix, memo
from registry.frameworks import queries as frameworks
from registry.htmx import render
from registry.http_cache import cacheable
from registry.permissions import requires
from registry.text import clean

bp = Blueprint("coverage", __name__, url_prefix="/coverage")

MAX_ARG = 60


def _not_found(message: str):
    abort(
        render(
            "errors/error.html",
            status=404,
            code=404,
            title=_("Page not found"),
            message=message,
        )
    )


def _country(value: str | None) -> str | None:
    """A known ISO code (any letter case), None for none; a 404 for an unknown one."""
    code = clean(value, MAX_ARG).upper()
    if not code:
        return None
    if code not in countries.codes():
        _not_found(_("There is no country with the code “%(code)s”.", code=code[:10]))
    return code


def _goal(value: str | None) -> str | None:
    """A goal the registry has ("11"), None for none; a 404 for an unknown one."""
    code = clean(value, MAX_ARG)
    if not code:
        return None
    if not (code.isdecimal() and len(code) <= 2 and compute.goal_exists(code.lstrip("0") or "0")):
        _not_found(_("There is no Sustainable Development Goal “%(code)s”.", code=code[:10]))
    return code.lstrip("0")


def _language() -> str:
    locale = get_locale()
    return frameworks.stored_language(locale.language if locale else frameworks.SOURCE_LANGUAGE)


@bp.app_template_global("coverage_sdg_chart")
def sdg_chart(
    goals: list[frameworks.Entry], counts: dict[int, frameworks.Tally]
) -> charts.BarChart:
    """The bars of commitments per goal from a goal list and what advances each (the SDG
    framework page's own ``items`` and ``counts``, so its include adds no statement)."""
    return charts.sdg_bars(
        [
            (g.code, g.short_title or g.title, _commitments(counts.get(g.id)))
            for g in goals
            if g.kind == "goal"
        ]
    )


def _commitments(tally: frameworks.Tally | None) -> int:
    return tally.commitment if tally else 0


def sdg_figures(language: str) -> dict[str, Any]:
    """The goals and their commitment counts: three statements."""
    sdg = frameworks.get_framework(frameworks.SDG)
    return {
        "sdg_goals": frameworks.sdg_goals(language) if sdg else [],
        "sdg_counts": frameworks.aligned_counts(sdg.id) if sdg else {},
    }


def scope_figures(country: str | None, goal: str | None) -> compute.Coverage:
    return compute.of_goal(goal, country) if goal else compute.of_registry(country)


def _sdg_context(version: int) -> dict[str, Any]:
    """The goals and their commitment counts, once per content version."""
    language = _language()
    return memo.remembered(("sdg", language), version, lambda: sdg_figures(language))


def _lights_chart() -> dict[str, Any]:
    today = progress.today()
    months = memo.remembered("lights", today, lambda: history.lights_over_time(today))
    labelled = [(format_date(m.on, "MMM yyyy"), m.counts) for m in months]
    return {
        "light_months": months,
        "light_chart": charts.stacked_lights(labelled),
        "light_order": history.LIGHTS,
    }


def refresh_whole_registry() -> list[tuple[str, float]]:
    """``flask coverage refresh``: the whole-registry results computed now and kept for every
    worker; each one's name and the seconds it took."""
    version = counts.content_version()
    today = progress.today()
    jobs: list[tuple[str, Hashable, Hashable, Callable[[], object]]] = [
        ("coverage", ("scope", None, None), version, lambda: scope_figures(None, None)),
    ]
    languages = {frameworks.stored_language(code) for code in current_app.config["LANGUAGES"]}
    for language in sorted(languages):
        jobs.append(
            (f"sdg ({language})", ("sdg", language), version, partial(sdg_figures, language))
        )
    jobs.append(("lights", "lights", today, lambda: history.lights_over_time(today)))
    took = []
    for name, key, at, read in jobs:
        started = time.perf_counter()
        memo.refresh(key, at, read)
        took.append((name, time.perf_counter() - started))
    return took


def _page(country: str | None, goal: str | None, *, endpoint: str, **values: Any):
    """The coverage page for the scope (the whole registry, a country, a goal or both), the
    matrix under the same filters, and the registry-wide charts."""
    query = matrix.Query.from_args(request.args, country, goal)
    cursor = clean(request.args.get("cursor"), 1_000) or None
    status, notice = 200, None
    try:
        table = matrix.page(query, cursor)
    except matrix.BadCursor:
        table = matrix.page(query, None)
        status = 400
        notice = _("That page link is damaged or out of date, so the table starts again here.")
    version = counts.content_version()
    scope = memo.remembered(("scope", country, goal), version, lambda: scope_figures(country, goal))
    sdg, lights = _sdg_context(version), _lights_chart()
    as_of = memo.as_of()
    if as_of is not None:
        # Figures older than the latest change: not kept as this version's page.
        g.pop("page_key", None)
    names = [_(name) for _code, name in table.columns]
    return render(
        "coverage/index.html",
        status=status,
        notice=notice,
        scope=scope,
        query=query,
        table=table,
        column_names=names,
        heat=charts.heat_map(
            [row.title for row in table.rows], names, [row.cells for row in table.rows]
        ),
        heat_level=charts.heat_level,
        cap=matrix.CAP,
        country=country,
        goal=goal,
        country_name=countries.name,
        countries_menu=countries.by_name(),
        dimensions=compute.DIMENSIONS,
        dimension_labels=compute.DIMENSION_LABELS,
        matrix_titles=compute.MATRIX_TITLES,
        matrix_captions=compute.MATRIX_CAPTIONS,
        key_groups=compute.KEY_GROUPS,
        page_url=lambda **changes: url_for(
            endpoint, **values, **query_args(query, values, changes)
        ),
        as_of=as_of,
        **sdg,
        **lights,
        **listing.labels_context(),
    )


def query_args(query: matrix.Query, fixed: dict[str, Any], changes: dict[str, Any]) -> dict:
    """A link's query arguments: the view's, changed, less what the address already says."""
    found = query.args(**changes)
    if "cc" in fixed:
        found.pop("country", None)
    if "number" in fixed:
        found.pop("goal", None)
    return found


@bp.route("/")
@cacheable()
@requires("public")
def index():
    """The whole registry's coverage, or one country's or goal's (filters), and the matrix."""
    country = _country(request.args.get("country"))
    goal = _goal(request.args.get("goal"))
    return _page(country, goal, endpoint="coverage.index")


@bp.route("/countries/<cc>")
@cacheable()
@requires("public")
def country(cc: str):
    """One country: its organizations taking part, and the initiatives working there."""
    code = _country(cc)
    if code is None:
        abort(404)
    goal = _goal(request.args.get("goal"))
    return _page(code, goal, endpoint="coverage.country", cc=code)


@bp.route("/goals/<number>")
@cacheable()
@requires("public")
def goal(number: str):
    """One SDG goal: the makers of commitments aligned to it, and the initiatives serving it."""
    code = _goal(number)
    if code is None:
        abort(404)
    country = _country(request.args.get("country"))
    return _page(country, code, endpoint="coverage.goal", number=code)
