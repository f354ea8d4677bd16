"""Officers record a resolution's implementation as dated lines (done, under implementation,
planned for a period), correct them and hide them with a reason; every change audited;
members and anonymous visitors cannot; the resolution's page shows each paragraph's lines
in a fixed number of statements."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.frameworks.periods import PeriodError, parse_period
from registry.models import ImplementationState, ImplementationStatus
from tests.querycount import count_queries

RES6 = "/frameworks/HSP/HA.2/RES.6"


def statuses(app) -> list[ImplementationStatus]:
    with app.app_context():
        found = list(
            db.session.scalars(select(ImplementationStatus).order_by(ImplementationStatus.id))
        )
        for status in found:
            _ = [item.code for item in status.items]  # loaded while the session is open
        return found


@pytest.fixture
def officer(as_role, framework_items):
    client, _user = as_role("officer")
    return client


def line(framework_items, **values) -> dict:
    return {
        "state": "planned",
        "period": "2024-25",
        "text": "Design and develop the **web page** on resolution tracking",
        "items": [str(framework_items["OP2"]), str(framework_items["OP9"])],
        "recorded_on": "2024-03-21",
        **values,
    }


# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-25", date(2024, 1, 1), date(2025, 12, 31)),
        ("2024\u20132025", date(2024, 1, 1), date(2025, 12, 31)),
        ("2024 / 2026", date(2024, 1, 1), date(2026, 12, 31)),
        ("Q3 2024", date(2024, 7, 1), date(2024, 9, 30)),
        ("q1 2025", date(2025, 1, 1), date(2025, 3, 31)),
        ("H2 2024", date(2024, 7, 1), date(2024, 12, 31)),
        ("April 2024", date(2024, 4, 1), date(2024, 4, 30)),
        ("Feb 2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("2099-00", date(2099, 1, 1), date(2100, 12, 31)),
    ],
)
def test_periods_people_write_are_read_into_dates(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "text",
    ["", "soon", "next year", "2025-24", "2024-2024", "2024-12", "Q5 2024", "3000", "Foo 2024",
     "24", "2024-25-26", "x" * 100],
)  # fmt: skip
def test_periods_that_do_not_parse_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


# --- recording ----------------------------------------------------------------------------------


def test_an_officer_records_a_planned_line_audited(app, officer, framework_items, audit_rows):
    page = officer.get(f"{RES6}/statuses/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'type="checkbox"' in html
    assert ">OP2</label>" in html
    response = officer.post(f"{RES6}/statuses/new", data=line(framework_items))
    assert response.status_code == 303
    [status] = statuses(app)
    assert response.location.endswith(f"{RES6}#status-{status.id}")
    assert status.state == ImplementationState.PLANNED
    assert (status.period, status.period_start, status.period_end) == (
        "2024-25",
        date(2024, 1, 1),
        date(2025, 12, 31),
    )
    assert [item.code for item in status.items] == ["OP2", "OP9"]
    [row] = audit_rows("implementation_status.created")
    assert row.entry_id == status.id
    assert row.after["paragraphs"] == ["OP2", "OP9"]
    assert row.after["state"] == "planned"


def test_a_line_about_the_whole_resolution_serves_no_paragraph(app, officer, framework_items):
    form = line(framework_items, state="done", period="", items=[], text="Extended to 2025")
    assert officer.post(f"{RES6}/statuses/new", data=form).status_code == 303
    [status] = statuses(app)
    assert status.items == []
    html = officer.get(RES6).get_data(as_text=True)
    whole = html.index("The resolution as a whole")
    assert whole < html.index("Extended to 2025") < html.index('id="items-title"')


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"period": "soon"}, "period", "is not a period we can read"),
        ({"period": ""}, "period", "Say when it is planned for"),
        ({"state": "finished"}, "state", "Not a valid choice"),
        ({"text": ""}, "text", "Say what was done"),
        ({"text": "x" * 100_000}, "text", "2,000 characters or fewer"),
        ({"period": "x" * 100_000}, "period", "40 characters or fewer"),
        ({"recorded_on": "2999-01-01"}, "recorded_on", "or an earlier one"),
        ({"recorded_on": "21/03/2024"}, "recorded_on", "like 2024-03-21"),
        ({"items": ["999999"]}, "items", "Choose paragraphs of HSP/HA.2/RES.6"),
        ({"items": ["abc"]}, "items", "Choose paragraphs of HSP/HA.2/RES.6"),
    ],
)
def test_bad_lines_are_refused_beside_their_field(
    app, officer, framework_items, values, field, message
):
    response = officer.post(f"{RES6}/statuses/new", data=line(framework_items, **values))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'href="#{field}"' in html  # the error summary links to the field
    assert statuses(app) == []


def test_a_paragraph_of_another_framework_is_refused(app, officer, framework_items):
    form = line(framework_items, items=[str(framework_items["11.1"])])
    response = officer.post(f"{RES6}/statuses/new", data=form)
    assert response.status_code == 422
    assert statuses(app) == []


def test_an_archived_paragraph_is_not_offered(app, officer, framework_items):
    with app.app_context():
        from registry.frameworks import services
        from registry.models import FrameworkItem

        services.set_archived(db.session.get(FrameworkItem, framework_items["OP9"]), True, None)
        db.session.commit()
    html = officer.get(f"{RES6}/statuses/new").get_data(as_text=True)
    assert ">OP9</label>" not in html
    form = line(framework_items, items=[str(framework_items["OP9"])])
    assert officer.post(f"{RES6}/statuses/new", data=form).status_code == 422


def test_implementation_is_recorded_on_resolutions_only(app, officer, framework_items):
    assert officer.get("/frameworks/sdg/statuses/new").status_code == 409


# --- correcting and hiding ----------------------------------------------------------------------


def _record(app, framework_items, n: int = 1, start: int = 0, text: str = "") -> None:
    """Lines recorded through the service (committed), as an officer's form would."""
    with app.app_context():
        from registry.frameworks import services
        from registry.models import Framework

        framework = db.session.scalar(select(Framework).where(Framework.code == "HSP/HA.2/RES.6"))
        paragraphs = [framework_items["OP2"], framework_items["OP9"]]
        for number in range(start, start + n):
            services.record_status(
                framework,
                {
                    "state": ImplementationState.PLANNED,
                    "period": "2024-25",
                    "text": text or f"Line {number}",
                    "items": paragraphs[: number % 3] if not text else paragraphs,
                    "recorded_on": date(2024, 3, 21),
                },
                None,
                date(2024, 3, 21),
            )
        db.session.commit()


