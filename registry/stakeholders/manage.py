"""Register and edit stakeholders, their contact persons; submit, withdraw, ask to join.

Every view loads the stakeholder, then authorizes (a draft the user may not see is a 404),
validates its form, calls one service and commits once; a failed form is 422 with the form
again, a success 303 to the stakeholder's page.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block

from registry import revisions, workflow
from registry.commit import Refused, Stale, Taken, committing
from registry.commitments import queries as commitment_queries
from registry.extensions import db
from registry.htmx import render
from registry.models import Contact, Stakeholder
from registry.permissions import authorize, can, requires
from registry.stakeholders import bp, queries, services
from registry.stakeholders.entry import STAKEHOLDER
from registry.stakeholders.forms import (
    SCALE_HINTS,
    ClaimForm,
    ContactForm,
    DeleteForm,
    StakeholderForm,
    SubmitForm,
    WithdrawForm,
)
from registry.stakeholders.similar import similar as similar_stakeholders

# Which form field the check-your-answers page's "Change" link points at, per model field.
FIELD_ANCHORS = {"sector_code": "sector"}


def _me():
    """The logged-in user itself (not the proxy), for services that store or relate to it."""
    return current_user._get_current_object()


def _load(stakeholder_id: int, action: str) -> Stakeholder:
    """The stakeholder if ``action`` is allowed on it: 404 when it does not exist, was merged
    or may not be seen (a guessed id reveals nothing), 403 when seen but not allowed."""
    stakeholder = queries.get_stakeholder(stakeholder_id)
    if (
        stakeholder is None
        or stakeholder.merged_into_id is not None
        or not can(current_user, "stakeholder.view", stakeholder)
    ):
        abort(404)
    authorize(action, stakeholder)
    return stakeholder


def _detail(stakeholder: Stakeholder, anchor: str | None = None):
    return redirect(
        url_for("stakeholders.detail", stakeholder_id=stakeholder.id, _anchor=anchor), 303
    )


def display_values(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Each editable field as label and readable value, for "check your answers" and conflicts."""
    return [
        {
            "name": spec.name,
            "anchor": FIELD_ANCHORS.get(spec.name, spec.name),
            "label": spec.label,
            "text": spec.display(values.get(spec.name)),
        }
        for spec in STAKEHOLDER.fields
    ]


def _org_id_error(stakeholder: Stakeholder) -> str:
    if can(current_user, "stakeholder.view", stakeholder):
        return _(
            "“%(name)s” already has this identifier. If it is your organization, ask to join "
            "it instead of registering it again.",
            name=stakeholder.name,
        )
    return _("Another organization in the registry already has this identifier")


# --- register ----------------------------------------------------------------------------------


