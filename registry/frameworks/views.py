"""The global agreements, read side: the list of frameworks, a framework's page (the SDG
goals; a resolution's operative paragraphs) saying per item which initiatives, commitments and
engagements advance it and which nothing does yet, and an item's page (a goal, target,
indicator or paragraph with its parts and what is aligned to it). And the one picker's search
(``picker_options``), which every form that aligns an entry asks while the user types.

Addresses carry the official symbols as they are written: ``/frameworks/HSP/HA.2/RES.6`` (a
``path`` converter, since a resolution's symbol has slashes) and
``/frameworks/HSP/HA.2/RES.6/items/OP2(a)``. No slug to keep in step with the code, and the
address reads like the citation; the fixed ``items`` segment keeps the two rules apart.
"""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2_fragments.flask import render_block

from registry.commitments import listing, progress
from registry.frameworks import picker, queries, tracking
from registry.htmx import render
from registry.http_cache import cacheable
from registry.models import INITIATIVE_STATUS_LABELS, Framework
from registry.permissions import can, requires

bp = Blueprint("frameworks", __name__)

SHOWN = 10  # of each kind an item's page lists before linking to a filtered list
ENGAGEMENT_STATES = {
    "upcoming": _l("Upcoming"),
    "past": _l("Took place"),
    "cancelled": _l("Cancelled"),
}
LABELS = {
    "goal": _l("Goal %(code)s"),
    "target": _l("Target %(code)s"),
    "indicator": _l("Indicator %(code)s"),
    "section": _l("Section %(code)s"),
}


def item_label(entry: queries.Entry) -> str:
    """ "Goal 11", "Target 11.3", "Indicator 11.3.1"; a paragraph by its code, "OP2(a)"."""
    label = LABELS.get(entry.kind)
    return str(label) % {"code": entry.code} if label else entry.code


def _language() -> str:
    """The ``FrameworkItemText.lang`` of the page's language."""
    locale = get_locale()
    return queries.stored_language(locale.language if locale else queries.SOURCE_LANGUAGE)


def _not_found(message: str):
    """A 404 that says what was not found (the generic page says only "no page")."""
    abort(
        render(
            "errors/error.html",
            status=404,
            code=404,
            title=_("Page not found"),
            message=message,
        )
    )


def _framework(code: str) -> Framework:
    framework = queries.get_framework(code)
    if framework is None:
        _not_found(_("There is no global agreement with the code “%(code)s”.", code=code[:60]))
    return framework


def _session(code: str) -> str:
    """ "HSP/HA.2" for "HSP/HA.2/RES.6": the Assembly session that adopted it."""
    return code.rsplit("/RES", 1)[0] if "/RES" in code else code


@bp.route("/frameworks/")
@cacheable()
@requires("public")
def index():
    """The 2030 Agenda with its goals; the Assembly's resolutions by session."""
    everything = queries.frameworks()
    sdg = next((f for f in everything if f.code == queries.SDG), None)
    resolutions = sorted(
        (f for f in everything if f.kind == "resolution"),
        key=lambda f: (f.year or 0, queries.natural_key(f.code)),
    )
    sessions = [
        (session, list(group))
        for session, group in groupby(resolutions, key=lambda f: (_session(f.code), f.year))
    ]
    others = [f for f in everything if f.kind != "resolution" and f.code != queries.SDG]
    return render(
        "frameworks/index.html",
        sdg=sdg,
        goals=queries.sdg_goals(_language()) if sdg else [],
        sessions=sessions,
        others=others,
        page_lang=_language(),
    )


@bp.route("/frameworks/<path:code>")
@cacheable()
@requires("public")
def framework(code: str):
    """A framework's top items: the SDG goals, or a resolution's operative paragraphs in order
    with their sub-paragraphs, each with how many commitments advance it."""
    found = _framework(code)
    language = _language()
    return render(
        "frameworks/framework.html",
        framework=found,
        items=queries.top_items(found, language),
        counts=queries.aligned_counts(found.id),
        # The SDG page shows the goals: each gathers what is aligned to its targets.
        aligned=queries.aligned(found.id, roll_up=found.code == queries.SDG),
        page_lang=language,
        item_label=item_label,
        tracking=_tracking(found),
        **_aligned_labels(),
    )


def _tracking(framework: Framework) -> tracking.Tracking | None:
    """A resolution's implementation statuses (hidden ones too for those who record them)."""
    if framework.kind != "resolution":
        return None
    return tracking.tracking(framework.id, with_hidden=can(current_user, "framework.track"))


def _aligned_labels() -> dict:
    """What a template needs to say the state of what is aligned."""
    return {
        **listing.labels_context(),
        "initiative_status_labels": INITIATIVE_STATUS_LABELS,
        "engagement_states": ENGAGEMENT_STATES,
        "aligned_kinds": queries.KINDS,
    }


def _more_url(framework: Framework, item: queries.Entry) -> str:
    """The commitment list filtered to the item and its parts: by goal or target for the
    SDGs (the list's own menus), by the item's id for the rest."""
    if framework.code == queries.SDG and item.kind == "goal":
        return url_for("commitments.index", goal=item.code)
    if framework.code == queries.SDG and item.kind == "target":
        return url_for("commitments.index", target=item.code)
    return url_for("commitments.index", item=item.id)


@bp.route("/frameworks/<path:code>/items/<item>")
@cacheable()
@requires("public")
def item(code: str, item: str):
    """A goal, target, indicator or paragraph: its parts, and the approved commitments aligned
    to it or to its parts, with their lights."""
    found = _framework(code)
    language = _language()
    entry = queries.get_item(found.id, item, language)
    if entry is None:
        _not_found(
            _(
                "%(framework)s has no item “%(code)s”.",
                framework=found.code,
                code=item[:30],
            )
        )
    parent = queries.get_entry(entry.parent_id, language) if entry.parent_id else None
    parts = queries.descendants(entry, language)
    ids = [entry.id, *(e.id for e in queries.flatten(parts))]
    on = progress.today()
    shown = listing.of_items(ids, on, limit=SHOWN)
    return render(
        "frameworks/item.html",
        framework=found,
        item=entry,
        parent=parent,
        parts=parts,
        counts=queries.aligned_counts(found.id) if parts else {},
        shown=shown,
        initiatives=queries.of_items("initiative", ids, SHOWN, on),
        engagements=queries.of_items("engagement", ids, SHOWN, on),
        more_url=_more_url(found, entry),
        page_lang=language,
        item_label=item_label,
        **_aligned_labels(),
    )


@bp.route("/frameworks/picker")
@requires("framework.pick")
def picker_options():
    """SDG targets and resolution paragraphs matching what is typed, to tick: the picker's
    matches (htmx), for every form that aligns. Items already ticked are left out."""
    query = (request.args.get("alignment_q") or request.args.get("q") or "")[: picker.MAX_QUERY]
    chosen = set(picker.ids_of(request.args.getlist("alignment")))
    found = [item for item in picker.find(query) if item.id not in chosen]
    return render_block(
        "frameworks/_picker.html",
        "found_items",
        picker_found=found,
        picker_query=query,
        item_label=picker.item_label,
        focus=None,
    )


# The write side and the briefing register their routes on ``bp``.
from registry.frameworks import admin, briefing, statuses  # noqa: E402,F401
