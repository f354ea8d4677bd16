"""Engagements: the public list, each engagement's page and calendar file, the feed of
upcoming ones; and for staff, the forms that record them, their participants and outcomes.

Every write view loads, authorizes, validates its form, calls one service and commits once
(``committing``); a refused form is 422 with the form and its messages, nothing written. A
plain POST then redirects (303); an htmx POST gets the updated part of the page.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block

from registry import countries, lists
from registry.commit import FieldRefused, Refused, committing
from registry.coverage.compute import of_engagement as coverage_of
from registry.engagements import bp, calendar, linked_data, queries, services, times
from registry.engagements.forms import ButtonForm, EngagementForm, OutcomeForm, ParticipantForm
from registry.exports.links import links as download_links
from registry.extensions import db
from registry.frameworks import picker
from registry.htmx import render, wants_fragment
from registry.http_cache import cacheable
from registry.models import (
    Engagement,
    EngagementOutcome,
    EngagementParticipant,
    OutcomeKind,
    ParticipantRole,
)
from registry.models._base import utcnow
from registry.models.engagements import (
    KIND_LABELS,
    OUTCOME_HEADINGS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    as_utc,
)
from registry.pagination import numbered_pages, requested_page
from registry.permissions import requires
from registry.stakeholders import pick
from registry.text import split_url


def _me():
    return current_user._get_current_object()


def _public_url(endpoint: str, **values: Any) -> str:
    """An address on the public site (PUBLIC_URL), whatever Host the request named."""
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)


def _stakeholder_url(stakeholder_id: int) -> str:
    return _public_url("stakeholders.detail", stakeholder_id=stakeholder_id)


def _common() -> dict[str, Any]:
    """What every engagement template reads: labels, country names, the time formatter."""
    return {
        "kind_labels": KIND_LABELS,
        "role_labels": ROLE_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "outcome_headings": OUTCOME_HEADINGS,
        "country_name": countries.name,
        "when": times.when,
    }


# --- public pages -------------------------------------------------------------------------------


@bp.route("/")
@cacheable()
@requires("public")
def index():
    """Engagements, upcoming (soonest first) or past (latest first), filtered and paged."""
    filters = queries.Filters.from_args(request.args)
    per_page = current_app.config["PER_PAGE"]
    page, status, notice = requested_page(
        lambda cursor, number: queries.list_page(
            filters, cursor=cursor, number=number, per_page=per_page
        )
    )
    facets = queries.facets(filters)
    full = not wants_fragment()
    return render(
        "engagements/list.html",
        block="results",
        downloads=download_links("engagements", filters.args()),
        status=status,
        notice=notice,
        filters=filters,
        page=page,
        numbered=numbered_pages(page, facets.total),
        facets=facets,
        # The menus stay on the page while htmx swaps the results: read only for a whole page.
        countries_present=sorted(queries.present("country"), key=countries.name) if full else [],
        organizers=queries.organizers() if full else [],
        filter_count_oob=not full,
        cap=lists.CAP,
        **_common(),
    )


@bp.route("/upcoming.ics")
@cacheable()
@requires("public")
def feed():
    """The upcoming engagements as one iCalendar feed a calendar can subscribe to."""
    body = calendar.calendar(
        queries.upcoming(),
        lambda e: _public_url("engagements.detail", engagement_id=e.id),
        _("Upcoming engagements · Whole-of-Society Registry"),
    )
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = 'inline; filename="upcoming-engagements.ics"'
    return response


def _load(engagement_id: int) -> Engagement:
    engagement = queries.get_engagement(engagement_id)
    if engagement is None:
        abort(404)
    return engagement


def _grouped(engagement: Engagement) -> list[tuple[ParticipantRole, list[EngagementParticipant]]]:
    """Participants by role, in the roles' order, each by name."""
    groups = []
    for role in ParticipantRole:
        found = [p for p in engagement.participants if p.role == role]
        if found:
            groups.append((role, sorted(found, key=lambda p: p.stakeholder.name.casefold())))
    return groups


def _outcomes(engagement: Engagement) -> list[tuple[OutcomeKind, list[EngagementOutcome]]]:
    groups = []
    for kind in OutcomeKind:
        found = [o for o in engagement.outcomes if o.kind == kind]
        if found:
            groups.append((kind, found))
    return groups


