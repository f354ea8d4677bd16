"""The home page: the registry at a glance, for visitors and every role."""

from __future__ import annotations

import pytest

from registry.extensions import db
from registry.models import Constituency, Stakeholder, Status
from tests.conftest import logged_in_as
from tests.querycount import count_queries


@pytest.fixture
def with_constituency(app):
    def add(stakeholder: Stakeholder, code: str) -> None:
        with app.app_context():
            row = db.session.get(Stakeholder, stakeholder.id)
            row.constituencies.append(db.session.get(Constituency, code))
            db.session.commit()

    return add


def sector_count(html: str, sector: str) -> str:
    row = html.split(f">{sector}</th>", 1)[1]
    return row.split('<td class="num">', 1)[1].split("<", 1)[0].strip()


def test_counts_approved_stakeholders_by_sector(client, make_stakeholder):
    make_stakeholder(sector_code="grassroots")
    make_stakeholder(sector_code="grassroots")
    make_stakeholder(sector_code="grassroots", status=Status.SUBMITTED)
    html = client.get("/").get_data(as_text=True)
    assert sector_count(html, "Grassroots or community-based organization") == "2"
    assert sector_count(html, "Media") == "0"


def test_counts_by_constituency(client, make_stakeholder, with_constituency):
    women = make_stakeholder()
    with_constituency(women, "women")
    draft = make_stakeholder(status=Status.DRAFT)
    with_constituency(draft, "women")
    html = client.get("/").get_data(as_text=True)
    assert sector_count(html, "Women") == "1"


def test_sectors_with_nobody_are_marked_missing(client, make_stakeholder):
    make_stakeholder(sector_code="academia")
    html = client.get("/").get_data(as_text=True)
    media_row = html.split(">Media</th>", 1)[1].split("</tr>", 1)[0]
    assert "missing" in media_row


def test_newest_lists_only_approved_by_name(client, make_stakeholder):
    make_stakeholder(name="Approved Youth Network")
    make_stakeholder(name="Unreviewed Draft Group", status=Status.DRAFT)
    html = client.get("/").get_data(as_text=True)
    assert "Approved Youth Network" in html
    assert "Unreviewed Draft Group" not in html


def test_names_are_escaped(client, make_stakeholder):
    make_stakeholder(name="<script>alert(1)</script> Collective")
    html = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Collective" in html


@pytest.mark.parametrize("role", ["anonymous", "member", "officer", "admin"])
def test_home_for_every_role(as_role, role):
    client, user = as_role(role)
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Who builds sustainable cities together</h1>" in html
    assert logged_in_as(html) == (user.name if user else None)


def test_query_count_does_not_grow_with_rows(app, client, make_stakeholder):
    for _ in range(3):
        make_stakeholder()
    with count_queries(app) as few:
        client.get("/")
    for _ in range(12):
        make_stakeholder(sector_code="academia")
    with count_queries(app) as many:
        client.get("/")
    assert len(few) == len(many)
