"""Logins that end: logout, an admin's change and the clock all close them, copies included."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from registry.auth import sessions
from registry.extensions import db
from registry.models import AccountSession, Role
from registry.models._base import utcnow
from tests.conftest import PASSWORD, log_in, logged_in_as

ADMIN_PAGE = "/admin/users/"
REMEMBER = "remember_token"


def _login(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 303
    return response


def _opens_admin_page(client) -> bool:
    response = client.get(ADMIN_PAGE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    return False


def _rows(app, user) -> list[AccountSession]:
    with app.app_context():
        return list(db.session.scalars(select(AccountSession).filter_by(user_id=user.id)))


def _only_remember_cookie(app, value):
    """A browser that was closed: the session cookie is gone, the remember-me cookie kept."""
    fresh = app.test_client()
    fresh.set_cookie(REMEMBER, value)
    return fresh


def test_a_session_cookie_copied_before_logout_opens_nothing_after_it(app, client, make_user):
    admin = make_user(Role.ADMIN)
    _login(client, admin)
    copied = client.get_cookie("session").value
    assert _opens_admin_page(client)

    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert not _opens_admin_page(replay)
    assert _rows(app, admin) == []


def test_a_remember_me_token_copied_before_logout_opens_nothing_after_it(app, client, make_user):
    admin = make_user(Role.ADMIN)
    _login(client, admin, remember=True)
    token = client.get_cookie(REMEMBER).value
    assert _opens_admin_page(_only_remember_cookie(app, token))

    client.post("/logout")
    assert client.get_cookie(REMEMBER) is None  # the browser is told to forget it
    assert not _opens_admin_page(_only_remember_cookie(app, token))


def test_the_remember_me_token_is_new_at_every_login(app, make_user):
    user = make_user()
    tokens = set()
    for _ in range(3):
        browser = app.test_client()
        _login(browser, user, remember=True)
        tokens.add(browser.get_cookie(REMEMBER).value)
    assert len(tokens) == 3
    # Three devices, three logins: logging out on one leaves the others logged in.
    assert len(_rows(app, user)) == 3


def test_logout_ends_only_this_device(app, make_user):
    admin = make_user(Role.ADMIN)
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, admin)
    _login(phone, admin)
    laptop.post("/logout")
    assert not _opens_admin_page(laptop)
    assert _opens_admin_page(phone)


def test_deactivation_ends_every_login_and_reactivation_revives_none(app, client, make_user):
    admin = make_user(Role.ADMIN)
    member = make_user(Role.OFFICER)
    members_browser = app.test_client()
    _login(members_browser, member, remember=True)
    token = members_browser.get_cookie(REMEMBER).value
    copied_session = members_browser.get_cookie("session").value

    log_in(client, admin)
    client.post(f"/admin/users/{member.id}/active", data={"active": "0"})
    assert _rows(app, member) == []
    client.post(f"/admin/users/{member.id}/active", data={"active": "1"})

    assert logged_in_as(members_browser.get("/").get_data(as_text=True)) is None
    assert logged_in_as(_only_remember_cookie(app, token).get("/").get_data(as_text=True)) is None
    replay = app.test_client()
    replay.set_cookie("session", copied_session)
    assert logged_in_as(replay.get("/").get_data(as_text=True)) is None


def test_a_role_change_ends_the_logins_made_under_the_old_role(app, client, make_user):
    admin = make_user(Role.ADMIN)
    other_admin = make_user(Role.ADMIN)
    others_browser = app.test_client()
    _login(others_browser, other_admin, remember=True)

    log_in(client, admin)
    response = client.post(f"/admin/users/{other_admin.id}/role", data={"role": "community"})
    assert response.status_code in (200, 303)
    assert not _opens_admin_page(others_browser)
    assert _rows(app, other_admin) == []


def test_staff_are_logged_out_after_half_an_hour_idle_community_members_are_not(app, make_user):
    officer, member = make_user(Role.OFFICER), make_user()
    officers_browser, members_browser = app.test_client(), app.test_client()
    _login(officers_browser, officer)
    _login(members_browser, member)

    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        page = officers_browser.get("/").get_data(as_text=True)
        assert logged_in_as(page) is None
        assert "Your session has ended" in page
        assert logged_in_as(members_browser.get("/").get_data(as_text=True)) == member.name
    assert _rows(app, officer) == []


def test_activity_keeps_a_session_open_past_its_idle_timeout(app, make_user):
    officer = make_user(Role.OFFICER)
    browser = app.test_client()
    _login(browser, officer)
    start = utcnow()
    for minutes in (20, 40, 60, 80):  # never 30 minutes apart
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert logged_in_as(browser.get("/").get_data(as_text=True)) == officer.name
    (row,) = _rows(app, officer)
    seen = row.last_seen_at.replace(tzinfo=None)
    assert seen >= (start + timedelta(minutes=79)).replace(tzinfo=None)


def test_a_page_view_inside_the_touch_interval_writes_nothing(app, make_user):
    member = make_user()
    browser = app.test_client()
    _login(browser, member)
    (before,) = _rows(app, member)
    with time_machine.travel(utcnow() + timedelta(minutes=2), tick=False):
        browser.get("/")
    (after,) = _rows(app, member)
    assert after.last_seen_at == before.last_seen_at


def test_no_activity_outlives_the_absolute_lifetime(app, make_user):
    officer = make_user(Role.OFFICER)
    browser = app.test_client()
    _login(browser, officer, remember=True)
    start = utcnow()
    (row,) = _rows(app, officer)
    lifetime = row.expires_at.replace(tzinfo=None) - row.created_at.replace(tzinfo=None)
    assert lifetime == timedelta(days=7)  # staff, remembered
    moment = start
    while moment < start + timedelta(days=6, hours=12):
        moment += timedelta(hours=10)  # inside the remembered idle timeout of 12 hours
        with time_machine.travel(moment, tick=False):
            assert logged_in_as(browser.get("/").get_data(as_text=True)) == officer.name
    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
        assert logged_in_as(browser.get("/").get_data(as_text=True)) is None


@pytest.mark.parametrize(
    ("role", "remember", "idle", "lifetime"),
    [
        (Role.COMMUNITY, False, timedelta(hours=2), timedelta(hours=24)),
        (Role.COMMUNITY, True, timedelta(days=14), timedelta(days=30)),
        (Role.ADMIN, False, timedelta(minutes=30), timedelta(hours=12)),
        (Role.OFFICER, True, timedelta(hours=12), timedelta(days=7)),
    ],
)
def test_limits_are_shorter_for_staff(app_ctx, role, remember, idle, lifetime):
    assert sessions.limits(role, remember) == sessions.Limits(idle=idle, lifetime=lifetime)


def test_settings_override_the_limits(app):
    app.config["STAFF_SESSION_IDLE_MINUTES"] = 10
    try:
        with app.app_context():
            assert sessions.limits(Role.ADMIN, False).idle == timedelta(minutes=10)
    finally:
        del app.config["STAFF_SESSION_IDLE_MINUTES"]


def test_a_session_cookie_signed_31_days_ago_is_refused(app, make_user):
    """The signature's own age limit, apart from the row's: a day."""
    member = make_user()
    browser = app.test_client()
    _login(browser, member, remember=False)
    serializer = app.session_interface.get_signing_serializer(app)
    contents = serializer.loads(browser.get_cookie("session").value)
    with time_machine.travel(utcnow() - timedelta(days=31), tick=False):
        old = serializer.dumps(contents)
    replay = app.test_client()
    replay.set_cookie("session", old)
    assert logged_in_as(replay.get("/").get_data(as_text=True)) is None
    assert logged_in_as(browser.get("/").get_data(as_text=True)) == member.name


def test_a_forged_or_oversized_token_is_no_login(app, make_user):
    make_user()
    for token in ["1", "x" * 43, "y" * 3000, "1|" + "0" * 64]:
        page = _only_remember_cookie(app, token).get("/").get_data(as_text=True)
        assert logged_in_as(page) is None


def test_only_a_hash_of_the_token_is_stored(app, client, make_user):
    user = make_user()
    _login(client, user, remember=True)
    token = client.get_cookie(REMEMBER).value.split("|")[0]
    (row,) = _rows(app, user)
    assert row.token_hash == sessions.digest(token)
    assert token not in row.token_hash


def test_purge_deletes_only_expired_rows(app, make_user):
    user = make_user()
    for _ in range(2):
        _login(app.test_client(), user)
    with app.app_context():
        first = db.session.scalars(select(AccountSession).order_by(AccountSession.id)).first()
        first.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert sessions.purge() == 1
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AccountSession)) == 1


def test_a_new_login_clears_the_accounts_expired_rows(app, make_user):
    user = make_user()
    _login(app.test_client(), user)
    with app.app_context():
        row = db.session.scalars(select(AccountSession)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    _login(app.test_client(), user)
    assert len(_rows(app, user)) == 1
