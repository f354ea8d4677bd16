"""The list machinery (``registry.lists``) on the stakeholder list: keyset pages, cursors that
cannot be forged or misused, capped counts, and a bounded number of statements."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta

import pytest

from registry import lists
from registry.extensions import db
from registry.models import Stakeholder
from registry.stakeholders.queries import LISTING
from tests.querycount import count_queries

LIST = "/stakeholders/"
ROW_NAME = re.compile(r'<th scope="row"><a href="/stakeholders/\d+">([^<]+)</a>')
COUNTRIES = ["KE", "FR", "DE", "BR", None]
SECTORS = ["media", "grassroots", "academia"]


def listed(html: str) -> list[str]:
    return ROW_NAME.findall(html)


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return html_lib.unescape(found.group(1)) if found else None


@pytest.fixture
def many(app, make_stakeholder, monkeypatch):
    """23 approved entries (names repeat, so the id breaks ties), 4 per page."""
    monkeypatch.setitem(app.config, "PER_PAGE", 4)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(23):
        stakeholder = make_stakeholder(
            name=f"Group {n % 7}",
            country=COUNTRIES[n % len(COUNTRIES)],
            sector_code=SECTORS[n % len(SECTORS)],
        )
        rows.append(stakeholder)
    with app.app_context():
        for n, stakeholder in enumerate(rows):
            # Some approvals share a moment: the id must still order them.
            db.session.get(Stakeholder, stakeholder.id).approved_at = start + timedelta(days=n // 3)
        db.session.commit()
    return rows


def _walk(client, first_url: str, rel: str = "next") -> tuple[list[list[str]], str]:
    pages, url, html = [], first_url, ""
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        pages.append(listed(html))
        url = link(html, rel)
        assert len(pages) < 50
    return pages, html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=name&dir=desc",
        "sort=country",
        "sort=country&dir=desc",
        "sort=sector",
        "sort=newest",
        "sort=newest&dir=asc",
        "sector=media",
        "country=KE&sort=newest",
    ],
)
def test_next_walks_every_row_once_in_order_and_previous_walks_back(
    app, client, many, monkeypatch, query
):
    # Numbered pages only for lists of at most one page: the rest is reached by cursor.
    monkeypatch.setattr(lists, "MAX_JUMP", 1)
    monkeypatch.setitem(app.config, "PER_PAGE", 100)
    everything = listed(client.get(f"{LIST}?{query}").get_data(as_text=True))
    monkeypatch.setitem(app.config, "PER_PAGE", 4)

    pages, last_html = _walk(client, f"{LIST}?{query}")
    assert [name for page in pages for name in page] == everything
    assert all(len(page) == 4 for page in pages[:-1])
    back, _html = _walk(client, link(last_html, "prev") or f"{LIST}?{query}", "prev")
    if len(pages) > 1:
        assert back == list(reversed(pages[:-1]))


def test_the_order_is_the_sort_with_the_id_breaking_ties(app, client, many):
    app.config["PER_PAGE"] = 100
    with app.app_context():
        rows = db.session.query(Stakeholder.id, Stakeholder.name).all()
    expected = [name for _id, name in sorted(rows, key=lambda row: (row[1], row[0]))]
    assert listed(client.get(LIST).get_data(as_text=True)) == expected


def test_a_small_list_has_numbered_pages(client, many):
    html = client.get(LIST).get_data(as_text=True)
    assert 'href="/stakeholders/?page=6"' in html  # 23 rows, 4 a page
    assert "Showing 1\u20134 of 23" in html
    third = client.get(f"{LIST}?page=3").get_data(as_text=True)
    assert "Showing 9\u201312 of 23" in third
    assert 'aria-current="page">3<' in third


def test_a_list_past_the_jump_limit_pages_by_cursor(client, many, monkeypatch):
    monkeypatch.setattr(lists, "MAX_JUMP", 3)
    html = client.get(LIST).get_data(as_text=True)
    assert "page=2" not in html
    assert "cursor=" in link(html, "next")
    assert "4 per page, of 23" in html


def test_past_the_end_says_so(client, many):
    html = client.get(f"{LIST}?page=7").get_data(as_text=True)
    assert listed(html) == []
    assert "This page is past the end of the list." in html


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "", "x" * 5000, "WyJuYW1lIiwiYXNjIiwibiIsWyJHcm91cCAwIiwxXV0.forged"],
)
def test_a_tampered_cursor_is_a_400_with_the_first_page(client, many, cursor):
    response = client.get(LIST, query_string={"cursor": cursor})
    html = response.get_data(as_text=True)
    if cursor:
        assert response.status_code == 400
        assert "damaged or out of date" in html
    assert len(listed(html)) == 4  # the first page, with the way on


def test_a_cursor_from_another_sort_is_refused(client, many, monkeypatch):
    monkeypatch.setattr(lists, "MAX_JUMP", 1)
    next_by_name = link(client.get(LIST).get_data(as_text=True), "next")
    cursor = next_by_name.split("cursor=", 1)[1].split("&", 1)[0]
    response = client.get(f"{LIST}?sort=country&cursor={cursor}")
    assert response.status_code == 400
    assert "another sort order" in response.get_data(as_text=True)


def test_a_signed_cursor_with_values_of_the_wrong_type_is_refused(app, client, many):
    with app.test_request_context():
        forged = lists._serializer(LISTING).dumps(["name", "asc", "n", [["x"], "1"]])
        wrong_length = lists._serializer(LISTING).dumps(["name", "asc", "n", ["Group 1"]])
        newest = lists._serializer(LISTING).dumps(["newest", "desc", "n", ["not a date", 1]])
    for query in (f"cursor={forged}", f"cursor={wrong_length}", f"sort=newest&cursor={newest}"):
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 400, query


def test_filtered_counts_past_the_cap_are_labelled(client, many, monkeypatch):
    monkeypatch.setattr(lists, "CAP", 5)
    monkeypatch.setattr(lists, "FACET_SAMPLE", 3)
    html = client.get(f"{LIST}?q=group").get_data(as_text=True)
    assert "More than 5 approved stakeholders match" in html
    assert re.search(r'<span class="facet-count">\(\d+\+\)</span>', html)
    assert "counted over the first 3 matches only" in html
    counted = re.findall(r"facet-sector.*?</ul>", html, re.S)[0]
    assert sum(int(n) for n in re.findall(r"\((\d+)\+\)", counted)) == 3
    # Unfiltered counts are maintained, never capped.
    assert "23 approved stakeholders" in client.get(LIST).get_data(as_text=True)


def test_one_facet_value_takes_its_total_from_the_maintained_counts(client, many, monkeypatch):
    monkeypatch.setattr(lists, "CAP", 2)
    html = client.get(f"{LIST}?sector=media").get_data(as_text=True)
    assert "8 approved stakeholders match" in html  # exact, though above the cap
    # The other facets under one chosen value come from the maintained pair counts: exact.
    assert "+)</span>" not in html
    assert re.search(r'Kenya <span class="facet-count">\(\d+\)</span>', html)


@pytest.mark.parametrize("query", ["", "sector=media", "q=group&country=KE", "sort=country"])
def test_statements_per_page_are_few_and_do_not_grow_with_the_page(app, client, many, query):
    app.config["PER_PAGE"] = 2
    with count_queries(app) as small:
        client.get(f"{LIST}?{query}")
    app.config["PER_PAGE"] = 20
    with count_queries(app) as large:
        client.get(f"{LIST}?{query}")
    assert len(small) == len(large) <= 6, large


def test_the_home_page_reads_maintained_counts(app, client, many):
    with count_queries(app) as statements:
        html = client.get("/").get_data(as_text=True)
    assert "<strong>23</strong>" in html
    assert len(statements) <= 3, statements
    assert not any("GROUP BY" in s.upper() for s in statements)


def test_filtered_facets_leave_out_rows_without_a_value(app, many):
    from registry.stakeholders.queries import Filters

    with app.test_request_context():
        total, found = lists.counts(Filters(q="group").request())
    assert total.n == 23
    assert None not in found["country"].counts
    assert sum(found["country"].counts.values()) == 23 - 4  # four have no country
    assert found["country"].exact
