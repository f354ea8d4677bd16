"""Commitments: each one's page; write one (a draft), with its deliverables and resources as
rows added in place, a SMART checklist beside the form and alignment picked from a list;
submit it for review, or publish it directly (staff); withdraw it.

Every view loads the commitment, then authorizes (one the user may not see is a 404),
validates its form, calls one service and commits once; a failed form is 422 with the form
again, a refusal its own 4xx, a success 303 to the commitment's page.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from registry import countries, currencies, revisions, workflow
from registry.commit import FieldRefused, Refused, Stale, committing
from registry.commitments import bp, progress, queries, services, smart
from registry.commitments.forms import (
    MAX_DELIVERABLES,
    MAX_RESOURCES,
    ButtonForm,
    CommitmentForm,
    fields_of,
)
from registry.extensions import db
from registry.frameworks import picker
from registry.htmx import render
from registry.http_cache import cacheable
from registry.models import (
    RESOURCE_KIND_LABELS,
    VERIFICATION_LABELS,
    Commitment,
    Membership,
    ResourceKind,
    Stakeholder,
    Status,
)
from registry.permissions import authorize, can, requires
from registry.review import queue
from registry.stakeholders import pick as stakeholder_pick


def me():
    return current_user._get_current_object()


def load(commitment_id: int, action: str = "entry.view") -> Commitment:
    """The commitment if ``action`` is allowed on it: 404 when it does not exist or may not be
    seen (a guessed id reveals nothing), 403 when seen but not allowed."""
    commitment = queries.get_commitment(commitment_id)
    if commitment is None or not can(current_user, "entry.view", commitment):
        abort(404)
    authorize(action, commitment)
    return commitment


def _detail(commitment: Commitment, anchor: str | None = None):
    return redirect(url_for("commitments.detail", commitment_id=commitment.id, _anchor=anchor), 303)


# --- the page -----------------------------------------------------------------------------------


def totals(resources) -> list[tuple[str, float]]:
    """Money pledged, per currency (never added across currencies)."""
    found: dict[str, float] = {}
    for resource in resources:
        if resource.kind == ResourceKind.FINANCIAL and resource.amount is not None:
            code = resource.currency or ""
            found[code] = found.get(code, 0.0) + resource.amount
    return sorted(found.items())


def detail_context(commitment: Commitment, **extra: Any) -> dict[str, Any]:
    staff_or_member = can(current_user, "entry.history", commitment)
    on = progress.today()
    deliverables = commitment.deliverables
    context: dict[str, Any] = {
        "commitment": commitment,
        "light": progress.light_of(commitment, on),
        "light_labels": progress.LIGHT_LABELS,
        "light_hints": progress.LIGHT_HINTS,
        "slipped": [d for d in deliverables if progress.slipped(d, on)],
        "percent": progress.percent,
        "is_slipped": lambda d: progress.slipped(d, on),
        "totals": totals(commitment.resources),
        "kind_labels": RESOURCE_KIND_LABELS,
        "currency_name": lambda code: currencies.names().get(code, code),
        "item_label": picker.item_label,
        "country_name": countries.name,
        "status_label": workflow.STATUS_LABELS.get(commitment.status, commitment.status),
        "checks": smart.check(revisions.snapshot(commitment)),
        "actions": workflow.allowed_actions(current_user, commitment),
        "pending": revisions.pending_revision(commitment) if staff_or_member else None,
        "reports": queries.reports(
            commitment, with_hidden=can(current_user, "commitment.hide_report", commitment)
        ),
        "verification_labels": VERIFICATION_LABELS,
        "deliverable_titles": {d.id: d.title for d in deliverables},
        "decision": queue.decision_on(commitment, current_user),
        "error": None,
    }
    context.update(extra)
    return context


@bp.route("/<int:commitment_id>")
@cacheable()
@requires("public")
def detail(commitment_id: int):
    """One commitment: its deliverables and their progress, resources, alignment, the
    progress reports; and for its writers, the checklist and the next step."""
    commitment = load(commitment_id)
    response = render("commitments/detail.html", **detail_context(commitment))
    response.last_modified = commitment.updated_at
    return response


# --- write --------------------------------------------------------------------------------------


def _my_organizations() -> list[Stakeholder]:
    stmt = (
        select(Stakeholder)
        .join(Membership, Membership.stakeholder_id == Stakeholder.id)
        .where(Membership.user_id == current_user.id, Stakeholder.status != Status.ARCHIVED)
        .order_by(Stakeholder.name)
    )
    return list(db.session.scalars(stmt))


def _chosen_stakeholder() -> Stakeholder | None:
    value = request.values.get("stakeholder", "").strip()
    if not value.isdecimal() or not 0 < int(value) < 2**31:
        return None
    stakeholder = db.session.get(Stakeholder, int(value))
    if stakeholder is None or not can(current_user, "stakeholder.view", stakeholder):
        abort(404)
    authorize("commitment.write_for", stakeholder)
    return stakeholder


def _form(stakeholder: Stakeholder, formdata: Any = ..., **values: Any) -> CommitmentForm:
    options = {
        "initiatives": services.initiatives_for(stakeholder),
        "engagements": services.engagements_for(stakeholder),
    }
    if formdata is ...:
        return CommitmentForm(**options, **values)
    return CommitmentForm(formdata=formdata, **options, **values)


def _render_form(
    stakeholder: Stakeholder,
    form: CommitmentForm,
    status: int = 200,
    commitment: Commitment | None = None,
    **context: Any,
):
    data = form.data_for_model()
    context.setdefault("focus", None)
    response = render(
        "commitments/form.html",
        status=status,
        form=form,
        stakeholder=stakeholder,
        commitment=commitment,
        checks=smart.check(data),
        **picker.context(form),
        needs_review=commitment is not None and revisions.needs_review(commitment, me()),
        pending=revisions.pending_revision(commitment) if commitment is not None else None,
        max_deliverables=MAX_DELIVERABLES,
        max_resources=MAX_RESOURCES,
        problems=[
            (f.id, f.errors[0])
            for f in fields_of(form)
            if f.errors and f.type not in ("CSRFTokenField", "HiddenField")
        ],
        **context,
    )
    return response


def _renumbered(formdata: MultiDict, prefix: str, index: int) -> MultiDict:
    """The form's data without row ``index`` of ``prefix`` ("deliverables"), the rows after
    it moved up one, so the rows stay numbered 0, 1, 2 …"""
    kept = MultiDict()
    for key, value in formdata.items(multi=True):
        head, _sep, rest = key.partition("-")
        number, _sep2, name = rest.partition("-")
        if head == prefix and number.isdecimal() and name:
            n = int(number)
            if n == index:
                continue
            if n > index:
                key = f"{prefix}-{n - 1}-{name}"
        kept.add(key, value)
    return kept


ROWS = (
    ("deliverables", "deliverable", "title", MAX_DELIVERABLES),
    ("resources", "resource", "kind", MAX_RESOURCES),
)


def _rework(stakeholder: Stakeholder, commitment: Commitment | None, action: str):
    """A row added or removed, or framework items looked up: the form comes back changed,
    nothing is saved (htmx swaps the part that changed; without JavaScript the page), and
    focus goes to the new row, or to the "add" button when one was removed."""
    formdata, focus = request.form, None
    for prefix, singular, _first, _limit in ROWS:
        number = action.removeprefix(f"remove-{singular}-")
        if number != action and number.isdecimal():
            formdata = _renumbered(formdata, prefix, int(number))
            focus = f"add-{singular}"
    form = _form(stakeholder, formdata=formdata)
    form.validate()
    for field in fields_of(form):  # adding a row is not saving: nothing is marked wrong yet
        field.errors = []
    for prefix, singular, first, limit in ROWS:
        rows = getattr(form, prefix)
        if len(rows) == 0:
            rows.append_entry()
        if action == f"add-{singular}":
            if len(rows) < limit:
                rows.append_entry()
                focus = f"{prefix}-{len(rows) - 1}-{first}"
            else:
                focus = f"add-{singular}"
    if action == "find-alignment":
        focus = "alignment-found-title"
    response = _render_form(stakeholder, form, commitment=commitment, focus=focus, rework=True)
    response.headers["HX-Trigger"] = "rows-changed"  # the checklist looks again
    return response


def _refusal_on_field(form: CommitmentForm, refusal: FieldRefused) -> None:
    field = form.field_named(refusal.field)
    if field is None:
        field = form.title
    field.errors = [*field.errors, refusal.message]


@bp.route("/new", methods=["GET", "POST"])
@requires("commitment.create")
def create():
    """Write a commitment for an organization: saved as a draft, submitted once SMART."""
    stakeholder = _chosen_stakeholder()
    if stakeholder is None:
        return _choose_organization()
    if request.method == "GET":
        return _render_form(stakeholder, _form(stakeholder))
    action = request.form.get("action", "save")
    if action != "save":
        return _rework(stakeholder, None, action)
    form = _form(stakeholder)
    if not form.validate():
        return _render_form(stakeholder, form, 422)
    try:
        with committing():
            commitment = services.create(stakeholder, form.data_for_model(), me())
    except FieldRefused as refusal:
        _refusal_on_field(form, refusal)
        return _render_form(stakeholder, form, refusal.status)
    flash(
        _(
            "“%(title)s” is saved as a draft. When the checklist is complete, submit it.",
            title=commitment.title,
        ),
        "success",
    )
    return _detail(commitment)


def _choose_organization():
    """Which organization the commitment is for: the user's own, or (staff) any found."""
    query = request.args.get("q", "")
    staff = can(current_user, "commitment.publish")
    found = stakeholder_pick.matches(query) if staff and query.strip() else []
    return render(
        "commitments/choose.html",
        organizations=_my_organizations(),
        staff=staff,
        query=query,
        found=found,
    )


