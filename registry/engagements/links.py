"""The initiatives an engagement served, listed on both pages; staff link and unlink them.
Plain forms (a page of their own, as participants and outcomes have); each change audited."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.commit import Refused, committing
from registry.engagements import bp, services
from registry.engagements.forms import ButtonForm, InitiativeLinkForm
from registry.engagements.views import _load
from registry.extensions import db
from registry.htmx import render
from registry.models import Initiative
from registry.permissions import requires
from registry.text import clean, escape_like

LIMIT = 8


def find(text: str | None) -> list[Initiative]:
    """Initiatives whose title contains ``text`` (the list's title search), at most LIMIT."""
    text = " ".join(clean(text, 200).split())
    if len(text) < 2:
        return []
    stmt = (
        select(Initiative)
        .where(Initiative.title.ilike(f"%{escape_like(text)}%", escape="\\"))
        .order_by(Initiative.title, Initiative.id)
        .limit(LIMIT)
    )
    return list(db.session.scalars(stmt))


def _page(engagement, form: InitiativeLinkForm, status: int = 200, **context: Any):
    context.setdefault("found", [])
    return render(
        "engagements/initiatives.html",
        status=status,
        engagement=engagement,
        form=form,
        button=ButtonForm(formdata=None),
        **context,
    )


def _me():
    return current_user._get_current_object()


@bp.route("/<int:engagement_id>/initiatives", methods=["GET", "POST"])
@requires("engagement.edit")
def initiatives(engagement_id: int):
    """Which initiatives the engagement served: link one found by its title."""
    engagement = _load(engagement_id)
    if request.method == "GET":
        return _page(engagement, InitiativeLinkForm(formdata=None))
    form = InitiativeLinkForm()
    if not form.validate():
        return _page(engagement, form, 422)
    initiative = db.session.get(Initiative, form.initiative_id.data or 0)
    found = find(form.initiative_q.data)
    if initiative is None:
        exact = [
            i for i in found if i.title.casefold() == (form.initiative_q.data or "").casefold()
        ]
        if len(exact) == 1:
            initiative = exact[0]
        else:
            form.initiative_q.errors.append(
                _("Choose the initiative from the list")
                if found
                else _("No initiative has a title like this: check the spelling")
            )
            return _page(engagement, form, 422, found=found)
    try:
        with committing():
            linked = services.link_initiative(engagement, initiative, _me())
    except Refused as refusal:
        return _page(_load(engagement_id), form, refusal.status, problem=refusal.message)
    flash(
        _("“%(title)s” is now listed as served by this engagement.", title=initiative.title)
        if linked
        else _("“%(title)s” was already listed.", title=initiative.title),
        "success",
    )
    return redirect(url_for("engagements.initiatives", engagement_id=engagement_id), 303)


@bp.route("/<int:engagement_id>/initiatives/<int:initiative_id>/remove", methods=["POST"])
@requires("engagement.edit")
def initiative_remove(engagement_id: int, initiative_id: int):
    """Stop listing an initiative as served by the engagement (the initiative stays)."""
    engagement = _load(engagement_id)
    initiative = next((i for i in engagement.initiatives if i.id == initiative_id), None)
    if initiative is None:
        abort(404)
    if not ButtonForm().validate():
        abort(400)
    title = initiative.title
    with committing():
        services.unlink_initiative(engagement, initiative, _me())
    flash(_("“%(title)s” is no longer listed.", title=title), "success")
    return redirect(url_for("engagements.initiatives", engagement_id=engagement_id), 303)
