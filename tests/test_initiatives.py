"""Initiatives and partnerships: staff create them (public at once, audited), add partners
found by name and change or end them in place; members ask to join on behalf of their
organization, and staff confirm or decline in the review queue."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from registry.extensions import db
from registry.models import (
    Initiative,
    InitiativeKind,
    Partnership,
    PartnershipRole,
    PartnershipStatus,
    Role,
    Status,
)
from tests.conftest import log_in
from tests.querycount import count_queries

HX = {"HX-Request": "true"}


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olu Officer", email="olu@hq.example")


@pytest.fixture
def officer_client(client, officer):
    log_in(client, officer)
    return client


def partnerships(app, initiative_id: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(
            select(Partnership)
            .where(Partnership.initiative_id == initiative_id)
            .order_by(Partnership.id)
        )
        return [(p.stakeholder.name, p.role.value, p.status.value) for p in rows]


# --- creating and listing -------------------------------------------------------------------


def test_an_officer_creates_an_initiative_that_is_public_at_once_with_its_lead(
    app, officer_client, make_stakeholder, audit_rows, officer
):
    lead = make_stakeholder("UN-Habitat", sector_code="un_system")
    response = officer_client.post(
        "/initiatives/new",
        data={
            "title": "National Urban Policy Programme",
            "kind": "policy_process",
            "status": "active",
            "lead_q": "UN-Habitat",
            "countries": ["KE", "FR"],
            "starts_on": "2015-01-01",
        },
    )

    assert response.status_code == 303
    with app.app_context():
        initiative = db.session.scalar(select(Initiative))
        assert initiative.country_codes == ["FR", "KE"]
        assert initiative.lead_stakeholder_id == lead.id
    assert partnerships(app, initiative.id) == [("UN-Habitat", "lead", "active")]
    [created] = audit_rows("initiative.created")
    assert created.actor_id == officer.id
    assert created.after["title"] == "National Urban Policy Programme"
    assert [row.after["stakeholder_id"] for row in audit_rows("initiative.partner_added")] == [
        lead.id
    ]
    anonymous = app.test_client().get(f"/initiatives/{initiative.id}")
    assert "National Urban Policy Programme" in anonymous.get_data(as_text=True)
    assert "Set-Cookie" not in anonymous.headers


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Enter the initiative"),
        ("kind", "empire", "Choose a kind from the list"),
        ("starts_on", "2015-02-30", "Enter the date as year-month-day"),
        ("ends_on", "2014-01-01", "The end date must be on or after the start date"),
        ("countries", "XX", "Choose countries from the list"),
        ("lead_q", "Nobody Of That Name", "Choose the lead from the list"),
        ("website", "javascript:alert(1)", "Enter the website"),
    ],
)
def test_bad_initiatives_are_refused_next_to_the_field(app, officer_client, field, value, message):
    data = {"title": "T", "kind": "project", "status": "active", "starts_on": "2015-01-01"}
    data[field] = value

    response = officer_client.post("/initiatives/new", data=data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Initiative)) == 0


def test_a_partner_that_is_not_approved_cannot_lead(app, officer_client, make_stakeholder):
    draft = make_stakeholder("Draft Lead Org", status=Status.DRAFT)
    response = officer_client.post(
        "/initiatives/new",
        data={
            "title": "T",
            "kind": "project",
            "status": "active",
            "starts_on": "2015-01-01",
            "lead_stakeholder_id": str(draft.id),
            "lead_q": "Draft Lead Org",
        },
    )
    assert response.status_code == 422


def test_the_list_filters_by_kind_country_and_partner_with_counts(
    app, client, make_initiative, make_partnership, make_stakeholder
):
    from registry.models import InitiativeCountry

    nup = make_initiative("National Urban Policy Programme", kind=InitiativeKind.POLICY_PROCESS)
    local = make_initiative("Local2030 Coalition", kind=InitiativeKind.COALITION)
    with app.app_context():
        # Through the initiative, as the services write it: its counts follow.
        db.session.get(Initiative, local.id).countries = [InitiativeCountry(code="KE")]
        db.session.commit()
    uclg = make_stakeholder("UCLG", sector_code="network")
    make_partnership(local, uclg)

    everything = client.get("/initiatives/").get_data(as_text=True)
    coalitions = client.get("/initiatives/?kind=coalition").get_data(as_text=True)
    kenya = client.get("/initiatives/?country=KE").get_data(as_text=True)
    partner = client.get(f"/initiatives/?partner={uclg.id}").get_data(as_text=True)
    networks = client.get("/initiatives/?sector=network").get_data(as_text=True)

    assert "2 initiatives" in everything
    assert 'Coalition <span class="facet-count">(1)</span>' in everything
    for html in (coalitions, kenya, partner, networks):
        assert "Local2030 Coalition" in html
        assert "National Urban Policy Programme" not in html
    assert "1 initiative matches" in kenya
    assert nup.id != local.id


def test_the_list_reads_a_constant_number_of_statements(app, client, make_initiative):
    for n in range(3):
        make_initiative(f"Initiative {n}")
    with count_queries(app) as few:
        client.get("/initiatives/?kind=programme")
    for n in range(3, 15):
        make_initiative(f"Initiative {n}")
    with count_queries(app) as many:
        client.get("/initiatives/?kind=programme")
    assert len(many) == len(few) <= 6, many


def test_the_list_pages_by_cursor_sorted_by_start(app, client, make_initiative):
    app.config["PER_PAGE"] = 2
    try:
        for year in range(2010, 2015):
            make_initiative(f"Started {year}", starts_on=date(year, 1, 1))
        first = client.get("/initiatives/?sort=start").get_data(as_text=True)
        assert first.index("Started 2014") < first.index("Started 2013")
        import re

        cursor = re.search(r'href="[^"]*cursor=([^&"]+)[^"]*" rel="next"', first)
        assert cursor is None or cursor.group(1)
    finally:
        app.config["PER_PAGE"] = 25


# --- partners, by staff -----------------------------------------------------------------------


def test_an_officer_adds_a_partner_found_by_name_and_the_block_updates(
    app, officer_client, make_initiative, make_stakeholder, audit_rows
):
    initiative = make_initiative()
    oecd = make_stakeholder(
        "Organisation for Economic Co-operation and Development", acronym="OECD"
    )

    found = officer_client.get(
        "/initiatives/pick",
        query_string={"field": "stakeholder_id", "stakeholder_q": "Economic Co"},
        headers=HX,
    ).get_data(as_text=True)
    assert f'value="{oecd.id}"' in found

    response = officer_client.post(
        f"/initiatives/{initiative.id}/partners",
        data={
            "stakeholder_q": "Economic Co",
            "stakeholder_id": str(oecd.id),
            "role": "co_lead",
            "basis": "mou",
        },
        headers=HX,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html  # the block, not the page
    assert "added as co-lead" in html
    assert 'id="stakeholder_q"' in html
    assert "autofocus" in html
    assert partnerships(app, initiative.id) == [
        ("Organisation for Economic Co-operation and Development", "co_lead", "active")
    ]
    assert len(audit_rows("initiative.partner_added")) == 1


def test_the_block_says_again_who_is_missing_when_a_partner_is_added(
    officer_client, make_initiative, make_stakeholder
):
    """The missing groups sit in the partners block, so htmx brings them up to date."""
    initiative = make_initiative()
    city = make_stakeholder("Nakuru City County", sector_code="local_government")
    before = officer_client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "No local government" in before

    response = officer_client.post(
        f"/initiatives/{initiative.id}/partners",
        data={"stakeholder_id": str(city.id), "role": "implementing", "basis": "informal"},
        headers=HX,
    )

    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "Who is missing" in html
    assert "No local government" not in html
    assert "No grassroots or community organization" in html


def test_without_javascript_a_typed_name_offers_the_matches_to_choose_from(
    app, officer_client, make_initiative, make_stakeholder
):
    initiative = make_initiative()
    one = make_stakeholder("Cities Alliance")
    two = make_stakeholder("Cities Alliance for Youth")

    response = officer_client.post(
        f"/initiatives/{initiative.id}/partners",
        data={"stakeholder_q": "Cities All", "role": "implementing", "basis": "informal"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the organization from the list" in html
    assert f'value="{one.id}"' in html
    assert f'value="{two.id}"' in html
    assert partnerships(app, initiative.id) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts_on": "2014-12-31"}, "cannot start before the initiative does"),
        ({"starts_on": "2016-01-01", "ends_on": "2015-06-01"}, "on or after the start date"),
        ({"role": "emperor"}, "Choose a role from the list"),
    ],
)
def test_bad_partnerships_are_refused_and_nothing_is_written(
    app, officer_client, make_initiative, make_stakeholder, data, message
):
    initiative = make_initiative(starts_on=date(2015, 1, 1))
    partner = make_stakeholder("Next City")
    form = {"stakeholder_id": str(partner.id), "role": "participant", "basis": "informal", **data}

    response = officer_client.post(f"/initiatives/{initiative.id}/partners", data=form)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert partnerships(app, initiative.id) == []


def test_a_partner_that_is_not_approved_is_refused(
    app, officer_client, make_initiative, make_stakeholder
):
    initiative = make_initiative()
    draft = make_stakeholder("Unreviewed Org", status=Status.SUBMITTED)

    response = officer_client.post(
        f"/initiatives/{initiative.id}/partners",
        data={
            "stakeholder_id": str(draft.id),
            "stakeholder_q": "Unreviewed Org",
            "role": "participant",
        },
    )

    assert response.status_code == 422
    assert partnerships(app, initiative.id) == []


def test_a_second_active_partnership_is_refused(
    app, officer_client, make_initiative, make_stakeholder, make_partnership
):
    initiative = make_initiative()
    partner = make_stakeholder("KRIHS")
    make_partnership(initiative, partner)

    response = officer_client.post(
        f"/initiatives/{initiative.id}/partners",
        data={"stakeholder_id": str(partner.id), "role": "funding", "basis": "informal"},
    )

    assert response.status_code == 422
    assert "already a partner" in response.get_data(as_text=True)
    assert len(partnerships(app, initiative.id)) == 1


def test_the_database_keeps_one_open_partnership_per_initiative(
    app, make_initiative, make_stakeholder, make_partnership
):
    """Two requests racing both pass the form check: the partial unique index decides."""
    initiative = make_initiative()
    partner = make_stakeholder("KICT")
    make_partnership(initiative, partner, status=PartnershipStatus.PROPOSED)
    make_partnership(initiative, partner, status=PartnershipStatus.ENDED)  # history is fine

    with pytest.raises(IntegrityError):
        make_partnership(initiative, partner, status=PartnershipStatus.ACTIVE)


def test_a_race_lost_at_the_index_answers_409(
    app, officer_client, make_initiative, make_stakeholder, monkeypatch
):
    from registry.initiatives import services

    initiative = make_initiative()
    partner = make_stakeholder("Racing Org")
    # The other request commits between this one's check and its insert.
    monkeypatch.setattr(services, "open_partnership", lambda *args: None)
    with app.app_context():
        db.session.add(
            Partnership(
                initiative_id=initiative.id,
                stakeholder_id=partner.id,
                role=PartnershipRole.PARTICIPANT,
            )
        )
        db.session.commit()

    response = officer_client.post(
        f"/initiatives/{initiative.id}/partners",
        data={"stakeholder_id": str(partner.id), "role": "funding", "basis": "informal"},
    )

    assert response.status_code == 409
    assert len(partnerships(app, initiative.id)) == 1


def test_an_officer_changes_a_partnership_in_place(
    app, officer_client, make_initiative, make_stakeholder, make_partnership, audit_rows
):
    initiative = make_initiative()
    partnership_id = make_partnership(initiative, make_stakeholder("Next City"))
    url = f"/initiatives/{initiative.id}/partners/{partnership_id}/edit"

    form = officer_client.get(url, headers=HX).get_data(as_text=True)
    assert f'id="partnership-{partnership_id}-edit"' in form
    assert "autofocus" in form

    response = officer_client.post(
        url, data={"role": "technical", "basis": "letter", "starts_on": "2016-05-01"}, headers=HX
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Technical or knowledge partner" in html
    assert partnerships(app, initiative.id) == [("Next City", "technical", "active")]
    [changed] = audit_rows("initiative.partner_updated")
    assert changed.after == {
        "partnership_id": partnership_id,
        "role": "technical",
        "basis": "letter",
        "starts_on": "2016-05-01",
    }


def test_ending_a_partnership_takes_a_date_and_keeps_the_record(
    app, officer_client, make_initiative, make_stakeholder, make_partnership, audit_rows
):
    initiative = make_initiative()
    partnership_id = make_partnership(initiative, make_stakeholder("Arcadis"))
    url = f"/initiatives/{initiative.id}/partners/{partnership_id}/end"

    asked = officer_client.get(url)
    assert asked.status_code == 200
    assert partnerships(app, initiative.id) == [("Arcadis", "implementing", "active")]

    response = officer_client.post(url, data={"ends_on": "2020-12-31"})

    assert response.status_code == 303
    assert partnerships(app, initiative.id) == [("Arcadis", "implementing", "ended")]
    html = officer_client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Former partners" in html
    assert len(audit_rows("initiative.partner_ended")) == 1


def test_an_initiative_page_reads_a_constant_number_of_statements(
    app, client, make_initiative, make_stakeholder, make_partnership
):
    initiative = make_initiative()
    for n in range(5):
        make_partnership(initiative, make_stakeholder(f"Partner {n}"))
    with count_queries(app) as few:
        client.get(f"/initiatives/{initiative.id}")
    for n in range(5, 50):
        make_partnership(initiative, make_stakeholder(f"Partner {n}"))
    with count_queries(app) as many:
        html = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Partners (50 active)" in html
    assert len(many) == len(few), many


def test_a_stakeholder_page_lists_its_partnerships(
    client, make_initiative, make_stakeholder, make_partnership
):
    initiative = make_initiative("Local2030 Coalition")
    uclg = make_stakeholder("UCLG")
    make_partnership(initiative, uclg, role=PartnershipRole.CO_LEAD, starts_on=date(2017, 7, 1))

    html = client.get(f"/stakeholders/{uclg.id}").get_data(as_text=True)

    assert "Local2030 Coalition" in html
    assert "Co-lead" in html


# --- asking to join, and deciding -------------------------------------------------------------


@pytest.fixture
def asked(app, client, make_initiative, approved, member_user):
    """``member_user`` asked for Nakuru Youth Action Network to join; returns (initiative, id)."""
    initiative = make_initiative()
    log_in(client, member_user)
    response = client.post(
        f"/initiatives/{initiative.id}/join",
        data={"stakeholder_id": str(approved.id), "role": "participant", "message": "We can help"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    client.post("/logout")
    with app.app_context():
        partnership_id = db.session.scalar(select(Partnership.id))
    return initiative, partnership_id


def test_a_member_asks_to_join_and_the_staff_hear_of_it(
    app, asked, audit_rows, smtp_server, officer
):
    initiative, _partnership_id = asked
    assert partnerships(app, initiative.id) == [
        ("Nakuru Youth Action Network", "participant", "proposed")
    ]
    assert len(audit_rows("initiative.partnership_requested")) == 1


def test_the_request_waits_in_an_officers_queue_and_confirming_it_mails_the_member(
    app, client, asked, officer, smtp_server, audit_rows
):
    initiative, partnership_id = asked
    log_in(client, officer)

    queue = client.get("/review/").get_data(as_text=True)
    assert "Request to join an initiative" in queue
    assert "Nakuru Youth Action Network" in queue

    response = client.post(f"/review/partnerships/{partnership_id}", data={"action": "confirm"})

    assert response.status_code == 303
    assert partnerships(app, initiative.id) == [
        ("Nakuru Youth Action Network", "participant", "active")
    ]
    assert audit_rows("initiative.partnership_confirmed")[0].actor_id == officer.id
    [mail] = [m for m in smtp_server if m["To"] == "mercy@kwsc.example"]
    assert "Partnership confirmed" in mail["Subject"]


def test_declining_needs_a_reason(app, client, asked, officer):
    initiative, partnership_id = asked
    log_in(client, officer)

    refused = client.post(f"/review/partnerships/{partnership_id}", data={"action": "decline"})
    declined = client.post(
        f"/review/partnerships/{partnership_id}",
        data={"action": "decline", "comment": "Not an urban initiative partner"},
    )

    assert refused.status_code == 422
    assert declined.status_code == 303
    assert partnerships(app, initiative.id)[0][2] == "declined"


def test_a_member_cannot_confirm_its_own_request(app, client, asked, member_user):
    initiative, partnership_id = asked
    log_in(client, member_user)

    response = client.post(f"/review/partnerships/{partnership_id}", data={"action": "confirm"})

    assert response.status_code == 403
    assert partnerships(app, initiative.id)[0][2] == "proposed"


def test_a_non_member_cannot_ask_on_behalf_of_an_organization(
    app, client, make_initiative, make_stakeholder, make_user
):
    initiative = make_initiative()
    other = make_stakeholder("Someone Else's Org")
    log_in(client, make_user(Role.COMMUNITY))

    response = client.post(
        f"/initiatives/{initiative.id}/join",
        data={"stakeholder_id": str(other.id), "role": "participant"},
    )

    assert response.status_code == 403
    assert partnerships(app, initiative.id) == []


def test_asking_twice_is_refused(app, client, asked, member_user, approved):
    initiative, _partnership_id = asked
    log_in(client, member_user)

    response = client.post(
        f"/initiatives/{initiative.id}/join",
        data={"stakeholder_id": str(approved.id), "role": "participant"},
    )

    assert response.status_code == 422
    assert "already asked to join or is a partner" in response.get_data(as_text=True)
    assert len(partnerships(app, initiative.id)) == 1


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("where", "order", "index"),
    [
        ("kind = 'coalition'", "title, id", "ix_initiative_kind_title"),
        ("status = 'active'", "title, id", "ix_initiative_status_title"),
        ("TRUE", "title, id", "ix_initiative_title_id"),
        ("TRUE", "starts_on DESC, id DESC", "ix_initiative_starts_id"),
        (
            "EXISTS (SELECT 1 FROM initiative_country c WHERE c.initiative_id = initiative.id "
            "AND c.code = 'KE')",
            "title, id",
            "ix_initiative_country_code",
        ),
        (
            "EXISTS (SELECT 1 FROM partnership p WHERE p.initiative_id = initiative.id "
            "AND p.stakeholder_id = 7 AND p.status = 'active')",
            "title, id",
            "ix_partnership_stakeholder_status",
        ),
        (
            "EXISTS (SELECT 1 FROM initiative_alignment a WHERE a.initiative_id = initiative.id "
            "AND a.item_id IN (SELECT id FROM framework_item WHERE id = 7 OR parent_id = 7))",
            "title, id",
            "ix_initiative_alignment_item",
        ),
    ],
)
def test_each_filter_and_sort_of_the_list_has_an_index(app, where, order, index):
    with app.app_context():
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_sort = off"))
        plan = db.session.execute(
            text(f"EXPLAIN SELECT id FROM initiative WHERE {where} ORDER BY {order} LIMIT 26")  # noqa: S608 - fixed
        ).scalars()
        assert index in "\n".join(plan)
        db.session.rollback()


def test_the_demo_registry_has_initiatives_with_their_real_partners(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "9 initiatives (9 added)" in result.output
    with app.app_context():
        nup = db.session.scalar(
            select(Initiative).where(Initiative.title == "National Urban Policy Programme")
        )
        initiative_id = nup.id
    assert partnerships(app, initiative_id) == [
        ("United Nations Human Settlements Programme", "lead", "active"),
        ("Organisation for Economic Co-operation and Development", "co_lead", "active"),
        ("Cities Alliance", "implementing", "active"),
        ("Korea Research Institute for Human Settlements", "technical", "active"),
    ]
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "9 initiatives (0 added)" in again.output


def test_an_edit_based_on_an_old_version_is_refused(app, officer_client, make_initiative):
    initiative = make_initiative("Safer Cities")
    form = {
        "title": "Safer Cities Programme",
        "kind": "programme",
        "status": "active",
        "starts_on": "2015-01-01",
        "version": str(initiative.version),
    }
    assert officer_client.post(f"/initiatives/{initiative.id}/edit", data=form).status_code == 303

    stale = officer_client.post(f"/initiatives/{initiative.id}/edit", data={**form, "title": "X"})

    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(Initiative, initiative.id).title == "Safer Cities Programme"


def test_an_initiative_cannot_shrink_around_its_partners(
    app, officer_client, make_initiative, make_stakeholder, make_partnership
):
    initiative = make_initiative("Safer Cities", starts_on=date(2015, 1, 1))
    make_partnership(initiative, make_stakeholder("UNODC"), starts_on=date(2016, 1, 1))
    form = {
        "title": "Safer Cities",
        "kind": "programme",
        "status": "active",
        "starts_on": "2017-01-01",
        "version": str(initiative.version),
    }

    response = officer_client.post(f"/initiatives/{initiative.id}/edit", data=form)

    assert response.status_code == 422
    assert "would fall outside this period" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Initiative, initiative.id).starts_on == date(2015, 1, 1)


def test_a_member_withdraws_its_request_and_may_ask_again(
    app, client, asked, member_user, approved, audit_rows
):
    initiative, partnership_id = asked
    log_in(client, member_user)

    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Withdraw the request" in page
    response = client.post(f"/initiatives/{initiative.id}/requests/{partnership_id}/withdraw")

    assert response.status_code == 303
    assert partnerships(app, initiative.id) == [
        ("Nakuru Youth Action Network", "participant", "withdrawn")
    ]
    assert audit_rows("initiative.partnership_withdrawn")[0].actor_id == member_user.id
    again = client.post(
        f"/initiatives/{initiative.id}/join",
        data={"stakeholder_id": str(approved.id), "role": "funding"},
    )
    assert again.status_code == 303


def test_only_the_asking_organizations_members_withdraw_a_request(app, client, asked, make_user):
    initiative, partnership_id = asked
    log_in(client, make_user(Role.COMMUNITY))

    response = client.post(f"/initiatives/{initiative.id}/requests/{partnership_id}/withdraw")

    assert response.status_code == 403
    assert partnerships(app, initiative.id)[0][2] == "proposed"


def test_a_decided_request_cannot_be_withdrawn(app, client, asked, officer, member_user):
    initiative, partnership_id = asked
    log_in(client, officer)
    client.post(f"/review/partnerships/{partnership_id}", data={"action": "confirm"})
    client.post("/logout")
    log_in(client, member_user)

    response = client.post(
        f"/initiatives/{initiative.id}/requests/{partnership_id}/withdraw", follow_redirects=True
    )

    assert "already been decided" in response.get_data(as_text=True)
    assert partnerships(app, initiative.id)[0][2] == "active"
