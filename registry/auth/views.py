"""Register, log in, log out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from registry import audit
from registry.auth.forms import LoginForm, RegisterForm
from registry.auth.services import (
    EmailTaken,
    authenticate,
    record_login,
    register_user,
    safe_next,
)
from registry.commit import Taken, committing
from registry.extensions import limiter
from registry.htmx import render
from registry.permissions import requires

bp = Blueprint("auth", __name__)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@requires("public")
@limiter.limit(_login_rate_limit, methods=["POST"])
def register():
    """Create a community account and log in with it."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            with committing():
                user = register_user(form.name.data, form.email.data, form.password.data)
        except (EmailTaken, Taken):  # Taken: the same address registered a moment ago
            form.email.errors.append(_("An account with this email address already exists"))
        else:
            login_user(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            return redirect(url_for("main.index"), 303)
    status = 422 if form.errors else 200
    return render("auth/register.html", form=form, status=status)


@bp.route("/login", methods=["GET", "POST"])
@requires("public")
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            error = _("The email address or password is not right")
        elif not user.active:
            error = _("This account has been deactivated. Ask an administrator to restore it.")
        else:
            with committing():
                record_login(user)
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(form.next.data) or url_for("main.index"), 303)
    status = 422 if (form.errors or error) else 200
    return render("auth/login.html", form=form, error=error, status=status)


@bp.route("/logout", methods=["POST"])
@requires("account.logout")
def logout():
    """End the session (a POST: logging out is a side effect)."""
    user = current_user._get_current_object()
    with committing():
        audit.record("user.logged_out", user, actor=user)
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"), 303)
