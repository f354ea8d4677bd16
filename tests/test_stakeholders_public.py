"""The public stakeholder list (filters, facets, search, sorting, paging) and detail page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from registry.extensions import db
from registry.models import (
    Constituency,
    Contact,
    Membership,
    Review,
    Revision,
    RevisionStatus,
    Role,
    Scale,
    Stakeholder,
    Status,
)
from tests.querycount import count_queries

LIST = "/stakeholders/"
ROW_NAME = re.compile(r'<th scope="row"><a href="/stakeholders/\d+">([^<]*)</a>')


def listed(html: str) -> list[str]:
    """Names in the table, in the order shown."""
    return ROW_NAME.findall(html)


def facet_counts(html: str, facet: str) -> dict[str, int]:
    """Label -> count for one facet list ("sector", "constituency", "country", "scale")."""
    section = html.split(f'aria-labelledby="facet-{facet}"', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(r'>([^<>]+) <span class="facet-count">\((\d+)\)</span>', section)
    return {label: int(count) for label, count in pairs}


# ---------------------------------------------------------------- local fixtures


@pytest.fixture
def with_constituency(app):
    def add(stakeholder: Stakeholder, *codes: str) -> None:
        with app.app_context():
            row = db.session.get(Stakeholder, stakeholder.id)
            row.constituencies.extend(db.session.get(Constituency, code) for code in codes)
            db.session.commit()

    return add


@pytest.fixture
def approved_on(app):
    def set_date(stakeholder: Stakeholder, when: datetime) -> None:
        with app.app_context():
            db.session.get(Stakeholder, stakeholder.id).approved_at = when
            db.session.commit()

    return set_date


@pytest.fixture
def add_contact(app):
    def add(stakeholder: Stakeholder, **fields) -> None:
        with app.app_context():
            db.session.add(
                Contact(
                    stakeholder_id=stakeholder.id,
                    name=fields.pop("name", "Amina Wanjiru"),
                    email=fields.pop("email", "amina.focal@example.org"),
                    consent_at=fields.pop("consent_at", datetime(2026, 3, 1, tzinfo=UTC)),
                    **fields,
                )
            )
            db.session.commit()

    return add


@pytest.fixture
def add_review(app):
    def add(stakeholder: Stakeholder, from_status: str, to_status: str, **fields) -> None:
        with app.app_context():
            db.session.add(
                Review(
                    entry_type="stakeholder",
                    entry_id=stakeholder.id,
                    from_status=from_status,
                    to_status=to_status,
                    **fields,
                )
            )
            db.session.commit()

    return add


@pytest.fixture
def add_pending_revision(app):
    def add(stakeholder: Stakeholder) -> None:
        with app.app_context():
            db.session.add(
                Revision(
                    entry_type="stakeholder",
                    entry_id=stakeholder.id,
                    data={"description": "A proposed new description"},
                    base_version=1,
                    status=RevisionStatus.PENDING,
                )
            )
            db.session.commit()

    return add


@pytest.fixture
def merge(app):
    def merge_into(source: Stakeholder, target: Stakeholder) -> None:
        with app.app_context():
            row = db.session.get(Stakeholder, source.id)
            row.merged_into_id = target.id
            row.status = Status.ARCHIVED
            db.session.commit()

    return merge_into


@pytest.fixture
def viewer(app, client, make_user, login):
    """A client as anonymous, member (of ``stakeholder``), non_member, officer or admin."""

    def become(role: str, stakeholder: Stakeholder):
        if role == "anonymous":
            return client
        user = make_user(Role(role) if role in {"officer", "admin"} else Role.COMMUNITY)
        if role == "member":
            with app.app_context():
                db.session.add(Membership(user_id=user.id, stakeholder_id=stakeholder.id))
                db.session.commit()
        login(user)
        return client

    return become


# ---------------------------------------------------------------- the list


def test_lists_only_approved(client, make_stakeholder):
    make_stakeholder(name="Approved Youth Network")
    for status in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED):
        make_stakeholder(name=f"Hidden {status.value}", status=status)
    html = client.get(LIST).get_data(as_text=True)
    assert listed(html) == ["Approved Youth Network"]
    assert "Hidden" not in html


@pytest.mark.parametrize(
    ("query", "match", "other"),
    [
        ("sector=grassroots", {"sector_code": "grassroots"}, {"sector_code": "academia"}),
        ("country=KE", {"country": "KE"}, {"country": "FR"}),
        ("country=ke", {"country": "KE"}, {"country": "FR"}),
        ("scale=global", {"scale": Scale.GLOBAL}, {"scale": Scale.LOCAL}),
        ("city=nakuru", {"city": "Nakuru"}, {"city": "Nairobi"}),
        ("city=NAKURU", {"city": "Nakuru"}, {"city": "Nakuru East"}),
    ],
)
def test_each_filter_narrows(client, make_stakeholder, query, match, other):
    make_stakeholder(name="Wanted Group", **match)
    make_stakeholder(name="Other Group", **other)
    html = client.get(f"{LIST}?{query}").get_data(as_text=True)
    assert listed(html) == ["Wanted Group"]


def test_constituency_filter_narrows(client, make_stakeholder, with_constituency):
    with_constituency(make_stakeholder(name="Women Group"), "women", "urban_poor")
    with_constituency(make_stakeholder(name="Youth Group"), "children_youth")
    make_stakeholder(name="Nobody Group")
    html = client.get(f"{LIST}?constituency=women").get_data(as_text=True)
    assert listed(html) == ["Women Group"]


def test_filters_combine(client, make_stakeholder):
    make_stakeholder(name="Kenyan Grassroots", sector_code="grassroots", country="KE")
    make_stakeholder(name="French Grassroots", sector_code="grassroots", country="FR")
    make_stakeholder(name="Kenyan Academia", sector_code="academia", country="KE")
    html = client.get(f"{LIST}?sector=grassroots&country=KE").get_data(as_text=True)
    assert listed(html) == ["Kenyan Grassroots"]


@pytest.fixture
def facet_registry(make_stakeholder, with_constituency):
    """Approved: 2 grassroots in Kenya (one for women), 1 grassroots in France, 1 academia
    in Kenya (for women); a draft that must never be counted."""
    with_constituency(make_stakeholder(sector_code="grassroots", country="KE"), "women")
    make_stakeholder(sector_code="grassroots", country="KE", scale=Scale.NATIONAL)
    make_stakeholder(sector_code="grassroots", country="FR")
    with_constituency(make_stakeholder(sector_code="academia", country="KE"), "women")
    draft = make_stakeholder(sector_code="grassroots", country="KE", status=Status.DRAFT)
    with_constituency(draft, "women")


GRASSROOTS = "Grassroots or community-based organization"
ACADEMIA = "Research and academia"


@pytest.mark.parametrize(
    ("query", "facet", "expected"),
    [
        ("", "sector", {GRASSROOTS: 3, ACADEMIA: 1}),
        ("", "country", {"France": 1, "Kenya": 3}),
        ("", "constituency", {"Women": 2}),
        ("", "scale", {"Local": 3, "National": 1}),
        # A facet counts with every other filter applied, never its own.
        ("country=KE", "sector", {GRASSROOTS: 2, ACADEMIA: 1}),
        ("country=KE", "country", {"France": 1, "Kenya": 3}),
        ("sector=grassroots", "country", {"France": 1, "Kenya": 2}),
        ("sector=grassroots&country=KE", "sector", {GRASSROOTS: 2, ACADEMIA: 1}),
        ("sector=grassroots&country=KE", "scale", {"Local": 1, "National": 1}),
        ("constituency=women", "sector", {GRASSROOTS: 1, ACADEMIA: 1}),
        ("sector=academia", "constituency", {"Women": 1}),
        # A chosen value stays listed (to remove it) even when nothing matches it.
        ("constituency=women&country=FR", "country", {"France": 0, "Kenya": 2}),
    ],
)
def test_facet_counts(client, facet_registry, query, facet, expected):
    html = client.get(f"{LIST}?{query}").get_data(as_text=True)
    assert facet_counts(html, facet) == expected


def test_a_chosen_value_links_to_its_removal(client, make_stakeholder):
    make_stakeholder(sector_code="grassroots", country="KE")
    html = client.get(f"{LIST}?sector=grassroots&country=KE").get_data(as_text=True)
    section = html.split('aria-labelledby="facet-sector"', 1)[1].split("</section>", 1)[0]
    assert 'href="/stakeholders/?country=KE" aria-current="true"' in section


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("habitat", ["UN-Habitat"]),
        ("HABITAT", ["UN-Habitat"]),
        ("unh", ["UN-Habitat"]),  # the acronym "UNH"
        ("  youth ", ["100% Youth Forum"]),
        ("%", ["100% Youth Forum"]),
        ("_", ["A_B Network"]),
        ("a_b", ["A_B Network"]),
        ("no such thing", []),
    ],
)
def test_search_by_name_or_acronym(client, make_stakeholder, q, expected):
    make_stakeholder(name="UN-Habitat", acronym="UNH")
    make_stakeholder(name="100% Youth Forum")
    make_stakeholder(name="A_B Network")
    make_stakeholder(name="AxB Network")
    make_stakeholder(name="Hidden Habitat Draft", status=Status.DRAFT)
    html = client.get(LIST, query_string={"q": q}).get_data(as_text=True)
    assert listed(html) == expected


@pytest.fixture
def sortable(make_stakeholder, approved_on):
    """Country codes, country names, sectors and approval dates all in different orders."""
    rows = [
        ("Alpha Council", "DE", "media", datetime(2026, 1, 3, tzinfo=UTC)),  # Germany
        ("Beta Forum", "FR", "grassroots", datetime(2026, 1, 1, tzinfo=UTC)),  # France
        ("Gamma Institute", "KE", "academia", datetime(2026, 1, 2, tzinfo=UTC)),  # Kenya
    ]
    for name, country, sector, when in rows:
        approved_on(make_stakeholder(name=name, country=country, sector_code=sector), when)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Alpha Council", "Beta Forum", "Gamma Institute"]),
        ("sort=name&dir=desc", ["Gamma Institute", "Beta Forum", "Alpha Council"]),
        ("sort=country", ["Beta Forum", "Alpha Council", "Gamma Institute"]),
        ("sort=country&dir=desc", ["Gamma Institute", "Alpha Council", "Beta Forum"]),
        # Sectors in the taxonomy's order, as the filter and the home page list them.
        ("sort=sector", ["Beta Forum", "Gamma Institute", "Alpha Council"]),
        ("sort=newest", ["Alpha Council", "Gamma Institute", "Beta Forum"]),
        ("sort=newest&dir=asc", ["Beta Forum", "Gamma Institute", "Alpha Council"]),
        ("sort=drop+table&dir=sideways", ["Alpha Council", "Beta Forum", "Gamma Institute"]),
    ],
)
def test_sorting(client, sortable, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert listed(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize(
    ("query", "header", "aria_sort"),
    [
        ("", "Name", "ascending"),
        ("sort=name&dir=desc", "Name", "descending"),
        ("sort=newest", "Approved", "descending"),
    ],
)
def test_sorted_column_is_announced(client, make_stakeholder, query, header, aria_sort):
    make_stakeholder()
    html = client.get(f"{LIST}?{query}").get_data(as_text=True)
    sorted_headers = re.findall(
        r'aria-sort="(\w+)">\s*<a href="[^"]*" class="sort-link">(\w+)', html
    )
    assert sorted_headers == [(aria_sort, header)]


def test_sort_links_keep_filters(client, make_stakeholder):
    make_stakeholder(sector_code="grassroots")
    html = client.get(f"{LIST}?sector=grassroots").get_data(as_text=True)
    assert 'href="/stakeholders/?sector=grassroots&amp;sort=country&amp;dir=asc"' in html


def test_pagination_keeps_filters(app, client, make_stakeholder, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    for n in range(5):
        make_stakeholder(name=f"Grassroots {n}", sector_code="grassroots")
    make_stakeholder(name="Academia 0", sector_code="academia")
    first = client.get(f"{LIST}?sector=grassroots&sort=name&dir=desc").get_data(as_text=True)
    assert 'href="/stakeholders/?page=2&amp;sector=grassroots&amp;sort=name&amp;dir=desc"' in first
    second = client.get(f"{LIST}?page=2&sector=grassroots&sort=name&dir=desc")
    assert listed(second.get_data(as_text=True)) == ["Grassroots 2", "Grassroots 1"]


def test_htmx_request_gets_only_the_results(client, make_stakeholder):
    make_stakeholder(name="Youth Forum", sector_code="grassroots")
    response = client.get(f"{LIST}?q=youth", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="q"' not in html  # the search box is not replaced while someone types
    assert listed(html) == ["Youth Forum"]
    assert 'aria-labelledby="facet-sector"' in html  # facets update with the results
    assert "HX-Request" in response.headers["Vary"]


def test_whole_page_has_the_form_and_results_region(client):
    html = client.get(LIST).get_data(as_text=True)
    assert '<form method="get" action="/stakeholders/"' in html
    assert 'hx-target="#results"' in html
    assert 'hx-push-url="true"' in html
    assert '<div id="results">' in html


NASTY_QUERIES = [
    "page=abc",
    "page=-3",
    "page=0",
    "sector=no_such_sector",
    "sector=%27%3B+DROP+TABLE+stakeholder%3B--",
    "constituency=nobody",
    "country=XX",
    "country=Kenya",
    "country=%C3%BF%C3%BF",
    "scale=LOCAL",
    "scale=cosmic",
    "sort=__class__",
    "sort=name&dir=%00",
    "q=%00",
    "q=%25%25%25",
    "q=%5C",
    "q=" + "x" * 5000,
    "q=" + "community " * 1000,
    "city=" + "y" * 10000,
    "city=%00Nakuru",
    "q=%ED%A0%80",
    "q=%F0%9F%8F%99%EF%B8%8F",
    "sector=grassroots&sector=academia",
    "q[]=a&sector[]=b",
]


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_bad_parameters_never_fail(client, make_stakeholder, query):
    make_stakeholder(name="Still Listed", sector_code="grassroots", country="KE")
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<div id="results">' in html  # the list page, its results filtered or not
    assert listed(html) in ([], ["Still Listed"])


@pytest.mark.parametrize(
    "query",
    ["cursor=" + "z" * 10000, "cursor=%00%ED%A0%80", "page=1&cursor=abc.def", "page=21"],
)
def test_a_page_link_that_cannot_be_followed_is_a_400_with_the_list(
    client, make_stakeholder, query
):
    make_stakeholder(name="Still Listed")
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="notice" role="alert"' in html
    assert listed(html) == ["Still Listed"]


@pytest.mark.parametrize("query", ["sector=no_such_sector", "country=XX", "page=abc"])
def test_an_unusable_value_is_no_filter(client, make_stakeholder, query):
    make_stakeholder(name="Still Listed")
    assert listed(client.get(f"{LIST}?{query}").get_data(as_text=True)) == ["Still Listed"]


@pytest.mark.parametrize("number", ["21", "999999", "99999999999999999999999"])
def test_a_page_number_out_of_reach_says_how_to_get_there(client, make_stakeholder, number):
    make_stakeholder()
    response = client.get(f"{LIST}?page={number}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Pages after 20 are reached with “Next”" in html
    assert re.search(r'<p class="count" role="status">\s*1 approved stakeholder\s*</p>', html)
    assert len(listed(html)) == 1  # the first page, shown with the notice


def test_script_in_search_is_shown_escaped(client, make_stakeholder):
    make_stakeholder()
    html = client.get(LIST, query_string={"q": '"><script>alert(1)</script>'}).get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_each_row_links_to_its_page(client, make_stakeholder):
    stakeholder = make_stakeholder(name="Linked Group")
    html = client.get(LIST).get_data(as_text=True)
    assert f'<a href="/stakeholders/{stakeholder.id}">Linked Group</a>' in html


def test_query_count_does_not_grow_with_rows(
    app, client, make_stakeholder, with_constituency, monkeypatch
):
    monkeypatch.setitem(app.config, "PER_PAGE", 50)

    def add(count: int) -> None:
        for n in range(count):
            stakeholder = make_stakeholder(sector_code="grassroots" if n % 2 else "academia")
            with_constituency(stakeholder, "women", "children_youth")

    add(10)
    with count_queries(app) as few:
        assert len(listed(client.get(LIST).get_data(as_text=True))) == 10
    add(40)
    with count_queries(app) as many:
        assert len(listed(client.get(LIST).get_data(as_text=True))) == 50
    assert len(few) == len(many)


# ---------------------------------------------------------------- the detail page


def test_approved_detail_is_public(client, make_stakeholder, with_constituency):
    stakeholder = make_stakeholder(
        name="Nakuru Youth Forum",
        acronym="NYF",
        sector_code="grassroots",
        country="KE",
        city="Nakuru",
        scale=Scale.LOCAL,
        website="https://nyf.example.org",
        org_identifier="KE-RCO-12345",
        description="Young people planning their city.",
    )
    with_constituency(stakeholder, "children_youth")
    response = client.get(f"/stakeholders/{stakeholder.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Nakuru Youth Forum",
        "(NYF)",
        GRASSROOTS,
        "Children and youth",
        "Kenya",
        "Nakuru",
        "Local",
        "KE-RCO-12345",
        "Young people planning their city.",
        '<a href="https://nyf.example.org" rel="nofollow noopener">',
    ):
        assert text in html
    assert "status-badge" not in html
    assert "Contact persons" not in html
    assert "Review history" not in html


@pytest.mark.parametrize("website", ["javascript:alert(1)", "http://[::1", "https://["])
def test_a_website_that_is_not_http_is_not_a_link(client, make_stakeholder, website):
    stakeholder = make_stakeholder(website=website)  # stored before the form checked it
    response = client.get(f"/stakeholders/{stakeholder.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="javascript:' not in html
    assert f'href="{website}"' not in html


def test_unknown_stakeholder_is_404(client):
    assert client.get("/stakeholders/424242").status_code == 404


@pytest.mark.parametrize(
    ("role", "status_code"),
    [("anonymous", 404), ("non_member", 404), ("member", 200), ("officer", 200), ("admin", 200)],
)
def test_draft_detail_only_for_members_and_staff(make_stakeholder, viewer, role, status_code):
    draft = make_stakeholder(name="Unpublished Draft Group", status=Status.DRAFT)
    response = viewer(role, draft).get(f"/stakeholders/{draft.id}")
    assert response.status_code == status_code
    if status_code == 404:
        assert "Unpublished Draft Group" not in response.get_data(as_text=True)
    else:
        assert 'class="status-badge status-draft">Draft<' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("anonymous", False),
        ("non_member", False),
        ("member", True),
        ("officer", True),
        ("admin", True),
    ],
)
def test_contacts_only_for_members_and_staff(make_stakeholder, add_contact, viewer, role, visible):
    stakeholder = make_stakeholder()
    add_contact(stakeholder, email="focal.person@example.org", phone="+254 700 000000")
    html = viewer(role, stakeholder).get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    assert ("Contact persons (not public)" in html) is visible
    assert ("focal.person@example.org" in html) is visible
    assert ("+254 700 000000" in html) is visible


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("anonymous", False),
        ("non_member", False),
        ("member", True),
        ("officer", True),
        ("admin", True),
    ],
)
def test_review_history_only_for_members_and_staff(
    make_stakeholder, make_user, add_review, viewer, role, visible
):
    stakeholder = make_stakeholder()
    reviewer = make_user(Role.ADMIN, name="Rita Reviewer")
    add_review(stakeholder, "submitted", "approved", reviewer_id=reviewer.id, comment="Verified.")
    html = viewer(role, stakeholder).get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    assert ("Review history" in html) is visible
    assert ("Verified." in html) is visible


def test_review_history_newest_first(make_stakeholder, make_user, add_review, viewer):
    stakeholder = make_stakeholder()
    reviewer = make_user(Role.ADMIN, name="Rita Reviewer")
    add_review(
        stakeholder,
        "draft",
        "submitted",
        comment="First step",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    add_review(
        stakeholder,
        "submitted",
        "approved",
        reviewer_id=reviewer.id,
        comment="Second step",
        created_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    html = (
        viewer("member", stakeholder).get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    )
    assert html.index("Second step") < html.index("First step")
    assert "Rita Reviewer" in html
    assert "Waiting for review" in html


@pytest.mark.parametrize(("role", "visible"), [("anonymous", False), ("member", True)])
def test_pending_revision_notice(make_stakeholder, add_pending_revision, viewer, role, visible):
    stakeholder = make_stakeholder()
    add_pending_revision(stakeholder)
    html = viewer(role, stakeholder).get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    notice = "A change is waiting for review; the public sees the approved version."
    assert (notice in html) is visible
    assert "A proposed new description" not in html


def test_merged_redirects_to_target(client, make_stakeholder, merge):
    target = make_stakeholder(name="Survivor")
    duplicate = make_stakeholder(name="Duplicate")
    merge(duplicate, target)
    response = client.get(f"/stakeholders/{duplicate.id}")
    assert response.status_code == 302
    assert response.location == f"/stakeholders/{target.id}"


def test_merge_chain_redirects_to_the_last_target(client, make_stakeholder, merge):
    first, second, last = (make_stakeholder() for _ in range(3))
    merge(first, second)
    merge(second, last)
    response = client.get(f"/stakeholders/{first.id}")
    assert response.location == f"/stakeholders/{last.id}"


def test_merged_into_a_hidden_entry_is_404(client, make_stakeholder, merge):
    target = make_stakeholder(status=Status.DRAFT)
    duplicate = make_stakeholder()
    merge(duplicate, target)
    assert client.get(f"/stakeholders/{duplicate.id}").status_code == 404
