"""Register, log in, log out."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from registry import audit
from registry.api import tokens
from registry.auth import links, sessions
from registry.auth.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from registry.auth.services import (
    authenticate,
    record_login,
    request_password_reset,
    safe_next,
    send_verification,
    set_password,
    sign_up,
)
from registry.auth.services import verify_email as verify_email_address
from registry.commit import Refused, Taken, committing
from registry.extensions import limiter
from registry.htmx import render
from registry.models import normalize_email
from registry.passwords import verify_password
from registry.permissions import requires

bp = Blueprint("auth", __name__)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_rate_limit() -> str:
    return current_app.config["ACCOUNT_LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    """Failed logins counted per account, wherever they come from (a hash: no address is
    written to Redis)."""
    email = normalize_email(request.form.get("email", ""))[:254]
    return "login-account:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()


def _no_email() -> bool:
    return not request.form.get("email", "").strip()


def _failed(response) -> bool:
    return response.status_code == 422


def _mail_rate_limit() -> str:
    return current_app.config["MAIL_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@requires("public")
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_mail_rate_limit, methods=["POST"], key_func=_account_key, exempt_when=_no_email)
def register():
    """Create a community account; a link to confirm the address goes by mail."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            with committing():
                sign_up(form.name.data, form.email.data, form.password.data)
        except Taken:
            pass  # the same address registered a moment ago: that request made the account
        # The same answer for a new address and a known one (whose owner got a mail instead):
        # the form does not tell who has an account.
        session["registered_email"] = normalize_email(form.email.data)
        return redirect(url_for("auth.registered"), 303)
    status = 422 if form.errors else 200
    return render("auth/register.html", form=form, status=status)


@bp.route("/register/check-your-email")
@requires("public")
def registered():
    """What to do after creating an account: confirm the address, log in, register."""
    email = session.get("registered_email")
    if not email:
        return redirect(url_for("auth.register"))
    return render("auth/registered.html", email=email)


