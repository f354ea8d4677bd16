"""Alignment of initiatives, commitments and engagements to framework items, with the one
picker every form uses: the services (and their refusals), the audit trail and a revision's
diff naming the items, the pages that show them, and a framework's page listing per paragraph
what advances it in a fixed number of statements."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from registry import revisions
from registry.auditlog.describe import Names, describe
from registry.commit import FieldRefused
from registry.engagements import services as engagement_services
from registry.extensions import db
from registry.frameworks import picker
from registry.initiatives import services as initiative_services
from registry.models import (
    AuditEvent,
    Commitment,
    Engagement,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    Role,
    Status,
    User,
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


def initiative_values(**changes) -> dict:
    return {
        "title": "SDG Cities",
        "kind": InitiativeKind.PROGRAMME,
        "status": InitiativeStatus.ACTIVE,
        "summary": "",
        "lead_stakeholder_id": None,
        "countries": [],
        "cities": None,
        "starts_on": date(2022, 1, 1),
        "ends_on": None,
        "website": None,
        **changes,
    }


def new_initiative(app, officer, **changes) -> int:
    with app.app_context():
        actor = db.session.get(User, officer.id)
        initiative = initiative_services.create_initiative(initiative_values(**changes), actor)
        db.session.commit()
        return initiative.id


def aligned_codes(app, model, row_id: int) -> list[str]:
    with app.app_context():
        return [item.code for item in db.session.get(model, row_id).alignment]


def engagement_form(**changes) -> dict:
    return {
        "title": "Consultation on SDG localization",
        "kind": "consultation",
        "start_date": "2026-05-12",
        "start_time": "10:00",
        "end_time": "12:30",
        "time_zone": "Africa/Nairobi",
        "city": "Nairobi",
        "country": "KE",
        **changes,
    }


def initiative_form(**changes) -> dict:
    return {
        "title": "SDG Cities",
        "kind": "programme",
        "status": "active",
        "starts_on": "2022-01-01",
        **changes,
    }


# --- the services, on both databases -------------------------------------------------------------


def test_an_initiative_is_aligned_and_realigned_and_each_change_is_audited(
    app, officer, framework_items, audit_rows
):
    initiative_id = new_initiative(
        app, officer, alignment=[framework_items["11.1"], framework_items["OP2"]]
    )
    assert aligned_codes(app, Initiative, initiative_id) == ["11.1", "OP2"]
    [created] = audit_rows("initiative.created")
    assert created.after["alignment"] == sorted([framework_items["11.1"], framework_items["OP2"]])

    with app.app_context():
        initiative = db.session.get(Initiative, initiative_id)
        version = initiative.version
        actor = db.session.get(User, officer.id)
        changed = initiative_services.update_initiative(
            initiative, initiative_values(alignment=[framework_items["11.3"]]), actor
        )
        db.session.commit()
        assert changed
        assert initiative.version == version + 1  # the alignment alone moves the version on
    assert aligned_codes(app, Initiative, initiative_id) == ["11.3"]
    [updated] = audit_rows("initiative.updated")
    assert updated.before == {
        "alignment": sorted([framework_items["11.1"], framework_items["OP2"]])
    }
    assert updated.after == {"alignment": [framework_items["11.3"]]}


def test_an_edit_without_alignment_keeps_it(app, officer, framework_items):
    initiative_id = new_initiative(app, officer, alignment=[framework_items["11.1"]])
    with app.app_context():
        initiative = db.session.get(Initiative, initiative_id)
        actor = db.session.get(User, officer.id)
        initiative_services.update_initiative(initiative, initiative_values(title="X"), actor)
        db.session.commit()
    assert aligned_codes(app, Initiative, initiative_id) == ["11.1"]


def test_an_engagement_is_aligned_and_realigned_and_each_change_is_audited(
    app, officer, framework_items, make_engagement, audit_rows
):
    engagement_id = make_engagement(alignment=[framework_items["OP9"]])
    assert aligned_codes(app, Engagement, engagement_id) == ["OP9"]
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        actor = db.session.get(User, officer.id)
        assert engagement_services.set_alignment(engagement, [framework_items["6.2"]], actor)
        assert not engagement_services.set_alignment(engagement, [framework_items["6.2"]], actor)
        db.session.commit()
    assert aligned_codes(app, Engagement, engagement_id) == ["6.2"]
    [updated] = audit_rows("engagement.updated")
    assert updated.before == {"alignment": [framework_items["OP9"]]}
    assert updated.after == {"alignment": [framework_items["6.2"]]}


@pytest.mark.parametrize("item", ["11.9", "11", "unknown", "not a number"])
def test_the_services_refuse_an_archived_unknown_or_goal_item(
    app, officer, framework_items, make_engagement, item
):
    value = framework_items.get(item, "x" if item == "not a number" else 999_999)
    with app.app_context():
        actor = db.session.get(User, officer.id)
        with pytest.raises(FieldRefused) as refused:
            initiative_services.create_initiative(initiative_values(alignment=[value]), actor)
        assert refused.value.field == "alignment"
        assert "no longer in use" in refused.value.message
        db.session.rollback()
    engagement_id = make_engagement()
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        with pytest.raises(FieldRefused, match="no longer in use"):
            engagement_services.set_alignment(engagement, [value], None)
        db.session.rollback()
    assert aligned_codes(app, Engagement, engagement_id) == []


def test_an_item_archived_after_it_was_aligned_is_kept(app, officer, framework_items):
    from registry.models import FrameworkItem
    from registry.models._base import utcnow

    initiative_id = new_initiative(app, officer, alignment=[framework_items["11.3"]])
    with app.app_context():
        db.session.get(FrameworkItem, framework_items["11.3"]).archived_at = utcnow()
        initiative = db.session.get(Initiative, initiative_id)
        actor = db.session.get(User, officer.id)
        initiative_services.update_initiative(
            initiative,
            initiative_values(title="Renamed", alignment=[framework_items["11.3"]]),
            actor,
        )
        db.session.commit()
    assert aligned_codes(app, Initiative, initiative_id) == ["11.3"]


# --- the forms: refused beside the field, nothing written ----------------------------------------


@pytest.mark.parametrize("item", ["11.9", "unknown"])
def test_the_initiative_form_refuses_an_archived_or_unknown_item_beside_the_field(
    app, officer_client, framework_items, item
):
    value = str(framework_items.get(item, 999_999))
    response = officer_client.post("/initiatives/new", data=initiative_form(alignment=[value]))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="alignment-error">.*no longer in use', html)
    assert '<a href="#alignment">' in html  # the summary links to the picker
    with app.app_context():
        assert db.session.scalar(select(Initiative.id)) is None


@pytest.mark.parametrize("item", ["11.9", "unknown"])
def test_the_engagement_form_refuses_an_archived_or_unknown_item_beside_the_field(
    app, officer_client, framework_items, make_engagement, item
):
    value = str(framework_items.get(item, 999_999))
    response = officer_client.post("/engagements/new", data=engagement_form(alignment=[value]))
    assert response.status_code == 422
    assert re.search(r'id="alignment-error">.*no longer in use', response.get_data(as_text=True))
    engagement_id = make_engagement()
    with app.app_context():
        version = db.session.get(Engagement, engagement_id).version
        assert (
            db.session.scalar(select(Engagement.id).where(Engagement.id != engagement_id)) is None
        )
    response = officer_client.post(
        f"/engagements/{engagement_id}/edit",
        data=engagement_form(alignment=[value], version=str(version)),
    )
    assert response.status_code == 422
    assert "no longer in use" in response.get_data(as_text=True)
    assert aligned_codes(app, Engagement, engagement_id) == []


def test_an_officer_aligns_an_initiative_through_its_form(
    app, officer_client, framework_items, make_initiative
):
    initiative = make_initiative("Safer Cities")
    page = officer_client.get(f"/initiatives/{initiative.id}/edit").get_data(as_text=True)
    assert 'hx-get="/frameworks/picker"' in page
    response = officer_client.post(
        f"/initiatives/{initiative.id}/edit",
        data=initiative_form(
            title="Safer Cities",
            alignment=[str(framework_items["11.1"]), str(framework_items["OP2"])],
            version=str(initiative.version),
        ),
    )
    assert response.status_code == 303
    assert aligned_codes(app, Initiative, initiative.id) == ["11.1", "OP2"]
    page = officer_client.get(f"/initiatives/{initiative.id}/edit").get_data(as_text=True)
    assert re.search(rf'value="{framework_items["11.1"]}" checked', page)  # ticked again


def test_an_officer_aligns_an_engagement_through_its_form(app, officer_client, framework_items):
    response = officer_client.post(
        "/engagements/new", data=engagement_form(alignment=[str(framework_items["OP9"])])
    )
    assert response.status_code == 303
    with app.app_context():
        engagement_id = db.session.scalar(select(Engagement.id))
    assert aligned_codes(app, Engagement, engagement_id) == ["OP9"]


@pytest.mark.parametrize(
    ("url", "form"),
    [("/initiatives/new", initiative_form), ("/engagements/new", engagement_form)],
)
def test_without_javascript_find_lists_items_to_tick_and_saves_nothing(
    app, officer_client, framework_items, url, form
):
    response = officer_client.post(
        url,
        data=form(
            alignment=[str(framework_items["OP9"])],
            alignment_q="housing",
            action="find-alignment",
        ),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Found: tick to choose" in html
    assert f'value="{framework_items["11.1"]}"' in html
    assert re.search(rf'value="{framework_items["OP9"]}" checked', html)  # kept ticked
    assert "There is a problem" not in html
    with app.app_context():
        assert db.session.scalar(select(Initiative.id)) is None
        assert db.session.scalar(select(Engagement.id)) is None


# --- the one picker ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "found", "not_found"),
    [
        ("11.1", ["SDG 11.1"], ["SDG 11.3"]),
        ("SDG 11.1", ["SDG 11.1"], ["SDG 11.3"]),
        ("housing", ["SDG 11.1"], ["SDG 6.2"]),
        ("HSP/HA.2/RES.6", ["HSP/HA.2/RES.6 OP2", "HSP/HA.2/RES.6 OP9"], ["SDG 11.1"]),
        ("11.9", [], ["SDG 11.9"]),  # archived: offered to nobody
    ],
)
def test_the_picker_finds_by_number_words_or_resolution(
    officer_client, framework_items, typed, found, not_found
):
    html = officer_client.get(
        "/frameworks/picker", query_string={"alignment_q": typed}, headers=HX
    ).get_data(as_text=True)
    for label in found:
        assert f"<strong>{label}</strong>" in html
    for label in not_found:
        assert f"<strong>{label}</strong>" not in html


def test_the_picker_never_offers_a_goal_nor_what_is_already_ticked(officer_client, framework_items):
    html = officer_client.get(
        "/frameworks/picker",
        query_string={"alignment_q": "11", "alignment": [str(framework_items["11.1"])]},
    ).get_data(as_text=True)
    assert f'value="{framework_items["11"]}"' not in html
    assert f'value="{framework_items["11.1"]}"' not in html
    assert f'value="{framework_items["11.3"]}"' in html


def test_the_picker_is_for_signed_in_users(client, framework_items):
    response = client.get("/frameworks/picker", query_string={"alignment_q": "11.1"})
    assert response.status_code in (302, 401)


# --- the trail names the items -------------------------------------------------------------------


def test_the_audit_trail_names_the_items_of_an_initiative(app, officer, framework_items):
    initiative_id = new_initiative(app, officer, alignment=[framework_items["11.1"]])
    with app.app_context():
        initiative = db.session.get(Initiative, initiative_id)
        actor = db.session.get(User, officer.id)
        initiative_services.set_alignment(initiative, [framework_items["OP2"]], actor)
        db.session.commit()
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "initiative.updated")
        )
        [line] = describe(event, Names([event]))
    assert (line.label, line.before, line.after) == (
        "Alignment",
        "SDG 11.1",
        "HSP/HA.2/RES.6 OP2",
    )


def test_a_pending_revision_of_a_commitment_names_the_items_in_its_diff(
    app, framework_items, approved, member_user, make_commitment
):
    commitment_id = make_commitment(approved)
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        author = db.session.get(User, member_user.id)
        values = {**revisions.snapshot(commitment), "alignment": [framework_items["11.1"]]}
        revision = revisions.update(
            commitment, values, author, revisions.edit_token(commitment, author)
        )
        db.session.commit()
        assert revision is not None  # public: the change waits for review
        [change] = revisions.diff(revision)
        assert (change.label, change.before_text, change.after_text) == (
            "Alignment",
            "SDG 11.3",
            "SDG 11.1",
        )


# --- the pages -----------------------------------------------------------------------------------


def test_initiative_and_engagement_pages_link_to_the_items_they_advance(
    app, client, officer, framework_items, make_engagement
):
    initiative_id = new_initiative(app, officer, alignment=[framework_items["OP2"]])
    engagement_id = make_engagement(alignment=[framework_items["11.1"]])
    html = client.get(f"/initiatives/{initiative_id}").get_data(as_text=True)
    assert 'href="/frameworks/HSP/HA.2/RES.6/items/OP2"><strong>HSP/HA.2/RES.6 OP2' in html
    html = client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    assert 'href="/frameworks/sdg/items/11.1"><strong>SDG 11.1</strong>' in html


def test_the_initiative_list_filters_by_an_item_or_a_goal(app, client, officer, framework_items):
    new_initiative(app, officer, title="Housing", alignment=[framework_items["11.1"]])
    new_initiative(app, officer, title="Water", alignment=[framework_items["6.2"]])

    def titles(item: int) -> list[str]:
        html = client.get("/initiatives/", query_string={"item": item}).get_data(as_text=True)
        return re.findall(r'href="/initiatives/\d+">([^<]+)</a>', html)

    assert titles(framework_items["11.1"]) == ["Housing"]
    assert titles(framework_items["11"]) == ["Housing"]  # a goal: its targets
    assert titles(framework_items["6"]) == ["Water"]
    html = client.get("/initiatives/", query_string={"item": framework_items["11.1"]})
    assert "Initiatives aligned to SDG 11.1." in html.get_data(as_text=True)


@pytest.fixture
def aligned_registry(
    app, officer, framework_items, make_stakeholder, make_commitment, make_engagement
):
    """Something of each kind aligned to OP2 and to 11.1; a draft to OP9 (public nowhere)."""
    owner = make_stakeholder("Nakuru Housing Group")
    new_initiative(app, officer, title="Local2030 Coalition", alignment=[framework_items["OP2"]])
    new_initiative(app, officer, title="Housing for all", alignment=[framework_items["11.1"]])
    make_commitment(owner, title="Tools for cities", alignment=[framework_items["OP2"]])
    make_commitment(owner, title="A draft", alignment=[framework_items["OP9"]], status=Status.DRAFT)
    make_engagement("Forum on localization", alignment=[framework_items["OP2"]])
    make_engagement("Housing roundtable", alignment=[framework_items["11.1"]])
    return owner


def section(html: str, code: str, framework: str = "HSP/HA.2/RES.6") -> str:
    """The part of a framework's page about one item, up to the next item."""
    start = html.index(f'href="/frameworks/{framework}/items/{code}"')
    end = html.find('class="framework-item', start)
    return html[start : end if end > 0 else len(html)]


