"""Administrators add and edit a resolution and its operative paragraphs through the app,
and archive or restore an item (in two steps: a page asks to confirm). The 2030 Agenda is
imported data and is not edited here (``services.editable`` says why).

Each view loads (404), checks the form, calls one service and commits once through the
commit boundary, which audits with it; a refused form is 422 with the form again and the
reason beside the field, any other refusal its own 4xx with the message; a success is 303 to
the resolution's page.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from registry.commit import FieldRefused, Refused, committing
from registry.extensions import db
from registry.frameworks import services
from registry.frameworks.forms import ConfirmForm, ParagraphForm, ResolutionEditForm, ResolutionForm
from registry.frameworks.views import _framework, _not_found, bp
from registry.htmx import render
from registry.models import Framework, FrameworkItem
from registry.permissions import requires


def me():
    return current_user._get_current_object()


def framework_url(framework: Framework, anchor: str | None = None) -> str:
    return url_for("frameworks.framework", code=framework.code, _anchor=anchor)


def load_item(framework: Framework, code: str) -> FrameworkItem:
    found = None
    if 0 < len(code) <= 30 and code.isprintable():
        found = db.session.scalar(
            select(FrameworkItem).where(
                FrameworkItem.framework_id == framework.id, FrameworkItem.code == code
            )
        )
    if found is None:
        _not_found(
            _("%(framework)s has no item “%(code)s”.", framework=framework.code, code=code[:30])
        )
    return found


def _on_field(form, refusal: FieldRefused) -> None:
    field = getattr(form, refusal.field, None)
    if field is None:
        raise refusal
    field.errors = [*field.errors, refusal.message]


def _refused_page(framework: Framework, message: str, status: int):
    """An action this agreement does not allow (the SDG texts): the message, nothing else."""
    return render("frameworks/refused.html", status=status, framework=framework, message=message)


# --- a resolution -------------------------------------------------------------------------------


def _resolution_page(form, framework: Framework | None = None, status: int = 200, **ctx: Any):
    return render(
        "frameworks/resolution_form.html", status=status, form=form, framework=framework, **ctx
    )


@bp.route("/frameworks/new", methods=["GET", "POST"])
@requires("framework.edit")
def framework_create():
    """Add a UN-Habitat Assembly resolution (its paragraphs come next)."""
    if request.method == "GET":
        return _resolution_page(ResolutionForm(formdata=None))
    form = ResolutionForm()
    if not form.validate():
        return _resolution_page(form, status=422)
    try:
        with committing():
            framework = services.create_resolution(form.values(), me())
    except FieldRefused as refusal:
        _on_field(form, refusal)
        return _resolution_page(form, status=refusal.status)
    except Refused as refusal:
        return _resolution_page(form, status=refusal.status, problem=refusal.message)
    flash(
        _("%(code)s is added. Add its operative paragraphs next.", code=framework.code), "success"
    )
    return redirect(framework_url(framework), 303)


@bp.route("/frameworks/<path:code>/edit", methods=["GET", "POST"])
@requires("framework.edit")
def framework_update(code: str):
    """Change a resolution's year, title or description."""
    framework = _framework(code)
    if not services.editable(framework):
        return _refused_page(
            framework, _("This agreement is imported from its official data, not edited here."), 409
        )
    if request.method == "GET":
        return _resolution_page(ResolutionEditForm(obj=framework), framework)
    form = ResolutionEditForm()
    if not form.validate():
        return _resolution_page(form, framework, 422)
    try:
        with committing():
            changed = services.update_framework(framework, form.values(), me())
    except FieldRefused as refusal:
        _on_field(form, refusal)
        return _resolution_page(form, _framework(code), refusal.status)
    except Refused as refusal:
        return _resolution_page(form, _framework(code), refusal.status, problem=refusal.message)
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return redirect(framework_url(framework), 303)


# --- a paragraph --------------------------------------------------------------------------------


def _parent_choices(framework: Framework, item: FrameworkItem | None) -> list[SelectChoice]:
    """Top-level paragraphs of the resolution (one statement), the item itself left out."""
    stmt = (
        select(FrameworkItem.id, FrameworkItem.code)
        .where(FrameworkItem.framework_id == framework.id, FrameworkItem.parent_id.is_(None))
        .order_by(FrameworkItem.position, FrameworkItem.id)
    )
    choices = [SelectChoice("", _("None: a paragraph of its own"))]
    choices += [
        SelectChoice(str(row_id), code)
        for row_id, code in db.session.execute(stmt)
        if item is None or row_id != item.id
    ]
    return choices


