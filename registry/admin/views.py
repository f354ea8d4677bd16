"""Manage accounts: list, change roles, memberships, deactivate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from registry import entries
from registry.admin import services
from registry.admin.forms import ActiveForm, AddMembershipForm, RoleForm
from registry.auth.services import safe_next
from registry.commit import Refused, committing
from registry.entries import EntryType
from registry.extensions import db
from registry.htmx import render, wants_fragment
from registry.models import ROLE_LABELS, Role, User
from registry.pagination import paginate
from registry.permissions import requires

bp = Blueprint("admin", __name__)


def _actor() -> User:
    return current_user._get_current_object()


# Accounts are not reviewed, but the audit log links the events about one to its page.
entries.register(
    EntryType(
        key="user",
        model=User,
        label=_l("Account"),
        endpoint="admin.user_detail",
        id_arg="user_id",
        title=lambda user: user.name,
        reviewed=False,
    )
)


def _filters() -> dict[str, str]:
    return {
        "q": request.args.get("q", "")[:200],
        "role": request.args.get("role", ""),
        "state": request.args.get("state", ""),
    }


def _row_context(user: User, membership_count: int | None = None, **extra) -> dict:
    """What one account's row (or page) needs; the list passes counts it got in one query."""
    if membership_count is None:
        membership_count = len(user.memberships)
    return {
        "user": user,
        "role_form": RoleForm(formdata=None, role=user.role.value),
        "active_form": ActiveForm(formdata=None, active="0" if user.active else "1"),
        "role_labels": ROLE_LABELS,
        "membership_count": membership_count,
        **extra,
    }


def _load_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users/")
@requires("users.manage")
def users():
    """Every account, filtered and paged."""
    filters = _filters()
    page = paginate(services.users_query(**filters))
    counts = services.membership_counts([u.id for u in page.items])
    rows = [_row_context(u, membership_count=counts.get(u.id, 0)) for u in page.items]
    return render(
        "admin/users.html",
        block="results",
        page=page,
        rows=rows,
        filters=filters,
        roles=ROLE_LABELS,
    )


def _after_change(user: User, message: str | None, error: str | None, status: int = 200):
    """htmx: the row replaces itself. Plain POST: done, flash and go back (303); refused,
    the account's page again with the reason (422)."""
    if wants_fragment():
        context = _row_context(user, error=error, message=message)
        return render("admin/users.html", block="user_row", status=status, **context)
    if error:
        return _render_user(user, error=error, status=status)
    if message:
        flash(message, "success")
    target = safe_next(request.form.get("next")) or url_for("admin.users")
    return redirect(target, 303)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@requires("users.manage")
def update_role(user_id: int):
    """Give an account another role."""
    user = _load_user(user_id)
    form = RoleForm()
    if not form.validate():
        db.session.rollback()
        return _after_change(user, None, _("Choose one of the listed roles."), 422)
    try:
        with committing():
            changed = services.change_role(_actor(), user, Role(form.role.data))
    except Refused as refusal:
        return _after_change(_load_user(user_id), None, refusal.message, refusal.status)
    message = (
        _("%(name)s is now: %(role)s.", name=user.name, role=ROLE_LABELS[user.role])
        if changed
        else None
    )
    return _after_change(user, message, None)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires("users.manage")
def update_active(user_id: int):
    """Deactivate an account, or restore it."""
    user = _load_user(user_id)
    form = ActiveForm()
    if not form.validate():
        return _after_change(user, None, _("Choose whether the account is active."), 422)
    try:
        with committing():
            changed = services.set_active(_actor(), user, form.active.data == "1")
    except Refused as refusal:
        return _after_change(_load_user(user_id), None, refusal.message, refusal.status)
    message = None
    if changed:
        message = (
            _("%(name)s can log in again.", name=user.name)
            if user.active
            else _("%(name)s can no longer log in.", name=user.name)
        )
    return _after_change(user, message, None)


@bp.route("/users/<int:user_id>", methods=["GET"])
@requires("users.manage")
def user_detail(user_id: int):
    """One account: its role, state and memberships."""
    user = _load_user(user_id)
    q = request.args.get("q", "")[:200]
    return _render_user(user, q=q)


def _render_user(
    user: User, q: str = "", add_form=None, status: int = 200, error: str | None = None
):
    add_form = add_form or AddMembershipForm(formdata=None)
    candidates = services.stakeholder_candidates(q)
    add_form.stakeholder_id.choices = [SelectChoice(s.id, s.name) for s in candidates]
    return render(
        "admin/user.html",
        block="candidates",
        status=status,
        add_form=add_form,
        candidates=candidates,
        q=q,
        **_row_context(user, error=error),
    )


@bp.route("/users/<int:user_id>/memberships", methods=["POST"])
@requires("users.manage")
def add_membership(user_id: int):
    """Let an account act for one more organization."""
    user = _load_user(user_id)
    form = AddMembershipForm()
    form.stakeholder_id.choices = []
    q = request.form.get("q", "")[:200]
    if not form.validate():
        return _render_user(user, q=q, add_form=form, status=422)
    try:
        with committing():
            membership = services.add_membership(_actor(), user, form.stakeholder_id.data)
    except Refused as refusal:
        form.stakeholder_id.errors = [refusal.message]
        return _render_user(_load_user(user_id), q=q, add_form=form, status=refusal.status)
    flash(
        _(
            "%(name)s can now act for %(org)s.",
            name=user.name,
            org=membership.stakeholder.name,
        ),
        "success",
    )
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


@bp.route("/users/<int:user_id>/memberships/<int:membership_id>/delete", methods=["POST"])
@requires("users.manage")
def remove_membership(user_id: int, membership_id: int):
    """Stop an account acting for an organization."""
    user = _load_user(user_id)
    try:
        with committing():
            services.remove_membership(_actor(), user, membership_id)
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        flash(_("The membership was removed."), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)
