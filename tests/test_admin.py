"""Account administration: the users list, roles, deactivation, memberships, who may do it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from registry.admin import services
from registry.extensions import db
from registry.models import AuditEvent, Membership, Role, Stakeholder, User
from tests.conftest import PASSWORD, logged_in_as

HTMX = {"HX-Request": "true"}
LISTED = re.compile(r'<a href="/admin/users/\d+">([^<]*)</a>')

# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def amina(make_user) -> User:
    return make_user(Role.COMMUNITY, name="Amina Diallo", email="amina@city.example")


@pytest.fixture
def people(make_user) -> dict[str, User]:
    """Accounts chosen so each filter picks out a known few."""
    rows = [
        ("Amina Diallo", "amina@city.example", Role.COMMUNITY, True),
        ("Kofi Mensah", "kofi@ngo.example", Role.OFFICER, True),
        ("Rate 100% Club", "club@city.example", Role.COMMUNITY, False),
        ("Team 1000 Hills", "hills@city.example", Role.COMMUNITY, True),
        ("Snake_Case Ltd", "snake@city.example", Role.OFFICER, True),
        ("Lee Cole", "lee@ngo.example", Role.COMMUNITY, False),
    ]
    return {
        name: make_user(role, email=email, name=name, active=active)
        for name, email, role, active in rows
    }


@pytest.fixture
def stored(app: Flask):
    """The account as the database has it now."""

    def get(user: User) -> User:
        with app.app_context():
            fresh = db.session.get(User, user.id)
            db.session.expunge(fresh)
            return fresh

    return get


@pytest.fixture
def memberships_of(app: Flask):
    def stakeholder_ids(user: User) -> list[int]:
        with app.app_context():
            return list(
                db.session.scalars(
                    select(Membership.stakeholder_id)
                    .where(Membership.user_id == user.id)
                    .order_by(Membership.id)
                )
            )

    return stakeholder_ids


@pytest.fixture
def request_ctx(app: Flask) -> Iterator[None]:
    """For calling a service directly: messages are translated per request."""
    with app.test_request_context():
        yield


@pytest.fixture
def count_queries(app: Flask):
    """``with count_queries() as queries:`` collects the SQL run inside the block."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def collect(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", collect)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", collect)

    return counting


def last_flash(client) -> tuple[str, str] | None:
    """The newest message waiting for the next page (read without consuming it)."""
    with client.session_transaction() as session:
        flashes = session.get("_flashes", [])
    return tuple(flashes[-1]) if flashes else None


def listed(response) -> list[str]:
    return LISTED.findall(response.get_data(as_text=True))


# --- the users list ---------------------------------------------------------------------------


def test_users_list_shows_every_account_sorted_by_name(client, logged_in_admin, people):
    response = client.get("/admin/users/")

    assert response.status_code == 200
    assert listed(response) == [
        "Ada Admin",
        "Amina Diallo",
        "Kofi Mensah",
        "Lee Cole",
        "Rate 100% Club",
        "Snake_Case Ltd",
        "Team 1000 Hills",
    ]
    html = response.get_data(as_text=True)
    assert "7 accounts" in html
    assert "kofi@ngo.example" in html


@pytest.mark.parametrize(
    ("q", "names"),
    [
        pytest.param("amina", {"Amina Diallo"}, id="name"),
        pytest.param("AMINA", {"Amina Diallo"}, id="name-any-case"),
        pytest.param("NGO.Example", {"Kofi Mensah", "Lee Cole"}, id="email-any-case"),
        pytest.param("  kofi  ", {"Kofi Mensah"}, id="spaces-trimmed"),
        pytest.param("100%", {"Rate 100% Club"}, id="percent-is-literal"),
        pytest.param("e_c", {"Snake_Case Ltd"}, id="underscore-is-literal"),
        pytest.param("%", {"Rate 100% Club"}, id="lone-percent"),
        pytest.param("\\", set(), id="backslash"),
    ],
)
def test_users_list_filters_by_name_or_email(client, logged_in_admin, people, q, names):
    response = client.get("/admin/users/", query_string={"q": q})

    assert response.status_code == 200
    assert set(listed(response)) == names