@pytest.fixture
def recorded(app, framework_items) -> int:
    _record(app, framework_items, text="Design and develop the **web page** on resolution tracking")
    return statuses(app)[0].id


def test_an_officer_corrects_a_line_before_and_after_audited(
    app, officer, framework_items, recorded, audit_rows
):
    page = officer.get(f"{RES6}/statuses/{recorded}/edit")
    assert page.status_code == 200
    assert 'value="2024-25"' in page.get_data(as_text=True)
    form = line(framework_items, state="done", period="", items=[str(framework_items["OP2"])])
    assert officer.post(f"{RES6}/statuses/{recorded}/edit", data=form).status_code == 303
    [status] = statuses(app)
    assert status.state == ImplementationState.DONE
    assert status.period_start is None
    [row] = audit_rows("implementation_status.updated")
    assert row.before == {"state": "planned", "period": "2024-25", "paragraphs": ["OP2", "OP9"]}
    assert row.after == {"state": "done", "period": "", "paragraphs": ["OP2"]}


def test_hiding_asks_why_then_hides_audited(app, officer, recorded, audit_rows, client):
    assert officer.get(f"{RES6}/statuses/{recorded}/hide").status_code == 200
    response = officer.post(f"{RES6}/statuses/{recorded}/hide", data={"reason": ""})
    assert response.status_code == 422
    assert statuses(app)[0].hidden_at is None
    response = officer.post(f"{RES6}/statuses/{recorded}/hide", data={"reason": "Entered twice"})
    assert response.status_code == 303
    [status] = statuses(app)
    assert status.hidden_reason == "Entered twice"
    [row] = audit_rows("implementation_status.hidden")
    assert row.after == {"reason": "Entered twice"}
    # Staff still see it, marked; the line is not edited or hidden again.
    html = officer.get(RES6).get_data(as_text=True)
    assert "Hidden: Entered twice" in html
    assert officer.post(f"{RES6}/statuses/{recorded}/hide", data={"reason": "x"}).status_code == 409
    assert officer.get(f"{RES6}/statuses/{recorded}/edit").status_code == 409


