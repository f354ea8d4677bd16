"""The public list of commitments: approved ones only, each filter and sort, the traffic light
as the clock moves on, slipped deliverables, the lights on the stakeholder's, initiative's and
engagement's pages, a constant number of statements, and bad input."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from registry import lists
from registry.commitments import services as commitment_services
from registry.extensions import db
from registry.models import Commitment, ParticipantRole, Role, Status, User
from tests.querycount import count_queries

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)
ROW = re.compile(r'<th scope="row"><a href="/commitments/\d+">([^<]*)</a>')


def titles(html: str) -> list[str]:
    return ROW.findall(html)


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/commitments/?{query}")
    assert response.status_code == 200, response.status_code
    return titles(response.get_data(as_text=True))


@pytest.fixture
def pledge(app, make_commitment, make_stakeholder):
    """``pledge(title, published=date, stakeholder=None, **values)``: a commitment published
    on that day (the clock stopped there while it is written); its id."""

    def make(title: str, published: date = date(2027, 3, 1), stakeholder=None, **values) -> int:
        owner = stakeholder or make_stakeholder(f"Org of {title}")
        moment = datetime(published.year, published.month, published.day, 9, tzinfo=UTC)
        with time_machine.travel(moment, tick=False):
            return make_commitment(owner, title=title, **values)

    return make


def report(app, commitment_id: int, on: date, *, done: bool = False) -> None:
    """A progress report made on ``on`` by an administrator: every deliverable done, or a
    few words."""
    moment = datetime(on.year, on.month, on.day, 10, tzinfo=UTC)
    with app.app_context(), time_machine.travel(moment, tick=False):
        actor = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        commitment = db.session.get(Commitment, commitment_id)
        updates = [
            {"deliverable_id": d.id, "achieved": None, "done_on": on if done else None}
            for d in commitment.deliverables
        ]
        commitment_services.add_report(
            commitment,
            {"reported_on": on, "narrative": "What we did.", "updates": updates},
            actor,
        )
        db.session.commit()


@pytest.fixture
def four_lights(app, pledge, admin_user):
    """At NOW: one commitment on track, one overdue, one inactive, one completed."""
    ids = {
        "on_track": pledge("Alpha on track", date(2027, 3, 1)),
        "overdue": pledge("Bravo overdue", date(2026, 1, 15)),
        "inactive": pledge("Charlie inactive", date(2025, 1, 10)),
        "completed": pledge("Delta completed", date(2025, 2, 1)),
    }
    report(app, ids["completed"], date(2025, 3, 1), done=True)
    return ids


# --- what is listed -------------------------------------------------------------------------


def test_only_approved_commitments_are_listed(
    client, pledge, make_stakeholder, make_membership, member_user
):
    owner = make_stakeholder("Eldoret Youth Network")
    make_membership(member_user, owner)
    pledge("Published pledge", stakeholder=owner)
    pledge("Draft pledge", stakeholder=owner, author=member_user, status=Status.DRAFT)
    pledge("Submitted pledge", stakeholder=owner, author=member_user, status=Status.SUBMITTED)
    with time_machine.travel(NOW, tick=False):
        html = client.get("/commitments/").get_data(as_text=True)
    assert titles(html) == ["Published pledge"]
    assert "1 commitment" in html


def test_a_row_shows_its_organization_initiative_light_and_progress(
    client, pledge, make_stakeholder, make_initiative, make_partnership
):
    owner = make_stakeholder("Nakuru Water Trust")
    initiative = make_initiative("Clean Water Coalition")
    make_partnership(initiative, owner)
    pledge("Water for schools", stakeholder=owner, initiative_id=initiative.id)
    with time_machine.travel(NOW, tick=False):
        html = client.get("/commitments/").get_data(as_text=True)
    row = html[html.index("Water for schools") : html.index("</tr>", html.index("Water for"))]
    assert "Nakuru Water Trust" in row
    assert "Clean Water Coalition" in row
    assert 'class="light light-on_track"' in row
    assert "On track" in row
    assert "0%" in row


# --- the traffic light ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("light", "title"),
    [
        ("on_track", "Alpha on track"),
        ("overdue", "Bravo overdue"),
        ("inactive", "Charlie inactive"),
        ("completed", "Delta completed"),
    ],
)
def test_each_light_filters_to_its_commitments(client, four_lights, light, title):
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/commitments/?light={light}").get_data(as_text=True)
    assert titles(html) == [title]
    assert f'class="light light-{light}"' in html


def test_the_light_counts_are_shown_per_light(client, four_lights):
    with time_machine.travel(NOW, tick=False):
        html = client.get("/commitments/").get_data(as_text=True)
    for light in ("on_track", "overdue", "inactive", "completed"):
        assert re.search(rf'href="/commitments/\?light={light}">[^<]+ <span class="facet-count">'
                         r"\(1\)</span>", html), light  # fmt: skip


def test_the_light_moves_with_the_clock(client, pledge):
    pledge("Quiet pledge", date(2027, 3, 1))
    seen = {}
    for moment in (
        datetime(2027, 6, 1, tzinfo=UTC),
        datetime(2028, 4, 1, tzinfo=UTC),
        datetime(2029, 4, 1, tzinfo=UTC),
    ):
        with time_machine.travel(moment, tick=False):
            html = client.get("/commitments/").get_data(as_text=True)
        seen[moment.year] = re.search(r'class="light light-(\w+)"', html).group(1)
    assert seen == {2027: "on_track", 2028: "overdue", 2029: "inactive"}


def test_a_report_puts_an_overdue_commitment_back_on_track(app, client, pledge, admin_user):
    overdue = pledge("Late pledge", date(2026, 1, 15))
    with time_machine.travel(NOW, tick=False):
        assert listed(client, "light=overdue") == ["Late pledge"]
    report(app, overdue, date(2027, 5, 20))
    with time_machine.travel(NOW, tick=False):
        assert listed(client, "light=overdue") == []
        assert listed(client, "light=on_track") == ["Late pledge"]


def test_slipped_deliverables_are_filtered_and_said(client, pledge):
    two = [
        {"title": "First", "due_on": "2027-01-31", "target": 10.0, "baseline": 0.0},
        {"title": "Second", "due_on": "2028-06-30", "target": 10.0, "baseline": 0.0},
    ]
    pledge("Slipping pledge", date(2026, 10, 1), deliverables=two)
    pledge("Steady pledge", date(2026, 10, 1))
    with time_machine.travel(NOW, tick=False):
        assert listed(client, "slipped=1") == ["Slipping pledge"]
        html = client.get("/commitments/").get_data(as_text=True)
    assert "1 of 2 deliverables slipped" in html
    assert html.count("slipped</span>") == 1
    # Before the first due date nothing has slipped.
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        assert listed(client, "slipped=1") == []


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def spread(
    app, pledge, make_stakeholder, make_initiative, make_partnership, make_engagement,
    framework_items,
):  # fmt: skip
    """Three commitments by organizations of different sectors and countries, under an
    initiative, announced at an engagement, aligned to different SDG targets."""
    nairobi = make_stakeholder("Nairobi Civic Forum", country="KE", sector_code="civil_society")
    lyon = make_stakeholder("Lyon Academy", country="FR", sector_code="academia")
    initiative = make_initiative("Housing Compact")
    make_partnership(initiative, nairobi)
    engagement = make_engagement(
        "Nakuru roundtable", participants=[(lyon.id, ParticipantRole.PARTICIPANT)]
    )
    ids = {
        "housing": pledge("Housing pledge", stakeholder=nairobi, initiative_id=initiative.id,
                          alignment=[framework_items["11.1"]]),
        "planning": pledge("Planning pledge", stakeholder=lyon, engagement_id=engagement,
                           alignment=[framework_items["11.3"]]),
        "water": pledge("Water pledge", stakeholder=lyon, alignment=[framework_items["6.2"]]),
    }  # fmt: skip
    return {
        "nairobi": nairobi.id,
        "lyon": lyon.id,
        "initiative": initiative.id,
        "engagement": engagement,
        **ids,
    }


def test_filter_by_stakeholder(client, spread):
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/commitments/?stakeholder={spread['lyon']}").get_data(as_text=True)
    assert titles(html) == ["Planning pledge", "Water pledge"]
    assert "Commitments of “Lyon Academy”." in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=civil_society", ["Housing pledge"]),
        ("sector=academia", ["Planning pledge", "Water pledge"]),
        ("country=KE", ["Housing pledge"]),
        ("country=fr", ["Planning pledge", "Water pledge"]),
        ("goal=11", ["Housing pledge", "Planning pledge"]),
        ("goal=6", ["Water pledge"]),
        ("target=11.3", ["Planning pledge"]),
        ("target=11.1", ["Housing pledge"]),
        ("goal=11&country=FR", ["Planning pledge"]),
        ("goal=17", []),
    ],
)
def test_filter_by_sector_country_and_alignment(client, spread, query, expected):
    with time_machine.travel(NOW, tick=False):
        assert listed(client, query) == expected


def test_filter_by_initiative_and_engagement(client, spread):
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/commitments/?initiative={spread['initiative']}").get_data(as_text=True)
        assert titles(html) == ["Housing pledge"]
        assert "“Housing Compact”" in html
        assert listed(client, f"engagement={spread['engagement']}") == ["Planning pledge"]


def test_filter_by_framework_item_and_its_parts(client, spread, framework_items):
    """``?item=ID``: aligned to the item or to one of its parts, named in words; what a
    resolution paragraph's "and N more" links to."""
    with time_machine.travel(NOW, tick=False):
        goal = client.get(f"/commitments/?item={framework_items['11']}").get_data(as_text=True)
        assert titles(goal) == ["Housing pledge", "Planning pledge"]
        assert "Commitments aligned to SDG 11 or to one of its parts." in goal
        # The filter form keeps it when another filter is chosen.
        assert f'<input type="hidden" name="item" value="{framework_items["11"]}">' in goal
        assert listed(client, f"item={framework_items['6.2']}") == ["Water pledge"]
        assert listed(client, f"item={framework_items['OP9']}") == []
        gone = client.get("/commitments/?item=999999").get_data(as_text=True)
        assert "an item that is not in the registry" in gone
        assert listed(client, "item=not-a-number") == [
            "Housing pledge",
            "Planning pledge",
            "Water pledge",
        ]


