"""The Whole-of-Society Registry: ``create_app`` builds the application."""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_babel import format_decimal, get_locale
from flask_wtf.csrf import generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from registry import config as settings
from registry.ids import MAX_ID

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then ``config`` on top (tests)."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_mapping(settings.load(app.instance_path))
    if config:
        app.config.from_mapping(config)

    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # The client's own address and scheme, as the trusted proxies saw them: rate limits and
        # logs key on the person, not on the proxy everyone comes through.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    # Ids in URLs stay within the database's integer: a larger number is no page (404), not
    # an overflow error from PostgreSQL. Set before any route is added.
    app.url_map.converters["int"] = DatabaseIdConverter
    _init_extensions(app)
    _init_request_hooks(app)
    _init_templates(app)
    _register_blueprints(app)

    from registry import errors
    from registry.cli import register_cli

    errors.register(app)
    register_cli(app)
    return app


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` bounded to PostgreSQL's ``integer`` (the primary keys' type)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _select_locale() -> str | None:
    from flask import current_app, has_request_context

    if not has_request_context():  # CLI and background work: the default locale
        return None
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def _init_extensions(app: Flask) -> None:
    # Imported here, not at the top: the submodule ``registry.htmx`` would shadow the
    # extension of the same name in this package's namespace.
    from registry import mail, models  # noqa: F401 - tables known; mail's commit hooks set
    from registry.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    from registry.database import include_object

    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        include_object=include_object,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    _install_request_translations(app)
    htmx.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    # Logins are rows that logout, a role change or a deactivation delete
    # (registry.auth.sessions), not an address check: Flask-Login's "strong" protection keys on
    # X-Forwarded-For, which any client writes, and drops people whose mobile address changes.
    login_manager.session_protection = None
    login_manager.id_attribute = "get_session_token"
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to see this page.")

    from registry.auth.services import unauthorized
    from registry.auth.sessions import resume

    login_manager.user_loader(resume)
    login_manager.unauthorized_handler(unauthorized)


def _install_request_translations(app: Flask) -> None:
    """Templates look the translations up once per request instead of once per string:
    Flask-Babel's own callables find the domain, the locale and the catalogue again for each
    of the list page's ~150 strings (a third of its rendering time)."""
    from flask_babel import get_translations

    def translations():
        if not has_request_context():
            return get_translations()
        found = g.get("_translations")
        if found is None:
            found = g._translations = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


def _init_request_hooks(app: Flask) -> None:
    from registry.permissions import enforce_declared_permission

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)

    app.before_request(enforce_declared_permission)

    from registry.http_cache import serve_stored

    app.before_request(serve_stored)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if "request_id" in g:
            headers["X-Request-ID"] = g.request_id
        return response

    from registry.http_cache import cache_headers

    app.after_request(cache_headers)

    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)


def _init_templates(app: Flask) -> None:
    from registry.models import ROLE_LABELS
    from registry.permissions import can
    from registry.review.queue import waiting_count
    from registry.taxonomy import labels
    from registry.workflow import allows

    app.jinja_env.globals.update(
        # "May this user make this move on this entry now?": the workflow's rule table answers,
        # so no template keeps its own copy of which states allow which move.
        allows=allows,
        can=can,
        csrf_token=generate_csrf,
        get_locale=get_locale,
        role_label=ROLE_LABELS.get,
        term_names=labels,
        review_waiting_count=waiting_count,
    )
    app.jinja_env.filters["number"] = format_decimal  # "10,000", as the reader's locale writes it
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _register_blueprints(app: Flask) -> None:
    from registry.admin.views import bp as admin_bp
    from registry.api import bp as api_bp
    from registry.auditlog import bp as auditlog_bp
    from registry.auth.views import bp as auth_bp
    from registry.commitments import bp as commitments_bp
    from registry.coverage.views import bp as coverage_bp
    from registry.engagements import bp as engagements_bp
    from registry.exports import bp as exports_bp
    from registry.extensions import csrf
    from registry.frameworks.views import bp as frameworks_bp
    from registry.imports import bp as imports_bp
    from registry.initiatives import bp as initiatives_bp
    from registry.main.views import bp as main_bp
    from registry.review import bp as review_bp
    from registry.search import bp as search_bp
    from registry.stakeholders import bp as stakeholders_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(stakeholders_bp, url_prefix="/stakeholders")
    app.register_blueprint(initiatives_bp, url_prefix="/initiatives")
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(review_bp, url_prefix="/review")
    app.register_blueprint(auditlog_bp, url_prefix="/admin/audit")
    app.register_blueprint(engagements_bp, url_prefix="/engagements")
    app.register_blueprint(commitments_bp)
    app.register_blueprint(frameworks_bp)
    app.register_blueprint(coverage_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(search_bp)
    # The API takes no session and no form: nothing for a cross-site request to ride on.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(imports_bp)  # /stakeholders/import/, /commitments/import/