def test_a_hidden_line_is_gone_for_the_public(app, officer, recorded):
    officer.post(f"{RES6}/statuses/{recorded}/hide", data={"reason": "Entered twice"})
    public = officer.application.test_client()
    html = public.get(RES6).get_data(as_text=True)
    assert "web page" not in html
    assert "Entered twice" not in html


def test_a_status_of_another_resolution_is_not_found(app, officer, recorded):
    assert officer.get(f"/frameworks/sdg/statuses/{recorded}/edit").status_code == 404
    assert officer.get(f"{RES6}/statuses/2147483648/edit").status_code == 404


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "non_member"])
def test_members_cannot_record_correct_or_hide(app, as_role, framework_items, recorded, role):
    client, _user = as_role(role)
    for url in ("statuses/new", f"statuses/{recorded}/edit", f"statuses/{recorded}/hide"):
        assert client.get(f"{RES6}/{url}").status_code == 403
        assert client.post(f"{RES6}/{url}", data=line(framework_items)).status_code == 403
    assert len(statuses(app)) == 1


def test_anonymous_visitors_are_asked_to_log_in(app, client, framework_items):
    response = client.post(f"{RES6}/statuses/new", data=line(framework_items))
    assert response.status_code == 302
    assert "/login" in response.location


def test_admins_record_too(app, as_role, framework_items):
    admin, _user = as_role("admin")
    assert admin.post(f"{RES6}/statuses/new", data=line(framework_items)).status_code == 303


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_only_staff_see_the_recording_links(app, as_role, framework_items, recorded, role):
    client, _user = as_role(role)
    html = client.get(RES6).get_data(as_text=True)
    assert "Record implementation" not in html
    assert "/statuses/" not in html
    assert "web page" in html  # the line itself is public


# --- the tracking page --------------------------------------------------------------------------


def test_the_page_shows_each_paragraphs_lines_and_those_with_none(app, client, framework_items):
    with app.app_context():
        from registry.frameworks import services
        from registry.models import Framework

        framework = db.session.scalar(select(Framework).where(Framework.code == "HSP/HA.2/RES.6"))
        services.record_status(
            framework,
            {
                "state": ImplementationState.DONE,
                "period": "",
                "text": "Set up the **urban action funding window**",
                "items": [framework_items["OP2"]],
                "recorded_on": date(2024, 3, 21),
            },
            None,
            date(2024, 3, 21),
        )
        db.session.commit()
    response = client.get(RES6)
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    section = html[html.index('id="implementation"') : html.index('id="items-title"')]
    assert "No implementation recorded for:" in section
    assert "OP9" in section[section.index("No implementation recorded for:") :]
    # The line shows under its paragraph, beside what advances it.
    op2 = html[html.index(">OP2</a>") : html.index(">OP9</a>")]
    assert "<strong>urban action funding window</strong>" in op2
    assert op2.index("Implementation") < op2.index("Nothing advances this paragraph yet")


@pytest.mark.parametrize("role", ["anonymous", "officer"])
def test_the_page_is_a_fixed_number_of_statements(app, as_role, framework_items, role):
    client, _user = as_role(role)
    _record(app, framework_items, 2)
    with count_queries(app) as few:
        assert client.get(RES6).status_code == 200
    _record(app, framework_items, 18, start=2)
    with count_queries(app) as many:
        html = client.get(RES6).get_data(as_text=True)
    assert "Line 19" in html
    assert len(many) == len(few)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImplementationStatus)) == 20
