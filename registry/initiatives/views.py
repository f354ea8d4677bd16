"""Initiatives: the public list and each initiative's page; staff create and edit them."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import countries, lists
from registry.commit import Refused, Stale, committing
from registry.coverage.compute import of_initiative as coverage_of
from registry.engagements import times
from registry.exports.links import links as download_links
from registry.extensions import db
from registry.frameworks import picker
from registry.htmx import render, wants_fragment
from registry.http_cache import cacheable
from registry.initiatives import bp, queries, services
from registry.initiatives.forms import InitiativeForm, JoinForm, PartnerForm
from registry.models import (
    INITIATIVE_KIND_LABELS,
    INITIATIVE_STATUS_LABELS,
    PARTNERSHIP_BASIS_LABELS,
    PARTNERSHIP_ROLE_LABELS,
    PARTNERSHIP_STATUS_LABELS,
    Initiative,
    PartnershipStatus,
    Stakeholder,
    Status,
)
from registry.pagination import numbered_pages, requested_page, sort_links
from registry.permissions import can, requires
from registry.stakeholders import pick as stakeholder_pick
from registry.taxonomy import labels


def me():
    return current_user._get_current_object()


# --- choosing an organization by name -----------------------------------------------------------


def pick(query_field, chosen_field) -> tuple[Stakeholder | None, list[Stakeholder]]:
    """The organization chosen (an approved one), else the matches for what was typed; a name
    typed in full that only one organization has counts as chosen."""
    chosen = chosen_field.data
    if chosen:
        stakeholder = db.session.get(Stakeholder, chosen)
        if stakeholder is not None and stakeholder.status == Status.APPROVED:
            return stakeholder, []
    found = stakeholder_pick.matches(query_field.data)
    return stakeholder_pick.exact(query_field.data), found


@bp.route("/pick")
@requires("partnership.manage")
def pick_options():
    """The organizations matching what is typed, as radio buttons to choose from (htmx)."""
    field = request.args.get("field", "")
    if field not in {"stakeholder_id", "lead_stakeholder_id"}:
        abort(400)
    text = request.args.get("stakeholder_q") or request.args.get("lead_q") or ""
    return render(
        "initiatives/_pick.html",
        block="pick",
        name=field,
        found=stakeholder_pick.matches(text),
        typed=stakeholder_pick.typed(text),
        chosen=None,
        live=True,
    )


# --- the public list ----------------------------------------------------------------------------


@bp.route("/")
@cacheable()
@requires("public")
def index():
    """Initiatives, filtered, sorted and paged, with a count for each filter value."""
    filters = queries.Filters.from_args(request.args)
    per_page = current_app.config["PER_PAGE"]
    page, status, notice = requested_page(
        lambda cursor, number: queries.list_page(
            filters, cursor=cursor, number=number, per_page=per_page
        )
    )
    facets = queries.facets(filters)
    return render(
        "initiatives/list.html",
        block="results",
        downloads=download_links("initiatives", filters.args()),
        status=status,
        notice=notice,
        filters=filters,
        page=page,
        numbered=numbered_pages(page, facets.total),
        facets=facets,
        partner_name=queries.partner_name(filters.partner),
        item_name=queries.item_name(filters.item),
        sort_links=sort_links("initiatives.index", filters, queries.SORT_DEFAULT_DIR),
        country_name=countries.name,
        countries_menu=countries.by_name(),
        sectors=labels().sector,
        kind_labels=INITIATIVE_KIND_LABELS,
        status_labels=INITIATIVE_STATUS_LABELS,
        cap=lists.CAP,
    )


# --- one initiative -----------------------------------------------------------------------------


def load(initiative_id: int) -> Initiative:
    initiative = queries.get_initiative(initiative_id)
    if initiative is None:
        abort(404)
    return initiative


def detail_context(initiative: Initiative, **extra: Any) -> dict[str, Any]:
    """What the initiative's page (and its partners block) shows to this user."""
    staff = can(current_user, "partnership.manage", initiative)
    statuses = None if staff else [PartnershipStatus.ACTIVE, PartnershipStatus.ENDED]
    found = queries.partnerships(initiative, statuses=statuses)
    active = [p for p in found if p.status == PartnershipStatus.ACTIVE]
    context: dict[str, Any] = {
        "initiative": initiative,
        "groups": queries.by_role(found),
        "ended": [p for p in found if p.status == PartnershipStatus.ENDED],
        "proposed": [p for p in found if p.status == PartnershipStatus.PROPOSED],
        "active_count": len(active),
        # Who is missing among the active partners: in the partners block, so a partner
        # added or ended through htmx updates it (one grouped statement).
        "coverage_report": coverage_of(initiative.id),
        "staff": staff,
        "country_name": countries.name,
        "kind_labels": INITIATIVE_KIND_LABELS,
        "status_labels": INITIATIVE_STATUS_LABELS,
        "role_labels": PARTNERSHIP_ROLE_LABELS,
        "basis_labels": PARTNERSHIP_BASIS_LABELS,
        "partnership_status_labels": PARTNERSHIP_STATUS_LABELS,
        "engagements": queries.engagements(initiative.id),
        "engagement_when": times.when,
        "editing": None,
        "focus": None,
        "message": None,
    }
    if not wants_fragment():  # the whole page (also when a plain form comes back refused)
        from registry.commitments import listing, progress  # commitments import initiatives

        context["commitments"] = listing.of_initiative(initiative.id, progress.today())
        context.update(listing.labels_context())
    if staff and "partner_form" not in extra:
        context["partner_form"] = PartnerForm(formdata=None)
        context["picked"], context["found"] = None, []
    if current_user.is_authenticated and not staff:
        joinable = services.joinable_for(initiative, me())
        context["my_requests"] = services.my_requests(initiative, me())
        if joinable and "join_form" not in extra:
            context["join_form"] = JoinForm(formdata=None, organizations=joinable)
    context.update(extra)
    return context


