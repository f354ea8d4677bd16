"""Partnerships on an initiative's page: staff add a partner (found by name), change or end a
partnership in place; a member asks to join on behalf of its organization.

With htmx each form answers with the page's partners block (200, or 422 with the form and its
errors), the element to focus marked ``autofocus``; a plain POST redirects (303) to the
initiative's page, or shows the page again with the errors.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import workflow
from registry.commit import Refused, committing
from registry.extensions import db
from registry.htmx import render, wants_fragment
from registry.initiatives import bp, services
from registry.initiatives.forms import EndForm, JoinForm, PartnerFields, PartnerForm
from registry.initiatives.views import detail_context, load, me, pick
from registry.models import (
    PARTNERSHIP_ROLE_LABELS,
    Initiative,
    Partnership,
    PartnershipStatus,
    Stakeholder,
)
from registry.permissions import authorize, can, requires


def _partnership(initiative: Initiative, partnership_id: int) -> Partnership:
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or partnership.initiative_id != initiative.id:
        abort(404)
    return partnership


def _back(initiative: Initiative, anchor: str = "partners"):
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id, _anchor=anchor), 303)


def _partners(initiative: Initiative, status: int = 200, **extra: Any):
    """The partners block (htmx) or the whole page (a plain request that failed)."""
    return render(
        "initiatives/detail.html",
        block="partners",
        status=status,
        **detail_context(initiative, **extra),
    )


def _field_error(form, refusal: services.FieldRefused) -> None:
    name = {"stakeholder_id": "stakeholder_q"}.get(refusal.field, refusal.field)
    field = getattr(form, name, None)
    if field is None:
        field = next(iter(form))
    field.errors = [*field.errors, refusal.message]


# --- add a partner (staff) ------------------------------------------------------------------------


@bp.route("/<int:initiative_id>/partners", methods=["POST"])
@requires("partnership.manage")
def partner_add(initiative_id: int):
    """Link an approved organization to the initiative, with its role, basis and period."""
    initiative = load(initiative_id)
    authorize("partnership.manage", initiative)
    form = PartnerForm()
    valid = form.validate()
    stakeholder, found = pick(form.stakeholder_q, form.stakeholder_id)
    if stakeholder is None:
        message = (
            _("Choose the organization from the list")
            if found
            else _("No approved organization matches this name: check the spelling")
        )
        if not form.stakeholder_q.data and not form.stakeholder_id.data:
            message = _("Type part of the organization's name")
        form.stakeholder_q.errors = [*form.stakeholder_q.errors, message]
        valid = False
    context = {"partner_form": form, "picked": stakeholder, "found": found}
    if not valid:
        return _partners(initiative, 422, **context)
    try:
        with committing():
            services.add_partner(initiative, stakeholder, form.partnership_data(), me())
    except services.FieldRefused as refusal:
        _field_error(form, refusal)
        return _partners(load(initiative_id), 422, **context)
    except Refused as refusal:
        return _partners(load(initiative_id), refusal.status, problem=refusal.message, **context)
    message = _(
        "“%(name)s” added as %(role)s.",
        name=stakeholder.name,
        role=str(PARTNERSHIP_ROLE_LABELS[form.partnership_data()["role"]]).lower(),
    )
    if not wants_fragment():
        flash(message, "success")
        return _back(initiative)
    return _partners(load(initiative_id), message=message, focus="stakeholder_q")


# --- change or end a partnership in place (staff) -------------------------------------------------


@bp.route("/<int:initiative_id>/partners/<int:partnership_id>/edit", methods=["GET", "POST"])
@requires("partnership.manage")
def partner_update(initiative_id: int, partnership_id: int):
    """Change a partnership's role, basis or period."""
    initiative = load(initiative_id)
    authorize("partnership.manage", initiative)
    partnership = _partnership(initiative, partnership_id)
    if request.method == "GET":
        if request.args.get("cancel"):
            return _partners(initiative, focus=f"partnership-{partnership.id}-edit")
        form = PartnerFields(
            formdata=None,
            role=partnership.role.value,
            basis=partnership.basis.value,
            starts_on=partnership.starts_on,
            ends_on=partnership.ends_on,
        )
        return _edit_page(initiative, partnership, form)
    form = PartnerFields()
    if not form.validate():
        return _edit_page(initiative, partnership, form, 422)
    try:
        with committing():
            changed = services.update_partner(partnership, form.partnership_data(), me())
    except services.FieldRefused as refusal:
        _field_error(form, refusal)
        initiative = load(initiative_id)
        return _edit_page(initiative, _partnership(initiative, partnership_id), form, 422)
    except Refused as refusal:
        initiative = load(initiative_id)
        return _edit_page(
            initiative, _partnership(initiative, partnership_id), form, refusal.status,
            problem=refusal.message,
        )  # fmt: skip
    message = (
        _("The partnership of “%(name)s” is saved.", name=partnership.stakeholder.name)
        if changed
        else _("Nothing was changed.")
    )
    if not wants_fragment():
        flash(message, "success")
        return _back(initiative)
    return _partners(
        load(initiative_id), message=message, focus=f"partnership-{partnership_id}-edit"
    )