def _paragraph_page(form, framework, item=None, status: int = 200, **ctx: Any):
    form.parent_id.choices = _parent_choices(framework, item)
    return render(
        "frameworks/paragraph_form.html",
        status=status,
        form=form,
        framework=framework,
        item=item,
        **ctx,
    )


def _editable_or_refused(framework: Framework):
    if services.editable(framework):
        return None
    return _refused_page(
        framework,
        _(
            "The goals, targets and indicators of the 2030 Agenda are imported from the "
            "official data in six languages, so they are corrected there and imported again, "
            "not edited here."
        ),
        409,
    )


@bp.route("/frameworks/<path:code>/paragraphs/new", methods=["GET", "POST"])
@requires("framework.edit")
def paragraph_create(code: str):
    """Add an operative paragraph, or a sub-paragraph of one."""
    framework = _framework(code)
    if (refused := _editable_or_refused(framework)) is not None:
        return refused
    if request.method == "GET":
        return _paragraph_page(ParagraphForm(formdata=None), framework)
    form = ParagraphForm()
    form.parent_id.choices = _parent_choices(framework, None)
    if not form.validate():
        return _paragraph_page(form, framework, status=422)
    try:
        with committing():
            item = services.create_paragraph(framework, form.values(), me())
    except FieldRefused as refusal:
        _on_field(form, refusal)
        return _paragraph_page(form, _framework(code), status=refusal.status)
    except Refused as refusal:
        framework = _framework(code)
        return _paragraph_page(form, framework, status=refusal.status, problem=refusal.message)
    flash(_("%(code)s is added.", code=item.code), "success")
    return redirect(framework_url(framework, f"manage-{item.id}"), 303)


@bp.route("/frameworks/<path:code>/items/<item>/edit", methods=["GET", "POST"])
@requires("framework.edit")
def item_update(code: str, item: str):
    """Change a paragraph's number, parent, position or text."""
    framework = _framework(code)
    if (refused := _editable_or_refused(framework)) is not None:
        return refused
    found = load_item(framework, item)
    if request.method == "GET":
        form = ParagraphForm(formdata=None, obj=found)
        form.parent_id.data = found.parent_id
        return _paragraph_page(form, framework, found)
    form = ParagraphForm()
    form.parent_id.choices = _parent_choices(framework, found)
    if not form.validate():
        return _paragraph_page(form, framework, found, 422)
    try:
        with committing():
            changed = services.update_paragraph(found, form.values(), me())
    except FieldRefused as refusal:
        _on_field(form, refusal)
        framework = _framework(code)
        return _paragraph_page(form, framework, load_item(framework, item), refusal.status)
    except Refused as refusal:
        framework = _framework(code)
        found = load_item(framework, item)
        return _paragraph_page(form, framework, found, refusal.status, problem=refusal.message)
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return redirect(framework_url(framework, f"manage-{found.id}"), 303)


# --- archive, restore ---------------------------------------------------------------------------


def _archive_page(framework, item, archive: bool, form, status: int = 200, **ctx: Any):
    return render(
        "frameworks/item_archive.html",
        status=status,
        framework=framework,
        item=item,
        archive=archive,
        form=form,
        **ctx,
    )


def _set_archived(code: str, item: str, archive: bool):
    framework = _framework(code)
    found = load_item(framework, item)
    if (found.archived_at is not None) == archive:
        message = (
            _("%(code)s is already archived.", code=found.code)
            if archive
            else _("%(code)s is not archived.", code=found.code)
        )
        return _archive_page(framework, found, archive, None, 409, problem=message)
    if request.method == "GET":
        return _archive_page(framework, found, archive, ConfirmForm(formdata=None))
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    try:
        with committing():
            services.set_archived(found, archive, me())
    except Refused as refusal:
        framework = _framework(code)
        found = load_item(framework, item)
        return _archive_page(
            framework, found, archive, None, refusal.status, problem=refusal.message
        )
    flash(
        _("%(code)s is archived: no longer offered, kept where it is used.", code=found.code)
        if archive
        else _("%(code)s is in use again.", code=found.code),
        "success",
    )
    return redirect(framework_url(framework, f"manage-{found.id}"), 303)


@bp.route("/frameworks/<path:code>/items/<item>/archive", methods=["GET", "POST"])
@requires("framework.edit")
def item_archive(code: str, item: str):
    """Take an item out of use, in two steps: this page asks to confirm."""
    return _set_archived(code, item, True)


@bp.route("/frameworks/<path:code>/items/<item>/restore", methods=["GET", "POST"])
@requires("framework.edit")
def item_restore(code: str, item: str):
    """Put an archived item back in use, in two steps."""
    return _set_archived(code, item, False)