def test_users_list_says_when_nothing_matches(client, logged_in_admin, people):
    response = client.get("/admin/users/", query_string={"q": "nobody"})

    assert response.status_code == 200
    assert listed(response) == []
    assert "No account matches these filters." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("args", "names"),
    [
        pytest.param({"role": "officer"}, {"Kofi Mensah", "Snake_Case Ltd"}, id="officer"),
        pytest.param({"role": "admin"}, {"Ada Admin"}, id="admin"),
        pytest.param({"state": "inactive"}, {"Rate 100% Club", "Lee Cole"}, id="inactive"),
        pytest.param(
            {"state": "active"},
            {"Ada Admin", "Amina Diallo", "Kofi Mensah", "Team 1000 Hills", "Snake_Case Ltd"},
            id="active",
        ),
        pytest.param(
            {"role": "community", "state": "inactive", "q": "club"},
            {"Rate 100% Club"},
            id="all-three",
        ),
        pytest.param({"role": "bogus", "state": "bogus"}, None, id="unknown-values-ignored"),
    ],
)
def test_users_list_filters_by_role_and_state(client, logged_in_admin, people, args, names):
    response = client.get("/admin/users/", query_string=args)

    assert response.status_code == 200
    assert set(listed(response)) == (names or {"Ada Admin", *people})


def test_users_list_by_htmx_is_only_the_results(client, logged_in_admin, people):
    response = client.get("/admin/users/", query_string={"q": "kofi"}, headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert '<form method="get"' not in html
    assert listed(response) == ["Kofi Mensah"]
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("page", "names"),
    [
        pytest.param("1", ["Ada Admin", "Amina Diallo", "Kofi Mensah"], id="first"),
        pytest.param("2", ["Lee Cole", "Rate 100% Club", "Snake_Case Ltd"], id="second"),
        pytest.param("3", ["Team 1000 Hills"], id="last"),
        pytest.param("abc", ["Ada Admin", "Amina Diallo", "Kofi Mensah"], id="not-a-number"),
        pytest.param("-3", ["Ada Admin", "Amina Diallo", "Kofi Mensah"], id="negative"),
        pytest.param("0", ["Ada Admin", "Amina Diallo", "Kofi Mensah"], id="zero"),
        pytest.param("99", [], id="past-the-end"),
    ],
)
def test_users_list_pages(app, client, logged_in_admin, people, monkeypatch, page, names):
    monkeypatch.setitem(app.config, "PER_PAGE", 3)

    response = client.get("/admin/users/", query_string={"page": page})

    assert response.status_code == 200
    assert listed(response) == names


def test_users_list_page_links_keep_the_filters(app, client, logged_in_admin, people, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 1)

    response = client.get("/admin/users/", query_string={"state": "inactive"})

    html = response.get_data(as_text=True)
    links = re.findall(r'<a href="(/admin/users/\?[^"]*)" rel="next">', html)
    assert len(links) == 1
    args = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)
    assert args["page"] == ["2"]
    assert args["state"] == ["inactive"]


@pytest.fixture
def add_accounts(make_user, make_stakeholder, make_membership):
    """Add ``n`` community accounts, each a member of one organization."""
    stakeholder = make_stakeholder()

    def add(n: int) -> None:
        for _ in range(n):
            make_membership(make_user(), stakeholder)

    return add


@pytest.fixture
def users_list_queries(client, logged_in_admin, count_queries):
    """The number of SQL statements one request for the users list runs."""

    def measure() -> int:
        with count_queries() as queries:
            response = client.get("/admin/users/")
        assert response.status_code == 200
        return len(queries)

    return measure


def test_users_list_query_count_does_not_grow_with_the_rows(add_accounts, users_list_queries):
    add_accounts(5)
    five = users_list_queries()
    add_accounts(15)

    twenty = users_list_queries()

    assert five == twenty


# --- roles ------------------------------------------------------------------------------------


