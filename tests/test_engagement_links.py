"""The initiatives an engagement served: staff list them by title (plain forms), each change
audited; both pages show the link."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Engagement, Initiative, InitiativeKind, Role
from tests.conftest import log_in


@pytest.fixture
def officer_client(client, make_user):
    log_in(client, make_user(Role.OFFICER))
    return client


@pytest.fixture
def conference(make_engagement):
    return make_engagement("Second International Conference on National Urban Policy")


@pytest.fixture
def programme(make_initiative):
    return make_initiative("National Urban Policy Programme", kind=InitiativeKind.PROGRAMME)


def linked(app, engagement_id: int) -> list[str]:
    with app.app_context():
        return [i.title for i in db.session.get(Engagement, engagement_id).initiatives]


def test_an_officer_lists_an_initiative_typed_in_full(
    app, officer_client, conference, programme, audit_rows
):
    response = officer_client.post(
        f"/engagements/{conference}/initiatives",
        data={"initiative_q": "National Urban Policy Programme"},
    )

    assert response.status_code == 303
    assert linked(app, conference) == ["National Urban Policy Programme"]
    [row] = audit_rows("engagement.initiative_linked")
    assert row.after == {"initiative_id": programme.id, "title": "National Urban Policy Programme"}
    engagement_page = officer_client.get(f"/engagements/{conference}").get_data(as_text=True)
    initiative_page = officer_client.get(f"/initiatives/{programme.id}").get_data(as_text=True)
    assert "National Urban Policy Programme" in engagement_page
    assert "Second International Conference on National Urban Policy" in initiative_page


def test_part_of_a_title_offers_the_initiatives_to_choose_from(
    app,
    officer_client,
    conference,
    programme,
    make_initiative,
):
    other = make_initiative("National Urban Policy Review", starts_on=date(2019, 1, 1))

    response = officer_client.post(
        f"/engagements/{conference}/initiatives", data={"initiative_q": "urban policy"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the initiative from the list" in html
    assert f'value="{programme.id}"' in html
    assert f'value="{other.id}"' in html
    assert linked(app, conference) == []

    chosen = officer_client.post(
        f"/engagements/{conference}/initiatives",
        data={"initiative_q": "urban policy", "initiative_id": str(other.id)},
    )
    assert chosen.status_code == 303
    assert linked(app, conference) == ["National Urban Policy Review"]


def test_an_unknown_title_is_refused_and_nothing_is_written(app, officer_client, conference):
    response = officer_client.post(
        f"/engagements/{conference}/initiatives", data={"initiative_q": "Nothing Like It"}
    )

    assert response.status_code == 422
    assert "No initiative has a title like this" in response.get_data(as_text=True)
    assert linked(app, conference) == []


def test_removing_a_link_keeps_the_initiative(
    app, officer_client, conference, programme, audit_rows
):
    officer_client.post(
        f"/engagements/{conference}/initiatives", data={"initiative_id": str(programme.id)}
    )

    response = officer_client.post(f"/engagements/{conference}/initiatives/{programme.id}/remove")

    assert response.status_code == 303
    assert linked(app, conference) == []
    with app.app_context():
        assert db.session.scalar(select(Initiative.title)) == "National Urban Policy Programme"
    assert len(audit_rows("engagement.initiative_unlinked")) == 1


def test_a_community_member_cannot_link(app, client, conference, programme, make_user):
    log_in(client, make_user(Role.COMMUNITY))

    response = client.post(
        f"/engagements/{conference}/initiatives", data={"initiative_id": str(programme.id)}
    )

    assert response.status_code == 403
    assert linked(app, conference) == []


def test_the_demo_conferences_served_the_national_urban_policy_programme(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        programme = db.session.scalar(
            select(Initiative).where(Initiative.title == "National Urban Policy Programme")
        )
        programme_id = programme.id

    html = client.get(f"/initiatives/{programme_id}").get_data(as_text=True)

    assert "National Urban Policies: Implementing the SDGs and the New Urban Agenda" in html
    assert "National Urban Policy: Towards Smarter and Greener Cities" in html