@bp.route("/<int:initiative_id>")
@cacheable()
@requires("public")
def detail(initiative_id: int):
    """One initiative: what it is, and its partners grouped by role."""
    initiative = load(initiative_id)
    response = render(
        "initiatives/detail.html",
        **detail_context(initiative),
    )
    response.last_modified = initiative.updated_at
    return response


# --- create and edit (staff) --------------------------------------------------------------------


def _render_form(form: InitiativeForm, status: int = 200, **context: Any):
    context.setdefault("initiative", None)
    context.setdefault("focus", None)
    lead, found = context.pop("lead", None), context.pop("found", [])
    return render(
        "initiatives/form.html",
        status=status,
        form=form,
        lead=lead,
        found=found,
        **picker.context(form),
        **context,
    )


def _find_items(form: InitiativeForm, initiative: Initiative | None):
    """The picker's "Find" without JavaScript: the form comes back with the items matching
    what was typed, nothing saved and nothing marked wrong yet."""
    form.validate()
    for field in form:
        field.errors = []
    lead_id = form.lead_stakeholder_id.data
    lead = db.session.get(Stakeholder, lead_id) if lead_id else None
    return _render_form(
        form,
        initiative=initiative,
        lead=lead if lead is not None and lead.status == Status.APPROVED else None,
        mode="edit" if initiative else "create",
        focus="alignment-found-title",
    )


def _save(form: InitiativeForm, initiative: Initiative | None):
    """Validate, resolve the lead, save through the commit boundary; a response or None."""
    if request.form.get("action") == "find-alignment":
        return _find_items(form, initiative)
    valid = form.validate()
    lead, found = (None, [])
    if form.lead_q.data or form.lead_stakeholder_id.data:
        lead, found = pick(form.lead_q, form.lead_stakeholder_id)
        if lead is None:
            form.lead_q.errors = [*form.lead_q.errors, _("Choose the lead from the list")]
            valid = False
        else:
            form.lead_stakeholder_id.data = lead.id
            form.lead_q.data = lead.name
    mode = "edit" if initiative else "create"
    if not valid:
        return _render_form(form, 422, initiative=initiative, lead=lead, found=found, mode=mode)
    data = form.data_for_model()
    try:
        with committing():
            if initiative is None:
                initiative = services.create_initiative(data, me())
            else:
                if str(initiative.version) != (form.version.data or ""):
                    raise Stale()
                services.update_initiative(initiative, data, me())
    except services.FieldRefused as refusal:
        field = getattr(form, refusal.field, form.title)
        field.errors = [*field.errors, refusal.message]
        db.session.expire_all()
        return _render_form(form, 422, initiative=initiative, lead=lead, found=found, mode=mode)
    except Refused as refusal:
        return _render_form(
            form,
            refusal.status,
            initiative=initiative,
            lead=lead,
            found=found,
            mode=mode,
            problem=refusal.message,
        )
    flash(_("“%(title)s” is saved and public.", title=initiative.title), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id), 303)


@bp.route("/new", methods=["GET", "POST"])
@requires("initiative.create")
def create():
    """A new initiative (staff): public at once, audited."""
    form = InitiativeForm()
    if request.method == "GET":
        form.status.data = "active"
        return _render_form(form, mode="create")
    return _save(form, None)


@bp.route("/<int:initiative_id>/edit", methods=["GET", "POST"])
@requires("initiative.edit")
def update(initiative_id: int):
    """Change an initiative (staff): at once, audited."""
    initiative = load(initiative_id)
    if request.method == "GET":
        form = InitiativeForm(
            formdata=None,
            title=initiative.title,
            kind=initiative.kind.value,
            status=initiative.status.value,
            summary=initiative.summary,
            lead_q=initiative.lead.name if initiative.lead else "",
            lead_stakeholder_id=initiative.lead_stakeholder_id,
            countries=initiative.country_codes,
            cities=initiative.cities,
            starts_on=initiative.starts_on,
            ends_on=initiative.ends_on,
            website=initiative.website,
            alignment=[item.id for item in initiative.alignment],
            version=initiative.version,
        )
        return _render_form(form, initiative=initiative, lead=initiative.lead, mode="edit")
    return _save(InitiativeForm(), initiative)