def test_role_change_by_plain_post_redirects_back_with_a_message(
    client, logged_in_admin, amina, stored
):
    response = client.post(
        f"/admin/users/{amina.id}/role", data={"role": "officer", "next": "/admin/users/?q=am"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users/?q=am"
    assert stored(amina).role == Role.OFFICER
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Amina Diallo is now: Partnership officer." in page


def test_role_change_writes_the_audit_row(client, logged_in_admin, amina, audit_rows):
    client.post(f"/admin/users/{amina.id}/role", data={"role": "officer"})

    assert audit_rows("user.role_changed") == [
        (logged_in_admin.id, "user", amina.id, {"role": "community"}, {"role": "officer"})
    ]


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        pytest.param("/admin/users/7", "/admin/users/7", id="local"),
        pytest.param("", "/admin/users/", id="missing"),
        pytest.param("https://evil.example/", "/admin/users/", id="absolute-url"),
        pytest.param("//evil.example", "/admin/users/", id="scheme-relative"),
        pytest.param("/\\evil.example", "/admin/users/", id="backslash"),
        pytest.param("//[::1", "/admin/users/", id="unclosed-ipv6"),  # was saved, then a 500
    ],
)
def test_role_change_goes_back_only_to_a_local_next(
    client, logged_in_admin, amina, next_url, location
):
    response = client.post(
        f"/admin/users/{amina.id}/role", data={"role": "officer", "next": next_url}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == location


def test_role_change_to_the_same_role_writes_nothing(client, logged_in_admin, amina, audit_rows):
    response = client.post(f"/admin/users/{amina.id}/role", data={"role": "community"})

    assert response.status_code == 303
    assert audit_rows("user.role_changed") == []
    assert "is now:" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_role_change_by_htmx_returns_only_the_row(client, logged_in_admin, amina, stored):
    response = client.post(f"/admin/users/{amina.id}/role", data={"role": "officer"}, headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True).strip()
    assert html.startswith(f'<tr id="user-{amina.id}"')
    assert html.endswith("</tr>")
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert '<option value="officer" selected>' in html
    assert '<option value="community" selected>' not in html
    assert "Amina Diallo is now: Partnership officer." in html
    assert stored(amina).role == Role.OFFICER


@pytest.mark.parametrize("role", ["superuser", "", "ADMIN"])
def test_invalid_role_by_htmx_is_refused(client, logged_in_admin, amina, stored, audit_rows, role):
    response = client.post(f"/admin/users/{amina.id}/role", data={"role": role}, headers=HTMX)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.strip().startswith(f'<tr id="user-{amina.id}"')
    assert "Choose one of the listed roles." in html
    assert stored(amina).role == Role.COMMUNITY
    assert audit_rows("user.role_changed") == []


def test_invalid_role_by_plain_post_changes_nothing(
    client, logged_in_admin, amina, stored, audit_rows
):
    client.post(f"/admin/users/{amina.id}/role", data={"role": "superuser"})

    assert stored(amina).role == Role.COMMUNITY
    assert audit_rows("user.role_changed") == []


def test_invalid_role_by_plain_post_answers_422(client, logged_in_admin, amina):
    response = client.post(f"/admin/users/{amina.id}/role", data={"role": "superuser"})

    assert response.status_code == 422
    assert "Choose one of the listed roles." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        pytest.param("/admin/users/999999", None, id="detail"),
        pytest.param("/admin/users/999999/role", {"role": "officer"}, id="role"),
        pytest.param("/admin/users/999999/active", {"active": "0"}, id="active"),
        pytest.param("/admin/users/999999/memberships", {"stakeholder_id": "1"}, id="add"),
        pytest.param("/admin/users/999999/memberships/1/delete", {}, id="remove"),
    ],
)
def test_unknown_user_is_404(client, logged_in_admin, path, data):
    response = client.get(path) if data is None else client.post(path, data=data)

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        pytest.param(
            "role", {"role": "community"}, "You cannot change your own role", id="own-role"
        ),
        pytest.param(
            "active", {"active": "0"}, "You cannot deactivate your own account", id="deactivate"
        ),
    ],
)
def test_admin_cannot_demote_or_deactivate_self(
    client, logged_in_admin, stored, audit_rows, path, data, message
):
    response = client.post(f"/admin/users/{logged_in_admin.id}/{path}", data=data, headers=HTMX)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    me = stored(logged_in_admin)
    assert (me.role, me.active) == (Role.ADMIN, True)
    assert audit_rows("user.role_changed") == []
    assert audit_rows("user.deactivated") == []


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        pytest.param(
            "role", {"role": "community"}, "You cannot change your own role", id="own-role"
        ),
        pytest.param(
            "active", {"active": "0"}, "You cannot deactivate your own account", id="deactivate"
        ),
    ],
)
def test_admin_cannot_demote_or_deactivate_self_by_plain_post(
    client, logged_in_admin, stored, path, data, message
):
    response = client.post(
        f"/admin/users/{logged_in_admin.id}/{path}", data=data, follow_redirects=True
    )

    assert message in response.get_data(as_text=True)
    me = stored(logged_in_admin)
    assert (me.role, me.active) == (Role.ADMIN, True)