def _conflict(commitment_id: int, form: CommitmentForm):
    """Someone saved first: keep the editor's input, say so (409)."""
    db.session.rollback()
    commitment = load(commitment_id, "entry.edit")
    form.version.data = revisions.edit_token(commitment, me())
    return _render_form(
        commitment.stakeholder,
        form,
        409,
        commitment=commitment,
        conflict=True,
    )


@bp.route("/<int:commitment_id>/edit", methods=["GET", "POST"])
@requires("entry.edit")
def update(commitment_id: int):
    """Change a commitment: at once while it is a draft (or by staff), as a change waiting
    for review once it is public."""
    commitment = load(commitment_id, "entry.edit")
    stakeholder = commitment.stakeholder
    if request.method == "GET":
        values = revisions.editable_values(commitment, me())
        form = _form(stakeholder, formdata=None, data=_form_values(values))
        form.version.data = revisions.edit_token(commitment, me())
        return _render_form(stakeholder, form, commitment=commitment)
    action = request.form.get("action", "save")
    if action != "save":
        return _rework(stakeholder, commitment, action)
    form = _form(stakeholder)
    if not form.validate():
        return _render_form(stakeholder, form, 422, commitment=commitment)
    try:
        with committing():
            proposed = services.update(
                commitment, form.data_for_model(), me(), form.version.data or ""
            )
    except FieldRefused as refusal:
        db.session.rollback()
        _refusal_on_field(form, refusal)
        return _render_form(
            stakeholder, form, refusal.status, commitment=load(commitment_id, "entry.edit")
        )
    except Refused:  # an edit conflict, or a stale version
        return _conflict(commitment_id, form)
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
    return _detail(commitment)


