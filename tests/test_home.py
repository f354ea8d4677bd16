"""The home page: the registry at a glance, for visitors and every role."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

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


ROW = re.compile(r"<tr[^>]*>.*?</tr>", re.S)


def table_row(html: str, label: str) -> str:
    """The home page's table row whose heading is ``label`` (a link or plain text)."""
    return next(row for row in ROW.findall(html) if re.search(rf">\s*{re.escape(label)}\s*<", row))


def invitation_after(html: str, label: str) -> str:
    """The row that follows ``label``'s row: where a gap's invitation goes."""
    rows = ROW.findall(html)
    return rows[rows.index(table_row(html, label)) + 1]


def sector_count(html: str, sector: str) -> str:
    return table_row(html, sector).split('<td class="num">', 1)[1].split("<", 1)[0].strip()


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


def hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_a_sector_with_nobody_is_an_invitation_to_register(client, make_stakeholder):
    make_stakeholder(sector_code="academia")
    html = client.get("/").get_data(as_text=True)
    media_row = table_row(html, "Media")
    assert 'class="gap"' in media_row
    assert "missing" not in media_row  # a gap to fill, not an error
    invitation = invitation_after(html, "Media")
    assert "None yet — register one" in invitation
    assert hrefs(invitation) == ["/stakeholders/new"]
    assert "(Media)" in invitation  # the link says which gap, read out of context
    assert 'class="gap"' not in table_row(html, "Research and academia")
    assert "register one" not in invitation_after(html, "Research and academia")


def test_a_constituency_with_nobody_is_an_invitation_to_register(client):
    html = client.get("/").get_data(as_text=True)
    invitation = invitation_after(html, "Women")
    assert "None yet — register one" in invitation
    assert hrefs(invitation) == ["/stakeholders/new"]


def test_sector_counts_link_to_the_list_filtered_by_that_sector(client, make_stakeholder):
    make_stakeholder(sector_code="grassroots")
    html = client.get("/").get_data(as_text=True)
    (href,) = hrefs(table_row(html, "Grassroots or community-based organization"))
    assert urlsplit(href).path == "/stakeholders/"
    assert query(href) == {"sector": ["grassroots"]}


def test_constituency_counts_link_to_the_filtered_list(client, make_stakeholder, with_constituency):
    with_constituency(make_stakeholder(), "women")
    (href,) = hrefs(table_row(client.get("/").get_data(as_text=True), "Women"))
    assert urlsplit(href).path == "/stakeholders/"
    assert query(href) == {"constituency": ["women"]}


def test_the_filter_links_find_what_they_count(client, make_stakeholder):
    make_stakeholder(name="Kibera Residents Forum", sector_code="grassroots")
    make_stakeholder(name="Nairobi Research Centre", sector_code="academia")
    html = client.get("/").get_data(as_text=True)
    (href,) = hrefs(table_row(html, "Grassroots or community-based organization"))
    listed = client.get(href).get_data(as_text=True)
    assert "Kibera Residents Forum" in listed
    assert "Nairobi Research Centre" not in listed


def test_the_search_box_sends_the_lists_own_search_parameter(client):
    html = client.get("/").get_data(as_text=True)
    form = re.search(r'<form class="home-search"[^>]*>.*?</form>', html, re.S).group(0)
    assert 'method="get"' in form
    assert 'action="/stakeholders/"' in form
    assert 'role="search"' in form
    assert re.search(r'<label for="home-q">[^<]+</label>', form)
    assert re.search(r'<input type="search" id="home-q" name="q"', form)


def test_the_search_box_finds_by_name(client, make_stakeholder):
    make_stakeholder(name="Kisumu Lakeside Youth Collective")
    make_stakeholder(name="Nairobi Women's Network")
    listed = client.get("/stakeholders/", query_string={"q": "lakeside"}).get_data(as_text=True)
    assert "Kisumu Lakeside Youth Collective" in listed
    assert "Nairobi Women&#39;s Network" not in listed


def test_the_two_calls_to_action(client):
    html = client.get("/").get_data(as_text=True)
    calls = re.search(r'<ul class="calls">.*?</ul>', html, re.S).group(0)
    assert re.findall(r'<a class="button-link[^"]*" href="([^"]+)">([^<]+)</a>', calls) == [
        ("/stakeholders/new", "Register your organization"),
        ("/stakeholders/", "Browse the registry"),
    ]


def test_the_total_links_to_the_list(client, make_stakeholder):
    make_stakeholder()
    html = client.get("/").get_data(as_text=True)
    total = re.search(r'<p class="total">(.*?)</p>', html, re.S).group(1)
    assert hrefs(total) == ["/stakeholders/"]
    assert "1</strong> approved stakeholder<" in total


def test_newest_entries_link_to_their_pages_and_to_the_newest_first_list(client, make_stakeholder):
    stakeholder = make_stakeholder(name="Approved Youth Network")
    html = client.get("/").get_data(as_text=True)
    newest = html.split('<h2 id="newest">', 1)[1].split("</section>", 1)[0]
    assert hrefs(newest) == [f"/stakeholders/{stakeholder.id}", "/stakeholders/?sort=newest"]


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
