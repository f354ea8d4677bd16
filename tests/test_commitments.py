"""Commitments: a member writes a draft (rows of deliverables and resources added in place,
with or without JavaScript), the SMART checklist says what is missing, an incomplete pledge
cannot be submitted, staff publish directly, a member's change to a public pledge waits as a
revision whose diff names each deliverable changed; and every bad value is refused next to
its field with nothing written."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from registry import revisions, workflow
from registry.commit import FieldRefused
from registry.commitments import progress, services, smart
from registry.extensions import db
from registry.models import (
    Commitment,
    Deliverable,
    EngagementParticipant,
    ParticipantRole,
    Resource,
    Revision,
    Role,
    Stakeholder,
    Status,
    User,
)
from tests.conftest import log_in, smart_values
from tests.querycount import count_queries

HX = {"HX-Request": "true"}


def form_data(framework_items, **fields) -> dict:
    """A complete commitment as the form posts it (one deliverable row, one resource row)."""
    return {
        "title": "80 cities apply the Global Urban Monitoring Framework",
        "description": "We train city officers to apply the framework and report on it, "
        "with the national statistics offices, in five regions.",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "deliverables-0-title": "Cities applying the framework",
        "deliverables-0-indicator": "cities reporting",
        "deliverables-0-baseline": "10",
        "deliverables-0-target": "80",
        "deliverables-0-unit": "cities",
        "deliverables-0-due_on": "2028-06-30",
        "resources-0-kind": "financial",
        "resources-0-amount": "250,000",
        "resources-0-currency": "USD",
        "alignment": [str(framework_items["11.3"])],
        "action": "save",
        **fields,
    }


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def error_for(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()


@pytest.fixture
def member_client(client, member_user, approved):
    log_in(client, member_user)
    return client


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olu Officer", email="olu@hq.example")


# --- the SMART rule ------------------------------------------------------------------------------


def test_the_smart_rule_says_what_each_part_misses(app, framework_items):
    with app.test_request_context():
        checks = smart.check({"title": "Clean water", "description": "short"})
        missing = {c.key: c.missing for c in checks}
        assert [c.met for c in checks] == [False, False, False, False, False]
        assert "description" in missing["specific"][0]
        assert missing["measurable"] == ("a deliverable with a target value",)
        assert missing["time_bound"] == ("an end date", "a due date for a deliverable")

        values = smart_values(framework_items)
        assert smart.complete(values)
        late = {**values, "deliverables": [{**values["deliverables"][0], "due_on": "2029-01-01"}]}
        assert smart.missing(late) == [
            "a due date inside the period for “Cities applying the framework”"
        ]
        assert not smart.complete({**values, "resources": []})
        assert not smart.complete({**values, "alignment": []})


# --- writing a draft -----------------------------------------------------------------------------


def test_a_member_writes_a_draft_that_is_audited_and_not_public(
    app, client, member_client, approved, framework_items, audit_rows, member_user
):
    response = member_client.post(
        f"/commitments/new?stakeholder={approved.id}", data=form_data(framework_items)
    )

    assert response.status_code == 303
    with app.app_context():
        commitment = db.session.scalar(select(Commitment))
        assert commitment.status == Status.DRAFT
        assert commitment.stakeholder_id == approved.id
        assert [(d.target, d.baseline, d.unit) for d in commitment.deliverables] == [
            (80.0, 10.0, "cities")
        ]
        assert [(r.kind.value, r.amount, r.currency) for r in commitment.resources] == [
            ("financial", 250000.0, "USD")
        ]
        assert [i.code for i in commitment.alignment] == ["11.3"]
        commitment_id = commitment.id
    [created] = audit_rows("commitment.created")
    assert created.actor_id == member_user.id
    assert created.after["deliverables"][0]["title"] == "Cities applying the framework"

    client.post("/logout")
    assert client.get(f"/commitments/{commitment_id}").status_code == 404


def test_a_draft_may_be_incomplete_and_its_page_says_what_is_missing(
    app, member_client, approved, framework_items
):
    data = {
        "title": "Clean water for Nakuru",
        "deliverables-0-title": "",
        "resources-0-kind": "",
        "action": "save",
    }
    response = member_client.post(f"/commitments/new?stakeholder={approved.id}", data=data)
    assert response.status_code == 303

    page = member_client.get(response.location).get_data(as_text=True)
    assert "0 of 5 parts met" in page
    assert "Needs a deliverable with a target value." in page


def test_an_incomplete_pledge_cannot_be_submitted_and_nothing_changes(
    app, member_client, approved, framework_items, audit_rows
):
    member_client.post(
        f"/commitments/new?stakeholder={approved.id}",
        data=form_data(
            framework_items,
            **{"resources-0-kind": "", "resources-0-amount": "", "resources-0-currency": ""},
        ),
    )
    commitment_id = count(app, Commitment)

    response = member_client.post(f"/commitments/{commitment_id}/submit")

    assert response.status_code == 422
    assert "a resource that backs the commitment" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Commitment, commitment_id).status == Status.DRAFT
    assert audit_rows("commitment.submit") == []


def test_a_smart_pledge_is_submitted_and_waits_in_the_review_queue(
    app, client, member_client, approved, framework_items, make_user
):
    member_client.post(
        f"/commitments/new?stakeholder={approved.id}", data=form_data(framework_items)
    )
    response = member_client.post("/commitments/1/submit")
    assert response.status_code == 303

    client.post("/logout")
    admin = make_user(Role.ADMIN)
    log_in(client, admin)
    queue = client.get("/review/").get_data(as_text=True)
    assert "New commitment" in queue
    assert "80 cities apply the Global Urban Monitoring Framework" in queue
    decide = client.post("/review/commitments/1", data={"action": "approve"})
    assert decide.status_code == 303
    with app.app_context():
        commitment = db.session.get(Commitment, 1)
        assert commitment.status == Status.APPROVED
        assert commitment.last_activity_on == progress.today()  # the light's clock starts
        assert progress.light_of(commitment) == progress.Light.ON_TRACK


def test_staff_publish_directly_and_members_may_not(
    app, client, member_client, approved, framework_items, officer, audit_rows
):
    member_client.post(
        f"/commitments/new?stakeholder={approved.id}", data=form_data(framework_items)
    )
    assert member_client.post("/commitments/1/publish").status_code == 403

    client.post("/logout")
    log_in(client, officer)
    assert client.post("/commitments/1/publish").status_code == 303
    with app.app_context():
        assert db.session.get(Commitment, 1).status == Status.APPROVED
    [published] = audit_rows("commitment.publish")
    assert published.actor_id == officer.id


def test_a_member_cannot_write_for_an_organization_it_does_not_act_for(
    member_client, make_stakeholder, framework_items, app
):
    other = make_stakeholder("Someone Else")
    assert member_client.get(f"/commitments/new?stakeholder={other.id}").status_code == 403
    response = member_client.post(
        f"/commitments/new?stakeholder={other.id}", data=form_data(framework_items)
    )
    assert response.status_code == 403
    assert count(app, Commitment) == 0


def test_without_an_organization_named_the_form_asks_which(member_client, approved):
    page = member_client.get("/commitments/new").get_data(as_text=True)
    assert "Organizations you act for" in page
    assert f"/commitments/new?stakeholder={approved.id}" in page


# --- rows without JavaScript, and with htmx ------------------------------------------------------


def test_rows_are_added_and_removed_with_plain_submit_buttons(
    app, member_client, approved, framework_items
):
    url = f"/commitments/new?stakeholder={approved.id}"
    data = form_data(framework_items, action="add-deliverable")
    page = member_client.post(url, data=data).get_data(as_text=True)
    assert 'name="deliverables-1-title"' in page
    assert re.search(r'id="deliverables-1-title"[^>]*autofocus', page)  # the new row has focus
    assert "There is a problem" not in page  # adding a row is not saving
    assert count(app, Commitment) == 0

    data = form_data(
        framework_items,
        **{
            "deliverables-1-title": "Second deliverable",
            "deliverables-1-target": "5",
            "deliverables-1-due_on": "2027-01-01",
            "action": "remove-deliverable-0",
        },
    )
    page = member_client.post(url, data=data).get_data(as_text=True)
    assert 'value="Second deliverable"' in page  # moved up to row 0
    assert 'name="deliverables-0-title"' in page
    assert 'name="deliverables-1-title"' not in page
    assert re.search(r'id="add-deliverable"[^>]*autofocus', page)

    page = member_client.post(url, data=form_data(framework_items, action="add-resource"))
    assert 'name="resources-1-kind"' in page.get_data(as_text=True)


def test_htmx_asks_for_the_same_rows_and_the_checklist_is_told(
    member_client, approved, framework_items
):
    url = f"/commitments/new?stakeholder={approved.id}"
    response = member_client.post(
        url, data=form_data(framework_items, action="add-deliverable"), headers=HX
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "rows-changed"
    assert 'id="deliverables"' in response.get_data(as_text=True)


def test_the_checklist_updates_from_the_form_as_it_stands(member_client, framework_items):
    response = member_client.post(
        "/commitments/check",
        data=form_data(framework_items, alignment=[], ends_on=""),
        headers=HX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'hx-swap-oob="innerHTML"' in html
    assert "3 of 5 parts met. Still needed: Relevant, Time-bound." in html

    complete = member_client.post(
        "/commitments/check", data=form_data(framework_items), headers=HX
    ).get_data(as_text=True)
    assert "Complete: every part is met." in complete


def test_alignment_is_found_by_number_or_by_words_never_typed(member_client, framework_items):
    html = member_client.get("/frameworks/picker", query_string={"alignment_q": "11.1"})
    text = html.get_data(as_text=True)
    assert "SDG 11.1" in text
    assert "SDG 11.3" not in text
    words = member_client.get("/frameworks/picker", query_string={"alignment_q": "sanitation"})
    assert "SDG 6.2" in words.get_data(as_text=True)
    paragraphs = member_client.get(
        "/frameworks/picker", query_string={"alignment_q": "HSP/HA.2/RES.6"}
    ).get_data(as_text=True)
    assert "HSP/HA.2/RES.6 OP2" in paragraphs
    assert "HSP/HA.2/RES.6 OP9" in paragraphs
    archived = member_client.get("/frameworks/picker", query_string={"alignment_q": "11.9"})
    assert "SDG 11.9" not in archived.get_data(as_text=True)
    goals = member_client.get("/frameworks/picker", query_string={"alignment_q": "11"})
    assert f'value="{framework_items["11"]}"' not in goals.get_data(as_text=True)


def test_without_javascript_find_lists_items_to_tick(member_client, approved, framework_items):
    page = member_client.post(
        f"/commitments/new?stakeholder={approved.id}",
        data=form_data(
            framework_items, alignment=[], alignment_q="housing", action="find-alignment"
        ),
    ).get_data(as_text=True)
    assert "Found: tick to choose" in page
    assert f'value="{framework_items["11.1"]}"' in page


# --- bad input: a clear message next to the field, nothing written -------------------------------


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"deliverables-0-target": "eighty"}, "deliverables-0-target", "Enter a number"),
        ({"deliverables-0-target": "nan"}, "deliverables-0-target", "not so large"),
        ({"deliverables-0-target": "1e400"}, "deliverables-0-target", "not so large"),
        ({"deliverables-0-due_on": "2030-01-01"}, "deliverables-0-due_on", "inside the commitment"),
        ({"deliverables-0-due_on": "2025-06-30"}, "deliverables-0-due_on", "inside the commitment"),
        ({"deliverables-0-due_on": "2026-02-30"}, "deliverables-0-due_on", "year-month-day"),
        ({"resources-0-amount": "-5"}, "resources-0-amount", "cannot be negative"),
        ({"resources-0-amount": "2e12"}, "resources-0-amount", "below a trillion"),
        ({"resources-0-currency": "ZZZ"}, "resources-0-currency", "currency from the list"),
        ({"resources-0-currency": "XAU"}, "resources-0-currency", "currency from the list"),
        ({"resources-0-currency": ""}, "resources-0-currency", "currency of the amount"),
        ({"resources-0-kind": "gold"}, "resources-0-kind", "kind of resource"),
        ({"ends_on": "2025-01-01"}, "ends_on", "on or after the start date"),
        ({"title": "x" * 100_000}, "title", "200 characters"),
        (
            {"deliverables-0-title": "", "deliverables-0-target": "5"},
            "deliverables-0-title",
            "title",
        ),
    ],
)
def test_bad_values_are_refused_next_to_their_field(
    app, member_client, approved, framework_items, fields, field_id, message
):
    response = member_client.post(
        f"/commitments/new?stakeholder={approved.id}", data=form_data(framework_items, **fields)
    )
    assert response.status_code == 422
    assert message in error_for(response.get_data(as_text=True), field_id)
    assert count(app, Commitment) == 0


@pytest.mark.parametrize("item", ["11.9", "11", "unknown"])
def test_alignment_to_an_archived_unknown_or_non_target_item_is_refused(
    app, member_client, approved, framework_items, item
):
    value = str(framework_items.get(item, 999_999))
    response = member_client.post(
        f"/commitments/new?stakeholder={approved.id}",
        data=form_data(framework_items, alignment=[value]),
    )
    assert response.status_code == 422
    assert "no longer in use" in response.get_data(as_text=True)
    assert count(app, Commitment) == 0


def test_links_only_to_its_own_initiatives_and_engagements(
    app, member_client, approved, framework_items, make_initiative, make_partnership,
    make_engagement,
):  # fmt: skip
    theirs = make_initiative("Someone else's programme")
    ours = make_initiative("Our programme")
    make_partnership(ours, approved)
    elsewhere = make_engagement("A meeting we missed")
    attended = make_engagement(
        "Roundtable 3", participants=[(approved.id, ParticipantRole.PARTICIPANT)]
    )
    url = f"/commitments/new?stakeholder={approved.id}"

    form = member_client.get(url).get_data(as_text=True)
    assert "Our programme" in form
    assert "Someone else" not in form
    assert "Roundtable 3" in form
    assert "A meeting we missed" not in form

    refused = member_client.post(url, data=form_data(framework_items, initiative_id=theirs.id))
    assert "is a partner of" in error_for(refused.get_data(as_text=True), "initiative_id")
    refused = member_client.post(url, data=form_data(framework_items, engagement_id=elsewhere))
    assert "took part in" in error_for(refused.get_data(as_text=True), "engagement_id")
    assert count(app, Commitment) == 0

    saved = member_client.post(
        url, data=form_data(framework_items, initiative_id=ours.id, engagement_id=attended)
    )
    assert saved.status_code == 303
    with app.app_context():
        commitment = db.session.scalar(select(Commitment))
        assert (commitment.initiative_id, commitment.engagement_id) == (ours.id, attended)
        assert db.session.scalar(select(func.count()).select_from(EngagementParticipant)) == 1


def test_the_services_refuse_what_the_form_would_also_refuse(app, approved, framework_items):
    """The API will call the services directly: they check every value themselves."""
    with app.test_request_context():
        owner = db.session.get(Stakeholder, approved.id)
        for values, field in [
            ({"deliverables": [{"title": "x", "target": "many"}]}, "deliverables-0-target"),
            ({"deliverables": [{"title": "x", "target": float("inf")}]}, "deliverables-0-target"),
            ({"resources": [{"kind": "financial", "amount": -1, "currency": "USD"}]},
             "resources-0-amount"),
            ({"resources": [{"kind": "financial", "amount": 5, "currency": "ABC"}]},
             "resources-0-currency"),
            ({"resources": [{"kind": "staff", "description": ""}]}, "resources-0-description"),
            ({"alignment": [framework_items["11.9"]]}, "alignment"),
        ]:  # fmt: skip
            with pytest.raises(FieldRefused) as refused:
                services.check_values(owner, smart_values(framework_items, **values))
            assert refused.value.field == field


# --- review of changes ---------------------------------------------------------------------------


def test_a_members_change_to_a_deliverable_waits_and_the_diff_names_it(
    app, client, member_client, approved, member_user, make_commitment, framework_items, make_user
):
    commitment_id = make_commitment(approved)
    form = member_client.get(f"/commitments/{commitment_id}/edit").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="version"', form
    )
    with app.app_context():
        deliverable_id = db.session.scalar(select(Deliverable.id))
        resource_id = db.session.scalar(select(Resource.id))
    data = form_data(
        framework_items,
        version=version.group(1),
        **{
            "deliverables-0-id": str(deliverable_id),
            "deliverables-0-target": "100",
            "resources-0-id": str(resource_id),
        },
    )

    response = member_client.post(f"/commitments/{commitment_id}/edit", data=data)

    assert response.status_code == 303
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        assert commitment.deliverables[0].target == 80.0  # the public version stays
        revision = db.session.scalar(select(Revision))
        [change] = revisions.diff(revision)
        assert change.field == "deliverables"
        [row] = change.rows
        assert row.kind == "changed"
        assert "Target: 80" in row.before
        assert "Target: 100" in row.after
        revision_id = revision.id

    client.post("/logout")
    log_in(client, make_user(Role.ADMIN))
    text = client.get(f"/review/revisions/{revision_id}").get_data(as_text=True)
    assert "Target: 100" in text
    decided = client.post(f"/review/revisions/{revision_id}", data={"action": "approve"})
    assert decided.status_code == 303
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        assert commitment.deliverables[0].target == 100.0
        assert commitment.deliverables[0].id == deliverable_id  # updated in place


def test_a_deliverable_added_and_one_removed_show_in_the_diff(app, approved, make_commitment):
    commitment_id = make_commitment(approved)
    with app.test_request_context():
        commitment = db.session.get(Commitment, commitment_id)
        member = User(email="m@x.example", name="M", password_hash="x", role=Role.COMMUNITY)
        db.session.add(member)
        db.session.flush()
        from registry.models import Membership

        db.session.add(Membership(user_id=member.id, stakeholder_id=approved.id))
        db.session.flush()
        data = revisions.snapshot(commitment)
        data["deliverables"] = [
            {"id": None, "title": "Guides published", "target": 3, "due_on": "2027-01-01"}
        ]
        revision = services.update(
            commitment, data, member, revisions.edit_token(commitment, member)
        )
        kinds = sorted(row.kind for row in revisions.diff(revision)[0].rows)
        assert kinds == ["added", "removed"]


def test_two_members_saving_the_same_draft_the_second_gets_a_409(
    app, member_client, approved, framework_items
):
    member_client.post(
        f"/commitments/new?stakeholder={approved.id}", data=form_data(framework_items)
    )
    with app.app_context():
        version = str(db.session.get(Commitment, 1).version)
    first = member_client.post(
        "/commitments/1/edit", data=form_data(framework_items, title="First", version=version)
    )
    second = member_client.post(
        "/commitments/1/edit", data=form_data(framework_items, title="Second", version=version)
    )
    assert first.status_code == 303
    assert second.status_code == 409
    assert "Someone saved this commitment" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Commitment, 1).title == "First"


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_progress_resources_per_currency_and_alignment(
    app, client, approved, make_commitment, framework_items
):
    commitment_id = make_commitment(
        approved,
        resources=[
            {"kind": "financial", "amount": 1000.0, "currency": "USD"},
            {"kind": "financial", "amount": 500.0, "currency": "USD"},
            {"kind": "financial", "amount": 20000.0, "currency": "KES"},
            {"kind": "staff", "description": "two trainers"},
        ],
        alignment=[framework_items["11.3"], framework_items["OP2"]],
    )
    page = client.get(f"/commitments/{commitment_id}").get_data(as_text=True)
    assert "20,000 <abbr" in page
    assert "1,500 <abbr" in page
    assert "SDG 11.3" in page
    assert "HSP/HA.2/RES.6 OP2" in page
    assert "On track" in page
    assert "Set-Cookie" not in client.get(f"/commitments/{commitment_id}").headers


def test_a_slipped_deliverable_is_flagged_on_its_own(app, client, approved, make_commitment):
    commitment_id = make_commitment(
        approved,
        starts_on="2020-01-01",
        deliverables=[
            {"title": "Due long ago", "target": 5.0, "due_on": "2021-01-01"},
            {"title": "Due later", "target": 5.0, "due_on": "2028-01-01"},
        ],
    )
    page = client.get(f"/commitments/{commitment_id}").get_data(as_text=True)
    assert "1 of 2 deliverables slipped" in page


def test_the_page_reads_a_constant_number_of_statements(app, client, approved, make_commitment):
    few = make_commitment(approved)
    many = make_commitment(
        approved,
        deliverables=[{"title": f"D{n}", "target": 1.0, "due_on": "2027-01-01"} for n in range(25)],
        resources=[{"kind": "staff", "description": f"R{n}"} for n in range(15)],
    )
    counts = []
    for commitment_id in (few, many):
        with count_queries(app) as statements:
            assert client.get(f"/commitments/{commitment_id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_withdrawing_needs_the_button_itself(app, member_client, approved, make_commitment):
    commitment_id = make_commitment(approved)
    assert member_client.post(f"/commitments/{commitment_id}/withdraw").status_code == 422
    response = member_client.post(f"/commitments/{commitment_id}/withdraw", data={"confirm": "yes"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Commitment, commitment_id).status == Status.WITHDRAWN


def test_derived_progress_follows_the_deliverables(app, approved, make_commitment):
    commitment_id = make_commitment(
        approved,
        deliverables=[
            {"title": "A", "baseline": 10.0, "target": 80.0, "due_on": "2027-01-01"},
            {"title": "B", "target": 4.0, "due_on": "2027-06-01"},
        ],
    )
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        first, second = commitment.deliverables
        first.achieved, second.done_on = 45.0, date(2026, 3, 1)
        assert progress.percent(first) == 50
        assert progress.percent(second) == 100
        assert commitment.next_due_on == date(2027, 1, 1)
        assert workflow.allowed_actions(None, commitment) == []


# --- the demo -------------------------------------------------------------------------------------


def test_the_demo_has_every_light_a_slipped_deliverable_a_verified_report_and_one_to_review(
    app, client
):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "8 commitments (8 added)" in result.output
    from registry.models import ProgressReport, Verification

    with app.app_context():
        found = db.session.scalars(select(Commitment).order_by(Commitment.id)).all()
        lights = {c.title: progress.light_of(c) for c in found}
        assert sorted(str(light) for light in lights.values() if light) == [
            "completed", "inactive", "on_track", "on_track", "on_track", "overdue", "overdue",
        ]  # fmt: skip
        assert [c.status for c in found].count(Status.SUBMITTED) == 1
        slipped = [c.title for c in found if any(progress.slipped(d) for d in c.deliverables)]
        assert "RISE UP: resources mobilized for resilient settlements" in slipped
        verified = db.session.scalars(
            select(ProgressReport).where(ProgressReport.verification == Verification.VERIFIED)
        ).all()
        assert len(verified) == 2
        gumf = next(c for c in found if c.title.startswith("80 cities"))
        assert gumf.deliverables[0].done_on is not None
        assert gumf.progress == round(100 * (1 + 30 / 42) / 2)
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "8 commitments (0 added)" in again.output


def test_my_organizations_lists_their_commitments_in_any_state(
    member_client, approved, make_commitment
):
    make_commitment(approved, title="A public pledge")
    make_commitment(approved, status=Status.DRAFT, title="A draft pledge")
    page = member_client.get("/stakeholders/mine").get_data(as_text=True)
    assert "A public pledge" in page
    assert "A draft pledge" in page
    assert "Draft" in page


def test_the_administrator_decides_on_the_commitments_own_page(
    app, client, approved, member_user, make_commitment, make_user
):
    commitment_id = make_commitment(approved, author=member_user, status=Status.SUBMITTED)
    log_in(client, make_user(Role.ADMIN))
    page = client.get(f"/commitments/{commitment_id}").get_data(as_text=True)
    assert "Your decision" in page
    response = client.post(
        f"/review/commitments/{commitment_id}",
        data={
            "action": "request_changes",
            "comment": "Add a second deliverable",
            "origin": "entry",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Commitment, commitment_id).status == Status.CHANGES_REQUESTED


def test_changes_requested_the_member_edits_and_submits_again(
    app, member_client, approved, member_user, make_commitment, framework_items
):
    commitment_id = make_commitment(approved, author=member_user, status=Status.SUBMITTED)
    assert member_client.get(f"/commitments/{commitment_id}/edit").status_code == 403  # in review
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        commitment.status = Status.CHANGES_REQUESTED
        db.session.commit()
    assert member_client.get(f"/commitments/{commitment_id}/edit").status_code == 200
    assert member_client.post(f"/commitments/{commitment_id}/submit").status_code == 303
    with app.app_context():
        assert db.session.get(Commitment, commitment_id).status == Status.SUBMITTED


def test_a_pledge_of_an_organization_not_yet_approved_waits_for_it(
    app, member_client, draft, framework_items
):
    response = member_client.post(
        f"/commitments/new?stakeholder={draft.id}", data=form_data(framework_items)
    )
    assert response.status_code == 303  # a draft may be written alongside the organization
    refused = member_client.post("/commitments/1/submit")
    assert refused.status_code == 409
    assert "not yet approved" in refused.get_data(as_text=True)