@bp.route("/verify/<token>", methods=["GET", "POST"])
@requires("public")
def verify_email(token: str):
    """Confirm an address from the mailed link: the link shows a button, and the button (a
    POST) confirms, so a mail scanner that opens links confirms nothing."""
    user = links.read(links.VERIFY, token)
    if user is None:
        return render("auth/link_invalid.html", purpose="verify", status=400)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        with committing():
            verify_email_address(user)
        flash(_("Thank you: your email address is confirmed."), "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("auth.account"), 303)
        return redirect(url_for("auth.login"), 303)
    return render("auth/verify.html", user=user, form=form)


@bp.route("/account/verify/resend", methods=["POST"])
@requires("account.manage")
@limiter.limit(_mail_rate_limit, key_func=lambda: f"resend:{current_user.id}")
def resend_verification():
    """Send the link to confirm the address again."""
    user = current_user._get_current_object()
    if not ConfirmForm().validate():
        abort(400)
    if user.email_verified:
        flash(_("Your email address is already confirmed."), "info")
    else:
        with committing():
            send_verification(user)
        flash(_("We sent a new link to %(email)s.", email=user.email), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("auth.account"), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@requires("public")
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_mail_rate_limit, methods=["POST"], key_func=_account_key, exempt_when=_no_email)
def forgot_password():
    """Ask for a link to set a new password."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with committing():
            request_password_reset(form.email.data)
        # Said the same way whether or not the address has an account.
        flash(
            _(
                "If %(email)s belongs to an account, a link to set a new password is on its "
                "way. It works once, for an hour.",
                email=normalize_email(form.email.data),
            ),
            "info",
        )
        return redirect(url_for("auth.login"), 303)
    status = 422 if form.errors else 200
    return render("auth/forgot.html", form=form, status=status)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@requires("public")
@limiter.limit(_login_rate_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password from the mailed link; every login of the account ends."""
    user = links.read(links.RESET, token)
    if user is None:
        return render("auth/link_invalid.html", purpose="reset", status=400)
    form = ResetPasswordForm()
    form.personal = [user.email, user.name]
    if form.validate_on_submit():
        with committing():
            set_password(user, form.password.data, reset=True)
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your new password is set. Log in with it."), "success")
        return redirect(url_for("auth.login"), 303)
    status = 422 if form.errors else 200
    return render("auth/reset.html", form=form, user=user, status=status)


@bp.route("/login", methods=["GET", "POST"])
@requires("public")
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(
    _account_rate_limit,
    methods=["POST"],
    key_func=_account_key,
    exempt_when=_no_email,
    deduct_when=_failed,
)
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
                sessions.start(user, remember=form.remember.data)
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
        sessions.end(user)
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"), 303)


@bp.route("/account")
@requires("account.manage")
def account():
    """Your account: the address and whether it is confirmed, the password, where you are
    logged in."""
    return _account_page(ChangePasswordForm())


def _account_page(
    password_form=None, status: int = 200, token_form=None, block: str | None = None, **extra
):
    user = current_user._get_current_object()
    return render(
        "auth/account.html",
        block=block,
        user=user,
        password_form=password_form or ChangePasswordForm(formdata=None),
        confirm_form=ConfirmForm(),
        logins=sessions.active(user),
        token_form=token_form or ApiTokenForm(formdata=None),
        api_tokens=tokens.of_user(user),
        token_live=tokens.is_live,
        status=status,
        **extra,
    )


@bp.route("/account/password", methods=["POST"])
@requires("account.manage")
@limiter.limit(_login_rate_limit)
def change_password():
    """A new password, given the current one; logins on other devices end."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.personal = [user.email, user.name]
    if not form.validate_on_submit():
        return _account_page(form, status=422)
    if not verify_password(user.password_hash, form.current.data):
        form.current.errors.append(_("That is not your current password"))
        return _account_page(form, status=422)
    with committing():
        set_password(user, form.password.data, reset=False)
    flash(_("Your password is changed. You are logged out on every other device."), "success")
    return redirect(url_for("auth.account"), 303)


@bp.route("/account/sessions/end-others", methods=["POST"])
@requires("account.manage")
def end_other_sessions():
    """Log out everywhere but here (a lost phone, a shared computer)."""
    user = current_user._get_current_object()
    if not ConfirmForm().validate():
        abort(400)
    with committing():
        ended = sessions.end_all(user, keep_current=True)
        audit.record("user.logged_out_elsewhere", user, after={"logins_ended": ended}, actor=user)
    flash(
        ngettext(
            "You are logged out on %(num)d other device.",
            "You are logged out on %(num)d other devices.",
            ended,
        ),
        "success",
    )
    return redirect(url_for("auth.account"), 303)


# --- personal API tokens -----------------------------------------------------------------------


@bp.route("/account/tokens", methods=["POST"])
@requires("account.manage")
def create_token():
    """Make a personal API token; its secret is in this answer and never shown again."""
    user = current_user._get_current_object()
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _account_page(token_form=form, status=422, block="tokens")
    try:
        with committing():
            token, secret = tokens.create(user, form.name.data, form.scope.data, form.expires.data)
    except Refused as refusal:
        form.name.errors.append(refusal.message)
        return _account_page(token_form=form, status=refusal.status, block="tokens")
    # The secret goes out in this one answer, never into the session or a flash message; it
    # must not be kept by a cache or shown again by the browser's history either.
    response = _account_page(block="tokens", new_token=token, new_secret=secret)
    response.headers["Cache-Control"] = "no-store"
    return response


def _own_token(token_id: int):
    token = tokens.get_own(current_user._get_current_object(), token_id)
    if token is None:
        abort(404)
    return token


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@requires("account.manage")
def revoke_token(token_id: int):
    """Revoke a token, in two steps: this page says what stops working, its button revokes."""
    token = _own_token(token_id)
    form = ConfirmForm()
    if request.method == "GET" or token.revoked_at is not None:
        return render("auth/token_revoke.html", token=token, form=form)
    if not form.validate() or request.form.get("confirm") != "yes":
        abort(400)
    with committing():
        tokens.revoke(token, current_user._get_current_object())
    message = _("The token “%(name)s” is revoked: it no longer opens the API.", name=token.name)
    flash(message, "success")
    return redirect(url_for("auth.account", _anchor="tokens-title"), 303)