@pytest.mark.parametrize("path", ["role", "active"])
def test_admin_changing_self_by_plain_post_answers_422(client, logged_in_admin, path):
    response = client.post(
        f"/admin/users/{logged_in_admin.id}/{path}", data={"role": "community", "active": "0"}
    )

    assert response.status_code == 422


# --- deactivate and restore -------------------------------------------------------------------


def test_deactivate_writes_the_audit_row_and_says_so(
    client, logged_in_admin, amina, stored, audit_rows
):
    response = client.post(
        f"/admin/users/{amina.id}/active", data={"active": "0"}, follow_redirects=True
    )

    assert "Amina Diallo can no longer log in." in response.get_data(as_text=True)
    assert stored(amina).active is False
    assert audit_rows("user.deactivated") == [
        (logged_in_admin.id, "user", amina.id, {"active": True}, {"active": False})
    ]


def test_restore_writes_the_audit_row_and_says_so(
    client, logged_in_admin, make_user, stored, audit_rows
):
    lee = make_user(name="Lee Cole", active=False)

    response = client.post(
        f"/admin/users/{lee.id}/active", data={"active": "1"}, follow_redirects=True
    )

    assert "Lee Cole can log in again." in response.get_data(as_text=True)
    assert stored(lee).active is True
    assert audit_rows("user.activated") == [
        (logged_in_admin.id, "user", lee.id, {"active": False}, {"active": True})
    ]


def test_deactivate_by_htmx_returns_the_row_with_restore(client, logged_in_admin, amina):
    response = client.post(f"/admin/users/{amina.id}/active", data={"active": "0"}, headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True).strip()
    assert html.startswith(f'<tr id="user-{amina.id}"')
    assert "Deactivated" in html
    assert '<input type="hidden" name="active" value="1">' in html


def test_deactivating_twice_writes_one_audit_row(client, logged_in_admin, amina, audit_rows):
    for _ in range(2):
        client.post(f"/admin/users/{amina.id}/active", data={"active": "0"})

    assert len(audit_rows("user.deactivated")) == 1


@pytest.mark.parametrize("value", ["2", "", "yes"])
def test_invalid_active_value_is_refused(client, logged_in_admin, amina, stored, value):
    response = client.post(f"/admin/users/{amina.id}/active", data={"active": value}, headers=HTMX)

    assert response.status_code == 422
    assert "Choose whether the account is active." in response.get_data(as_text=True)
    assert stored(amina).active is True


def test_deactivated_account_can_no_longer_log_in(app, client, logged_in_admin, amina):
    client.post(f"/admin/users/{amina.id}/active", data={"active": "0"})

    response = app.test_client().post("/login", data={"email": amina.email, "password": PASSWORD})

    assert response.status_code == 422
    assert "This account has been deactivated" in response.get_data(as_text=True)


