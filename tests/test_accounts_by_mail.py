"""Accounts by mail: confirm the address, set a new password, through a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from sqlalchemy import select

from registry.extensions import db
from registry.models import AccountSession, Membership, Role, Stakeholder, Status, User
from registry.models._base import utcnow
from tests.conftest import PASSWORD, log_in, logged_in_as, stored_user

NEW_PASSWORD = "a long enough secret"
FORM = {
    "name": "Amina Diallo",
    "email": "amina@example.org",
    "password": NEW_PASSWORD,
    "confirm": NEW_PASSWORD,
}
LINK = re.compile(r"http://registry\.test(/\S+)")


def link_in(message) -> str:
    """The path of the one link in a mail, on PUBLIC_URL."""
    (path,) = LINK.findall(message.get_content())
    return path


def audit_actions(audit_rows, action):
    return [(a, t, i) for a, t, i, _b, _after in audit_rows(action)]


# --- confirming the address ------------------------------------------------------------------


def test_registration_mails_a_link_that_confirms_the_address(app, client, smtp_server, audit_rows):
    client.post("/register", data=FORM)

    (message,) = smtp_server
    assert message["To"] == "amina@example.org"
    assert message["Subject"] == "Confirm your email address"
    path = link_in(message)
    user = stored_user(app, "amina@example.org")
    assert not user.email_verified

    page = client.get(path)  # opening the link changes nothing: a mail scanner may do it
    assert page.status_code == 200
    assert "Confirm my email address" in page.get_data(as_text=True)
    assert not stored_user(app, "amina@example.org").email_verified

    response = client.post(path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert stored_user(app, "amina@example.org").email_verified
    assert audit_actions(audit_rows, "user.email_verified") == [(user.id, "user", user.id)]

    again = client.get(path).get_data(as_text=True)
    assert "already confirmed" in again


def test_a_confirmation_link_expires_after_three_days(app, client, smtp_server):
    client.post("/register", data=FORM)
    path = link_in(smtp_server[0])
    with time_machine.travel(utcnow() + timedelta(days=3, minutes=1), tick=False):
        response = client.post(path)
    assert response.status_code == 400
    assert "This link does not work any more" in response.get_data(as_text=True)
    assert not stored_user(app, "amina@example.org").email_verified


@pytest.mark.parametrize("token", ["forged", "x" * 400, "WzEsImFiYyJd.Zm9v.YmFy", "%00"])
def test_a_forged_link_is_a_clear_400(client, token):
    for method in (client.get, client.post):
        response = method(f"/verify/{token}")
        assert response.status_code == 400
        assert "This link does not work any more" in response.get_data(as_text=True)


def test_a_link_for_an_address_the_account_no_longer_has_is_spent(app, client, smtp_server):
    client.post("/register", data=FORM)
    path = link_in(smtp_server[0])
    with app.app_context():
        db.session.scalar(select(User)).email = "amina.new@example.org"
        db.session.commit()
    assert client.post(path).status_code == 400


def test_an_unconfirmed_account_may_prepare_but_not_submit(
    app, client, make_user, make_stakeholder, smtp_server
):
    user = make_user(email_verified_at=None)
    draft = make_stakeholder(name="Kisumu Youth Forum", status=Status.DRAFT)
    with app.app_context():
        db.session.add(Membership(user_id=user.id, stakeholder_id=draft.id))
        db.session.commit()
    log_in(client, user)

    page = client.get(f"/stakeholders/{draft.id}").get_data(as_text=True)
    assert "Check and submit for review" not in page
    assert "Please confirm your email address" in page
    assert client.post(f"/stakeholders/{draft.id}/submit").status_code == 403
    with app.app_context():
        assert db.session.get(Stakeholder, draft.id).status == Status.DRAFT

    # The banner's button sends the link again; the link confirms; now the entry can go.
    response = client.post("/account/verify/resend", data={"next": f"/stakeholders/{draft.id}"})
    assert response.headers["Location"] == f"/stakeholders/{draft.id}"
    client.post(link_in(smtp_server[-1]))
    assert client.post(f"/stakeholders/{draft.id}/submit").status_code == 303
    with app.app_context():
        assert db.session.get(Stakeholder, draft.id).status == Status.SUBMITTED


def test_a_confirmed_account_sees_no_banner(client, make_user):
    log_in(client, make_user())
    assert "Please confirm your email address" not in client.get("/").get_data(as_text=True)


# --- registration tells nobody who has an account --------------------------------------------


def test_registering_a_known_address_mails_its_owner_and_changes_nothing(
    app, client, make_user, smtp_server, audit_rows
):
    owner = make_user(email="amina@example.org", name="Amina Owner")
    before = stored_user(app, "amina@example.org")

    response = client.post("/register", data={**FORM, "email": "Amina@Example.org"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/register/check-your-email"
    (message,) = smtp_server
    assert message["To"] == owner.email
    assert message["Subject"] == "Someone tried to create an account with your address"
    body = message.get_content()
    assert "Amina Owner" in body
    assert "http://registry.test/password/forgot" in body
    after = stored_user(app, "amina@example.org")
    assert (after.name, after.password_hash) == (before.name, before.password_hash)
    assert audit_rows("user.registered") == []


# --- a new password by mail ------------------------------------------------------------------


def test_a_reset_link_sets_a_new_password_once_and_ends_every_login(
    app, client, make_user, smtp_server, audit_rows
):
    user = make_user(email="kofi@example.org")
    elsewhere = app.test_client()
    log_in(elsewhere, user)

    response = client.post("/password/forgot", data={"email": "KOFI@example.org"})
    assert response.status_code == 303
    assert "If kofi@example.org belongs to an account" in client.get("/login").get_data(
        as_text=True
    )
    (message,) = smtp_server
    assert (message["To"], message["Subject"]) == ("kofi@example.org", "Set a new password")
    path = link_in(message)

    assert "Choose a new password" in client.get(path).get_data(as_text=True)
    response = client.post(
        path, data={"password": "river lantern cobalt", "confirm": "river lantern cobalt"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"

    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 422
    )
    log_in(client, user, "river lantern cobalt")
    assert logged_in_as(elsewhere.get("/").get_data(as_text=True)) is None
    with app.app_context():
        assert db.session.scalar(select(AccountSession.id).where(AccountSession.user_id == user.id))
    assert [a for a, *_ in audit_rows("user.password_reset")] == [user.id]

    spent = client.post(
        path, data={"password": "another fine phrase", "confirm": "another fine phrase"}
    )
    assert spent.status_code == 400


def test_a_reset_link_expires_after_an_hour(app, client, make_user, smtp_server):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    path = link_in(smtp_server[0])
    with time_machine.travel(utcnow() + timedelta(minutes=61), tick=False):
        assert client.get(path).status_code == 400


def test_asking_for_an_unknown_address_answers_the_same_and_sends_nothing(
    client, make_user, smtp_server
):
    make_user(email="kofi@example.org")
    known = client.post("/password/forgot", data={"email": "kofi@example.org"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert [m["To"] for m in smtp_server] == ["kofi@example.org"]


def test_a_deactivated_account_gets_no_link_and_its_old_link_fails(
    app, client, make_user, smtp_server
):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    path = link_in(smtp_server[0])
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    client.post("/password/forgot", data={"email": user.email})
    assert len(smtp_server) == 1
    assert client.get(path).status_code == 400


def test_a_reset_confirms_an_unconfirmed_address(app, client, make_user, smtp_server):
    user = make_user(email_verified_at=None)
    client.post("/password/forgot", data={"email": user.email})
    client.post(
        link_in(smtp_server[0]),
        data={"password": "river lantern cobalt", "confirm": "river lantern cobalt"},
    )
    assert stored_user(app, user.email).email_verified


def test_mail_links_use_the_public_address_whatever_the_host_header(client, make_user, smtp_server):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"})
    assert "evil.example" not in smtp_server[0].get_content()
    assert link_in(smtp_server[0]).startswith("/password/reset/")


def test_redirects_never_name_the_host_header(client, make_user):
    for url, method in [("/admin/users/", "get"), ("/logout", "post"), ("/account", "get")]:
        response = getattr(client, method)(url, headers={"Host": "evil.example"})
        assert response.status_code in (302, 303, 401), url
        assert "evil.example" not in response.headers["Location"], url
        assert response.headers["Location"].startswith("/"), url


# --- passwords that are hard to guess --------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["amina@example.org", "password12", "1234567890", "Amina Diallo", "qwertyuiop", "amina12345"],
)
def test_registration_refuses_an_easy_password(client, user_count, password, smtp_server):
    response = client.post("/register", data={**FORM, "password": password, "confirm": password})
    assert response.status_code == 422
    assert "This password is too easy to guess" in response.get_data(as_text=True)
    assert user_count() == 0
    assert smtp_server == []


def test_a_reset_refuses_an_easy_password(client, make_user, smtp_server):
    user = make_user(email="kofi.mensah@example.org", name="Kofi Mensah")
    client.post("/password/forgot", data={"email": user.email})
    path = link_in(smtp_server[0])
    for weak in ["kofi.mensah@example.org", "kofimensah1", "password123"]:
        response = client.post(path, data={"password": weak, "confirm": weak})
        assert response.status_code == 422, weak
        assert "too easy to guess" in response.get_data(as_text=True)


# --- names go into mails on one line ---------------------------------------------------------


def test_a_line_break_never_enters_a_name(app, client, smtp_server):
    client.post("/register", data={**FORM, "name": "Amina\r\nBcc: victim@example.org\n Diallo"})
    user = stored_user(app, "amina@example.org")
    assert user.name == "Amina Bcc: victim@example.org Diallo"
    (message,) = smtp_server
    assert message["Bcc"] is None
    assert "Hello Amina Bcc: victim@example.org Diallo," in message.get_content()


# --- the account page ------------------------------------------------------------------------


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_changing_the_password_keeps_this_device_and_ends_the_others(
    app, client, make_user, audit_rows
):
    user = make_user(role=Role.OFFICER)
    phone = app.test_client()
    log_in(phone, user)
    log_in(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert "Where you are logged in" in page
    assert page.count("Logged in ") == 2

    wrong = client.post(
        "/account/password",
        data={
            "current": "not it at all",
            "password": "river lantern cobalt",
            "confirm": "river lantern cobalt",
        },
    )
    assert wrong.status_code == 422
    assert "That is not your current password" in wrong.get_data(as_text=True)

    response = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "river lantern cobalt",
            "confirm": "river lantern cobalt",
        },
    )
    assert response.status_code == 303
    assert logged_in_as(client.get("/").get_data(as_text=True)) == user.name
    assert logged_in_as(phone.get("/").get_data(as_text=True)) is None
    ((_a, _t, _i, _before, after),) = audit_rows("user.password_changed")
    assert after == {"logins_ended": 1}


def test_log_out_on_every_other_device(app, client, make_user, audit_rows):
    user = make_user()
    others = [app.test_client() for _ in range(2)]
    for other in others:
        log_in(other, user)
    log_in(client, user)
    response = client.post("/account/sessions/end-others")
    assert response.status_code == 303
    assert "You are logged out on 2 other devices." in client.get("/account").get_data(as_text=True)
    assert all(logged_in_as(o.get("/").get_data(as_text=True)) is None for o in others)
    assert logged_in_as(client.get("/").get_data(as_text=True)) == user.name


HOSTILE = ["\ud800", "\x00\x01\x1f", "e\u0301" * 60, "x" * 100_000, "пароль дом луна", " " * 20]


def test_hostile_passwords_get_a_4xx_on_every_password_form(app, client, make_user, smtp_server):
    user, forgetful = make_user(), make_user()
    log_in(client, user)
    anonymous = app.test_client()
    for value in HOSTILE:
        anonymous.post("/password/forgot", data={"email": forgetful.email})
        reset = link_in(smtp_server[-1])
        forms = [
            (client, "/account/password", {"current": value, "password": value, "confirm": value}),
            (anonymous, reset, {"password": value, "confirm": value}),
            (anonymous, "/register", {**FORM, "password": value, "confirm": value}),
        ]
        for who, url, data in forms:
            # Encoded by hand: the test client cannot encode a lone surrogate, a browser can.
            body = "&".join(
                f"{k}={quote(v, safe='', errors='surrogatepass')}" for k, v in data.items()
            )
            response = who.post(url, data=body, content_type="application/x-www-form-urlencoded")
            # 303 where the value makes a fine password.
            assert response.status_code in (303, 422), (url, value[:10])