def test_a_filter_on_an_entry_that_is_not_there_lists_nothing(client, spread):
    with time_machine.travel(NOW, tick=False):
        html = client.get("/commitments/?stakeholder=999999").get_data(as_text=True)
    assert titles(html) == []
    assert "an organization that is not in the registry" in html


# --- sorts ------------------------------------------------------------------------------------


@pytest.fixture
def dated(app, pledge, admin_user):
    """Published on different days, one reported on since."""
    pledge("Bravo", date(2026, 9, 1))
    pledge("Alpha", date(2027, 2, 1))
    charlie = pledge("Charlie", date(2026, 8, 1))
    report(app, charlie, date(2027, 4, 1))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Alpha", "Bravo", "Charlie"]),
        ("sort=title&dir=desc", ["Charlie", "Bravo", "Alpha"]),
        ("sort=newest", ["Alpha", "Bravo", "Charlie"]),
        ("sort=newest&dir=asc", ["Charlie", "Bravo", "Alpha"]),
        ("sort=activity", ["Bravo", "Alpha", "Charlie"]),  # longest without a report first
        ("sort=activity&dir=desc", ["Charlie", "Alpha", "Bravo"]),
    ],
)
def test_sorts(client, dated, query, expected):
    with time_machine.travel(NOW, tick=False):
        assert listed(client, query) == expected


