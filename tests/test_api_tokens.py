"""Personal API tokens: made, named, scoped and revoked on the account page; shown once,
stored hashed; on the API a token acts as its owner, and a bad one is a 401."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select, update

from registry import create_app
from registry.api import tokens
from registry.extensions import db, limiter
from registry.models import ApiToken, AuditEvent, Role, TokenScope, User
from registry.models._base import utcnow
from tests.conftest import bearer, log_in, test_config
from tests.test_rate_limit_redis import REDIS_URL

SECRET = re.compile(r'id="new-token-secret"[^>]*value="(wsr_[A-Za-z0-9_-]{43})"')


def _token_rows(app, user_id: int) -> list[ApiToken]:
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)))


@pytest.fixture
def member(make_user, login):
    user = make_user(Role.COMMUNITY)
    login(user)
    return user


def _create(client, **fields):
    data = {"name": "City dashboard", "scope": "write", "expires": "90", **fields}
    return client.post("/account/tokens", data=data)


# --- the account page ---------------------------------------------------------------------------


def test_the_account_page_offers_to_make_a_token(client, member):
    html = client.get("/account").get_data(as_text=True)
    assert "API tokens" in html
    assert 'action="/account/tokens"' in html
    assert "You have no tokens." in html


def test_a_new_token_is_shown_once_and_stored_hashed(app, client, member, audit_rows):
    response = _create(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    assert "shown only this once" in html
    [row] = _token_rows(app, member.id)
    assert row.name == "City dashboard"
    assert row.scope == TokenScope.WRITE
    assert row.token_hash == tokens.digest(secret) != secret
    assert secret.startswith(row.prefix)
    assert len(row.prefix) == tokens.SHOWN_PREFIX
    assert row.expires_at is not None
    # Nowhere in the database but as its hash: not in the row, not in the trail.
    with app.app_context():
        events = db.session.scalars(select(AuditEvent)).all()
        assert all(secret not in repr((e.before, e.after)) for e in events)
    [event] = audit_rows("api_token.created")
    assert event.actor_id == member.id
    assert event.entry_id == row.id
    assert event.after == {
        "name": "City dashboard",
        "scope": "write",
        "prefix": row.prefix,
        "expires_at": event.after["expires_at"],
    }
    # Not in the session cookie, and not on the next page.
    assert secret not in (response.headers.get("Set-Cookie") or "")
    again = client.get("/account").get_data(as_text=True)
    assert secret not in again
    assert row.prefix in again
    assert "City dashboard" in again


def test_htmx_gets_the_tokens_section_only(app, client, member):
    response = client.post(
        "/account/tokens",
        data={"name": "Bot", "scope": "read", "expires": "never"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section aria-labelledby="tokens-title"')
    assert "<html" not in html
    assert SECRET.search(html)
    [row] = _token_rows(app, member.id)
    assert row.scope == TokenScope.READ
    assert row.expires_at is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Give the token a name"),
        ({"name": "x" * 81}, "80 characters or fewer"),
        ({"scope": "admin"}, "Choose what the token may do"),
        ({"expires": "7"}, "Choose how long the token lasts"),
    ],
)
def test_a_bad_token_form_says_what_to_fix(app, client, member, fields, message):
    response = _create(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _token_rows(app, member.id) == []


def test_revoking_asks_first_then_revokes(app, client, member, make_token, audit_rows):
    token_id, secret = make_token(member)
    page = client.get(f"/account/tokens/{token_id}/revoke")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This cannot be undone" in html
    assert _token_rows(app, member.id)[0].revoked_at is None  # the page changed nothing
    # A POST without the confirmation button's value changes nothing either.
    refused = client.post(f"/account/tokens/{token_id}/revoke", data={})
    assert refused.status_code == 400
    assert _token_rows(app, member.id)[0].revoked_at is None
    done = client.post(f"/account/tokens/{token_id}/revoke", data={"confirm": "yes"})
    assert done.status_code == 303
    assert _token_rows(app, member.id)[0].revoked_at is not None
    [event] = audit_rows("api_token.revoked")
    assert event.actor_id == member.id
    assert event.entry_id == token_id
    assert "Revoked" in client.get("/account").get_data(as_text=True)
    assert client.get("/api/v1/stakeholders", headers=bearer(secret)).status_code == 401


def test_another_accounts_token_cannot_be_revoked(client, member, make_user, make_token):
    other = make_user(Role.COMMUNITY)
    token_id, _secret = make_token(other)
    assert client.get(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert client.post(f"/account/tokens/{token_id}/revoke", data={}).status_code in (400, 404)


def test_token_routes_need_a_login(client):
    assert client.get("/account/tokens/1/revoke").status_code == 302
    assert client.post("/account/tokens", data={}).status_code in (302, 400)


# --- on the API ---------------------------------------------------------------------------------


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["detail"]
    return body


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer wsr_short",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "wsr_" + "A" * 43,  # well formed, unknown
        "Bearer wsr_" + "é" * 43,
        "Bearer " + "x" * 10_000,
    ],
)
def test_a_malformed_or_unknown_token_is_a_401(client, header):
    response = client.get("/api/v1/stakeholders", headers={"Authorization": header})
    _problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="registry"')
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_an_expired_token_is_a_401(app, client, make_user, make_token):
    user = make_user()
    token_id, secret = make_token(user, expiry="30")
    with app.app_context():
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    body = _problem(client.get("/api/v1/stakeholders", headers=bearer(secret)), 401)
    assert "expired" in body["detail"]


def test_a_deactivated_accounts_token_is_a_401(app, client, make_user, make_token):
    user = make_user()
    _id, secret = make_token(user)
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(active=False))
        db.session.commit()
    body = _problem(client.get("/api/v1/stakeholders", headers=bearer(secret)), 401)
    assert "deactivated" in body["detail"]


def test_a_good_token_reads_and_no_cookie_is_set(client, make_user, make_token):
    _id, secret = make_token(make_user(), scope="read")
    response = client.get("/api/v1/stakeholders", headers=bearer(secret))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_last_used_is_written_at_most_once_a_minute(app, client, make_user, make_token):
    token_id, secret = make_token(make_user(), scope="read")
    assert _row(app, token_id).last_used_at is None
    client.get("/api/v1/stakeholders", headers=bearer(secret))
    first = _row(app, token_id).last_used_at
    assert first is not None
    client.get("/api/v1/stakeholders", headers=bearer(secret))
    assert _row(app, token_id).last_used_at == first  # a second later: not written again
    with app.app_context():  # as if the last use were two minutes ago
        earlier = utcnow() - timedelta(minutes=2)
        db.session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=earlier)
        )
        db.session.commit()
    client.get("/api/v1/stakeholders", headers=bearer(secret))
    assert tokens._aware(_row(app, token_id).last_used_at) > earlier + timedelta(minutes=1)


def _row(app, token_id: int) -> ApiToken:
    with app.app_context():
        return db.session.get(ApiToken, token_id)


# --- the rate limit, per token ------------------------------------------------------------------


@pytest.fixture
def limited_app(app, request, monkeypatch):
    """An app with the limiter on, three requests a minute per token, in memory or Redis."""
    storage = request.param
    if storage != "memory://":
        storage = request.getfixturevalue("redis_url")
    # The one module-level limiter keeps the first key prefix it is given: give it this test's,
    # and take it back afterwards, so a later test's own prefix is the one it uses.
    monkeypatch.setattr(limiter, "_key_prefix", "")
    limited = create_app(
        test_config(
            app.config["SQLALCHEMY_DATABASE_URI"],
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=storage,
            RATELIMIT_KEY_PREFIX=f"test-{secrets.token_hex(6)}",
            API_TOKEN_RATE_LIMIT="3 per minute",
        )
    )
    yield limited
    with limited.app_context():
        db.engine.dispose()
    limiter.init_app(app)  # one module-level limiter: give the session app its settings back


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"REDIS TEST SKIPPED: no Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.mark.parametrize("limited_app", ["memory://", "redis"], indirect=True)
def test_each_token_has_its_own_rate_limit(limited_app, make_user, make_token):
    _a, first = make_token(make_user(), scope="read")
    _b, second = make_token(make_user(), scope="read")
    client = limited_app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/stakeholders", headers=bearer(first)).status_code == 200
    refused = client.get("/api/v1/frameworks", headers=bearer(first))  # one count, every address
    body = _problem(refused, 429)
    assert "too many requests" in body["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # Another token, and reading without one, are counted apart.
    assert client.get("/api/v1/stakeholders", headers=bearer(second)).status_code == 200
    assert client.get("/api/v1/stakeholders").status_code == 200


def test_a_token_and_its_audit_row_are_one_transaction(app, client, member, monkeypatch):
    """The audit row failing leaves no token behind (and the form says so, not a 500)."""
    from registry import audit
    from registry.commit import Refused

    def refuse(*args, **kwargs):
        raise Refused("The trail could not be written.", 409)

    monkeypatch.setattr(audit, "record", refuse)
    response = _create(client)
    assert response.status_code == 409
    assert "The trail could not be written." in response.get_data(as_text=True)
    assert _token_rows(app, member.id) == []


def test_the_audit_log_names_token_events(app, make_user, make_token):
    user = make_user()
    token_id, _secret = make_token(user)
    with app.app_context():
        tokens.revoke(db.session.get(ApiToken, token_id), db.session.get(User, user.id))
        db.session.commit()
    admin = app.test_client()
    log_in(admin, make_user(Role.ADMIN))
    html = admin.get("/admin/audit/").get_data(as_text=True)
    assert "API token made" in html
    assert "API token revoked" in html
