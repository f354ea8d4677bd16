"""Engagements: times in the event's own zone (across daylight saving too), calendar files
and the feed, JSON-LD, the public list and its filters, staff forms and their refusals, the
services with their audit rows, and constant query counts."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time

import icalendar
import pytest
import time_machine
from sqlalchemy import func, select

from registry import counts
from registry.engagements import queries, times
from registry.extensions import db
from registry.models import (
    Engagement,
    EngagementKind,
    EngagementOutcome,
    EngagementParticipant,
    OutcomeKind,
    ParticipantRole,
    Role,
    Status,
)
from tests.querycount import count_queries

NAKURU_TITLE = "Roundtable 2: Working together to build sustainable cities and communities"
LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olu Officer", email="olu@hq.example")


@pytest.fixture
def logged_in_officer(login, officer):
    login(officer)
    return officer


@pytest.fixture
def un_habitat(make_stakeholder):
    return make_stakeholder(name="United Nations Human Settlements Programme", acronym="UN-Habitat")


@pytest.fixture
def nakuru(make_engagement, un_habitat) -> int:
    """Roundtable 2 (seed 001): 31 October 2020, Nakuru, 12:45-14:45 EAT, UN-Habitat organizer."""
    return make_engagement(NAKURU_TITLE, participants=[(un_habitat.id, ParticipantRole.ORGANIZER)])


def form(**changes) -> dict[str, str]:
    """A valid engagement form, with ``changes``."""
    data = {
        "title": "Consultation on urban-rural linkages",
        "kind": "consultation",
        "summary": "",
        "start_date": "2026-05-12",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "12:30",
        "time_zone": "Africa/Nairobi",
        "venue": "",
        "city": "Nairobi",
        "country": "KE",
        "online_url": "",
        "series": "",
        "attendance_people": "",
        "attendance_countries": "",
        "attendance_organizations": "",
        "attendance_note": "",
    }
    data.update(changes)
    return data


def stored(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def version_of(app, engagement_id: int) -> str:
    with app.app_context():
        return str(db.session.get(Engagement, engagement_id).version)


def json_ld(html: str) -> dict:
    return json.loads(LD.search(html).group(1))


# --- the Nakuru roundtable: its own zone, its calendar file, its linked data -------------------


def test_the_nakuru_roundtable_is_shown_in_east_africa_time(client, nakuru):
    html = client.get(f"/engagements/{nakuru}").get_data(as_text=True)

    assert "31 October 2020, 12:45\u201314:45 EAT" in html
    # The reader's-zone line starts out in UTC (the script rewrites it) with the instant.
    assert 'datetime="2020-10-31T09:45:00Z"' in html
    assert "31 October 2020, 09:45\u201311:45 UTC" in html


def test_the_nakuru_ics_parses_back_to_0945_1145_utc(client, nakuru):
    response = client.get(f"/engagements/{nakuru}.ics")

    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2020, 10, 31, 9, 45, tzinfo=UTC)
    assert event.decoded("dtend").astimezone(UTC) == datetime(2020, 10, 31, 11, 45, tzinfo=UTC)
    assert str(event["summary"]) == NAKURU_TITLE
    assert event["dtstart"].params["TZID"] == "Africa/Nairobi"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Africa/Nairobi"]


def test_the_page_carries_event_json_ld_with_offsets_place_and_organizers(client, nakuru):
    data = json_ld(client.get(f"/engagements/{nakuru}").get_data(as_text=True))

    assert data["@type"] == "Event"
    assert data["startDate"] == "2020-10-31T12:45:00+03:00"
    assert data["endDate"] == "2020-10-31T14:45:00+03:00"
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Nakuru",
        "addressCountry": "KE",
    }
    assert [o["name"] for o in data["organizer"]] == ["United Nations Human Settlements Programme"]


def test_json_ld_cannot_be_closed_by_a_title(client, make_engagement):
    engagement = make_engagement("</script><script>alert(1)</script>")
    html = client.get(f"/engagements/{engagement}").get_data(as_text=True)

    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_a_stakeholder_page_lists_its_engagements_with_role_and_organization_ld(
    client, nakuru, un_habitat
):
    html = client.get(f"/stakeholders/{un_habitat.id}").get_data(as_text=True)

    section = html[html.index('id="engagements-title"') :]
    assert NAKURU_TITLE in section
    assert "Organizer \u00b7" in section
    data = json_ld(html)
    assert data["@type"] == "Organization"
    assert data["alternateName"] == "UN-Habitat"


def test_a_draft_stakeholder_page_has_no_organization_ld(client, login, officer, make_stakeholder):
    draft = make_stakeholder(status=Status.DRAFT)
    login(officer)

    html = client.get(f"/stakeholders/{draft.id}").get_data(as_text=True)

    assert "application/ld+json" not in html


# --- time zones ---------------------------------------------------------------------------------


def test_a_three_day_event_across_the_clock_change_keeps_its_local_time(
    app, client, logged_in_officer
):
    response = client.post(
        "/engagements/new",
        data=form(
            start_date="2026-03-28",
            start_time="09:00",
            end_date="2026-03-30",
            end_time="17:00",
            time_zone="Europe/Paris",
            city="Paris",
            country="FR",
        ),
    )
    assert response.status_code == 303
    with app.app_context():
        engagement = db.session.scalars(select(Engagement)).one()
        # 09:00 CET is 08:00 UTC; after the change on the 29th, 17:00 CEST is 15:00 UTC.
        assert engagement.start == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
        assert engagement.end == datetime(2026, 3, 30, 15, 0, tzinfo=UTC)
        engagement_id = engagement.id

    html = client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    assert "28 March 2026, 09:00 CET \u2013 30 March 2026, 17:00 CEST" in html
    event = icalendar.Calendar.from_ical(client.get(f"/engagements/{engagement_id}.ics").data)
    (vevent,) = event.walk("VEVENT")
    assert vevent.decoded("dtstart").replace(tzinfo=None) == datetime(2026, 3, 28, 9, 0)
    assert vevent.decoded("dtend").replace(tzinfo=None) == datetime(2026, 3, 30, 17, 0)


def test_an_event_recorded_in_winter_keeps_its_local_time_in_summer(app, client, login, officer):
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        login(officer)
        response = client.post(
            "/engagements/new",
            data=form(start_date="2026-04-09", start_time="09:00", end_time="11:00",
                      time_zone="Europe/Paris", city="Paris", country="FR"),
        )  # fmt: skip
        assert response.status_code == 303
    with app.app_context():
        engagement_id = db.session.scalar(select(Engagement.id))

    with time_machine.travel(datetime(2026, 4, 8, 12, tzinfo=UTC), tick=False):
        html = app.test_client().get(f"/engagements/{engagement_id}").get_data(as_text=True)

    # Recorded while Paris was on CET, shown after the change: still 09:00, now CEST.
    assert "9 April 2026, 09:00\u201311:00 CEST" in html
    assert 'datetime="2026-04-09T07:00:00Z"' in html


def test_each_day_at_nine_in_paris_is_nine_on_both_sides_of_the_change():
    before = times.to_utc(date(2026, 3, 28), time(9), "Europe/Paris")
    after = times.to_utc(date(2026, 3, 30), time(9), "Europe/Paris")

    assert (before.hour, after.hour) == (8, 7)  # UTC moves; the local time does not
    assert times.local(before, "Europe/Paris").hour == times.local(after, "Europe/Paris").hour == 9


def test_a_time_the_clocks_skip_is_refused(app, client, logged_in_officer):
    response = client.post(
        "/engagements/new",
        data=form(start_date="2026-03-29", start_time="02:30", end_time="04:00",
                  time_zone="Europe/Paris"),
    )  # fmt: skip

    assert response.status_code == 422
    assert "the clocks skip that hour" in response.get_data(as_text=True)
    assert stored(app, Engagement) == 0


def test_a_zone_without_letters_is_shown_as_a_utc_offset(app):
    start = datetime(2026, 6, 1, 12, tzinfo=UTC)
    with app.test_request_context():
        text = times.span(start, start.replace(hour=14), "America/Sao_Paulo")

    assert text == "1 June 2026, 09:00\u201311:00 UTC-3"


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Africa/Nairob", "Africa/Nairobi"),
        ("Europe/Pari", "Europe/Paris"),
        ("nairobi", "Africa/Nairobi"),
    ],
)
def test_the_closest_zone_is_suggested(typed, suggested):
    assert times.closest(typed) == suggested


def test_a_zone_in_other_letter_case_is_taken_as_the_database_spells_it():
    assert times.canonical("africa/nairobi") == "Africa/Nairobi"


# --- the list -----------------------------------------------------------------------------------


@pytest.fixture
def calendar_rows(make_engagement, un_habitat, make_stakeholder):
    """Two past engagements (2020 Kenya roundtable by UN-Habitat, 2017 France conference) and
    one upcoming (2099 online webinar)."""
    oecd = make_stakeholder(name="OECD")
    return {
        "nakuru": make_engagement(
            "Nakuru roundtable", participants=[(un_habitat.id, ParticipantRole.ORGANIZER)]
        ),
        "paris": make_engagement(
            "Paris conference",
            day=date(2017, 5, 15),
            zone="Europe/Paris",
            kind=EngagementKind.CONFERENCE,
            city="Paris",
            country="FR",
            participants=[
                (oecd.id, ParticipantRole.CO_HOST),
                (un_habitat.id, ParticipantRole.SPEAKER),
            ],
        ),
        "webinar": make_engagement(
            "Future webinar",
            day=date(2099, 1, 5),
            zone="UTC",
            kind=EngagementKind.WEBINAR,
            city=None,
            country=None,
            online_url="https://example.org/join",
        ),
        "oecd": oecd.id,
    }


TITLE = re.compile(r'<h3 id="engagement-\d+"><a href="/engagements/\d+">([^<]*)</a>')


def titles(client, **args) -> list[str]:
    return TITLE.findall(client.get("/engagements/", query_string=args).get_data(as_text=True))


def test_the_list_shows_upcoming_by_default_and_past_latest_first(client, calendar_rows):
    assert titles(client) == ["Future webinar"]
    assert titles(client, view="past") == ["Nakuru roundtable", "Paris conference"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"kind": "conference"}, ["Paris conference"]),
        ({"country": "KE"}, ["Nakuru roundtable"]),
        ({"year": "2017"}, ["Paris conference"]),
        ({"kind": "webinar"}, []),
    ],
)
def test_the_past_list_filters(client, calendar_rows, args, expected):
    assert titles(client, view="past", **args) == expected


def test_the_organizer_filter_counts_organizers_and_co_hosts_only(
    client, calendar_rows, un_habitat
):
    # UN-Habitat organized Nakuru and only spoke in Paris; the OECD co-hosted Paris.
    assert titles(client, view="past", organizer=un_habitat.id) == ["Nakuru roundtable"]
    assert titles(client, view="past", organizer=calendar_rows["oecd"]) == ["Paris conference"]


def test_unusable_filters_are_ignored(client, calendar_rows):
    args = {"view": "x", "kind": "party", "country": "ZZ", "year": "99999", "organizer": "-1"}
    assert titles(client, **args) == ["Future webinar"]


def test_the_maintained_counts_equal_a_recount(app, calendar_rows, logged_in_officer, client):
    paris = calendar_rows["paris"]
    response = client.post(
        f"/engagements/{paris}/edit", data=form(kind="workshop", version=version_of(app, paris))
    )
    assert response.status_code == 303
    with app.app_context():
        assert counts.stored(queries.LISTING) == counts.computed(queries.LISTING)
        assert counts.stored(queries.LISTING)["kind"] == {
            "roundtable": 1,
            "workshop": 1,
            "webinar": 1,
        }


def test_the_feed_lists_upcoming_engagements_only(client, calendar_rows):
    response = client.get("/engagements/upcoming.ics")

    assert response.mimetype == "text/calendar"
    events = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Future webinar"]
    assert str(events[0]["location"]) == "https://example.org/join"


def test_a_list_page_is_a_constant_number_of_statements(app, client, make_engagement, un_habitat):
    def add(n: int, start: int) -> None:
        for i in range(n):
            make_engagement(
                f"Engagement {start + i}",
                day=date(2090, 1, 1 + (start + i) % 28),
                participants=[(un_habitat.id, ParticipantRole.ORGANIZER)],
            )

    add(3, 0)
    client.get("/engagements/")
    with count_queries(app) as few:
        assert len(titles(client)) == 3
    add(30, 3)
    with count_queries(app) as many:
        assert len(titles(client)) == 25
    assert len(few) == len(many), many


def test_a_detail_page_is_a_constant_number_of_statements(
    app, client, make_engagement, make_stakeholder
):
    def with_participants(n: int) -> int:
        people = [make_stakeholder() for _ in range(n)]
        engagement = make_engagement(
            participants=[(s.id, ParticipantRole.PARTICIPANT) for s in people]
        )
        with app.app_context():
            for k in range(n):
                db.session.add(
                    EngagementOutcome(
                        engagement_id=engagement, kind=OutcomeKind.DECISION, text=f"Decision {k}"
                    )
                )
            db.session.commit()
        return engagement

    small, large = with_participants(2), with_participants(40)
    client.get(f"/engagements/{small}")
    with count_queries(app) as few:
        client.get(f"/engagements/{small}")
    with count_queries(app) as many:
        html = client.get(f"/engagements/{large}").get_data(as_text=True)
    assert html.count("Decision ") >= 40
    # 7: the engagement, its participants, initiatives, outcomes and alignment, the pledges
    # made there counted per light (the first of them are read only when there are any), and
    # who is missing among the participants (registry.coverage, one grouped statement).
    assert len(few) == len(many) <= 7, many


# --- staff forms and their refusals ------------------------------------------------------------


def test_an_officer_records_an_engagement_and_it_is_audited(app, client, logged_in_officer, fetch,
                                                             audit_rows):  # fmt: skip
    response = client.post(
        "/engagements/new",
        data=form(series="International Conferences on National Urban Policy",
                  attendance_people="250", attendance_note="more than 250 policymakers"),
    )  # fmt: skip

    assert response.status_code == 303
    (row,) = audit_rows("engagement.created")
    engagement = fetch(Engagement, row.entry_id, "series")
    assert engagement.series.title == "International Conferences on National Urban Policy"
    assert engagement.attendance_people == 250
    assert engagement.year == 2026
    assert row.actor_id == logged_in_officer.id
    assert row.after["start_utc"] == "2026-05-12T07:00:00+00:00"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "09:00"}, "end_time", "The end must be after the start"),
        ({"end_date": "2026-05-11", "end_time": "18:00"}, "end_date",
         "The end must be after the start"),
        ({"time_zone": "Africa/Nairob"}, "time_zone", "Did you mean Africa/Nairobi?"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a time zone we know"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "starting with https://"),
        ({"online_url": "ftp://example.org/call"}, "online_url", "starting with https://"),
        ({"start_time": "25:99"}, "start_time", "Enter the start time as hours and minutes"),
        ({"attendance_people": "lots"}, "attendance_people", "as a whole number"),
        ({"city": "", "country": ""}, "city", "Enter where it takes place"),
    ],
)  # fmt: skip
def test_bad_engagement_input_is_refused_beside_its_field(
    app, client, logged_in_officer, audit_rows, changes, field, message
):
    response = client.post("/engagements/new", data=form(**changes))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', html, re.S)
    assert error is not None, html
    assert message in error.group(1).replace("&#34;", '"')
    assert f'<a href="#{field}">' in html  # the summary links to it
    assert stored(app, Engagement) == 0
    assert audit_rows("engagement.created") == []


def test_an_edit_from_an_old_version_is_refused(app, client, logged_in_officer, nakuru, fetch):
    response = client.post(f"/engagements/{nakuru}/edit", data=form(version="0"))

    assert response.status_code == 409
    assert "Someone changed this engagement" in response.get_data(as_text=True)
    assert fetch(Engagement, nakuru).title == NAKURU_TITLE


def test_an_edit_is_audited_with_what_changed(app, client, logged_in_officer, nakuru, audit_rows):
    data = form(title=NAKURU_TITLE, kind="roundtable", start_date="2020-10-31",
                start_time="12:45", end_time="15:00", city="Nakuru",
                version=version_of(app, nakuru))  # fmt: skip
    assert client.post(f"/engagements/{nakuru}/edit", data=data).status_code == 303

    (row,) = audit_rows("engagement.updated")
    assert row.before == {"end_utc": "2020-10-31T11:45:00+00:00"}
    assert row.after == {"end_utc": "2020-10-31T12:00:00+00:00"}


def test_community_members_cannot_edit_an_engagement_they_organized(
    client, login, member_user, approved, make_engagement
):
    engagement = make_engagement(participants=[(approved.id, ParticipantRole.ORGANIZER)])
    login(member_user)

    assert client.post(f"/engagements/{engagement}/edit", data=form()).status_code == 403
    add = {"stakeholder_id": approved.id, "role": "speaker"}
    assert client.post(f"/engagements/{engagement}/participants", data=add).status_code == 403


# --- participants ------------------------------------------------------------------------------


def test_adding_a_participant_by_exact_name_is_audited(
    client, logged_in_officer, nakuru, make_stakeholder, audit_rows, fetch
):
    oecd = make_stakeholder(name="Organisation for Economic Co-operation and Development",
                            acronym="OECD")  # fmt: skip
    response = client.post(
        f"/engagements/{nakuru}/participants", data={"stakeholder_name": "oecd", "role": "co_host"}
    )

    assert response.status_code == 303
    assert audit_rows("engagement.participant_added")[-1] == (
        logged_in_officer.id, "engagement", nakuru, None,
        {"stakeholder_id": oecd.id, "participant_role": "co_host"},
    )  # fmt: skip
    assert fetch(Engagement, nakuru).version == 3  # the engagement moved on too


def test_a_stakeholder_that_is_not_approved_is_refused(
    app, client, logged_in_officer, nakuru, make_stakeholder
):
    draft = make_stakeholder(name="Unreviewed Group", status=Status.DRAFT)
    before = stored(app, EngagementParticipant)

    response = client.post(
        f"/engagements/{nakuru}/participants",
        data={"stakeholder_id": draft.id, "role": "speaker"},
    )

    assert response.status_code == 422
    assert "Choose an approved stakeholder" in response.get_data(as_text=True)
    assert stored(app, EngagementParticipant) == before


def test_a_name_that_matches_nothing_exactly_offers_approved_stakeholders(
    app, client, logged_in_officer, nakuru, make_stakeholder
):
    make_stakeholder(name="Nakuru Youth Network")
    make_stakeholder(name="Nakuru Youth Draft", status=Status.DRAFT)

    response = client.post(
        f"/engagements/{nakuru}/participants", data={"stakeholder_name": "Youth", "role": "speaker"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose one of the approved stakeholders below" in html
    assert "Nakuru Youth Network" in html
    assert "Nakuru Youth Draft" not in html
    assert stored(app, EngagementParticipant) == 1


def test_the_same_role_twice_is_refused(app, client, logged_in_officer, nakuru, un_habitat):
    response = client.post(
        f"/engagements/{nakuru}/participants",
        data={"stakeholder_id": un_habitat.id, "role": "organizer"},
    )

    assert response.status_code == 422
    assert "is already listed as organizer" in response.get_data(as_text=True)
    assert stored(app, EngagementParticipant) == 1


def test_htmx_add_returns_the_updated_list_saying_so(client, logged_in_officer, nakuru,
                                                     make_stakeholder):  # fmt: skip
    speaker = make_stakeholder(name="Nakuru Women's Savings Group")
    response = client.post(
        f"/engagements/{nakuru}/participants",
        data={"stakeholder_id": speaker.id, "role": "speaker"},
        headers={"HX-Request": "true"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="participants-manage"')
    assert '<p class="flash flash-success" role="status">' in html
    assert "Nakuru Women&#39;s Savings Group is added as speaker." in html


def test_suggestions_offer_approved_stakeholders_only(client, logged_in_officer, nakuru,
                                                      make_stakeholder):  # fmt: skip
    make_stakeholder(name="Habitat for Humanity Kenya")
    make_stakeholder(name="Habitat Draft", status=Status.DRAFT)

    html = client.get(
        f"/engagements/{nakuru}/participants/suggest", query_string={"stakeholder_name": "habitat"}
    ).get_data(as_text=True)

    assert "Habitat for Humanity Kenya" in html
    assert "United Nations Human Settlements Programme" in html  # by its acronym, UN-Habitat
    assert "Habitat Draft" not in html


def test_removing_a_participant_is_audited(app, client, logged_in_officer, nakuru, un_habitat,
                                           audit_rows):  # fmt: skip
    with app.app_context():
        participant_id = db.session.scalar(select(EngagementParticipant.id))

    response = client.post(f"/engagements/{nakuru}/participants/{participant_id}/remove")

    assert response.status_code == 303
    assert stored(app, EngagementParticipant) == 0
    assert audit_rows("engagement.participant_removed")[0].before == {
        "stakeholder_id": un_habitat.id,
        "participant_role": "organizer",
    }


# --- outcomes -----------------------------------------------------------------------------------


def test_outcomes_are_added_changed_and_removed_with_audit_rows(
    app, client, logged_in_officer, nakuru, audit_rows
):
    text = "Partnerships work when they are agreed with communities."
    added = client.post(f"/engagements/{nakuru}/outcomes",
                        data={"kind": "lesson_learned", "text": text})  # fmt: skip
    assert added.status_code == 303
    with app.app_context():
        outcome_id = db.session.scalar(select(EngagementOutcome.id))
    changed = client.post(f"/engagements/{nakuru}/outcomes/{outcome_id}/edit",
                          data={"kind": "success_story", "text": text})  # fmt: skip
    assert changed.status_code == 303
    page = client.get(f"/engagements/{nakuru}").get_data(as_text=True)
    assert "Success stories" in page
    assert text in page
    removed = client.post(f"/engagements/{nakuru}/outcomes/{outcome_id}/remove")
    assert removed.status_code == 303

    assert audit_rows("engagement.outcome_added")[0].after["outcome_kind"] == "lesson_learned"
    assert audit_rows("engagement.outcome_updated")[0].after["outcome_kind"] == "success_story"
    assert len(audit_rows("engagement.outcome_removed")) == 1
    assert stored(app, EngagementOutcome) == 0


def test_an_empty_outcome_is_refused(app, client, logged_in_officer, nakuru):
    response = client.post(f"/engagements/{nakuru}/outcomes", data={"kind": "decision", "text": ""})

    assert response.status_code == 422
    assert "Write the outcome" in response.get_data(as_text=True)
    assert stored(app, EngagementOutcome) == 0


def test_the_audit_log_names_engagement_events(client, logged_in_admin, nakuru):
    html = client.get("/admin/audit/").get_data(as_text=True)

    assert "Participant added" in html
    assert NAKURU_TITLE in html


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("condition", "index"),
    [
        ("kind = 'forum'", "ix_engagement_kind_start"),
        ("country = 'KE'", "ix_engagement_country_start"),
        ("year = 2020", "ix_engagement_year_start"),
        ("start_utc >= '2026-01-01'", "ix_engagement_start_id"),
    ],
)
def test_each_filter_of_the_list_has_its_index(app, condition, index):
    from sqlalchemy import text

    with app.app_context():
        db.session.execute(
            Engagement.__table__.insert(),
            [
                {
                    "title": f"Engagement {n}",
                    "kind": ("forum", "webinar", "workshop")[n % 3],
                    "summary": "",
                    "start_utc": datetime(2000 + n % 30, 1 + n % 12, 1, tzinfo=UTC),
                    "end_utc": datetime(2000 + n % 30, 1 + n % 12, 2, tzinfo=UTC),
                    "time_zone": "UTC",
                    "year": 2000 + n % 30,
                    "country": ("KE", "FR", "KR", "CN")[n % 4],
                    "cancelled": False,
                    "is_demo": False,
                    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                    "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
                    "version": 1,
                }
                for n in range(3000)
            ],
        )
        db.session.execute(text("ANALYZE engagement"))
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_sort = off"))
        plan = "\n".join(
            db.session.execute(
                text(
                    f"EXPLAIN SELECT id FROM engagement WHERE {condition} "  # noqa: S608 - fixed
                    "ORDER BY start_utc, id LIMIT 26"
                )
            ).scalars()
        )
        db.session.rollback()
    assert index in plan, plan