def test_a_resolution_page_lists_per_paragraph_each_kind_and_says_what_nothing_advances(
    client, aligned_registry
):
    html = client.get("/frameworks/HSP/HA.2/RES.6").get_data(as_text=True)
    op2 = section(html, "OP2")
    assert re.search(
        r'href="/initiatives/\d+">Local2030 Coalition</a> <span class="meta">· Active', op2
    )
    assert re.search(
        r'class="light light-on_track".*href="/commitments/\d+">Tools for cities', op2, re.S
    )
    assert re.search(
        r'href="/engagements/\d+">Forum on localization</a> <span class="meta">· Took place', op2
    )
    assert "1 initiative" in op2
    assert "1 commitment" in op2
    assert "1 engagement" in op2
    op9 = section(html, "OP9")
    assert "Nothing advances this paragraph yet." in op9  # a draft advances nothing in public
    assert "A draft" not in html


def test_the_sdg_page_gathers_on_each_goal_what_its_targets_have(client, aligned_registry):
    html = client.get("/frameworks/sdg").get_data(as_text=True)
    goal = section(html, "11", "sdg")
    assert "Housing for all" in goal
    assert "Housing roundtable" in goal
    assert "Nothing advances this goal yet." in section(html, "6", "sdg")


def test_an_item_page_lists_initiatives_and_engagements_beside_commitments(
    client, aligned_registry
):
    html = client.get("/frameworks/HSP/HA.2/RES.6/items/OP2").get_data(as_text=True)
    assert "Initiatives that advance it" in html
    assert "Local2030 Coalition" in html
    assert "Tools for cities" in html
    assert "Engagements that advance it" in html
    assert "Forum on localization" in html
    html = client.get("/frameworks/HSP/HA.2/RES.6/items/OP9").get_data(as_text=True)
    assert "No initiative advances it yet." in html
    assert "No engagement advances it yet." in html