@pytest.mark.parametrize(
    ("start", "cap"),
    [
        ("sort=activity", None),
        ("sort=newest&light=on_track", None),
        ("sort=activity&light=on_track", 3),
    ],
)
def test_the_next_links_walk_the_whole_list(app, client, pledge, monkeypatch, start, cap):
    """By page number while the count is exact, by cursor once it is not."""
    for k in range(5):
        pledge(f"Pledge {k}", date(2027, 3, 1 + k % 2))
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    if cap:
        monkeypatch.setattr(lists, "CAP", cap)
    seen, links, url = [], [], f"/commitments/?{start}"
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            html = client.get(url).get_data(as_text=True)
            seen += titles(html)
            found = re.search(r'href="(/commitments/\?[^"]*)" rel="next"', html)
            if not found:
                break
            url = found.group(1).replace("&amp;", "&")
            links.append(url)
    assert sorted(seen) == [f"Pledge {k}" for k in range(5)]
    assert all(("cursor=" in link) == bool(cap) for link in links), links


# --- counts -----------------------------------------------------------------------------------


def test_counts_past_the_cap_are_labelled_approximate(client, four_lights, monkeypatch):
    monkeypatch.setattr(lists, "CAP", 2)
    with time_machine.travel(NOW, tick=False):
        html = client.get("/commitments/?sort=newest&slipped=").get_data(as_text=True)
        assert "(1+)" in html  # the lights were counted among the first two only
        assert "Counted among the first 2 matches" in html
        filtered = client.get("/commitments/?sector=civil_society").get_data(as_text=True)
    assert "More than 2 commitments match" in filtered