def _render_form(form: StakeholderForm, status: int = 200, **context: Any):
    context.setdefault("matches", [])
    return render(
        "stakeholders/form.html",
        status=status,
        form=form,
        scale_hints=SCALE_HINTS,
        **context,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("stakeholder.create")
def create():
    """Register an organization: a draft that its registrant then submits for review."""
    form = StakeholderForm()
    if request.method == "GET":
        return _render_form(form, mode="create")
    matches: list[Stakeholder] = []
    if not form.validate():
        return _render_form(form, status=422, mode="create", matches=matches)
    data = form.data_for_model()
    try:
        # A taken identifier is said before "did you mean …?": it names the entry for sure.
        services.check_identifier_free(None, data["org_identifier"])
        matches = similar_stakeholders(data["name"], org_identifier=data["org_identifier"])
        if matches and not form.not_listed.data:
            form.not_listed.errors.append(
                _(
                    "Check the organizations that are already registered. If yours is "
                    "one of them, ask to join it; if not, tick “None of these is my "
                    "organization”"
                )
            )
            return _render_form(form, status=422, mode="create", matches=matches)
        with committing():
            stakeholder = services.create_stakeholder(data, _me())
    except services.IdentifierTaken as taken:
        form.org_identifier.errors.append(_org_id_error(taken.holder))
        return _render_form(form, status=422, mode="create", matches=matches)
    except Taken:  # someone took the identifier a moment ago
        form.org_identifier.errors.append(
            _("Another organization in the registry already has this identifier")
        )
        return _render_form(form, status=422, mode="create", matches=matches)
    flash(
        _(
            "“%(name)s” is saved as a draft. Add a contact person, then submit it for review.",
            name=stakeholder.name,
        ),
        "success",
    )
    return _detail(stakeholder)


@bp.route("/similar", endpoint="similar")
@requires("stakeholder.create")
def similar_names():
    """Approved organizations with a name like the one being typed ("Did you mean …?")."""
    name = request.args.get("name", "")
    body = render_block(
        "stakeholders/form.html",
        "similar",
        matches=similar_stakeholders(name),
        live=True,
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


# --- edit --------------------------------------------------------------------------------------


def _render_edit(
    stakeholder: Stakeholder, form: StakeholderForm, status: int = 200, **context: Any
):
    return _render_form(
        form,
        status=status,
        mode="edit",
        stakeholder=stakeholder,
        needs_review=revisions.needs_review(stakeholder, _me()),
        pending=revisions.pending_revision(stakeholder),
        **context,
    )


def _conflict(stakeholder_id: int, form: StakeholderForm):
    """Someone saved first: keep the editor's input, show what is saved now (409)."""
    db.session.rollback()
    stakeholder = _load(stakeholder_id, "stakeholder.edit")
    # Saving again now overwrites knowingly.
    form.version.data = revisions.edit_token(stakeholder, _me())
    return _render_edit(
        stakeholder,
        form,
        status=409,
        conflict=display_values(revisions.snapshot(stakeholder)),
    )


@bp.route("/<int:stakeholder_id>/edit", methods=["GET", "POST"])
@requires("stakeholder.edit")
def update(stakeholder_id: int):
    """Change an entry: at once, or as a change waiting for review once it is public."""
    stakeholder = _load(stakeholder_id, "stakeholder.edit")
    if request.method == "GET":
        # A member carries on with the proposal already waiting, if there is one.
        values = revisions.editable_values(stakeholder, _me())
        form = StakeholderForm.from_values(values, version=revisions.edit_token(stakeholder, _me()))
        return _render_edit(stakeholder, form)

    form = StakeholderForm()
    if not form.validate():
        return _render_edit(stakeholder, form, status=422)
    data = form.data_for_model()
    try:
        with committing():
            # A missing version cannot prove the editor saw the latest state: "" never matches.
            proposed = revisions.update(stakeholder, data, _me(), form.version.data or "")
    except services.IdentifierTaken as taken:
        form.org_identifier.errors.append(_org_id_error(taken.holder))
        return _render_edit(_load(stakeholder_id, "stakeholder.edit"), form, status=422)
    except Taken:  # the identifier was taken between the check and the commit
        stakeholder = _load(stakeholder_id, "stakeholder.edit")
        form.org_identifier.errors.append(
            _("Another organization in the registry already has this identifier")
        )
        return _render_edit(stakeholder, form, status=422)
    except Refused:  # an edit conflict, or a stale version
        return _conflict(stakeholder_id, form)
    if proposed is not None:
        flash(
            _(
                "Your change is waiting for review. The public sees the approved version until "
                "an administrator approves it."
            ),
            "info",
        )
    else:
        flash(_("Your changes are saved."), "success")
    return _detail(stakeholder)


# --- contacts ----------------------------------------------------------------------------------


def _load_contact(stakeholder: Stakeholder, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.stakeholder_id != stakeholder.id:
        abort(404)
    return contact


def _render_contact(stakeholder: Stakeholder, form: ContactForm, status: int = 200, **context):
    return render(
        "stakeholders/contact_form.html",
        status=status,
        stakeholder=stakeholder,
        form=form,
        delete_form=DeleteForm(formdata=None),
        **context,
    )


@bp.route("/<int:stakeholder_id>/contacts/new", methods=["GET", "POST"])
@requires("contact.edit")
def contact_create(stakeholder_id: int):
    """Add a contact person (personal data: seen by members and staff only)."""
    stakeholder = _load(stakeholder_id, "contact.edit")
    form = ContactForm()
    if request.method == "GET":
        return _render_contact(stakeholder, form)
    if not form.validate():
        return _render_contact(stakeholder, form, status=422)
    with committing():
        services.add_contact(stakeholder, form.data_for_model(), _me())
    flash(_("The contact person is added."), "success")
    return _detail(stakeholder, "contacts-title")


@bp.route("/<int:stakeholder_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@requires("contact.edit")
def contact_update(stakeholder_id: int, contact_id: int):
    """Change a contact person's details."""
    stakeholder = _load(stakeholder_id, "contact.edit")
    contact = _load_contact(stakeholder, contact_id)
    if request.method == "GET":
        consent = contact.consent_at
        if consent.tzinfo is not None:
            consent = consent.astimezone(UTC)
        form = ContactForm(
            formdata=None,
            name=contact.name,
            position=contact.position,
            email=contact.email,
            phone=contact.phone,
            consent_at=consent.date(),
        )
        return _render_contact(stakeholder, form, contact=contact)
    form = ContactForm()
    if not form.validate():
        return _render_contact(stakeholder, form, status=422, contact=contact)
    with committing():
        changed = services.update_contact(contact, form.data_for_model(), _me())
    flash(_("The contact person is updated.") if changed else _("Nothing was changed."), "success")
    return _detail(stakeholder, "contacts-title")


@bp.route("/<int:stakeholder_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@requires("contact.edit")
def contact_delete(stakeholder_id: int, contact_id: int):
    """Remove a contact person and their personal data."""
    stakeholder = _load(stakeholder_id, "contact.edit")
    contact = _load_contact(stakeholder, contact_id)
    form = DeleteForm()
    if not form.validate():
        abort(400)
    with committing():
        services.delete_contact(contact, _me())
    flash(_("The contact person is removed."), "success")
    return _detail(stakeholder, "contacts-title")


# --- review: check your answers, submit, withdraw ----------------------------------------------


def _render_check(
    stakeholder: Stakeholder, status: int = 200, error: str | None = None, **context: Any
):
    context.setdefault("withdraw_form", WithdrawForm(formdata=None))
    return render(
        "stakeholders/check.html",
        status=status,
        stakeholder=stakeholder,
        rows=display_values(revisions.snapshot(stakeholder)),
        contacts=stakeholder.contacts if can(current_user, "contact.view", stakeholder) else [],
        can_submit=workflow.allows(current_user, stakeholder, workflow.Action.SUBMIT),
        status_label=workflow.STATUS_LABELS.get(stakeholder.status, stakeholder.status),
        form=SubmitForm(formdata=None),
        error=error,
        **context,
    )


def _refused(stakeholder_id: int, message: str, status: int):
    db.session.rollback()
    return _render_check(_load(stakeholder_id, "stakeholder.view"), status=status, error=message)


@bp.route("/<int:stakeholder_id>/submit", methods=["GET", "POST"])
@requires("stakeholder.submit")
def submit(stakeholder_id: int):
    """Check your answers, then send the entry to an administrator for review."""
    stakeholder = _load(stakeholder_id, "stakeholder.submit")
    if request.method == "GET":
        return _render_check(stakeholder)
    form = SubmitForm()
    if not form.validate():
        abort(400)
    try:
        with committing():
            services.submit(stakeholder, _me())
    except Stale:  # a second submit raced this one and won
        return _refused(
            stakeholder_id,
            _("This entry is already waiting for review: there is nothing more to do for now."),
            409,
        )
    except Refused as refusal:
        return _refused(stakeholder_id, refusal.message, refusal.status)
    flash(
        _(
            "“%(name)s” is submitted for review. An administrator will check it; you will get "
            "an email when they decide.",
            name=stakeholder.name,
        ),
        "success",
    )
    return _detail(stakeholder)


@bp.route("/<int:stakeholder_id>/discard", methods=["GET", "POST"])
@requires("stakeholder.discard")
def discard(stakeholder_id: int):
    """Throw away a draft that was never submitted, in two steps: this page says what is
    lost, its button deletes."""
    stakeholder = _load(stakeholder_id, "stakeholder.discard")
    able = services.discardable(stakeholder)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        # Only the confirmation's own button says yes: a stray POST deletes nothing.
        return render(
            "stakeholders/discard.html",
            stakeholder=stakeholder,
            discardable=able,
            status=200 if able else 409,
        )
    if not SubmitForm().validate():  # a CSRF-protected button, nothing more
        abort(400)
    name = stakeholder.name
    try:
        with committing():
            services.discard(stakeholder, _me())
    except Refused as refusal:
        db.session.rollback()
        return render(
            "stakeholders/discard.html",
            stakeholder=_load(stakeholder_id, "stakeholder.view"),
            discardable=False,
            error=refusal.message,
            status=refusal.status,
        )
    flash(_("The draft “%(name)s” is discarded.", name=name), "success")
    return redirect(url_for("stakeholders.mine"), 303)


@bp.route("/<int:stakeholder_id>/withdraw", methods=["POST"])
@requires("stakeholder.withdraw")
def withdraw(stakeholder_id: int):
    """Take an entry out of review, or off the public registry; the record is kept."""
    stakeholder = _load(stakeholder_id, "stakeholder.withdraw")
    form = WithdrawForm()
    if not form.validate():
        return _render_check(stakeholder, status=422, withdraw_form=form)
    if request.form.get("confirm") != "yes":
        # Only the "Withdraw" button itself sends confirm=yes: a stray POST changes nothing.
        return _render_check(
            stakeholder,
            status=422,
            withdraw_form=form,
            error=_("To withdraw the entry, use the “Withdraw” button below."),
        )
    try:
        with committing():
            services.withdraw(stakeholder, _me(), form.comment.data or "")
    except Stale:
        return _refused(
            stakeholder_id, _("The entry changed while you were working on it. Try again."), 409
        )
    except Refused as refusal:
        return _refused(stakeholder_id, refusal.message, refusal.status)
    flash(_("“%(name)s” is withdrawn.", name=stakeholder.name), "success")
    return _detail(stakeholder)


# --- ask to join an organization ---------------------------------------------------------------


@bp.route("/<int:stakeholder_id>/claim", methods=["GET", "POST"])
@requires("stakeholder.claim")
def claim(stakeholder_id: int):
    """Ask to act for an organization already in the registry; an administrator decides."""
    stakeholder = _load(stakeholder_id, "stakeholder.view")
    if current_user.is_member_of(stakeholder):
        message = _("You already act for this organization.")
        return render(
            "stakeholders/claim.html", status=403, stakeholder=stakeholder, refused=message
        )
    authorize("stakeholder.claim", stakeholder)
    existing = services.pending_claim(current_user, stakeholder)
    form = ClaimForm()
    if request.method == "GET":
        return render(
            "stakeholders/claim.html", stakeholder=stakeholder, form=form, existing=existing
        )
    if not form.validate():
        return render(
            "stakeholders/claim.html",
            status=422,
            stakeholder=stakeholder,
            form=form,
            existing=existing,
        )
    try:
        with committing():
            services.request_claim(stakeholder, _me(), form.message.data)
    except Refused as refusal:
        message = (
            _("You have already asked to join this organization. An administrator will reply.")
            if isinstance(refusal, Taken)  # a second tab's request won the race
            else refusal.message
        )
        stakeholder = _load(stakeholder_id, "stakeholder.view")
        return render(
            "stakeholders/claim.html",
            status=409,
            stakeholder=stakeholder,
            form=form,
            existing=services.pending_claim(current_user, stakeholder),
            refused=message,
        )
    flash(
        _(
            "Your request to join “%(name)s” is sent. An administrator will check it and let "
            "you know by email.",
            name=stakeholder.name,
        ),
        "success",
    )
    return _detail(stakeholder)


# --- my organizations --------------------------------------------------------------------------


@bp.route("/mine")
@requires("stakeholder.create")
def mine():
    """The organizations the user acts for, where each stands, and requests waiting."""
    stakeholders = services.my_stakeholders(current_user)
    return render(
        "stakeholders/mine.html",
        stakeholders=stakeholders,
        commitments=commitment_queries.of_organizations([s.id for s in stakeholders]),
        pending_ids=services.pending_revision_ids([s.id for s in stakeholders]),
        claims=services.my_pending_claims(current_user),
        status_labels=workflow.STATUS_LABELS,
    )