def test_restored_account_can_log_in_again(
    app, client, logged_in_admin, make_user, make_stakeholder, make_membership
):
    lee = make_user(name="Lee Cole", active=False)
    make_membership(lee, make_stakeholder(name="Kisumu Youth Network"))
    client.post(f"/admin/users/{lee.id}/active", data={"active": "1"})
    lees_browser = app.test_client()

    response = lees_browser.post("/login", data={"email": lee.email, "password": PASSWORD})

    assert response.status_code == 303
    mine = lees_browser.get("/stakeholders/mine")  # sends anyone not logged in to log in
    html = mine.get_data(as_text=True)
    assert mine.status_code == 200
    assert logged_in_as(html) == "Lee Cole"
    assert "Kisumu Youth Network" in html  # the session acts as Lee: it lists Lee's organization


# --- memberships ------------------------------------------------------------------------------


@pytest.fixture
def organizations(make_stakeholder) -> dict[str, Stakeholder]:
    return {
        "hyn": make_stakeholder(name="Habitat Youth Network", acronym="HYN"),
        "sdi": make_stakeholder(name="Slum Dwellers International", acronym="SDI"),
        "city": make_stakeholder(name="City of Nairobi"),
    }


@pytest.mark.parametrize(
    ("q", "shown", "hidden"),
    [
        pytest.param("habitat", ["Habitat Youth Network"], ["Slum Dwellers"], id="name"),
        pytest.param("SDI", ["Slum Dwellers International"], ["Habitat"], id="acronym"),
        pytest.param("hyn", ["Habitat Youth Network"], ["Slum Dwellers"], id="acronym-any-case"),
        pytest.param("i", ["Habitat", "Slum Dwellers", "City of Nairobi"], [], id="several"),
    ],
)
def test_user_detail_lists_candidate_organizations(
    client, logged_in_admin, amina, organizations, q, shown, hidden
):
    response = client.get(f"/admin/users/{amina.id}", query_string={"q": q})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="stakeholder_id"' in html
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


