"""Officers (and administrators) record a resolution's implementation as dated lines: done,
under implementation, or planned for a period; each names the operative paragraphs it serves.
A mistake is corrected by editing the line, or hidden with a reason (two steps), never
deleted: the trail and the briefings already sent stay explainable.

Each view loads (404), checks the form, calls one service and commits once; a refused form is
422 with the reason beside its field, a success 303 to the resolution's page at the line.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from registry.commit import FieldRefused, Refused, committing
from registry.commitments import progress
from registry.extensions import db
from registry.frameworks import services
from registry.frameworks.admin import _on_field, _refused_page, framework_url, me
from registry.frameworks.forms import HideStatusForm, StatusForm
from registry.frameworks.tracking import paragraph_order
from registry.frameworks.views import _framework, bp
from registry.htmx import render
from registry.models import Framework, FrameworkItem, ImplementationStatus
from registry.permissions import requires


def load_status(framework: Framework, status_id: int) -> ImplementationStatus:
    if not 0 < status_id < 2**31:
        abort(404)
    status = db.session.get(ImplementationStatus, status_id)
    if status is None or status.framework_id != framework.id:
        abort(404)
    return status


def _paragraph_choices(framework: Framework, status: ImplementationStatus | None):
    """The resolution's paragraphs in order (sub-paragraphs under theirs): one statement.
    Archived ones are offered only where the line already serves them."""
    kept = {item.id for item in status.items} if status is not None else set()
    order, (parent, onclause) = paragraph_order()
    stmt = (
        select(FrameworkItem.id, FrameworkItem.code, FrameworkItem.archived_at)
        .outerjoin(parent, onclause)
        .where(FrameworkItem.framework_id == framework.id)
        .order_by(*order)
    )
    return [
        SelectChoice(str(row_id), code)
        for row_id, code, archived_at in db.session.execute(stmt)
        if archived_at is None or row_id in kept
    ]


def _form_page(form, framework, status=None, code: int = 200, **ctx: Any):
    form.items.choices = _paragraph_choices(framework, status)
    return render(
        "frameworks/status_form.html",
        status=code,
        form=form,
        framework=framework,
        line=status,
        **ctx,
    )


def _resolution_only(framework: Framework):
    if framework.kind == "resolution":
        return None
    return _refused_page(framework, _("Implementation is recorded on resolutions."), 409)


@bp.route("/frameworks/<path:code>/statuses/new", methods=["GET", "POST"])
@requires("framework.track")
def status_create(code: str):
    """Record one line of a resolution's implementation."""
    framework = _framework(code)
    if (refused := _resolution_only(framework)) is not None:
        return refused
    if request.method == "GET":
        form = StatusForm(formdata=None, data={"recorded_on": progress.today()})
        return _form_page(form, framework)
    form = StatusForm()
    form.items.choices = _paragraph_choices(framework, None)
    if not form.validate():
        return _form_page(form, framework, code=422)
    try:
        with committing():
            line = services.record_status(framework, form.values(), me(), progress.today())
    except FieldRefused as refusal:
        _on_field(form, refusal)
        return _form_page(form, _framework(code), code=refusal.status)
    except Refused as refusal:
        framework = _framework(code)
        return _form_page(form, framework, code=refusal.status, problem=refusal.message)
    flash(_("The line is recorded."), "success")
    return redirect(framework_url(framework, f"status-{line.id}"), 303)


@bp.route("/frameworks/<path:code>/statuses/<int:status_id>/edit", methods=["GET", "POST"])
@requires("framework.track")
def status_update(code: str, status_id: int):
    """Correct a recorded line."""
    framework = _framework(code)
    line = load_status(framework, status_id)
    if line.hidden:
        return _refused_page(framework, _("This line is hidden; it is no longer edited."), 409)
    if request.method == "GET":
        form = StatusForm(formdata=None, obj=line)
        form.state.data = line.state.value
        form.items.data = [str(item.id) for item in line.items]
        return _form_page(form, framework, line)
    form = StatusForm()
    form.items.choices = _paragraph_choices(framework, line)
    if not form.validate():
        return _form_page(form, framework, line, 422)
    try:
        with committing():
            changed = services.update_status(line, form.values(), me(), progress.today())
    except FieldRefused as refusal:
        _on_field(form, refusal)
        framework = _framework(code)
        return _form_page(form, framework, load_status(framework, status_id), refusal.status)
    except Refused as refusal:
        framework = _framework(code)
        line = load_status(framework, status_id)
        return _form_page(form, framework, line, refusal.status, problem=refusal.message)
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return redirect(framework_url(framework, f"status-{status_id}"), 303)


def _hide_page(framework, line, form, code: int = 200, **ctx: Any):
    return render(
        "frameworks/status_hide.html", status=code, framework=framework, line=line, form=form, **ctx
    )


@bp.route("/frameworks/<path:code>/statuses/<int:status_id>/hide", methods=["GET", "POST"])
@requires("framework.track")
def status_hide(code: str, status_id: int):
    """Hide a line, in two steps: this page asks why. It leaves the page and the briefing;
    staff still see it, marked hidden, with the reason."""
    framework = _framework(code)
    line = load_status(framework, status_id)
    if line.hidden:
        return _hide_page(framework, line, None, 409, problem=_("This line is already hidden."))
    if request.method == "GET":
        return _hide_page(framework, line, HideStatusForm(formdata=None))
    form = HideStatusForm()
    if not form.validate():
        return _hide_page(framework, line, form, 422)
    try:
        with committing():
            services.hide_status(line, form.reason.data or "", me())
    except FieldRefused as refusal:
        _on_field(form, refusal)
        framework = _framework(code)
        return _hide_page(framework, load_status(framework, status_id), form, refusal.status)
    except Refused as refusal:
        framework = _framework(code)
        line = load_status(framework, status_id)
        return _hide_page(framework, line, None, refusal.status, problem=refusal.message)
    flash(_("The line is hidden. It no longer shows on the page or in briefings."), "success")
    return redirect(framework_url(framework, "implementation"), 303)
