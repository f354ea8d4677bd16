"""``flask remind-overdue`` as cron runs it, with the clock moved (time_machine) and the mail
read at a real SMTP server on loopback: who is told, once per reminder period, and never
again once progress is reported."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
import time_machine
from sqlalchemy import event, select

from registry.commitments import reminders, services
from registry.extensions import db
from registry.models import Commitment, ReminderSent, Role, Status, User

PUBLISHED = date(2026, 1, 15)
OVERDUE = date(2027, 2, 1)  # more than 12 months after the publication


def at(day: date):
    return time_machine.travel(f"{day.isoformat()} 06:00Z", tick=False)


@pytest.fixture
def pledge(make_commitment, approved) -> int:
    with at(PUBLISHED):
        return make_commitment(approved, title="Safe water for Nakuru's schools")


def remind(app) -> str:
    result = app.test_cli_runner().invoke(args=["remind-overdue"])
    assert result.exit_code == 0, result.output
    return result.output


def recipients(inbox) -> list[str]:
    return sorted(message["To"] for message in inbox)


def test_the_members_of_an_overdue_commitment_are_mailed_with_a_link_to_report(
    app, smtp_server, pledge, approved, member_user, make_user, make_membership
):
    colleague = make_user(Role.COMMUNITY, email="kip@kwsc.example")
    make_membership(colleague, approved)
    away = make_user(Role.COMMUNITY, email="gone@kwsc.example", active=False)
    make_membership(away, approved)
    unconfirmed = make_user(Role.COMMUNITY, email="typo@kwsc.example", email_verified_at=None)
    make_membership(unconfirmed, approved)
    make_user(Role.COMMUNITY, email="stranger@else.example")  # no membership
    with at(OVERDUE):
        output = remind(app)
    assert output.strip() == (
        "Overdue commitments reminded: 1; mails sent: 2; due but with no one to mail: 0."
    )
    assert recipients(smtp_server) == ["kip@kwsc.example", "mercy@kwsc.example"]
    message = smtp_server[0]
    body = message.get_content()
    assert "Safe water for Nakuru" in message["Subject"]
    assert "Nakuru Youth Action Network" in body
    assert "January 15, 2026" in body  # since when nothing was reported
    assert f"http://registry.test/commitments/{pledge}/reports/new" in body
    assert f"http://registry.test/commitments/{pledge}" in body
    with app.app_context():
        rows = db.session.scalars(select(ReminderSent)).all()
        assert [(r.commitment_id, r.recipients) for r in rows] == [(pledge, 2)]


def test_a_second_run_the_same_day_sends_nothing(app, smtp_server, pledge):
    with at(OVERDUE):
        remind(app)
    assert len(smtp_server) == 1
    with time_machine.travel(f"{OVERDUE.isoformat()} 18:00Z", tick=False):
        output = remind(app)
    assert len(smtp_server) == 1
    assert "Overdue commitments reminded: 0; mails sent: 0;" in output


def test_after_the_reminder_period_it_reminds_again_if_still_overdue(app, smtp_server, pledge):
    with at(OVERDUE):
        remind(app)
    with at(date(2027, 3, 2)):  # 29 days later: within the 30-day period
        remind(app)
    assert len(smtp_server) == 1
    with at(date(2027, 3, 4)):
        remind(app)
    assert len(smtp_server) == 2


def test_the_reminder_period_is_a_setting(app, smtp_server, pledge, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_PERIOD_DAYS", 7)
    with at(OVERDUE):
        remind(app)
    with at(date(2027, 2, 9)):
        remind(app)
    assert len(smtp_server) == 2


def test_a_report_stops_the_reminders(app, smtp_server, pledge, member_user):
    with at(OVERDUE):
        remind(app)
    with at(date(2027, 2, 10)), app.app_context():
        commitment = db.session.get(Commitment, pledge)
        member = db.session.get(User, member_user.id)
        services.add_report(commitment, {"narrative": "Twelve schools done."}, member)
        db.session.commit()
    with at(date(2027, 6, 1)):
        remind(app)
    assert len(smtp_server) == 1
    with at(date(2028, 2, 11)):  # silent again for twelve months: reminded again
        remind(app)
    assert len(smtp_server) == 2


def test_on_track_completed_and_unpublished_commitments_are_left_alone(
    app, smtp_server, make_commitment, approved, member_user
):
    with at(PUBLISHED):
        make_commitment(approved, status=Status.DRAFT)
    with at(date(2026, 12, 1)):
        make_commitment(approved)  # on track on the day of the run
    with at(OVERDUE):
        output = remind(app)
    assert smtp_server == []
    assert "Overdue commitments reminded: 0;" in output


def test_inactive_commitments_are_reminded_too(app, smtp_server, pledge):
    with at(date(2028, 6, 1)):  # no report for more than 24 months
        remind(app)
    assert len(smtp_server) == 1
    assert "inactive" in smtp_server[0].get_content()


def test_a_commitment_with_no_one_to_mail_is_counted_not_recorded(
    app, smtp_server, make_commitment, make_stakeholder
):
    with at(PUBLISHED):
        make_commitment(make_stakeholder("Nobody Home"))
    with at(OVERDUE):
        output = remind(app)
    assert smtp_server == []
    assert "with no one to mail: 1." in output
    with app.app_context():
        assert db.session.scalars(select(ReminderSent)).all() == []


def test_many_overdue_commitments_are_read_in_batches(
    app, smtp_server, make_commitment, approved, monkeypatch
):
    monkeypatch.setattr(reminders, "BATCH", 2)
    with at(PUBLISHED):
        ids = [make_commitment(approved, title=f"Pledge {n}") for n in range(5)]
    with at(OVERDUE), app.app_context():
        summary = reminders.remind_overdue(batch=2)
    assert (summary.commitments, summary.mails) == (5, 5)
    with app.app_context():
        reminded = sorted(db.session.scalars(select(ReminderSent.commitment_id)))
    assert reminded == sorted(ids)


def test_a_wrong_reminder_period_is_a_clear_error(app, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_PERIOD_DAYS", "monthly")
    result = app.test_cli_runner().invoke(args=["remind-overdue"])
    assert result.exit_code == 1
    assert "REMINDER_PERIOD_DAYS must be a whole number" in result.output


@contextmanager
def statements(app):
    """The SQL statements the app sends meanwhile, with their parameters."""
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_the_due_commitments_are_read_through_the_lights_index(app):
    """The reminders never compute lights in a loop: one bounded range of last_activity_on
    in an index, already in keyset order. PostgreSQL reads the light's partial index; SQLite
    cannot match a partial index's ``status = 'approved'`` to a bound parameter, so it reads
    the same range in (status, last_activity_on, id), the list's "last activity" index."""
    with at(OVERDUE), statements(app) as seen, app.app_context():
        reminders.remind_overdue()
    due = [
        (statement, parameters)
        for statement, parameters in seen
        if "FROM commitment" in statement and "LIMIT" in statement
    ]
    assert len(due) == 1
    statement, parameters = due[0]
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = "\n".join(str(row[-1]) for row in rows)
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plan = "\n".join(row[0] for row in rows)
        db.session.rollback()
    if connection.dialect.name == "sqlite":
        assert "SEARCH commitment USING INDEX ix_commitment_status_activity" in plan, plan
        assert "last_activity_on<?" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # no sort: the index gives the keyset order
    else:
        # Which way it walks the index (in order, or a bitmap then a sort of what matched)
        # is the planner's choice on a table this small; that it reads the index is not.
        assert "ix_commitment_light_open" in plan, plan
        assert "Seq Scan on commitment" not in plan, plan
