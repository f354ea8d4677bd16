"""Staff find work: the entries in progress, filterable, newest change first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from registry.extensions import db
from registry.models import Role, Stakeholder, Status
from registry.models._base import utcnow
from tests.conftest import log_in
from tests.querycount import count_queries

URL = "/stakeholders/in-progress"
ROW = re.compile(r'<th scope="row"><a href="/stakeholders/\d+">([^<]+)</a>')


def names(html: str) -> list[str]:
    return ROW.findall(html)


@pytest.fixture
def in_progress(app, make_stakeholder):
    """One entry in each state, changed a day apart (the submitted one most recently)."""
    made = {}
    for days, (status, sector, country) in enumerate(
        [
            (Status.SUBMITTED, "grassroots", "KE"),
            (Status.CHANGES_REQUESTED, "civil_society", "KE"),
            (Status.DRAFT, "grassroots", "BR"),
            (Status.REJECTED, "academia", "IN"),
            (Status.WITHDRAWN, "civil_society", "BR"),
            (Status.APPROVED, "grassroots", "KE"),
            (Status.ARCHIVED, "grassroots", "KE"),
        ]
    ):
        name = f"{status.value.replace('_', ' ').title()} Org"
        made[status] = make_stakeholder(name, status=status, sector_code=sector, country=country)
        with app.app_context():
            db.session.execute(
                text("UPDATE stakeholder SET updated_at = :t WHERE id = :id"),
                {"t": utcnow() - timedelta(days=days), "id": made[status].id},
            )
            db.session.commit()
    return made


@pytest.fixture
def officer_client(client, make_user):
    log_in(client, make_user(Role.OFFICER))
    return client


def test_staff_see_every_entry_in_progress_newest_change_first(officer_client, in_progress):
    html = officer_client.get(URL).get_data(as_text=True)
    assert names(html) == [
        "Submitted Org",
        "Changes Requested Org",
        "Draft Org",
        "Rejected Org",
        "Withdrawn Org",
    ]  # not the approved one, not the archived one
    assert "5 entries in progress match." in html
    assert 'href="/stakeholders/in-progress" aria-current="page"' in html


def test_waiting_longest_first(officer_client, in_progress):
    html = officer_client.get(URL, query_string={"dir": "asc"}).get_data(as_text=True)
    assert names(html)[0] == "Withdrawn Org"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"status": "submitted"}, ["Submitted Org"]),
        ({"status": "changes_requested"}, ["Changes Requested Org"]),
        ({"sector": "grassroots"}, ["Submitted Org", "Draft Org"]),
        ({"country": "BR"}, ["Draft Org", "Withdrawn Org"]),
        ({"country": "KE", "sector": "civil_society"}, ["Changes Requested Org"]),
        ({"q": "draft"}, ["Draft Org"]),
        ({"status": "approved"}, None),  # not a state in progress: no filter
    ],
)
def test_filters(officer_client, in_progress, args, expected):
    html = officer_client.get(URL, query_string=args).get_data(as_text=True)
    if expected is None:
        expected = names(officer_client.get(URL).get_data(as_text=True))
    assert names(html) == expected


def test_each_filter_value_says_how_many(officer_client, in_progress):
    html = officer_client.get(URL, query_string={"sector": "grassroots"}).get_data(as_text=True)
    # The states are counted under the sector chosen; the sectors under no other filter.
    assert '<option value="submitted">Waiting for review (1)</option>' in html
    assert '<option value="rejected">Rejected (0)</option>' in html
    assert ">Civil society organization or NGO (2)</option>" in html
    assert '<option value="BR">Brazil (1)</option>' in html


def test_pages_go_by_cursor(app, officer_client, make_stakeholder):
    app.config["PER_PAGE"], per_page = 2, app.config["PER_PAGE"]
    try:
        for n in range(5):
            make_stakeholder(f"Draft {n}", status=Status.DRAFT)
        first = officer_client.get(URL).get_data(as_text=True)
        assert len(names(first)) == 2
        assert 'rel="next"' in first
        forged = officer_client.get(URL, query_string={"cursor": "forged"})
        assert forged.status_code == 400
        assert len(names(forged.get_data(as_text=True))) == 2
    finally:
        app.config["PER_PAGE"] = per_page


@pytest.mark.parametrize("role", [Role.COMMUNITY])
def test_only_staff_see_it(client, make_user, role, in_progress):
    assert client.get(URL).status_code == 302  # anonymous: log in first
    log_in(client, make_user(role))
    assert client.get(URL).status_code == 403


def test_a_constant_number_of_queries_however_many_rows(app, officer_client, make_stakeholder):
    make_stakeholder("One Draft", status=Status.DRAFT)
    officer_client.get(URL)
    with count_queries(app) as few:
        officer_client.get(URL)
    for n in range(12):
        make_stakeholder(f"More Draft {n}", status=Status.SUBMITTED, country="KE")
    with count_queries(app) as many:
        officer_client.get(URL)
    assert len(many) == len(few)


@pytest.mark.postgres_only
def test_the_partial_index_serves_the_list(app, in_progress):
    with app.app_context():
        # A few rows: steer the planner off the plans that only win on tiny tables.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_sort = off"))
        plan = db.session.execute(
            text(
                "EXPLAIN SELECT id FROM stakeholder WHERE stakeholder.status NOT IN "
                "('approved', 'archived') AND merged_into_id IS NULL "
                "ORDER BY updated_at DESC, id DESC LIMIT 26"
            )
        ).scalars()
        assert "ix_stakeholder_in_progress_changed" in "\n".join(plan)
        db.session.rollback()


def test_the_stakeholder_model_knows_its_partial_indexes():
    indexes = {index.name for index in Stakeholder.__table__.indexes}
    assert {"ix_stakeholder_in_progress_changed", "ix_stakeholder_in_progress_status_changed"} <= (
        indexes
    )