def test_user_detail_shows_the_account_and_its_memberships(
    client, logged_in_admin, amina, organizations, make_membership
):
    membership_id = make_membership(amina, organizations["sdi"])

    response = client.get(f"/admin/users/{amina.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Amina Diallo</h1>" in html
    assert "Slum Dwellers International" in html
    assert f"/admin/users/{amina.id}/memberships/{membership_id}/delete" in html
    assert 'name="stakeholder_id"' not in html  # no search, no candidates


def test_user_detail_says_when_no_organization_matches(
    client, logged_in_admin, amina, organizations
):
    response = client.get(f"/admin/users/{amina.id}", query_string={"q": "zzz"})

    assert "No organization matches “zzz”." in response.get_data(as_text=True)


def test_user_detail_by_htmx_is_only_the_candidates(client, logged_in_admin, amina, organizations):
    response = client.get(f"/admin/users/{amina.id}", query_string={"q": "sdi"}, headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "<h1>" not in html
    assert "Slum Dwellers International" in html


def test_candidates_match_name_or_acronym_in_any_case(request_ctx, organizations):
    names = [s.name for s in services.stakeholder_candidates("sDi")]

    assert names == ["Slum Dwellers International"]


@pytest.mark.parametrize(("q", "count"), [("", 0), ("   ", 0), ("%", 0), ("_", 0), ("i", 3)])
def test_candidates_need_a_search_and_treat_wildcards_literally(app_ctx, organizations, q, count):
    assert len(services.stakeholder_candidates(q)) == count


def test_add_membership(client, logged_in_admin, amina, organizations, memberships_of):
    sdi = organizations["sdi"]

    response = client.post(f"/admin/users/{amina.id}/memberships", data={"stakeholder_id": sdi.id})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/users/{amina.id}"
    assert memberships_of(amina) == [sdi.id]
    assert last_flash(client) == (
        "success",
        "Amina Diallo can now act for Slum Dwellers International.",
    )


def test_add_membership_writes_the_audit_row(
    client, logged_in_admin, amina, organizations, audit_rows
):
    sdi = organizations["sdi"]

    client.post(f"/admin/users/{amina.id}/memberships", data={"stakeholder_id": sdi.id})

    assert audit_rows("user.membership_added") == [
        (
            logged_in_admin.id,
            "user",
            amina.id,
            None,
            {"stakeholder_id": sdi.id, "stakeholder": "Slum Dwellers International"},
        )
    ]


@pytest.mark.parametrize(
    ("existing", "stakeholder", "message"),
    [
        pytest.param("sdi", "sdi", "already a member", id="already-a-member"),
        pytest.param(None, "unknown", "That organization is not in the registry.", id="unknown"),
    ],
)
def test_add_membership_service_refuses(
    request_ctx,
    amina,
    organizations,
    make_membership,
    memberships_of,
    existing,
    stakeholder,
    message,
):
    if existing:
        make_membership(amina, organizations[existing])
    before = memberships_of(amina)
    stakeholder_id = 999999 if stakeholder == "unknown" else organizations[stakeholder].id
    user = db.session.get(User, amina.id)

    with pytest.raises(services.AdminError, match=message):
        services.add_membership(user, user, stakeholder_id)

    db.session.rollback()
    assert memberships_of(amina) == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_add_membership_twice_is_refused(
    client, logged_in_admin, amina, organizations, make_membership, memberships_of, audit_rows
):
    sdi = organizations["sdi"]
    make_membership(amina, sdi)

    response = client.post(
        f"/admin/users/{amina.id}/memberships", data={"stakeholder_id": sdi.id, "q": "sdi"}
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This person is already a member of that organization." in html
    assert 'class="error-summary"' in html
    assert memberships_of(amina) == [sdi.id]
    assert audit_rows("user.membership_added") == []


@pytest.mark.parametrize(
    ("stakeholder_id", "message"),
    [
        pytest.param("999999", "That organization is not in the registry.", id="unknown-id"),
        pytest.param("abc", None, id="not-a-number"),
        pytest.param("", "Choose the organization this person acts for", id="missing"),
    ],
)
def test_add_membership_refuses_a_bad_organization(
    client,
    logged_in_admin,
    amina,
    organizations,
    memberships_of,
    audit_rows,
    stakeholder_id,
    message,
):
    response = client.post(
        f"/admin/users/{amina.id}/memberships",
        data={"stakeholder_id": stakeholder_id, "q": "i"},
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    if message:
        assert message in html
    assert memberships_of(amina) == []
    assert audit_rows("user.membership_added") == []


def test_remove_membership(
    client, logged_in_admin, amina, organizations, make_membership, memberships_of
):
    membership_id = make_membership(amina, organizations["sdi"])

    response = client.post(f"/admin/users/{amina.id}/memberships/{membership_id}/delete")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/users/{amina.id}"
    assert memberships_of(amina) == []
    assert last_flash(client) == ("success", "The membership was removed.")


def test_remove_membership_writes_the_audit_row(
    client, logged_in_admin, amina, organizations, make_membership, audit_rows
):
    sdi = organizations["sdi"]
    membership_id = make_membership(amina, sdi)

    client.post(f"/admin/users/{amina.id}/memberships/{membership_id}/delete")

    assert audit_rows("user.membership_removed") == [
        (
            logged_in_admin.id,
            "user",
            amina.id,
            {"stakeholder_id": sdi.id, "stakeholder": "Slum Dwellers International"},
            None,
        )
    ]


@pytest.mark.parametrize("whose", ["unknown", "someone-elses"])
def test_remove_membership_refuses_one_the_user_does_not_have(
    client,
    logged_in_admin,
    amina,
    make_user,
    organizations,
    make_membership,
    memberships_of,
    audit_rows,
    whose,
):
    kofi = make_user(name="Kofi Mensah")
    make_membership(amina, organizations["hyn"])
    others = make_membership(kofi, organizations["sdi"])
    membership_id = 999999 if whose == "unknown" else others

    response = client.post(f"/admin/users/{amina.id}/memberships/{membership_id}/delete")

    assert response.status_code == 303
    assert last_flash(client) == ("error", "This person is not a member of that organization.")
    assert memberships_of(amina) == [organizations["hyn"].id]
    assert memberships_of(kofi) == [organizations["sdi"].id]
    assert audit_rows("user.membership_removed") == []


# --- who may use the admin pages --------------------------------------------------------------

ADMIN_ROUTES = [
    pytest.param("GET", "/admin/users/", id="list"),
    pytest.param("GET", "/admin/users/{user}", id="detail"),
    pytest.param("POST", "/admin/users/{user}/role", id="role"),
    pytest.param("POST", "/admin/users/{user}/active", id="active"),
    pytest.param("POST", "/admin/users/{user}/memberships", id="add-membership"),
    pytest.param("POST", "/admin/users/{user}/memberships/{membership}/delete", id="remove"),
]
GET_ROUTES = [route for route in ADMIN_ROUTES if route.values[0] == "GET"]
POST_ROUTES = [route for route in ADMIN_ROUTES if route.values[0] == "POST"]
FORM = {"role": "admin", "active": "0", "stakeholder_id": "1"}


@pytest.fixture
def target(amina, make_stakeholder, make_membership) -> dict[str, int]:
    """Ids for the routes' placeholders: an account with one membership."""
    return {"user": amina.id, "membership": make_membership(amina, make_stakeholder())}


@pytest.mark.parametrize("role", ["non_member", "member", "officer"])
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_non_admins_are_refused(as_role, target, stored, memberships_of, amina, role, method, path):
    client, _user = as_role(role)

    response = client.open(path.format(**target), method=method, data=FORM)

    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)
    assert (stored(amina).role, stored(amina).active) == (Role.COMMUNITY, True)
    assert len(memberships_of(amina)) == 1


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_anonymous_is_sent_to_log_in(client, target, stored, memberships_of, amina, method, path):
    response = client.open(path.format(**target), method=method, data=FORM)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert (stored(amina).role, stored(amina).active) == (Role.COMMUNITY, True)
    assert len(memberships_of(amina)) == 1


@pytest.mark.parametrize(("method", "path"), GET_ROUTES)
def test_anonymous_comes_back_to_the_page_after_log_in(client, target, method, path):
    url = path.format(**target)

    response = client.open(url, method=method)

    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == [url]


@pytest.mark.parametrize(("method", "path"), POST_ROUTES)
def test_anonymous_post_does_not_lead_to_a_405_after_log_in(
    client, target, make_user, method, path
):
    admin = make_user(Role.ADMIN)
    login_page = client.open(path.format(**target), method=method, data=FORM)
    form_next = parse_qs(urlsplit(login_page.headers["Location"]).query).get("next", [""])[0]

    logged_in = client.post(
        "/login", data={"email": admin.email, "password": PASSWORD, "next": form_next}
    )
    landing = client.get(logged_in.headers["Location"])

    assert logged_in.headers["Location"] == "/"  # a POST-only address is no page to go back to
    assert landing.status_code == 200
    html = landing.get_data(as_text=True)
    assert "<h1>Who builds sustainable cities together</h1>" in html
    assert logged_in_as(html) == admin.name


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_anonymous_htmx_request_gets_401_and_a_redirect_header(client, target, method, path):
    response = client.open(path.format(**target), method=method, data=FORM, headers=HTMX)

    assert response.status_code == 401
    assert urlsplit(response.headers["HX-Redirect"]).path == "/login"


def test_non_admin_htmx_request_gets_the_error_in_the_message_area(as_role, target):
    client, _user = as_role("officer")

    response = client.post(
        f"/admin/users/{target['user']}/role", data={"role": "admin"}, headers=HTMX
    )

    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.get_data(as_text=True)


def test_accounts_link_is_hidden_from_officers(as_role):
    client, _user = as_role("officer")
    assert 'href="/admin/users/"' not in client.get("/").get_data(as_text=True)


def test_accounts_link_is_shown_to_admins(client, logged_in_admin):
    assert 'href="/admin/users/"' in client.get("/").get_data(as_text=True)