# --- the lights on other pages ----------------------------------------------------------------


def test_the_engagement_page_counts_its_pledges_per_light(
    app, client, pledge, make_stakeholder, make_engagement, admin_user
):
    people = [make_stakeholder(f"Member {k}") for k in range(4)]
    engagement = make_engagement(
        "Nakuru roundtable", participants=[(p.id, ParticipantRole.PARTICIPANT) for p in people]
    )
    pledge("One", date(2027, 3, 1), stakeholder=people[0], engagement_id=engagement)
    pledge("Two", date(2027, 4, 1), stakeholder=people[1], engagement_id=engagement)
    pledge("Three", date(2026, 1, 15), stakeholder=people[2], engagement_id=engagement)
    done = pledge("Four", date(2026, 2, 1), stakeholder=people[3], engagement_id=engagement)
    pledge("Draft", stakeholder=people[3], engagement_id=engagement, status=Status.DRAFT)
    report(app, done, date(2026, 3, 1), done=True)
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/engagements/{engagement}").get_data(as_text=True)
    assert "4 pledges made at this roundtable: 2 on track, 1 overdue, 1 completed" in html
    assert "Draft" not in html
    assert html.count('class="light light-') == 4


def test_an_engagement_without_pledges_says_nothing_of_them(client, make_engagement):
    engagement = make_engagement("Quiet workshop")
    html = client.get(f"/engagements/{engagement}").get_data(as_text=True)
    assert "pledge" not in html


def test_the_stakeholder_page_lists_its_commitments_with_lights(client, pledge, make_stakeholder):
    owner = make_stakeholder("Mombasa Port Alliance")
    for k in range(11):
        pledge(f"Pledge {k:02d}", stakeholder=owner)
    pledge("Someone else's")
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/stakeholders/{owner.id}").get_data(as_text=True)
    assert html.count('class="light light-on_track"') == 10  # the first ten, by title
    assert "Pledge 09" in html
    assert "Pledge 10" not in html
    assert f'href="/commitments/?stakeholder={owner.id}"' in html