def test_a_long_list_is_bounded_with_and_n_more(app, client, officer, framework_items, monkeypatch):
    monkeypatch.setattr("registry.frameworks.queries.SHOWN", 2)
    for n in range(5):
        new_initiative(app, officer, title=f"Programme {n}", alignment=[framework_items["OP2"]])
    with app.app_context():
        from registry.frameworks import queries

        found = queries.aligned(_framework_id())
    op2 = found[framework_items["OP2"]]
    assert [row.title for row in op2.rows["initiative"]] == ["Programme 0", "Programme 1"]
    assert op2.more("initiative") == 3
    html = client.get("/frameworks/HSP/HA.2/RES.6").get_data(as_text=True)
    assert f'href="/initiatives/?item={framework_items["OP2"]}">and 3 more initiatives' in html


def _framework_id() -> int:
    from registry.models import Framework

    return db.session.scalar(select(Framework.id).where(Framework.code == "HSP/HA.2/RES.6"))


@pytest.mark.parametrize(
    ("url", "listed"),
    [("/frameworks/HSP/HA.2/RES.6", "Initiative 12"), ("/frameworks/sdg", "Initiative 18")],
)
def test_a_framework_page_reads_as_many_statements_for_2_or_20_aligned_rows(
    app, client, officer, framework_items, make_stakeholder, make_commitment, make_engagement,
    url, listed,
):  # fmt: skip
    owner = make_stakeholder()
    items = [framework_items[code] for code in ("OP2", "OP9", "11.1", "11.3")]

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            item = items[n % len(items)]
            kind = n % 3
            if kind == 0:
                new_initiative(app, officer, title=f"Initiative {n:02}", alignment=[item])
            elif kind == 1:
                make_commitment(owner, title=f"Pledge {n:02}", alignment=[item])
            else:
                make_engagement(f"Engagement {n:02}", alignment=[item])

    add(0, 2)
    with count_queries(app) as two:
        client.get(url)
    add(2, 20)
    with count_queries(app) as twenty:
        html = client.get(url).get_data(as_text=True)
    assert listed in html
    assert len(twenty) == len(two), (two, twenty)


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_aligns_its_initiatives_and_engagements_through_the_services(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    html = client.get("/frameworks/HSP/HA.2/RES.6").get_data(as_text=True)
    assert "SDG Cities" in section(html, "OP2(a)")
    assert "Global Urban Monitoring Framework" in section(html, "OP4(a)")
    assert "Local2030 Coalition" in section(html, "OP9")
    assert "Nothing advances this paragraph yet." in html
    with app.app_context():
        by_title = {
            i.title: sorted(f"{item.framework.code} {item.code}" for item in i.alignment)
            for i in db.session.scalars(select(Initiative))
        }
        aligned = set(
            db.session.scalars(
                select(Engagement.title).where(Engagement.is_demo, Engagement.alignment.any())
            )
        )
    # Those aligned to a resolution's paragraph (the SDGs are not imported here).
    assert {
        "International Forum on Urban-Rural Linkages, first session",
        "Roundtable 3 (demo): Following up on the partnerships of Roundtable 2",
    } <= aligned
    assert by_title["RISE UP flagship programme"][0] == "HSP/HA.2/RES.5 OP4"
    assert by_title["Safer Cities"][:3] == [
        "HSP/HA.1/RES.2 OP3",
        "HSP/HA.1/RES.2 OP5",
        "HSP/HA.1/RES.2 OP7",
    ]
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0
    with app.app_context():
        assert {
            i.title: sorted(f"{item.framework.code} {item.code}" for item in i.alignment)
            for i in db.session.scalars(select(Initiative))
        } == by_title


def test_the_picker_helpers_read_ids_as_forms_send_them():
    assert picker.ids_of(["3", " 2 ", "x", "", "2", "99999999999", 0]) == [2, 3]