def _edit_page(initiative, partnership, form, status: int = 200, **extra: Any):
    """htmx: the partners block with this row as a form; else a page of its own."""
    if wants_fragment():
        return _partners(
            initiative,
            status,
            editing=partnership.id,
            edit_form=form,
            focus=f"partnership-{partnership.id}-edit",
            **extra,
        )
    return render(
        "initiatives/partner_edit.html",
        status=status,
        initiative=initiative,
        partnership=partnership,
        form=form,
        **extra,
    )


@bp.route("/<int:initiative_id>/partners/<int:partnership_id>/end", methods=["GET", "POST"])
@requires("partnership.manage")
def partner_end(initiative_id: int, partnership_id: int):
    """End a partnership on a date, in two steps: this page (or row) asks for the date."""
    initiative = load(initiative_id)
    authorize("partnership.manage", initiative)
    partnership = _partnership(initiative, partnership_id)
    if partnership.status != PartnershipStatus.ACTIVE:
        abort(409)
    form = EndForm() if request.method == "POST" else EndForm(formdata=None)
    if request.method == "GET" or not form.validate():
        return _end_page(initiative, partnership, form, 200 if request.method == "GET" else 422)
    try:
        with committing():
            services.end_partner(partnership, form.ends_on.data, me(), form.note.data or "")
    except services.FieldRefused as refusal:
        form.ends_on.errors = [*form.ends_on.errors, refusal.message]
        initiative = load(initiative_id)
        return _end_page(initiative, _partnership(initiative, partnership_id), form, 422)
    except Refused as refusal:
        initiative = load(initiative_id)
        return _end_page(
            initiative, _partnership(initiative, partnership_id), form, refusal.status,
            problem=refusal.message,
        )  # fmt: skip
    message = _("The partnership of “%(name)s” has ended.", name=partnership.stakeholder.name)
    if not wants_fragment():
        flash(message, "success")
        return _back(initiative)
    return _partners(load(initiative_id), message=message, focus="partners-message")


def _end_page(initiative, partnership, form, status: int, **extra: Any):
    if wants_fragment():
        return _partners(
            initiative,
            status,
            ending=partnership.id,
            end_form=form,
            focus=f"partnership-{partnership.id}-end",
            **extra,
        )
    return render(
        "initiatives/partner_end.html",
        status=status,
        initiative=initiative,
        partnership=partnership,
        form=form,
        **extra,
    )


# --- ask to join (a member, on behalf of its organization) ---------------------------------------


@bp.route("/<int:initiative_id>/join", methods=["POST"])
@requires("partnership.request")
def join(initiative_id: int):
    """Ask to join on behalf of an organization one acts for: a request staff decide on."""
    initiative = load(initiative_id)
    organizations = services.joinable_for(initiative, me())
    form = JoinForm(organizations=organizations)
    valid = form.validate()
    stakeholder = next((s for s in organizations if s.id == form.stakeholder_id.data), None)
    if form.stakeholder_id.data and stakeholder is None:
        # Not one of the user's approved organizations without a request here: refused.
        chosen = db.session.get(Stakeholder, form.stakeholder_id.data)
        if chosen is None or not can(current_user, "partnership.request", chosen):
            abort(403)
        form.stakeholder_id.errors = [
            *form.stakeholder_id.errors,
            _("This organization has already asked to join or is a partner"),
        ]
        valid = False
    if not valid or stakeholder is None:
        return _join_refused(initiative, form, 422)
    try:
        with committing():
            services.request_to_join(initiative, stakeholder, form.join_data(), me())
    except services.FieldRefused as refusal:
        _field_error(form, refusal)
        return _join_refused(load(initiative_id), form, 422)
    except Refused as refusal:
        return _join_refused(load(initiative_id), form, refusal.status, problem=refusal.message)
    flash(
        _(
            "Your request for “%(name)s” to join is sent. The staff decide, and you will hear "
            "by email.",
            name=stakeholder.name,
        ),
        "success",
    )
    return _back(initiative, "join")


def _join_refused(initiative: Initiative, form: JoinForm, status: int, **extra: Any):
    return render(
        "initiatives/detail.html",
        status=status,
        **detail_context(initiative, join_form=form, **extra),
    )


@bp.route("/<int:initiative_id>/requests/<int:partnership_id>/withdraw", methods=["POST"])
@requires("partnership.request")
def withdraw_request(initiative_id: int, partnership_id: int):
    """Take back a request to join that waits for the staff (the organization may ask again)."""
    initiative = load(initiative_id)
    partnership = _partnership(initiative, partnership_id)
    try:
        with committing():
            workflow.transition(partnership, "withdraw", me())
    except workflow.NotPermitted:
        abort(403)
    except Refused as refusal:
        flash(refusal.message, "error")
        return _back(initiative, "join")
    flash(
        _("The request for “%(name)s” is withdrawn.", name=partnership.stakeholder.name),
        "success",
    )
    return _back(initiative, "join")