def test_the_initiative_page_lists_its_commitments_with_lights(
    client, pledge, make_stakeholder, make_initiative, make_partnership
):
    owner = make_stakeholder("Kisumu Lakeside Group")
    initiative = make_initiative("Lake Basin Programme")
    make_partnership(initiative, owner)
    pledge("Lake pledge", date(2026, 1, 15), stakeholder=owner, initiative_id=initiative.id)
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Lake pledge" in html
    assert 'class="light light-overdue"' in html
    assert "Kisumu Lakeside Group" in html


def test_the_initiative_page_keeps_its_commitments_when_a_plain_form_comes_back_refused(
    app, client, pledge, make_stakeholder, make_initiative, make_partnership, make_user
):
    from registry.models import Role
    from tests.conftest import log_in

    owner = make_stakeholder("Kisumu Lakeside Group")
    initiative = make_initiative("Lake Basin Programme")
    make_partnership(initiative, owner)
    pledge("Lake pledge", date(2026, 1, 15), stakeholder=owner, initiative_id=initiative.id)
    officer = make_user(Role.OFFICER)
    with time_machine.travel(NOW, tick=False):  # logged in then, or the login has expired
        log_in(client, officer)
        refused = client.post(f"/initiatives/{initiative.id}/partners", data={"role": "lead"})
    assert refused.status_code == 422
    assert "Lake pledge" in refused.get_data(as_text=True)


# --- statements -------------------------------------------------------------------------------


def _statements(app, client, query: str) -> list[str]:
    client.get(f"/commitments/?{query}")  # warm: the first request loads what is cached
    with count_queries(app) as seen:
        response = client.get(f"/commitments/?{query}")
    assert response.status_code == 200
    return seen


@pytest.mark.parametrize("query", ["", "light=overdue", "slipped=1&sort=activity", "goal=11"])
def test_the_list_is_a_constant_number_of_statements(app, client, pledge, query, monkeypatch):
    """A page of 5 commitments or of 50, lights and slipped deliverables included."""
    monkeypatch.setitem(app.config, "PER_PAGE", 50)
    two = [
        {"title": "First", "due_on": "2027-01-31", "target": 10.0, "baseline": 0.0},
        {"title": "Second", "due_on": "2028-06-30", "target": 10.0, "baseline": 0.0},
    ]
    days = [date(2027, 3, 1), date(2026, 1, 15), date(2025, 1, 10)]
    for k in range(5):
        pledge(f"Few {k}", days[k % 3], deliverables=two)
    with time_machine.travel(NOW, tick=False):
        few = _statements(app, client, query)
    for k in range(45):
        pledge(f"Many {k}", days[k % 3], deliverables=two)
    with time_machine.travel(NOW, tick=False):
        many = _statements(app, client, query)
        shown = titles(client.get(f"/commitments/?{query}").get_data(as_text=True))
        assert len(shown) > 5 if query else len(shown) == 50
    assert len(few) == len(many) <= 6, many


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "light=purple",
        "light=",
        "stakeholder=abc",
        "stakeholder=-1",
        "stakeholder=99999999999999999999",
        "initiative=2147483648",
        "engagement=1e5",
        "goal=eleven",
        "goal=11%00",
        "target=11.3.1.9",
        "target=%27;--",
        "sector=nope",
        "country=ZZ",
        "slipped=maybe",
        "sort=light",
        "dir=sideways",
        "page=abc",
        "page=99999999999",
    ],
)
def test_bad_filters_are_ignored_not_errors(client, pledge, query):
    pledge("Published pledge")
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/commitments/?{query}")
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert titles(response.get_data(as_text=True)) == ["Published pledge"]


def test_a_damaged_cursor_starts_the_list_again_with_400(client, pledge):
    pledge("Published pledge")
    with time_machine.travel(NOW, tick=False):
        response = client.get("/commitments/?cursor=not-a-cursor")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "damaged or out of date" in html
    assert titles(html) == ["Published pledge"]