def _web_link(url: str | None) -> str | None:
    """The link as a target only when it is http(s): never ``javascript:``."""
    parts = split_url((url or "").strip())
    return url if parts is not None and parts.scheme.lower() in {"http", "https"} else None


@bp.route("/<int:engagement_id>")
@cacheable()
@requires("public")
def detail(engagement_id: int):
    """One engagement: when and where, who took part in which role, what came out of it."""
    engagement = _load(engagement_id)
    url = _public_url("engagements.detail", engagement_id=engagement.id)
    response = render(
        "engagements/detail.html",
        engagement=engagement,
        participants=_grouped(engagement),
        outcomes=_outcomes(engagement),
        online_href=_web_link(engagement.online_url),
        json_ld=linked_data.event(engagement, url, _stakeholder_url),
        is_past=engagement.end < utcnow(),
        **_common(),
        **_commitments_block(engagement),
        coverage_report=coverage_of(engagement.id),
    )
    response.last_modified = as_utc(engagement.updated_at)
    return response


def _commitments_block(engagement: Engagement) -> dict[str, Any]:
    """The pledges made at it, counted per light (one grouped statement), and when there are
    any, the first of them with their lights (one statement)."""
    from registry.commitments import listing, progress

    on = progress.today()
    summary = listing.engagement_summary(engagement.id, on)
    return {
        "commitments": listing.of_engagement(engagement.id, on) if summary.total else None,
        "commitment_summary": summary,
        "commitment_summary_parts": listing.summary_parts(summary),
        "commitments_made_at": listing.MADE_AT[engagement.kind],
        **listing.labels_context(),
    }


@bp.route("/<int:engagement_id>.ics")
@cacheable()
@requires("public")
def ics(engagement_id: int):
    """The engagement as an iCalendar file, to add to a calendar."""
    engagement = _load(engagement_id)
    body = calendar.calendar(
        [engagement],
        lambda e: _public_url("engagements.detail", engagement_id=e.id),
        engagement.title,
    )
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="engagement-{engagement.id}.ics"'
    )
    return response


# --- record and edit ----------------------------------------------------------------------------


def _form_values(engagement: Engagement) -> dict[str, Any]:
    start = times.local(engagement.start, engagement.time_zone)
    end = times.local(engagement.end, engagement.time_zone)
    return {
        "title": engagement.title,
        "kind": engagement.kind.value,
        "summary": engagement.summary,
        "start_date": start.date(),
        "start_time": f"{start:%H:%M}",
        "end_date": end.date() if end.date() != start.date() else None,
        "end_time": f"{end:%H:%M}",
        "time_zone": engagement.time_zone,
        "venue": engagement.venue,
        "city": engagement.city,
        "country": engagement.country or "",
        "online_url": engagement.online_url,
        "series": engagement.series.title if engagement.series else "",
        "attendance_people": _count_text(engagement.attendance_people),
        "attendance_countries": _count_text(engagement.attendance_countries),
        "attendance_organizations": _count_text(engagement.attendance_organizations),
        "attendance_note": engagement.attendance_note,
        "cancelled": engagement.cancelled,
        "alignment": [item.id for item in engagement.alignment],
        "version": str(engagement.version),
    }


def _count_text(value: int | None) -> str:
    return "" if value is None else str(value)


def _render_form(form: EngagementForm, status: int = 200, **context: Any):
    context.setdefault("focus", None)
    return render(
        "engagements/form.html",
        status=status,
        form=form,
        zone_names=times.offered_names(),
        **picker.context(form),
        **context,
    )


def _field_refused(form: EngagementForm, refusal: FieldRefused, **context: Any):
    """A value the service refused (an item to align to that is not in use): said beside its
    field, the form kept, nothing written."""
    field = getattr(form, refusal.field, form.title)
    field.errors = [*field.errors, refusal.message]
    return _render_form(form, status=refusal.status, **context)


def _finding_items() -> bool:
    """The picker's "Find" sent without JavaScript: the form comes back with the items that
    match what was typed, nothing saved, nothing marked wrong yet."""
    return request.form.get("action") == "find-alignment"


