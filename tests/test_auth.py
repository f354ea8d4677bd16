"""Accounts: register, log in, log out, and who may see the login pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from registry import create_app
from registry.extensions import db, limiter
from registry.models import Role, User
from tests.conftest import PASSWORD, log_in, logged_in_as, stored_user
from tests.conftest import test_config as config_for

NEW_PASSWORD = "a long enough secret"
GOOD_FORM = {
    "name": "Amina Diallo",
    "email": "Amina.Diallo@Example.ORG",
    "password": NEW_PASSWORD,
    "confirm": NEW_PASSWORD,
}
WRONG_LOGIN = "The email address or password is not right"


# --- register ---------------------------------------------------------------------------------


def links(html: str) -> list[tuple[str, str]]:
    """(address, text) of every link, its text with tags and spaces squeezed out."""
    return [
        (href, " ".join(re.sub(r"<[^>]+>", " ", inner).split()))
        for href, inner in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    ]


def test_the_header_offers_an_anonymous_visitor_to_create_an_account(client):
    html = client.get("/").get_data(as_text=True)
    account = re.search(r'<div class="account">.*?</div>', html, re.S).group(0)

    assert links(account) == [("/login", "Log in"), ("/register", "Create an account")]


def test_the_login_page_links_to_creating_an_account(client):
    html = client.get("/login").get_data(as_text=True)

    assert "No account yet?" in html
    assert ("/register", "Create an account") in links(html)
    assert "Register your organization" not in html  # an account is not an organization


def test_the_next_steps_after_creating_an_account_name_both_ways_in(client):
    client.post("/register", data=GOOD_FORM)

    html = client.get("/register/check-your-email").get_data(as_text=True)
    steps = re.search(r'<ol class="steps">.*?</ol>', html, re.S).group(0)

    assert links(steps) == [
        ("/login", "Log in"),
        ("/stakeholders/new", "Register your organization"),
        ("/stakeholders/", "find your organization and ask to join"),
    ]


def test_register_creates_an_unconfirmed_community_account_and_says_what_next(app, client):
    response = client.post("/register", data=GOOD_FORM)

    assert response.status_code == 303
    assert response.headers["Location"] == "/register/check-your-email"
    user = stored_user(app, "amina.diallo@example.org")
    assert user is not None
    assert user.name == "Amina Diallo"
    assert user.role == Role.COMMUNITY
    assert user.active
    assert not user.email_verified
    page = client.get("/register/check-your-email").get_data(as_text=True)
    assert "amina.diallo@example.org" in page
    assert "What to do next" in page
    assert logged_in_as(page) is None  # as for a known address: no login to tell them apart
    log_in(client, user, NEW_PASSWORD)
    assert "Please confirm your email address" in client.get("/").get_data(as_text=True)


def test_register_stores_an_argon2id_hash_never_the_password(app, client, audit_rows):
    client.post("/register", data=GOOD_FORM)

    user = stored_user(app, "amina.diallo@example.org")
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash
    ((_actor, _type, _id, before, after),) = audit_rows("user.registered")
    assert NEW_PASSWORD not in repr((before, after))


def test_register_writes_the_audit_row(app, client, audit_rows):
    client.post("/register", data=GOOD_FORM)

    user = stored_user(app, "amina.diallo@example.org")
    assert audit_rows("user.registered") == [
        (
            user.id,
            "user",
            user.id,
            None,
            {"email": "amina.diallo@example.org", "name": "Amina Diallo", "role": "community"},
        )
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("name", "", "Enter your name", id="empty-name"),
        pytest.param("name", "   ", "Enter your name", id="blank-name"),
        pytest.param(
            "name", "x" * 121, "Your name must be 120 characters or fewer", id="name-121-chars"
        ),
        pytest.param("email", "", "Enter your email address", id="empty-email"),
        pytest.param(
            "email",
            "amina.example.org",
            "Enter an email address in the right format",
            id="malformed-email",
        ),
        pytest.param(
            "password",
            "short5678",
            "The password must be between 10 and 128 characters",
            id="password-9-chars",
        ),
        pytest.param("confirm", "not the same one", "The two passwords do not match", id="confirm"),
    ],
)
def test_register_refuses_bad_input(client, user_count, field, value, message):
    data = {**GOOD_FORM, field: value}
    if field == "password":
        data["confirm"] = value

    response = client.post("/register", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert f'<a href="#{field}">{message}' in html  # the summary links to the field
    assert f'<p class="error-message" id="{field}-error">' in html  # the message beside it
    assert message in html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert user_count() == 0


def test_register_accepts_a_name_of_120_chars(client, user_count):
    response = client.post("/register", data={**GOOD_FORM, "name": "x" * 120})

    assert response.status_code == 303
    assert user_count() == 1


def test_register_shows_html_in_a_name_escaped(app, client):
    response = client.post("/register", data={**GOOD_FORM, "name": "<script>alert(1)</script>"})

    assert response.status_code == 303
    log_in(client, stored_user(app, "amina.diallo@example.org"), NEW_PASSWORD)
    home = client.get("/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home
    assert "<script>alert(1)</script>" not in home


def test_register_answers_a_known_address_as_a_new_one(client, make_user, user_count):
    """Nobody learns from the form whether an address has an account (in any case)."""
    new = client.post("/register", data={**GOOD_FORM, "email": "someone.new@example.org"})
    make_user(email="amina.diallo@example.org")
    known = client.post("/register", data=GOOD_FORM)

    assert (known.status_code, known.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    assert user_count() == 2
    page = client.get(known.headers["Location"]).get_data(as_text=True)
    assert "We sent a message to amina.diallo@example.org" in page


def test_register_failure_writes_no_audit_row(client, make_user, audit_rows):
    make_user(email="amina.diallo@example.org")

    client.post("/register", data=GOOD_FORM)

    assert audit_rows("user.registered") == []


# --- log in -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param("known@example.org", "not the password", id="wrong-password"),
        pytest.param("nobody@example.org", PASSWORD, id="unknown-email"),
    ],
)
def test_login_failure_gives_one_generic_message(client, make_user, email, password):
    make_user(email="known@example.org")

    response = client.post("/login", data={"email": email, "password": password})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert WRONG_LOGIN in html
    assert "Log in</a>" in html  # still anonymous


def test_login_failure_is_not_logged_in(client, make_user, audit_rows):
    make_user(email="known@example.org")

    client.post("/login", data={"email": "known@example.org", "password": "not the password"})

    assert audit_rows("user.logged_in") == []
    assert "Log in</a>" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "message"),
    [("email", "Enter your email address"), ("password", "Enter your password")],
)
def test_login_needs_both_fields(client, field, message):
    data = {"email": "known@example.org", "password": PASSWORD, field: ""}

    response = client.post("/login", data=data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_login_refuses_a_deactivated_account(client, make_user, audit_rows):
    user = make_user(active=False)

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 422
    assert "This account has been deactivated" in response.get_data(as_text=True)
    assert audit_rows("user.logged_in") == []
    assert "Log in</a>" in client.get("/").get_data(as_text=True)


def test_login_with_the_right_password_goes_home(client, make_user, audit_rows):
    user = make_user(name="Kofi Mensah")

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Kofi Mensah" in client.get("/").get_data(as_text=True)
    assert audit_rows("user.logged_in") == [(user.id, "user", user.id, None, None)]


def test_login_accepts_the_email_in_another_case(client, make_user):
    user = make_user(email="kofi@example.org")

    response = client.post("/login", data={"email": " KOFI@Example.org ", "password": PASSWORD})

    assert response.status_code == 303
    assert "Log out" in client.get("/").get_data(as_text=True)
    assert user.email == "kofi@example.org"


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        pytest.param("/admin/users/", "/admin/users/", id="local-path"),
        pytest.param("/admin/users/?q=a&page=2", "/admin/users/?q=a&page=2", id="local-query"),
        pytest.param("https://evil.example/", "/", id="absolute-url"),
        pytest.param("//evil.example", "/", id="scheme-relative"),
        pytest.param("/\\evil.example", "/", id="backslash"),
        pytest.param("\\\\evil.example", "/", id="double-backslash"),
        pytest.param("/\t/evil.example", "/", id="tab-in-slashes"),
        pytest.param("javascript:alert(1)", "/", id="javascript"),
        pytest.param("admin/users/", "/", id="relative-path"),
        pytest.param("", "/", id="empty"),
        # urlsplit raises on these: the login must still succeed, never answer 500.
        pytest.param("//[::1", "/", id="unclosed-ipv6"),
        pytest.param("/[::1", "/%5B::1", id="bracket-in-a-path"),  # a local path: followed
        pytest.param("http://[]/", "/", id="empty-brackets"),
        pytest.param("https://[", "/", id="lone-bracket"),
    ],
)
def test_login_follows_next_only_to_a_local_path(client, make_user, next_url, location):
    user = make_user()

    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": next_url}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == location


@pytest.mark.parametrize(
    ("next_url", "kept"),
    [
        pytest.param("/admin/users/", True, id="local-path"),
        pytest.param("https://evil.example/", False, id="absolute-url"),
        pytest.param("//evil.example", False, id="scheme-relative"),
        pytest.param("/\\evil.example", False, id="backslash"),
        pytest.param("//[::1", False, id="unclosed-ipv6"),
    ],
)
def test_login_page_carries_a_safe_next_in_a_hidden_field(client, next_url, kept):
    response = client.get("/login", query_string={"next": next_url})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if kept:
        assert f'<input id="next" name="next" type="hidden" value="{next_url}">' in html
    else:
        assert '<input id="next" name="next" type="hidden" value="">' in html
        assert "evil.example" not in html


def test_login_page_next_survives_a_failed_attempt(client, make_user):
    user = make_user()
    failed = client.post(
        "/login", data={"email": user.email, "password": "wrong one", "next": "/admin/users/"}
    )
    assert 'type="hidden" value="/admin/users/"' in failed.get_data(as_text=True)

    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "/admin/users/"}
    )

    assert response.headers["Location"] == "/admin/users/"


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_logged_in_user_is_sent_home_from_the_login_pages(client, login, make_user, path):
    login(make_user())

    response = client.get(path)

    assert response.status_code in {302, 303}
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_logged_in_user_posting_a_login_page_changes_nothing(
    client, login, make_user, user_count, path
):
    login(make_user())

    response = client.post(path, data={**GOOD_FORM, "email": "other@example.org"})

    assert response.headers["Location"] == "/"
    assert user_count() == 1


# --- log out ----------------------------------------------------------------------------------


def test_logout_by_get_is_refused_with_a_friendly_page(client, login, make_user):
    login(make_user())

    response = client.get("/logout")

    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    html = response.get_data(as_text=True)
    assert "Method not allowed" in html
    assert "<html" in html
    assert "Traceback" not in html
    assert "Log out" in client.get("/").get_data(as_text=True)  # still logged in


def test_logout_by_post_ends_the_session_and_audits(client, login, make_user, audit_rows):
    user = make_user()
    login(user)

    response = client.post("/logout")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "You are logged out." in home
    assert "Log in</a>" in home
    assert audit_rows("user.logged_out") == [(user.id, "user", user.id, None, None)]


def test_logout_when_anonymous_asks_to_log_in(client, audit_rows):
    response = client.post("/logout")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert audit_rows("user.logged_out") == []


def test_log_out_after_the_session_expired_then_log_in_lands_on_a_page(client, make_user):
    user = make_user()
    login_page = client.post("/logout")
    form_next = parse_qs(urlsplit(login_page.headers["Location"]).query).get("next", [""])[0]

    logged_in = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": form_next}
    )

    landing = client.get(logged_in.headers["Location"])
    assert landing.status_code == 200
    html = landing.get_data(as_text=True)
    assert "<h1>Who builds sustainable cities together</h1>" in html
    assert logged_in_as(html) == user.name


def test_deactivated_user_is_logged_out_on_the_next_request(app, client, login, make_user):
    user = make_user(name="Kofi Mensah")
    login(user)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()

    home = client.get("/").get_data(as_text=True)

    assert "Log in</a>" in home
    assert "Kofi Mensah" not in home


# --- rate limit -------------------------------------------------------------------------------


@pytest.fixture
def limited_app(app: Flask) -> Iterator:
    """Build a second app on the same database with tight login limits."""
    built = []

    def build(**settings) -> Flask:
        limited = create_app(
            config_for(
                app.config["SQLALCHEMY_DATABASE_URI"],
                RATELIMIT_ENABLED=True,
                **{"LOGIN_RATE_LIMIT": "3 per minute", **settings},
            )
        )
        built.append(limited)
        return limited

    yield build
    for limited in built:
        with limited.app_context():
            db.engine.dispose()
    # The limiter is one module-level object: give it back the session app's settings.
    limiter.init_app(app)


@pytest.fixture
def rate_limited_client(limited_app) -> Iterator:
    return limited_app().test_client()


WRONG_PASSWORD = "not the password"


def _attempt(client, email: str, address: str | None = None, password=WRONG_PASSWORD) -> int:
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post(
        "/login", data={"email": email, "password": password}, headers=headers
    ).status_code


def test_without_trusted_proxies_a_forwarded_address_changes_nothing(limited_app, make_user):
    client = limited_app().test_client()
    users = [make_user() for _ in range(4)]
    for n, user in enumerate(users[:3]):
        assert _attempt(client, user.email, f"198.51.100.{n}") == 422
    # Writing a new address into X-Forwarded-For does not buy a fresh allowance.
    assert _attempt(client, users[3].email, "198.51.100.77") == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(limited_app, make_user):
    client = limited_app(TRUSTED_PROXIES=1).test_client()
    alice, bob = make_user(), make_user()
    for _ in range(3):
        assert _attempt(client, alice.email, "203.0.113.5") == 422
    assert _attempt(client, alice.email, "203.0.113.5") == 429
    # Someone else behind the same proxy is not locked out by the first person's failures.
    assert _attempt(client, bob.email, "203.0.113.9", PASSWORD) == 303
    # Only the entry the proxy wrote is believed: a forged one before it is ignored.
    assert _attempt(client, bob.email, "192.0.2.1, 203.0.113.5") == 429


def test_failed_logins_are_limited_per_account_from_any_address(limited_app, make_user):
    client = limited_app(
        TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="100 per minute", ACCOUNT_LOGIN_RATE_LIMIT="3 per hour"
    ).test_client()
    target, other = make_user(), make_user()
    for n in range(3):
        assert _attempt(client, target.email, f"203.0.113.{n}") == 422
    assert _attempt(client, target.email.upper(), "203.0.113.50") == 429
    assert _attempt(client, target.email, "203.0.113.51", PASSWORD) == 429
    assert _attempt(client, other.email, "203.0.113.0") == 422  # another account: its own count


def test_successful_logins_do_not_use_up_the_account_limit(limited_app, make_user):
    app2 = limited_app(LOGIN_RATE_LIMIT="100 per minute", ACCOUNT_LOGIN_RATE_LIMIT="2 per hour")
    user = make_user()
    for _ in range(4):
        assert _attempt(app2.test_client(), user.email, password=PASSWORD) == 303


def test_login_is_rate_limited(rate_limited_client, make_user):
    user = make_user()
    data = {"email": user.email, "password": "not the password"}
    for _ in range(3):
        assert rate_limited_client.post("/login", data=data).status_code == 422

    response = rate_limited_client.post("/login", data=data)

    assert response.status_code == 429
    assert response.headers["Retry-After"]
    html = response.get_data(as_text=True)
    assert "Too many requests" in html
    assert "<html" in html
    assert "Traceback" not in html


def test_rate_limit_does_not_count_page_views(rate_limited_client):
    for _ in range(5):
        response = rate_limited_client.get("/login")
        assert response.status_code == 200
        assert '<form method="post" action="/login"' in response.get_data(as_text=True)


def test_other_tests_are_not_rate_limited(client, make_user):
    """The session app keeps its limiter off even after a limited app was built."""
    user = make_user()
    for _ in range(12):
        response = client.post("/login", data={"email": user.email, "password": "wrong one"})
        assert response.status_code == 422
    assert log_in(client, user).status_code == 303


def test_mails_to_one_address_are_limited(limited_app, make_user, smtp_server):
    app2 = limited_app(LOGIN_RATE_LIMIT="100 per minute", MAIL_RATE_LIMIT="2 per hour")
    client = app2.test_client()
    user, other = make_user(), make_user()
    for _ in range(2):
        assert client.post("/password/forgot", data={"email": user.email}).status_code == 303
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 429
    assert client.post("/password/forgot", data={"email": other.email}).status_code == 303
