"""Progress reports: a member of the commitment's organization (or staff) reports what its
deliverables achieved, public at once and audited, and the progress and light follow; an
officer verifies one; an administrator hides one with a reason, in two steps, and it stops
counting. Every bad input is refused next to its field, with nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from registry.commit import FieldRefused, Refused
from registry.commitments import progress, services
from registry.extensions import db
from registry.models import (
    AuditEvent,
    Commitment,
    Deliverable,
    ProgressReport,
    Role,
    Status,
    User,
    Verification,
)
from tests.conftest import log_in

TWO_DELIVERABLES = [
    {
        "title": "Cities applying the framework",
        "baseline": 10.0,
        "target": 80.0,
        "unit": "cities",
        "due_on": "2028-06-30",
    },
    {"title": "Officers trained", "baseline": None, "target": 200.0, "due_on": "2027-12-31"},
]


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olu Officer", email="olu@hq.example")


@pytest.fixture
def pledge(make_commitment, approved) -> int:
    """A published commitment of ``approved`` (which ``member_user`` acts for): two
    deliverables, from 10 to 80 cities, and 200 officers trained."""
    return make_commitment(approved, deliverables=TWO_DELIVERABLES)


def deliverable_ids(app, commitment_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Deliverable.id)
                .where(Deliverable.commitment_id == commitment_id)
                .order_by(Deliverable.position, Deliverable.id)
            )
        )


def report_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProgressReport))


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.like("commitment.report%"))
        )


def add(app, commitment_id: int, user, **data) -> int:
    """Add a report through the service as ``user`` (committed); returns its id."""
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        report = services.add_report(commitment, data, db.session.get(User, user.id))
        db.session.commit()
        return report.id


def stored(app, commitment_id: int) -> tuple[Commitment, list[Deliverable]]:
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        deliverables = list(commitment.deliverables)
        db.session.expunge_all()
        return commitment, deliverables


# --- the services ---------------------------------------------------------------------------


def test_a_report_sets_the_achieved_values_and_the_progress_follows(
    app, pledge, member_user, audit_rows
):
    cities, officers = deliverable_ids(app, pledge)
    report_id = add(
        app,
        pledge,
        member_user,
        narrative="Half the cities report.",
        updates=[
            {"deliverable_id": cities, "achieved": 45},
            {"deliverable_id": officers, "achieved": 50},
        ],
    )
    commitment, (first, second) = stored(app, pledge)
    assert (first.achieved, second.achieved) == (45.0, 50.0)
    # (45 - 10) / (80 - 10) = 50%, 50 / 200 = 25%: the mean of the two.
    assert commitment.progress == 38
    assert commitment.last_activity_on == progress.today()
    assert audit_rows("commitment.report_added") == [
        (
            member_user.id,
            "commitment",
            pledge,
            None,
            {
                "report": report_id,
                "reported_on": progress.today().isoformat(),
                "covers_from": None,
                "covers_to": None,
                "evidence_url": None,
                "updates": [
                    {"deliverable": cities, "achieved": 45.0, "done_on": None},
                    {"deliverable": officers, "achieved": 50.0, "done_on": None},
                ],
                "progress": 38,
            },
        )
    ]


def test_done_with_a_date_counts_whole_and_all_done_completes_the_commitment(
    app, pledge, member_user
):
    cities, officers = deliverable_ids(app, pledge)
    day = progress.today() - timedelta(days=3)
    add(app, pledge, member_user, updates=[{"deliverable_id": cities, "done_on": day}])
    commitment, (first, _second) = stored(app, pledge)
    assert first.done_on == day
    assert (commitment.progress, commitment.completed_on) == (50, None)

    add(app, pledge, member_user, updates=[{"deliverable_id": officers, "done_on": day}])
    commitment, _rows = stored(app, pledge)
    assert (commitment.progress, commitment.completed_on) == (100, day)
    with app.app_context():
        assert progress.light_of(commitment) == progress.Light.COMPLETED


def test_a_hidden_report_stops_counting_and_the_earlier_values_come_back(
    app, pledge, member_user, admin_user, audit_rows
):
    cities, _officers = deliverable_ids(app, pledge)
    add(app, pledge, member_user, updates=[{"deliverable_id": cities, "achieved": 31}])
    later = add(app, pledge, member_user, updates=[{"deliverable_id": cities, "achieved": 66}])
    assert stored(app, pledge)[1][0].achieved == 66.0
    with app.app_context():
        report = db.session.get(ProgressReport, later)
        services.hide_report(report, "  Numbers copied from another pledge ", admin_user)
        db.session.commit()
    commitment, (first, _second) = stored(app, pledge)
    assert first.achieved == 31.0
    assert commitment.progress == 15  # (31 - 10) / 70 = 30% of one deliverable of two
    assert audit_rows("commitment.report_hidden") == [
        (
            admin_user.id,
            "commitment",
            pledge,
            {"report": later, "progress": 40},
            {"report": later, "reason": "Numbers copied from another pledge", "progress": 15},
        )
    ]


def test_hiding_the_only_report_puts_the_last_activity_back_to_the_publication(
    app, make_commitment, approved, member_user, admin_user
):
    with time_travel(date(2026, 1, 10)):
        pledge = make_commitment(approved)
    with time_travel(date(2026, 6, 1)):
        report_id = add(app, pledge, member_user, narrative="Started.")
        assert stored(app, pledge)[0].last_activity_on == date(2026, 6, 1)
        with app.app_context():
            services.hide_report(db.session.get(ProgressReport, report_id), "Spam", admin_user)
            db.session.commit()
    assert stored(app, pledge)[0].last_activity_on == date(2026, 1, 10)


def time_travel(day: date):
    import time_machine

    return time_machine.travel(f"{day.isoformat()} 10:00Z", tick=False)


def test_an_officer_verifies_a_report_and_it_is_audited(
    app, pledge, member_user, officer, audit_rows
):
    report_id = add(
        app, pledge, member_user, narrative="Done.", evidence_url="https://example.org/r"
    )
    with app.app_context():
        report = db.session.get(ProgressReport, report_id)
        assert report.verification == Verification.EVIDENCE
        services.verify_report(report, db.session.get(User, officer.id))
        db.session.commit()
        report = db.session.get(ProgressReport, report_id)
        assert (report.verification, report.verified_by_id) == (Verification.VERIFIED, officer.id)
    assert audit_rows("commitment.report_verified") == [
        (
            officer.id,
            "commitment",
            pledge,
            {"report": report_id, "verification": "evidence"},
            {"report": report_id, "verification": "verified"},
        )
    ]


def test_a_verified_or_hidden_report_is_not_verified_again(
    app, pledge, member_user, officer, admin_user
):
    report_id = add(app, pledge, member_user, narrative="Done.")
    with app.app_context():
        report = db.session.get(ProgressReport, report_id)
        services.verify_report(report, officer)
        db.session.commit()
        with pytest.raises(Refused, match="already verified"):
            services.verify_report(report, officer)
        db.session.rollback()
        services.hide_report(report, "Wrong commitment", admin_user)
        with pytest.raises(Refused, match="already hidden"):
            services.hide_report(report, "Again", admin_user)


def test_a_member_may_not_verify_nor_hide(app, pledge, member_user):
    report_id = add(app, pledge, member_user, narrative="Done.")
    with app.app_context():
        report = db.session.get(ProgressReport, report_id)
        actor = db.session.get(User, member_user.id)
        with pytest.raises(Refused) as verify:
            services.verify_report(report, actor)
        with pytest.raises(Refused) as hide:
            services.hide_report(report, "Mine", actor)
    assert verify.value.status == hide.value.status == 403


def test_a_draft_commitment_takes_no_report(app, make_commitment, approved, member_user):
    draft_id = make_commitment(approved, status=Status.DRAFT)
    with app.app_context(), pytest.raises(Refused) as refused:
        services.add_report(
            db.session.get(Commitment, draft_id),
            {"narrative": "x"},
            db.session.get(User, member_user.id),
        )
    assert refused.value.status == 409


def test_the_service_refuses_an_evidence_link_longer_than_its_column(app, pledge, member_user):
    with app.app_context(), pytest.raises(FieldRefused) as refused:
        services.add_report(
            db.session.get(Commitment, pledge),
            {"narrative": "x", "evidence_url": "https://example.org/" + "a" * 500},
            db.session.get(User, member_user.id),
        )
    assert refused.value.field == "evidence_url"


def test_a_row_naming_a_deliverable_twice_is_refused(app, pledge, member_user):
    cities, _officers = deliverable_ids(app, pledge)
    rows = [{"deliverable_id": cities, "achieved": 20}, {"deliverable_id": cities, "achieved": 30}]
    with app.app_context(), pytest.raises(FieldRefused) as refused:
        services.add_report(
            db.session.get(Commitment, pledge),
            {"updates": rows},
            db.session.get(User, member_user.id),
        )
    assert refused.value.field == "updates-1-achieved"


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def member_client(client, member_user):
    log_in(client, member_user)
    return client


def form_data(app, commitment_id: int, **fields) -> dict[str, str]:
    """The report form as a browser posts it: a row per deliverable, blank unless given."""
    data = {"reported_on": progress.today().isoformat(), "narrative": "", "evidence_url": ""}
    for index, deliverable_id in enumerate(deliverable_ids(app, commitment_id)):
        data[f"updates-{index}-deliverable_id"] = str(deliverable_id)
        data[f"updates-{index}-achieved"] = ""
        data[f"updates-{index}-done_on"] = ""
    data.update(fields)
    return data


def test_the_form_offers_a_row_per_deliverable_dated_today(app, member_client, pledge):
    html = member_client.get(f"/commitments/{pledge}/reports/new").get_data(as_text=True)
    assert "Cities applying the framework" in html
    assert "Officers trained" in html
    assert f'value="{progress.today().isoformat()}"' in html
    assert 'name="updates-1-achieved"' in html


def test_a_member_reports_and_the_page_shows_it_with_the_progress(
    app, member_client, pledge, audit_rows
):
    response = member_client.post(
        f"/commitments/{pledge}/reports/new",
        data=form_data(
            app,
            pledge,
            narrative="Forty-five cities report now.",
            covers_from="2026-07-01",
            covers_to="2026-11-30",
            evidence_url="https://example.org/evidence",
            **{"updates-0-achieved": "45", "updates-1-done_on": "2026-11-15"},
        ),
    )
    assert response.status_code == 303
    with app.app_context():
        report_id = db.session.scalar(select(ProgressReport.id))
    assert response.location.endswith(f"/commitments/{pledge}#report-{report_id}")
    assert stored(app, pledge)[0].progress == 75  # 50% and 100%
    html = member_client.get(f"/commitments/{pledge}").get_data(as_text=True)
    assert "Forty-five cities report now." in html
    assert "Evidence attached" in html
    assert 'href="https://example.org/evidence"' in html
    assert 'value="75"' in html
    assert len(audit_rows("commitment.report_added")) == 1


def test_the_page_offers_report_progress_only_to_those_who_may(
    client, pledge, member_user, make_user
):
    link = f"/commitments/{pledge}/reports/new"
    assert link not in client.get(f"/commitments/{pledge}").get_data(as_text=True)
    log_in(client, make_user(Role.COMMUNITY))
    assert link not in client.get(f"/commitments/{pledge}").get_data(as_text=True)
    client.post("/logout")
    log_in(client, member_user)
    assert link in client.get(f"/commitments/{pledge}").get_data(as_text=True)


TOMORROW = (date.today() + timedelta(days=2)).isoformat()
BAD_INPUT = [
    ({"updates-0-achieved": "lots"}, "updates-0-achieved", "Enter a number"),
    ({"updates-0-achieved": "-5"}, "updates-0-achieved", "cannot be negative"),
    ({"updates-0-achieved": "1e400"}, "updates-0-achieved", "not so large"),
    ({"updates-0-done_on": "2026-02-30"}, "updates-0-done_on", "year-month-day"),
    ({"evidence_url": "javascript:alert(1)"}, "evidence_url", "http:// or https://"),
    ({"evidence_url": "ftp://example.org/file"}, "evidence_url", "http:// or https://"),
    ({"evidence_url": "https://example.org/" + "a" * 500}, "evidence_url", "500 characters"),
    ({"reported_on": TOMORROW}, "reported_on", "cannot be dated in the future"),
    ({"reported_on": "yesterday"}, "reported_on", "year-month-day"),
    (
        {"covers_from": "2026-06-01", "covers_to": "2026-05-01"},
        "covers_to",
        "on or after its start",
    ),
    ({"covers_to": TOMORROW}, "covers_to", "up to the day it is made"),
    ({"updates-0-done_on": TOMORROW}, "updates-0-done_on", "after the day of the report"),
    ({"narrative": ""}, "narrative", "Say what happened"),
]


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    BAD_INPUT,
    ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD_INPUT)],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(
    app, member_client, pledge, fields, field_id, message
):
    data = form_data(app, pledge, **{"narrative": "Some words.", **fields})
    version = stored(app, pledge)[0].version
    response = member_client.post(f"/commitments/{pledge}/reports/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field_id}"' in html  # the summary links to the field
    assert f'id="{field_id}-error"' in html
    assert message in html
    assert report_count(app) == audit_count(app) == 0
    assert stored(app, pledge)[0].version == version


def test_an_achieved_value_for_another_commitments_deliverable_is_refused(
    app, member_client, pledge, make_commitment, make_stakeholder
):
    other = make_commitment(make_stakeholder("Another Org"))
    foreign = deliverable_ids(app, other)[0]
    data = form_data(
        app,
        pledge,
        narrative="x",
        **{"updates-0-deliverable_id": str(foreign), "updates-0-achieved": "70"},
    )
    response = member_client.post(f"/commitments/{pledge}/reports/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="updates-0-achieved-error"' in html
    assert "not part of this commitment" in html
    assert report_count(app) == audit_count(app) == 0
    assert stored(app, other)[1][0].achieved is None


def test_a_report_on_another_organizations_commitment_is_forbidden(
    app, member_client, make_commitment, make_stakeholder
):
    other = make_commitment(make_stakeholder("Another Org"))
    assert member_client.get(f"/commitments/{other}/reports/new").status_code == 403
    response = member_client.post(
        f"/commitments/{other}/reports/new", data=form_data(app, other, narrative="Mine now")
    )
    assert response.status_code == 403
    assert report_count(app) == 0


def test_a_report_on_a_draft_is_refused_with_a_message(
    app, member_client, make_commitment, approved
):
    draft_id = make_commitment(approved, status=Status.DRAFT)
    response = member_client.post(
        f"/commitments/{draft_id}/reports/new", data=form_data(app, draft_id, narrative="Early")
    )
    assert response.status_code == 409
    assert "published commitments only" in response.get_data(as_text=True)
    assert report_count(app) == 0


def test_anonymous_visitors_are_sent_to_log_in(app, client, pledge):
    for method in ("GET", "POST"):
        response = client.open(
            f"/commitments/{pledge}/reports/new", method=method, data={"narrative": "x"}
        )
        assert response.status_code == 302
        assert "/login" in response.location
    assert report_count(app) == 0


def test_an_officer_verifies_from_the_timeline(app, client, pledge, member_user, officer):
    report_id = add(app, pledge, member_user, narrative="Done.")
    log_in(client, officer)
    page = client.get(f"/commitments/{pledge}").get_data(as_text=True)
    assert f"/commitments/{pledge}/reports/{report_id}/verify" in page
    response = client.post(f"/commitments/{pledge}/reports/{report_id}/verify")
    assert response.status_code == 303
    assert "Verified by an officer" in client.get(f"/commitments/{pledge}").get_data(as_text=True)
    again = client.post(f"/commitments/{pledge}/reports/{report_id}/verify")
    assert again.status_code == 409
    assert "already verified" in again.get_data(as_text=True)


def test_a_member_cannot_verify_their_own_report(app, member_client, pledge, member_user):
    report_id = add(app, pledge, member_user, narrative="Done.")
    response = member_client.post(f"/commitments/{pledge}/reports/{report_id}/verify")
    assert response.status_code == 403
    with app.app_context():
        report = db.session.get(ProgressReport, report_id)
        assert report.verification == Verification.SELF_REPORTED


def test_a_report_of_another_commitment_is_not_found_under_this_one(
    app, client, pledge, member_user, officer, make_commitment, make_stakeholder
):
    other = make_commitment(make_stakeholder("Another Org"))
    report_id = add(app, pledge, member_user, narrative="Done.")
    log_in(client, officer)
    assert client.post(f"/commitments/{other}/reports/{report_id}/verify").status_code == 404
    assert client.post(f"/commitments/{pledge}/reports/2147483648/verify").status_code == 404


def test_an_administrator_hides_a_report_in_two_steps_with_a_reason(
    app, client, pledge, member_user, admin_user
):
    cities, _officers = deliverable_ids(app, pledge)
    add(app, pledge, member_user, updates=[{"deliverable_id": cities, "achieved": 31}])
    later = add(
        app,
        pledge,
        member_user,
        narrative="Copied numbers",
        updates=[{"deliverable_id": cities, "achieved": 66}],
    )
    log_in(client, admin_user)
    url = f"/commitments/{pledge}/reports/{later}/hide"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' in page.get_data(as_text=True)
    assert stored(app, pledge)[1][0].achieved == 66.0  # the first step changes nothing

    empty = client.post(url, data={"reason": "  "})
    assert empty.status_code == 422
    assert "Say why the report is hidden" in empty.get_data(as_text=True)
    assert stored(app, pledge)[1][0].achieved == 66.0

    assert client.post(url, data={"reason": "Numbers copied"}).status_code == 303
    assert stored(app, pledge)[1][0].achieved == 31.0
    admin_page = client.get(f"/commitments/{pledge}").get_data(as_text=True)
    assert "Copied numbers" in admin_page
    assert "Numbers copied" in admin_page  # the reason, for administrators
    assert "report-hidden" in admin_page
    assert client.get(url).status_code == 409  # already hidden

    client.post("/logout")
    public = client.get(f"/commitments/{pledge}").get_data(as_text=True)
    assert "Copied numbers" not in public
    assert "Numbers copied" not in public


def test_an_officer_may_not_hide(app, client, pledge, member_user, officer):
    report_id = add(app, pledge, member_user, narrative="Done.")
    log_in(client, officer)
    url = f"/commitments/{pledge}/reports/{report_id}/hide"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "No"}).status_code == 403
    with app.app_context():
        assert db.session.get(ProgressReport, report_id).hidden_at is None