@bp.route("/new", methods=["GET", "POST"])
@requires("engagement.create")
def create():
    """Record an engagement (staff publish it at once)."""
    form = EngagementForm()
    if request.method == "GET":
        return _render_form(form)
    if _finding_items():
        return _render_form(form, focus="alignment-found-title")
    if not form.validate():
        return _render_form(form, status=422)
    try:
        with committing():
            engagement = services.create_engagement(form.data_for_model(), _me())
    except FieldRefused as refusal:
        return _field_refused(form, refusal)
    flash(
        _(
            "“%(title)s” is published. Add its organizers and participants below.",
            title=engagement.title,
        ),
        "success",
    )
    return redirect(url_for("engagements.participants", engagement_id=engagement.id), 303)


@bp.route("/<int:engagement_id>/edit", methods=["GET", "POST"])
@requires("engagement.edit")
def update(engagement_id: int):
    """Change an engagement's details."""
    engagement = _load(engagement_id)
    if request.method == "GET":
        form = EngagementForm(formdata=None, data=_form_values(engagement))
        return _render_form(form, engagement=engagement)
    form = EngagementForm()
    if _finding_items():
        return _render_form(form, engagement=engagement, focus="alignment-found-title")
    if not form.validate():
        return _render_form(form, status=422, engagement=engagement)
    try:
        with committing():
            changed = services.update_engagement(
                engagement, form.data_for_model(), _me(), form.version.data
            )
    except FieldRefused as refusal:
        return _field_refused(form, refusal, engagement=_load(engagement_id))
    except Refused as refusal:
        engagement = _load(engagement_id)
        form.version.data = str(engagement.version)  # saving again overwrites knowingly
        return _render_form(
            form, status=refusal.status, engagement=engagement, problem=refusal.message
        )
    flash(_("Your changes are saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("engagements.detail", engagement_id=engagement_id), 303)


# --- participants -------------------------------------------------------------------------------


def _render_participants(
    engagement: Engagement, form: ParticipantForm, status: int = 200, **context: Any
):
    context.setdefault("matches", [])
    context.setdefault("message", None)
    return render(
        "engagements/participants.html",
        block="manage",
        status=status,
        engagement=engagement,
        form=form,
        button=ButtonForm(formdata=None),
        participants=_grouped(engagement),
        **_common(),
        **context,
    )


def _after_write(engagement_id: int, endpoint: str, message: str, render_part):
    """A plain POST: flash and redirect (303). An htmx one: the updated part, saying so."""
    if wants_fragment():
        db.session.expire_all()
        return render_part(_load(engagement_id), message)
    flash(message, "success")
    return redirect(url_for(endpoint, engagement_id=engagement_id), 303)


@bp.route("/<int:engagement_id>/participants", methods=["GET", "POST"])
@requires("engagement.edit")
def participants(engagement_id: int):
    """Who took part and in which role: add approved stakeholders, remove them."""
    engagement = _load(engagement_id)
    form = ParticipantForm(formdata=None) if request.method == "GET" else ParticipantForm()
    if request.method == "GET":
        return _render_participants(engagement, form)
    if not form.validate():
        return _render_participants(engagement, form, status=422)
    stakeholder_id = form.chosen_id()
    if stakeholder_id is None:
        exact = pick.exact(form.stakeholder_name.data)
        if exact is None:
            matches = pick.matches(form.stakeholder_name.data)
            form.stakeholder_name.errors.append(
                _("Choose one of the approved stakeholders below")
                if matches
                else _(
                    "No approved stakeholder is called “%(name)s”. Check the spelling, or "
                    "type part of the name",
                    name=form.stakeholder_name.data,
                )
            )
            return _render_participants(engagement, form, status=422, matches=matches)
        stakeholder_id = exact.id
    role = ParticipantRole(form.role.data)
    try:
        with committing():
            participant = services.add_participant(engagement, stakeholder_id, role, _me())
            message = _(
                "%(name)s is added as %(role)s.",
                name=participant.stakeholder.name,
                role=str(ROLE_LABELS[role]).lower(),
            )
    except Refused as refusal:
        engagement = _load(engagement_id)
        form.stakeholder_name.errors.append(refusal.message)
        return _render_participants(engagement, form, status=422)
    return _after_write(
        engagement_id,
        "engagements.participants",
        message,
        lambda e, m: _render_participants(e, ParticipantForm(formdata=None), message=m),
    )


@bp.route("/<int:engagement_id>/participants/suggest")
@requires("engagement.edit")
def participant_suggest(engagement_id: int):
    """Approved stakeholders matching the name being typed, to pick one (htmx)."""
    engagement = _load(engagement_id)
    body = render_block(
        "engagements/participants.html",
        "suggestions",
        engagement=engagement,
        matches=pick.matches(request.args.get("stakeholder_name")),
        live=True,
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.route("/<int:engagement_id>/participants/<int:participant_id>/remove", methods=["POST"])
@requires("engagement.edit")
def participant_remove(engagement_id: int, participant_id: int):
    """Take a stakeholder's role off the engagement."""
    engagement = _load(engagement_id)
    participant = next((p for p in engagement.participants if p.id == participant_id), None)
    if participant is None:
        abort(404)
    if not ButtonForm().validate():
        abort(400)
    name, role = participant.stakeholder.name, participant.role
    with committing():
        services.remove_participant(participant, _me())
    message = _(
        "%(name)s is no longer listed as %(role)s.",
        name=name,
        role=str(ROLE_LABELS[role]).lower(),
    )
    return _after_write(
        engagement_id,
        "engagements.participants",
        message,
        lambda e, m: _render_participants(e, ParticipantForm(formdata=None), message=m),
    )


# --- outcomes -----------------------------------------------------------------------------------


def _render_outcomes(engagement: Engagement, form: OutcomeForm, status: int = 200, **context):
    context.setdefault("message", None)
    return render(
        "engagements/outcomes.html",
        block="manage",
        status=status,
        engagement=engagement,
        form=form,
        button=ButtonForm(formdata=None),
        outcomes=_outcomes(engagement),
        **_common(),
        **context,
    )


@bp.route("/<int:engagement_id>/outcomes", methods=["GET", "POST"])
@requires("engagement.edit")
def outcomes(engagement_id: int):
    """What came out of it: decisions, success stories, lessons learned, follow-up actions."""
    engagement = _load(engagement_id)
    if request.method == "GET":
        return _render_outcomes(engagement, OutcomeForm(formdata=None))
    form = OutcomeForm()
    if not form.validate():
        return _render_outcomes(engagement, form, status=422)
    kind = OutcomeKind(form.kind.data)
    with committing():
        services.add_outcome(engagement, kind, form.text.data, _me())
    message = _("The %(kind)s is added.", kind=str(OUTCOME_LABELS[kind]).lower())
    return _after_write(
        engagement_id,
        "engagements.outcomes",
        message,
        lambda e, m: _render_outcomes(e, OutcomeForm(formdata=None), message=m),
    )


def _load_outcome(engagement: Engagement, outcome_id: int) -> EngagementOutcome:
    outcome = next((o for o in engagement.outcomes if o.id == outcome_id), None)
    if outcome is None:
        abort(404)
    return outcome


@bp.route("/<int:engagement_id>/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@requires("engagement.edit")
def outcome_update(engagement_id: int, outcome_id: int):
    """Rewrite one outcome."""
    engagement = _load(engagement_id)
    outcome = _load_outcome(engagement, outcome_id)
    if request.method == "GET":
        form = OutcomeForm(formdata=None, kind=outcome.kind.value, text=outcome.text)
        return render(
            "engagements/outcome_form.html", engagement=engagement, outcome=outcome, form=form
        )
    form = OutcomeForm()
    if not form.validate():
        return render(
            "engagements/outcome_form.html",
            status=422,
            engagement=engagement,
            outcome=outcome,
            form=form,
        )
    with committing():
        changed = services.update_outcome(
            outcome, OutcomeKind(form.kind.data), form.text.data, _me()
        )
    flash(_("The outcome is saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("engagements.outcomes", engagement_id=engagement_id), 303)


@bp.route("/<int:engagement_id>/outcomes/<int:outcome_id>/remove", methods=["POST"])
@requires("engagement.edit")
def outcome_remove(engagement_id: int, outcome_id: int):
    """Take an outcome off the engagement."""
    engagement = _load(engagement_id)
    outcome = _load_outcome(engagement, outcome_id)
    if not ButtonForm().validate():
        abort(400)
    with committing():
        services.remove_outcome(outcome, _me())
    return _after_write(
        engagement_id,
        "engagements.outcomes",
        _("The outcome is removed."),
        lambda e, m: _render_outcomes(e, OutcomeForm(formdata=None), message=m),
    )
