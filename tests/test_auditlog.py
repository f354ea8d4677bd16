"""The audit log page: filters, bad input, pagination, readable changes, who may read it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask

from registry.extensions import db
from registry.models import AuditEvent, Role, User
from tests.querycount import count_queries

HTMX = {"HX-Request": "true"}
EVENT_ROW = re.compile(r'<tr id="event-(\d+)">')


@pytest.fixture
def make_event(app: Flask):
    """An audit event written directly; returns its id."""

    def make(
        action: str = "stakeholder.updated",
        actor: User | None = None,
        entry_type: str = "stakeholder",
        entry_id: int | None = 1,
        at: datetime | None = None,
        before: dict | None = None,
        after: dict | None = None,
    ) -> int:
        with app.app_context():
            event = AuditEvent(
                action=action,
                actor_id=actor.id if actor else None,
                entry_type=entry_type,
                entry_id=entry_id,
                before=before,
                after=after,
                **({"created_at": at} if at else {}),
            )
            db.session.add(event)
            db.session.commit()
            return event.id

    return make


@pytest.fixture
def events(make_event, make_user) -> dict[str, int]:
    """A few events chosen so that each filter picks out a known set, by name."""
    amina = make_user(Role.COMMUNITY, email="amina@city.example")
    kofi = make_user(Role.OFFICER, email="kofi@ngo.example")
    return {
        "march-amina-update": make_event(
            "stakeholder.updated", amina, "stakeholder", 7, datetime(2026, 3, 2, 9, tzinfo=UTC)
        ),
        "march-kofi-approve": make_event(
            "stakeholder.approve", kofi, "stakeholder", 7, datetime(2026, 3, 31, 23, tzinfo=UTC)
        ),
        "april-kofi-role": make_event(
            "user.role_changed", kofi, "user", 12, datetime(2026, 4, 1, 0, tzinfo=UTC)
        ),
        "april-system": make_event(
            "stakeholder.updated", None, "stakeholder", 8, datetime(2026, 4, 15, tzinfo=UTC)
        ),
    }


def listed(response) -> list[int]:
    return [int(n) for n in EVENT_ROW.findall(response.get_data(as_text=True))]


def named(events: dict[str, int], *names: str) -> list[int]:
    return [events[name] for name in names]


# --- the list --------------------------------------------------------------------------------


def test_audit_log_lists_events_newest_first(client, logged_in_admin, events):
    response = client.get("/admin/audit/")

    assert response.status_code == 200
    # First the administrator's own log-in, a moment ago.
    assert listed(response)[1:] == named(
        events, "april-system", "april-kofi-role", "march-kofi-approve", "march-amina-update"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param({"actor": "KOFI@"}, ["april-kofi-role", "march-kofi-approve"], id="actor"),
        pytest.param({"actor": "city.example"}, ["march-amina-update"], id="actor-domain"),
        pytest.param({"actor": "%"}, [], id="actor-percent-is-literal"),
        pytest.param({"entry_type": "user", "entry_id": "12"}, ["april-kofi-role"], id="entry"),
        pytest.param(
            {"entry_type": "stakeholder", "entry_id": "7"},
            ["march-kofi-approve", "march-amina-update"],
            id="entry-stakeholder",
        ),
        pytest.param(
            {"action": "stakeholder.updated"},
            ["april-system", "march-amina-update"],
            id="action",
        ),
        pytest.param(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"},
            ["march-kofi-approve", "march-amina-update"],
            id="month-including-its-last-day",
        ),
        pytest.param(
            {"date_from": "2026-04-01", "date_to": "2026-04-01"}, ["april-kofi-role"], id="one-day"
        ),
        pytest.param(
            {"entry_type": "stakeholder", "date_from": "2026-04-01"},
            ["april-system"],
            id="combined",
        ),
    ],
)
def test_audit_log_filters(client, logged_in_admin, events, args, expected):
    response = client.get("/admin/audit/", query_string=args)

    assert response.status_code == 200
    assert listed(response) == named(events, *expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param({"date_from": "31/03/2026"}, "“31/03/2026” is not a date (from)", id="from"),
        pytest.param({"date_to": "2026-02-30"}, "“2026-02-30” is not a date (to)", id="to"),
        pytest.param({"date_to": "yesterday"}, "“yesterday” is not a date (to)", id="words"),
        pytest.param({"entry_id": "7; drop"}, "“7; drop” is not an entry number", id="entry-id"),
        pytest.param({"entry_id": "9" * 30}, "is not an entry number", id="entry-id-huge"),
    ],
)
def test_bad_filters_are_explained_not_applied(client, logged_in_admin, events, args, message):
    response = client.get("/admin/audit/", query_string=args)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "That filter is not applied." in html
    assert len(listed(response)) == 5


def test_dates_in_the_wrong_order_say_nothing_can_match(client, logged_in_admin, events):
    response = client.get(
        "/admin/audit/", query_string={"date_from": "2026-04-02", "date_to": "2026-04-01"}
    )

    assert "The “from” date is after the “to” date" in response.get_data(as_text=True)
    assert listed(response) == []


def test_audit_log_pages_with_filters_kept(app, client, logged_in_admin, make_event):
    for n in range(30):
        make_event("stakeholder.updated", entry_id=n)

    first = client.get("/admin/audit/", query_string={"action": "stakeholder.updated"})
    second = client.get("/admin/audit/", query_string={"action": "stakeholder.updated", "page": 2})

    assert len(listed(first)) == app.config["PER_PAGE"]
    assert len(listed(second)) == 30 - app.config["PER_PAGE"]
    assert "/admin/audit/?page=2&amp;action=stakeholder.updated" in first.get_data(as_text=True)
    assert set(listed(first)).isdisjoint(listed(second))


def test_htmx_search_renders_only_the_results(client, logged_in_admin, events):
    response = client.get("/admin/audit/", query_string={"actor": "kofi"}, headers=HTMX)

    html = response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    assert '<form method="get"' not in html
    assert listed(response) == named(events, "april-kofi-role", "march-kofi-approve")


def test_changes_are_shown_field_by_field(client, logged_in_admin, make_event):
    make_event(
        "user.role_changed",
        entry_type="user",
        before={"role": "community"},
        after={"role": "admin", "memberships": ["A", "B"], "active": True},
    )

    html = client.get("/admin/audit/", query_string={"action": "user.role_changed"}).get_data(
        as_text=True
    )

    assert re.search(
        r'<dt>role</dt>\s*<dd>\s*<span class="before">community</span>.*?'
        r'<span class="after">admin</span>',
        html,
        re.S,
    )
    assert re.search(r'<dt>memberships</dt>\s*<dd>\s*<span class="after">A, B</span>', html)
    assert re.search(r'<dt>active</dt>\s*<dd>\s*<span class="after">yes</span>', html)


def test_query_count_does_not_grow_with_rows(app, client, logged_in_admin, make_event, make_user):
    def queries_for_page() -> int:
        with count_queries(app) as statements:
            client.get("/admin/audit/")
        return len(statements)

    actors = [make_user(Role.COMMUNITY) for _ in range(3)]
    for actor in actors:
        make_event(actor=actor)
    few = queries_for_page()
    for n in range(20):
        make_event(actor=make_user(Role.COMMUNITY) if n % 2 else None)

    assert queries_for_page() == few


@pytest.mark.parametrize("role", ["anonymous", "member", "non_member", "officer"])
def test_only_administrators_read_the_audit_log(as_role, role):
    client, _user = as_role(role)

    response = client.get("/admin/audit/")

    if role == "anonymous":
        assert response.status_code == 302
        assert response.location.startswith("/login")
    else:
        assert response.status_code == 403


def test_the_last_possible_date_is_a_filter_not_an_overflow(client, logged_in_admin, events):
    response = client.get("/admin/audit/", query_string={"date_to": "9999-12-31"})

    assert response.status_code == 200
    assert len(listed(response)) == 5
