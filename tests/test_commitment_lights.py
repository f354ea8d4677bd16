"""The traffic light as the clock moves (time_machine): on track after a report or the
publication, overdue after 12 months of silence, inactive after 24, completed once every
deliverable is done; and a deliverable that slips past its due date undone. Each state is
checked on the commitment (``light_of``), in a query (``light_where``, ``slipped_where``) and
on its page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from registry.commitments import progress, services
from registry.commitments.progress import Light
from registry.extensions import db
from registry.models import Commitment, Deliverable, User

PUBLISHED = date(2026, 1, 15)


def at(day: date):
    return time_machine.travel(f"{day.isoformat()} 12:00Z", tick=False)


@pytest.fixture
def pledge(make_commitment, approved) -> int:
    """Published on 15 January 2026; one deliverable due on 30 June 2027."""
    with at(PUBLISHED):
        return make_commitment(
            approved,
            deliverables=[
                {
                    "title": "Cities applying the framework",
                    "baseline": 10.0,
                    "target": 80.0,
                    "due_on": "2027-06-30",
                }
            ],
        )


def light(app, commitment_id: int) -> Light | None:
    """The light of the commitment, checked to be the same in the list's query."""
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        own = progress.light_of(commitment)
        queried = [
            each
            for each in Light
            if db.session.scalar(
                select(Commitment.id).where(
                    Commitment.id == commitment_id, progress.light_where(each)
                )
            )
        ]
        assert queried == ([own] if own else [])
        return own


def report(app, commitment_id: int, user, **data) -> None:
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        services.add_report(commitment, data, db.session.get(User, user.id))
        db.session.commit()


def page(client, commitment_id: int) -> str:
    return client.get(f"/commitments/{commitment_id}").get_data(as_text=True)


def test_on_track_from_its_publication(app, client, pledge):
    with at(date(2026, 6, 1)):
        assert light(app, pledge) == Light.ON_TRACK
        assert "On track" in page(client, pledge)


def test_still_on_track_twelve_months_to_the_day(app, pledge):
    with at(date(2027, 1, 15)):
        assert light(app, pledge) == Light.ON_TRACK


def test_overdue_after_twelve_months_without_a_report(app, client, pledge):
    with at(date(2027, 1, 16)):
        assert light(app, pledge) == Light.OVERDUE
        assert "Overdue" in page(client, pledge)


def test_inactive_after_twenty_four_months_without_a_report(app, client, pledge):
    with at(date(2028, 1, 15)):
        assert light(app, pledge) == Light.OVERDUE
    with at(date(2028, 1, 16)):
        assert light(app, pledge) == Light.INACTIVE
        assert "Inactive" in page(client, pledge)


def test_a_report_puts_an_overdue_commitment_back_on_track(app, pledge, member_user):
    with at(date(2027, 3, 1)):
        assert light(app, pledge) == Light.OVERDUE
        report(app, pledge, member_user, narrative="Back at it.")
        assert light(app, pledge) == Light.ON_TRACK
    with at(date(2028, 3, 1)):
        assert light(app, pledge) == Light.ON_TRACK
    with at(date(2028, 3, 2)):
        assert light(app, pledge) == Light.OVERDUE


def test_a_backdated_report_counts_from_its_own_date(app, pledge, member_user):
    with at(date(2027, 3, 1)):
        report(app, pledge, member_user, reported_on=date(2026, 2, 1), narrative="Late news.")
        assert light(app, pledge) == Light.OVERDUE


def test_completed_once_every_deliverable_is_done_whatever_the_clock(
    app, client, pledge, member_user
):
    with app.app_context():
        deliverable_id = db.session.scalar(
            select(Deliverable.id).where(Deliverable.commitment_id == pledge)
        )
    with at(date(2026, 9, 1)):
        report(
            app,
            pledge,
            member_user,
            updates=[{"deliverable_id": deliverable_id, "done_on": date(2026, 8, 30)}],
        )
        assert light(app, pledge) == Light.COMPLETED
    with at(date(2030, 1, 1)):
        assert light(app, pledge) == Light.COMPLETED
        assert "Completed" in page(client, pledge)


def slipped(app, commitment_id: int) -> bool:
    """Whether the commitment has a slipped deliverable, checked to agree with the query."""
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        own = any(progress.slipped(d) for d in commitment.deliverables)
        queried = db.session.scalar(
            select(Commitment.id).where(Commitment.id == commitment_id, progress.slipped_where())
        )
        assert own == (queried is not None)
        return own


def test_a_deliverable_slips_once_its_due_date_passes_undone(app, client, pledge):
    with at(date(2027, 6, 30)):
        assert not slipped(app, pledge)
        assert "Slipped" not in page(client, pledge)
    with at(date(2027, 7, 1)):
        assert slipped(app, pledge)
        assert "1 of 1 deliverable slipped" in page(client, pledge)


def test_a_deliverable_done_in_time_never_slips(app, pledge, member_user):
    with app.app_context():
        deliverable_id = db.session.scalar(
            select(Deliverable.id).where(Deliverable.commitment_id == pledge)
        )
    with at(date(2027, 6, 1)):
        report(
            app,
            pledge,
            member_user,
            updates=[{"deliverable_id": deliverable_id, "done_on": date(2027, 5, 31)}],
        )
    with at(date(2027, 7, 1)):
        assert not slipped(app, pledge)


def test_a_value_short_of_the_target_does_not_stop_the_slip(app, pledge, member_user):
    with app.app_context():
        deliverable_id = db.session.scalar(
            select(Deliverable.id).where(Deliverable.commitment_id == pledge)
        )
    with at(date(2027, 6, 1)):
        report(
            app, pledge, member_user, updates=[{"deliverable_id": deliverable_id, "achieved": 79}]
        )
    with at(date(2027, 7, 1)):
        assert slipped(app, pledge)
        assert light(app, pledge) == Light.ON_TRACK  # reported on: on track, yet slipped