def _form_values(values: dict[str, Any]) -> dict[str, Any]:
    """A snapshot (plain values) as the form's initial data."""
    from datetime import date

    def day(value):
        return date.fromisoformat(value) if value else None

    deliverables = [
        {**row, "due_on": day(row.get("due_on"))} for row in values.get("deliverables") or []
    ]
    return {
        "title": values.get("title"),
        "description": values.get("description"),
        "initiative_id": values.get("initiative_id") or "",
        "engagement_id": values.get("engagement_id") or "",
        "starts_on": day(values.get("starts_on")),
        "ends_on": day(values.get("ends_on")),
        "deliverables": deliverables or [{}],
        "resources": values.get("resources") or [{}],
        "alignment": values.get("alignment") or [],
    }


@bp.route("/check", methods=["POST"])
@requires("commitment.create")
def smart_check():
    """The SMART checklist for the form as it stands (htmx, while the user types)."""
    form = CommitmentForm()
    form.validate()  # fields that do not parse count as missing
    return render_template(
        "commitments/_smart_response.html", checks=smart.check(form.data_for_model())
    )


# --- review: submit, publish, withdraw ----------------------------------------------------------


def _refused(commitment_id: int, message: str, status: int):
    db.session.rollback()
    commitment = load(commitment_id)
    return render(
        "commitments/detail.html", status=status, **detail_context(commitment, error=message)
    )


def _move(commitment_id: int, permission: str, service, done: str):
    commitment = load(commitment_id, permission)
    if not ButtonForm().validate():  # a CSRF-protected button, nothing more
        abort(400)
    try:
        with committing():
            service(commitment)
    except Stale:
        return _refused(
            commitment_id, _("The commitment changed while you were working on it. Try again."), 409
        )
    except Refused as refusal:
        return _refused(commitment_id, refusal.message, refusal.status)
    flash(done % {"title": commitment.title}, "success")
    return _detail(commitment)


@bp.route("/<int:commitment_id>/submit", methods=["POST"])
@requires("entry.submit")
def submit(commitment_id: int):
    """Send a SMART commitment to an administrator for review."""
    return _move(
        commitment_id,
        "entry.submit",
        lambda c: services.submit(c, me()),
        _("“%(title)s” is submitted for review. You will get an email when it is decided."),
    )


@bp.route("/<int:commitment_id>/publish", methods=["POST"])
@requires("commitment.publish")
def publish(commitment_id: int):
    """Staff put a SMART commitment on the public registry without review."""
    return _move(
        commitment_id,
        "commitment.publish",
        lambda c: services.publish(c, me()),
        _("“%(title)s” is published."),
    )


@bp.route("/<int:commitment_id>/withdraw", methods=["POST"])
@requires("entry.withdraw")
def withdraw(commitment_id: int):
    """Take a commitment out of review, or off the public registry; the record is kept."""
    load(commitment_id, "entry.withdraw")
    if request.form.get("confirm") != "yes":
        # Only the "Withdraw" button itself sends confirm=yes: a stray POST changes nothing.
        return _refused(
            commitment_id, _("To withdraw the commitment, use the “Withdraw” button."), 422
        )
    return _move(
        commitment_id,
        "entry.withdraw",
        lambda c: workflow.transition(c, workflow.Action.WITHDRAW, me(), ""),
        _("“%(title)s” is withdrawn."),
    )
