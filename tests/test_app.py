"""The application shell: settings, security headers, fragments, error pages, CSRF."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from registry import create_app
from registry.config import ConfigError
from registry.config import load as load_settings
from registry.extensions import db
from registry.htmx import render
from registry.permissions import requires
from tests.conftest import test_config

HTMX = {"HX-Request": "true"}


@pytest.fixture
def csrf_app(app) -> Flask:
    """The app with CSRF protection on, as in production."""
    csrf_app = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True))
    yield csrf_app
    with csrf_app.app_context():
        db.engine.dispose()


@pytest.fixture
def failing_app(app) -> Flask:
    """An app, not in testing mode, with a view that fails, to see the 500 page."""
    failing = create_app(
        test_config(app.config["SQLALCHEMY_DATABASE_URI"], TESTING=False, DEBUG=False)
    )

    @requires("public")
    def explode():
        raise RuntimeError("boom: a bug")

    @requires("public")
    def stale():
        raise StaleDataError("UPDATE statement on table 'stakeholder' expected 1 row")

    @requires("public")
    def duplicate():
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    failing.add_url_rule("/explode", "explode", explode)
    failing.add_url_rule("/stale", "stale", stale)
    failing.add_url_rule("/duplicate", "duplicate", duplicate)
    yield failing
    with failing.app_context():
        db.engine.dispose()


PRODUCTION_KEY = "9c1f0e7b2a64d8f35e0b7c9a1d2e4f6081a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9"


class TestSettings:
    @pytest.mark.parametrize("key", ["x", "short-but-varied-key", "k" * 64, "ab" * 40])
    def test_production_with_a_guessable_secret_key_stops(self, monkeypatch, tmp_path, key):
        monkeypatch.setenv("REGISTRY_ENV", "production")
        monkeypatch.setenv("SECRET_KEY", key)
        monkeypatch.setenv("PUBLIC_URL", "https://registry.example.org")
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
        with pytest.raises(ConfigError, match="at least 32 random characters") as refused:
            load_settings(tmp_path)
        assert "\n" not in str(refused.value)  # one line for the operator

    def test_production_without_secret_key_stops(self, monkeypatch, tmp_path):
        monkeypatch.setenv("REGISTRY_ENV", "production")
        monkeypatch.delenv("SECRET_KEY", raising=False)
        with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
            load_settings(tmp_path)

    def test_production_without_public_url_stops(self, monkeypatch, tmp_path):
        monkeypatch.setenv("REGISTRY_ENV", "production")
        monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
        monkeypatch.delenv("PUBLIC_URL", raising=False)
        with pytest.raises(ConfigError, match="PUBLIC_URL must be set"):
            load_settings(tmp_path)

    def test_production_without_redis_stops(self, monkeypatch, tmp_path):
        monkeypatch.setenv("REGISTRY_ENV", "production")
        monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
        monkeypatch.setenv("PUBLIC_URL", "https://registry.example.org")
        monkeypatch.delenv("REDIS_URL", raising=False)
        monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
        with pytest.raises(ConfigError, match="REDIS_URL must be set"):
            load_settings(tmp_path)

    def test_production_settings_with_everything_set(self, monkeypatch, tmp_path):
        monkeypatch.setenv("REGISTRY_ENV", "production")
        monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
        monkeypatch.setenv("PUBLIC_URL", "https://registry.example.org/")
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
        settings = load_settings(tmp_path)
        assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
        assert settings["PUBLIC_URL"] == "https://registry.example.org"
        assert settings["SESSION_COOKIE_SECURE"] is True
        # "__Host-": sent only over HTTPS to this host; no subdomain can plant one.
        assert settings["SESSION_COOKIE_NAME"] == "__Host-session"
        assert settings["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"
        assert settings["TRUSTED_PROXIES"] == 0

    def test_session_limits_come_from_the_environment(self, monkeypatch, tmp_path):
        monkeypatch.setenv("STAFF_SESSION_IDLE_MINUTES", "15")
        assert load_settings(tmp_path)["STAFF_SESSION_IDLE_MINUTES"] == 15
        monkeypatch.setenv("STAFF_SESSION_IDLE_MINUTES", "0")
        with pytest.raises(ConfigError, match="whole number of minutes"):
            load_settings(tmp_path)

    @pytest.mark.parametrize("value", ["yes", "-1", "1.5", "99"])
    def test_trusted_proxies_must_be_a_count(self, monkeypatch, tmp_path, value):
        monkeypatch.setenv("TRUSTED_PROXIES", value)
        with pytest.raises(ConfigError, match="number of reverse proxies"):
            load_settings(tmp_path)

    def test_development_key_is_generated_once_and_kept(self, monkeypatch, tmp_path):
        monkeypatch.delenv("REGISTRY_ENV", raising=False)
        monkeypatch.delenv("SECRET_KEY", raising=False)
        first = load_settings(tmp_path)["SECRET_KEY"]
        second = load_settings(tmp_path)["SECRET_KEY"]
        assert first == second
        assert len(first) >= 64
        assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0

    def test_sqlite_under_instance_by_default(self, monkeypatch, tmp_path):
        monkeypatch.delenv("DATABASE_URL", raising=False)
        assert load_settings(tmp_path)["SQLALCHEMY_DATABASE_URI"] == (
            f"sqlite:///{tmp_path / 'registry.db'}"
        )

    @pytest.mark.parametrize(
        "given", ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"]
    )
    def test_database_url_uses_psycopg3(self, monkeypatch, tmp_path, given):
        monkeypatch.setenv("DATABASE_URL", given)
        settings = load_settings(tmp_path)
        assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
        assert "jit=off" in settings["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]


class TestHeaders:
    def test_security_headers(self, client):
        response = client.get("/")
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"

    def test_request_id_is_returned(self, client):
        assert len(client.get("/").headers["X-Request-ID"]) == 16

    def test_a_sane_incoming_request_id_is_kept(self, client):
        response = client.get("/", headers={"X-Request-ID": "abc-123-def-456"})
        assert response.headers["X-Request-ID"] == "abc-123-def-456"

    def test_a_strange_incoming_request_id_is_replaced(self, client):
        response = client.get("/", headers={"X-Request-ID": "<script>"})
        assert response.headers["X-Request-ID"] != "<script>"

    def test_no_inline_script_in_pages(self, client):
        html = client.get("/login").get_data(as_text=True)
        assert "<script>" not in html
        assert "hx-on" not in html
        assert "/static/vendor/htmx.min.js" in html


class TestRender:
    def test_fragment_for_htmx(self, app):
        with app.test_request_context("/", headers=HTMX):
            response = render("errors/error.html", block="error", code=404, title="T", message="M")
        body = response.get_data(as_text=True)
        assert "<html" not in body
        assert "M" in body
        assert "HX-Request" in response.headers["Vary"]

    def test_whole_page_for_boosted_htmx(self, app):
        with app.test_request_context("/", headers={**HTMX, "HX-Boosted": "true"}):
            response = render("errors/error.html", block="error", code=404, title="T", message="M")
        assert "<html" in response.get_data(as_text=True)

    def test_whole_page_without_htmx(self, app):
        with app.test_request_context("/"):
            response = render("errors/error.html", block="error", code=404, title="T", message="M")
        assert "<html" in response.get_data(as_text=True)
        assert "HX-Request" in response.headers["Vary"]


class TestErrorPages:
    def test_404_page(self, client):
        response = client.get("/no/such/page")
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
        assert "<html" in response.get_data(as_text=True)

    def test_404_fragment_for_htmx(self, client):
        response = client.get("/no/such/page", headers=HTMX)
        body = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "<html" not in body
        assert "Page not found" in body
        assert response.headers["HX-Retarget"] == "#messages"

    def test_405_says_which_methods(self, client):
        response = client.get("/logout")
        assert response.status_code == 405
        assert "POST" in response.headers["Allow"]
        assert "GET" not in response.headers["Allow"]
        assert "Method not allowed" in response.get_data(as_text=True)

    def test_413_for_a_too_large_body(self, app, client, monkeypatch):
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
        response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
        assert response.status_code == 413
        assert "Too large" in response.get_data(as_text=True)

    def test_500_is_a_friendly_page_without_traceback(self, failing_app):
        response = failing_app.test_client().get("/explode")
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Something went wrong" in body
        assert "Traceback" not in body
        assert "boom" not in body

    @pytest.mark.parametrize("path", ["/stale", "/duplicate"])
    def test_a_write_race_is_a_409_not_a_500(self, failing_app, path):
        response = failing_app.test_client().get(path)
        assert response.status_code == 409
        assert "at the same moment" in response.get_data(as_text=True)

    def test_500_fragment_for_htmx(self, failing_app):
        response = failing_app.test_client().get("/explode", headers=HTMX)
        assert response.status_code == 500
        assert "<html" not in response.get_data(as_text=True)


class TestCsrf:
    def test_post_without_token_is_refused_with_a_message(self, csrf_app):
        response = csrf_app.test_client().post("/login", data={"email": "a@b.org", "password": "x"})
        assert response.status_code == 400
        assert "security token" in response.get_data(as_text=True)

    def test_token_from_the_page_is_accepted(self, csrf_app, make_user):
        from tests.conftest import PASSWORD

        user = make_user()
        client = csrf_app.test_client()
        token = _token(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 303

    def test_htmx_sends_the_token_in_a_header(self, csrf_app, make_user):
        from tests.conftest import PASSWORD

        user = make_user()
        client = csrf_app.test_client()
        login_form = client.get("/login").get_data(as_text=True)
        assert "X-CSRFToken" not in login_form  # anonymous: the form carries its own token
        response = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": _token(login_form)},
        )
        assert response.status_code == 303
        # Logged in, every page gives htmx the token for its writes.
        html = client.get("/").get_data(as_text=True)
        header_token = html.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
        response = client.post("/logout", headers={"X-CSRFToken": header_token})
        assert response.status_code == 303


def _token(html: str) -> str:
    return html.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]


class TestOneTransaction:
    def test_a_failing_audit_leaves_nothing_half_written(self, failing_app, make_user, monkeypatch):
        from registry import audit
        from registry.models import Role, User
        from tests.conftest import log_in

        admin = make_user(Role.ADMIN)
        target = make_user(Role.COMMUNITY)
        client = failing_app.test_client()
        log_in(client, admin)

        def broken_audit(*args, **kwargs):
            raise RuntimeError("audit store unavailable")

        monkeypatch.setattr(audit, "record", broken_audit)
        response = client.post(f"/admin/users/{target.id}/role", data={"role": "officer"})
        assert response.status_code == 500
        with failing_app.app_context():
            assert db.session.get(User, target.id).role == Role.COMMUNITY
