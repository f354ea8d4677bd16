"""The JSON API's read endpoints: the same rows, filters and cursors as the pages, only
public entries, no personal data, problem+json for every error, no cookie, and a fixed
number of statements per list."""

from __future__ import annotations

from datetime import date

import pytest

from registry.exports.columns import TABLES
from registry.extensions import db
from registry.models import Contact, Status
from registry.models._base import utcnow
from tests.querycount import count_queries

PROBLEM = "application/problem+json"
LIST_QUERY = {"engagements": "?view=past"}  # the engagement list shows upcoming ones by default


@pytest.fixture
def rows(make_stakeholder, make_initiative, make_partnership, make_engagement, make_commitment):
    city = make_stakeholder("Nakuru Youth Network", sector_code="civil_society", country="KE")
    bank = make_stakeholder("Kenya Urban Bank", sector_code="business", country="KE")
    hidden = make_stakeholder("Draft Org", status=Status.DRAFT)
    initiative = make_initiative("Nakuru Water Programme")
    make_partnership(initiative, city)
    make_engagement("Nakuru roundtable", day=date(2020, 10, 31))
    commitment = make_commitment(city, title="Safe water for 500 households")
    return {"city": city, "bank": bank, "hidden": hidden, "commitment": commitment}


def get_json(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"]
    return body


@pytest.mark.parametrize("noun", sorted(TABLES))
def test_each_list_has_the_download_columns_and_only_public_rows(client, rows, noun):
    body = get_json(client, f"/api/v1/{noun}{LIST_QUERY.get(noun, '')}").get_json()
    assert set(body) == {"data", "links", "meta"}
    assert body["data"], noun
    assert list(body["data"][0]) == [c.name for c in TABLES[noun].columns]
    assert body["links"]["next"] is None
    if noun == "stakeholders":
        assert {r["name"] for r in body["data"]} == {"Nakuru Youth Network", "Kenya Urban Bank"}


def test_a_filter_shows_what_the_page_shows_and_an_unknown_value_is_ignored(client, rows):
    data = get_json(client, "/api/v1/stakeholders?sector=business").get_json()["data"]
    assert [r["name"] for r in data] == ["Kenya Urban Bank"]
    ignored = get_json(client, "/api/v1/stakeholders?sector=nonsense").get_json()
    assert len(ignored["data"]) == 2
    assert ignored["meta"]["filters"] == {}


def test_cursors_walk_the_list_in_the_pages_order(client, make_stakeholder):
    for n in range(7):
        make_stakeholder(f"Org {n}")
    seen = []
    url = "/api/v1/stakeholders?limit=3&sort=name"
    while url:
        body = get_json(client, url.removeprefix("http://localhost")).get_json()
        seen += [r["name"] for r in body["data"]]
        url = body["links"]["next"]
        if url:
            assert "limit=3" in url
            assert "cursor=" in url
    assert seen == [f"Org {n}" for n in range(7)]


def test_a_tampered_cursor_or_a_bad_limit_is_a_400_problem(client, make_stakeholder):
    for n in range(3):
        make_stakeholder(f"Org {n}")
    assert_problem(client.get("/api/v1/stakeholders?cursor=abc.def"), 400)
    cursor = client.get("/api/v1/stakeholders?limit=1").get_json()["links"]["next"]
    token = cursor.split("cursor=")[1]
    assert_problem(client.get(f"/api/v1/commitments?cursor={token}"), 400)  # another list's
    assert_problem(client.get(f"/api/v1/stakeholders?sort=country&cursor={token}"), 400)
    for limit in ("0", "101", "x", "-1", "²", "9" * 5000, "1.5"):
        assert_problem(client.get(f"/api/v1/stakeholders?limit={limit}"), 400)


def test_an_entry_by_id_and_a_hidden_or_missing_one_is_a_404_problem(client, rows):
    city = rows["city"]
    body = get_json(client, f"/api/v1/stakeholders/{city.id}").get_json()
    assert body["data"]["name"] == "Nakuru Youth Network"
    assert body["data"]["url"].endswith(f"/stakeholders/{city.id}")
    commitment = get_json(client, f"/api/v1/commitments/{rows['commitment']}").get_json()
    assert commitment["data"]["light"]
    assert commitment["data"]["stakeholder_id"] == city.id
    assert_problem(client.get(f"/api/v1/stakeholders/{rows['hidden'].id}"), 404)
    assert_problem(client.get("/api/v1/stakeholders/999999"), 404)
    assert_problem(client.get("/api/v1/stakeholders/99999999999"), 404)


def test_router_errors_under_the_api_are_problems_not_pages(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.delete("/api/v1/stakeholders"), 405)
    assert_problem(client.post("/api/v1/initiatives"), 405)
    assert client.get("/nothing-here").mimetype == "text/html"  # the pages keep theirs


def test_frameworks_and_their_items(client, framework_items):
    body = get_json(client, "/api/v1/frameworks").get_json()
    codes = [f["code"] for f in body["data"]]
    assert "sdg" in codes
    sdg = get_json(client, "/api/v1/frameworks/sdg").get_json()["data"]
    assert {"11", "11.3"} <= {i["code"] for i in sdg["items"]}
    assert_problem(client.get("/api/v1/frameworks/no-such"), 404)


def test_anonymous_reads_set_no_cookie(client, rows):
    for url in ("/api/v1/stakeholders", f"/api/v1/stakeholders/{rows['city'].id}", "/api/v1/x"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url


def test_no_personal_data(app, client, rows, member_user):
    with app.app_context():
        db.session.add(
            Contact(
                stakeholder_id=rows["city"].id,
                name="Private Person",
                email="private.person@example.org",
                consent_at=utcnow(),
            )
        )
        db.session.commit()
    for noun in TABLES:
        text = client.get(f"/api/v1/{noun}{LIST_QUERY.get(noun, '')}").get_data(as_text=True)
        for secret in ("private.person@example.org", "Private Person", member_user.email):
            assert secret not in text, noun


def test_a_list_runs_the_same_statements_for_5_rows_and_50(
    app, client, make_stakeholder, make_commitment
):
    def statements() -> dict[str, int]:
        found = {}
        for noun in TABLES:
            with count_queries(app) as seen:
                get_json(client, f"/api/v1/{noun}?limit=100&view=past")
            found[noun] = len(seen)
        return found

    owner = make_stakeholder("Owner")
    for n in range(4):
        make_stakeholder(f"Org {n}")
    make_commitment(owner, title="First")
    few = statements()
    for n in range(45):
        make_stakeholder(f"More {n}")
    for n in range(5):
        make_commitment(owner, title=f"More {n}")
    assert statements() == few
