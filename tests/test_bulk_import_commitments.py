"""Bulk import of commitments with their deliverables: the file's layout, each row checked as
the commitment form and its service check it, duplicates, one confirmed transaction, and the
refusals (issue 13, point 4, and its bad input)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.commitments import services
from registry.extensions import db
from registry.imports import commitments as commitment_import
from registry.imports import reading
from registry.models import (
    AuditEvent,
    Commitment,
    Deliverable,
    ImportBatch,
    Resource,
    Role,
    Status,
    User,
)
from tests.conftest import log_in
from tests.querycount import count_queries

URL = "/commitments/import/"
HEADER = [
    "stakeholder_id",
    "stakeholder_name",
    "title",
    "description",
    "starts_on",
    "ends_on",
    "alignment",
    "deliverable_1_title",
    "deliverable_1_target",
    "deliverable_1_unit",
    "deliverable_1_due_on",
    "deliverable_2_title",
    "deliverable_2_target",
    "deliverable_2_unit",
    "deliverable_2_due_on",
    "resource_1_kind",
    "resource_1_amount",
    "resource_1_currency",
    "resource_1_description",
]


@pytest.fixture
def officer(client, make_user):
    user = make_user(Role.OFFICER, name="Olive Officer")
    log_in(client, user)
    return user


@pytest.fixture
def org(make_stakeholder):
    return make_stakeholder(name="Nakuru Youth Network")


def row(org_id="", name="", title="Train 80 cities on urban monitoring", **cells) -> dict:
    values = {
        "stakeholder_id": str(org_id),
        "stakeholder_name": name,
        "title": title,
        "description": "City statisticians in East Africa report on SDG 11.",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "alignment": "11.1; SDG 11.3",
        "deliverable_1_title": "Cities trained",
        "deliverable_1_target": "80",
        "deliverable_1_unit": "cities",
        "deliverable_1_due_on": "2027-06-30",
        "deliverable_2_title": "Reports published",
        "deliverable_2_target": "40",
        "deliverable_2_unit": "reports",
        "deliverable_2_due_on": "2028-12-31",
        "resource_1_kind": "Financial",
        "resource_1_amount": "250,000",
        "resource_1_currency": "usd",
        "resource_1_description": "",
    }
    values.update(cells)
    return values


def csv_bytes(*rows: dict, newline: str = "\n", encoding: str = "utf-8", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(name, "") for name in header])
    return out.getvalue().encode(encoding)


def upload(client, data: bytes, filename: str = "pledges.csv"):
    return client.post(
        URL, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def preview_of(client, response):
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    page = client.get(response.location)
    assert page.status_code == 200
    return response.location, page.get_data(as_text=True)


def count(app, model=Commitment) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def titles(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Commitment.title)))


def batch_rows(app) -> list[dict]:
    with app.app_context():
        return db.session.scalars(select(ImportBatch)).one().content["rows"]


# --- a good file -----------------------------------------------------------------------------


def test_good_file_previews_then_writes_commitments_with_deliverables_in_one_audited_go(
    app, client, officer, org, make_stakeholder, framework_items
):
    other = make_stakeholder(name="Kisumu Women Forum", status=Status.DRAFT)
    data = csv_bytes(
        row(org.id),
        row(name="kisumu  women forum", title="Safe water points in Kisumu"),
        row(org.id, title="Housing for 500 families", alignment="HSP/HA.2/RES.6 OP2"),
    )
    location, html = preview_of(client, upload(client, data))
    assert "3 will be imported," in html
    # The organization as found, whether named by its number or by its name.
    assert f"#{org.id} Nakuru Youth Network" in html
    assert f"#{other.id} Kisumu Women Forum" in html
    assert count(app) == 0  # nothing written by the upload
    response = client.post(location)  # one transaction: see the rollback tests below
    assert response.status_code == 303
    done = client.get(response.location).get_data(as_text=True)
    assert "Imported 3 commitments with 6 deliverables as drafts; 0 rows were skipped." in done
    with app.app_context():
        written = list(db.session.scalars(select(Commitment).order_by(Commitment.id)))
        assert [c.stakeholder_id for c in written] == [org.id, other.id, org.id]
        assert {c.status for c in written} == {Status.DRAFT}
        assert {c.created_by_id for c in written} == {officer.id}
        first = written[0]
        assert (first.starts_on, first.ends_on) == (date(2026, 1, 1), date(2028, 12, 31))
        assert [(d.title, d.target, d.unit, d.due_on) for d in first.deliverables] == [
            ("Cities trained", 80.0, "cities", date(2027, 6, 30)),
            ("Reports published", 40.0, "reports", date(2028, 12, 31)),
        ]
        assert [(r.kind.value, r.amount, r.currency) for r in first.resources] == [
            ("financial", 250000.0, "USD")
        ]
        assert sorted(i.id for i in first.alignment) == sorted(
            [framework_items["11.1"], framework_items["11.3"]]
        )
        assert [i.code for i in written[2].alignment] == ["OP2"]
        assert count(app, Deliverable) == 6
        assert count(app, Resource) == 3
        actions = sorted(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.entry_type != "user"))
        )
        assert actions == ["commitment.created"] * 3 + ["import_batch.confirmed"]
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import_batch.confirmed")
        ).one()
        assert event.after["kind"] == "commitments"
        assert event.after["entry_ids"] == [c.id for c in written]
    # Each imported line links to its commitment.
    assert f'href="/commitments/{written[0].id}"' in done


def test_second_confirm_is_409_and_writes_nothing_more(app, client, officer, org):
    location, _html = preview_of(client, upload(client, csv_bytes(row(org.id, alignment=""))))
    assert client.post(location).status_code == 303
    again = client.post(location)
    assert again.status_code == 409
    assert "already confirmed" in again.get_data(as_text=True)
    assert count(app) == 1


def test_an_expired_preview_is_410(app, client, officer, org):
    location, _html = preview_of(client, upload(client, csv_bytes(row(org.id, alignment=""))))
    with app.app_context():
        batch = db.session.scalars(select(ImportBatch)).one()
        batch.expires_at = batch.created_at
        db.session.commit()
    response = client.post(location)
    assert response.status_code == 410
    assert "more than a day old" in response.get_data(as_text=True)
    assert count(app) == 0


def test_a_failure_at_write_time_rolls_back_every_row(app, client, officer, org, monkeypatch):
    data = csv_bytes(row(org.id, alignment=""), row(org.id, title="Another", alignment=""))
    location, _html = preview_of(client, upload(client, data))
    real, calls = services.create, []

    def failing(stakeholder, values, actor):
        calls.append(values["title"])
        if len(calls) == 2:
            raise services.Refused("forced failure")
        return real(stakeholder, values, actor)

    monkeypatch.setattr(services, "create", failing)
    response = client.post(location)
    assert response.status_code == 409
    assert "Nothing was imported: line 3: forced failure" in response.get_data(as_text=True)
    assert count(app) == 0
    assert count(app, Deliverable) == 0
    with app.app_context():
        assert db.session.scalars(select(ImportBatch.confirmed_at)).one() is None


def test_an_organization_archived_since_the_preview_refuses_the_whole_file(
    app, client, officer, org
):
    location, _html = preview_of(client, upload(client, csv_bytes(row(org.id, alignment=""))))
    with app.app_context():
        from registry.models import Stakeholder

        db.session.get(Stakeholder, org.id).status = Status.ARCHIVED
        db.session.commit()
    response = client.post(location)
    assert response.status_code == 409
    assert "Nothing was imported: line 2" in response.get_data(as_text=True)
    assert count(app) == 0


# --- reading awkward files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "encoding"),
    [
        ("bom", "utf-8 (with a byte-order mark)"),
        ("crlf", "utf-8"),
        ("latin1", "windows-1252"),
    ],
)
def test_bom_windows_line_endings_and_latin1(app, client, officer, org, kind, encoding):
    values = row(org.id, title="Caf\u00e9s solidaires \u00e0 Nakuru", alignment="")
    if kind == "bom":
        data = b"\xef\xbb\xbf" + csv_bytes(values)
    elif kind == "crlf":
        data = csv_bytes(values, newline="\r\n")
    else:
        data = csv_bytes(values, encoding="cp1252")
    location, html = preview_of(client, upload(client, data))
    assert "Cafés solidaires à Nakuru" in html
    with app.app_context():
        assert db.session.scalars(select(ImportBatch)).one().content["encoding"] == encoding
    if kind == "latin1":
        assert "read as Windows-1252" in html
    client.post(location)
    assert titles(app) == ["Cafés solidaires à Nakuru"]


def test_xlsx_with_dates_and_a_formula_kept_as_text(app, client, officer, org):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    values = row(org.id, title='=cmd|" /C calc"!A0', alignment="")
    cells = [values[name] for name in HEADER]
    cells[HEADER.index("ends_on")] = date(2028, 12, 31)  # an Excel date cell
    cells[HEADER.index("deliverable_1_target")] = 80  # a number cell
    sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    location, html = preview_of(client, upload(client, out.getvalue(), "pledges.xlsx"))
    # Shown escaped, never evaluated.
    assert "=cmd|&#34; /C calc&#34;!A0" in html
    assert '=cmd|" /C calc"!A0' not in html
    client.post(location)
    with app.app_context():
        commitment = db.session.scalars(select(Commitment)).one()
        assert commitment.title == '=cmd|" /C calc"!A0'
        assert commitment.ends_on == date(2028, 12, 31)
        assert commitment.deliverables[0].target == 80.0


def test_a_formula_in_a_csv_cell_is_stored_as_text(app, client, officer, org):
    data = csv_bytes(row(org.id, title="=1+2", deliverable_1_title="@SUM(A1:A3)", alignment=""))
    location, html = preview_of(client, upload(client, data))
    assert "=1+2" in html
    client.post(location)
    with app.app_context():
        commitment = db.session.scalars(select(Commitment)).one()
        assert (commitment.title, commitment.deliverables[0].title) == ("=1+2", "@SUM(A1:A3)")


# --- refusals of the whole file --------------------------------------------------------------


def test_wrong_columns_are_named(app, client, officer):
    response = upload(client, b"organisation,pledge\nA,b\n")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "no column named title" in html
    assert "stakeholder_id, stakeholder_name, title" in html
    assert count(app, ImportBatch) == 0


def test_a_file_naming_no_organization_is_refused(client, officer):
    response = upload(client, b"title,ends_on\nA pledge,2027-01-01\n")
    assert response.status_code == 400
    assert "no column naming the organization" in response.get_data(as_text=True)


def test_over_the_size_limit(app, client, officer, org, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 2048)
    response = upload(client, csv_bytes(*[row(org.id)] * 30))
    assert response.status_code == 413
    assert "the largest the import accepts is 2 KB" in response.get_data(as_text=True)
    assert count(app, ImportBatch) == 0


def test_extra_and_download_columns_are_named_in_notices(client, officer, org):
    header = ["id", "url", "favourite colour", "stakeholder_id", "title", "sdg_targets"]
    data = csv_bytes(
        {"id": "7", "stakeholder_id": str(org.id), "title": "A pledge", "sdg_targets": ""},
        header=header,
    )
    _location, html = preview_of(client, upload(client, data))
    assert "These columns are not imported: favourite colour." in html
    assert "id, url are ignored" in html


# --- refusals of a row -----------------------------------------------------------------------


def test_unknown_organization_and_mismatched_name_and_ambiguous_name(
    app, client, officer, org, make_stakeholder
):
    make_stakeholder(name="Twin Name")
    make_stakeholder(name="Twin Name")
    data = csv_bytes(
        row(999999),
        row(org.id, name="Somebody Else"),
        row(name="Twin Name"),
        row(name="Nobody At All"),
        row("12abc"),
    )
    location, html = preview_of(client, upload(client, data))
    assert "No organization in the registry has the number 999999" in html
    assert "is called “Nakuru Youth Network”: correct the name or the number" in html
    assert "2 organizations have this name" in html
    assert "No organization in the registry has exactly this name" in html
    assert "has the number 12abc" in html
    assert "5 will be skipped." in html
    client.post(location)
    assert count(app) == 0


def test_an_archived_organization_may_not_be_written_for(app, client, officer, make_stakeholder):
    archived = make_stakeholder(name="Closed Down Group", status=Status.ARCHIVED)
    _location, html = preview_of(client, upload(client, csv_bytes(row(archived.id))))
    assert "Closed Down Group is archived: no commitment can be written for it" in html
    assert batch_rows(app)[0]["action"] == "skip"


def test_bad_dates_and_values_are_said_at_their_columns(app, client, officer, org, framework_items):
    data = csv_bytes(
        row(org.id, ends_on="2028-02-30"),
        row(org.id, title="Second", deliverable_2_due_on="next year"),
        row(org.id, title="Third", deliverable_1_due_on="2030-01-01"),
        row(org.id, title="Fourth", resource_1_currency="XXX", resource_1_amount="-5"),
        row(org.id, title="Fifth", alignment="11.1; 11.9; 99.9; NOPE OP1"),
        row(org.id, title="", deliverable_1_target="lots"),
        row(org.id, title="Seventh", starts_on="2029-01-01"),
    )
    location, html = preview_of(client, upload(client, data))
    errors = {r["line"]: r["errors"] for r in batch_rows(app)}
    assert errors[2] == {"ends_on": "Enter the date as year-month-day, like 2026-03-31"}
    assert errors[3] == {
        "deliverable_2_due_on": "Enter the date as year-month-day, like 2026-03-31"
    }
    assert errors[4] == {
        "deliverable_1_due_on": "The due date must be inside the commitment's period, "
        "on or before 2028-12-31"
    }
    assert set(errors[5]) == {"resource_1_amount", "resource_1_currency"}
    assert "11.9, SDG 99.9, NOPE OP1" in errors[6]["alignment"]
    assert errors[7] == {
        "title": "Enter a title",
        "deliverable_1_target": "Enter a number, such as 80 or 2.5",
    }
    assert errors[8] == {"ends_on": "The end date must be on or after the start date"}
    # Shown in the row, the deliverable's column named.
    assert "<code>deliverable_2_due_on</code>: Enter the date" in html
    assert "7 will be skipped." in html
    client.post(location)
    assert count(app) == 0


# --- duplicates ------------------------------------------------------------------------------


def test_a_close_title_earlier_in_the_file_is_skipped(app, client, officer, org, make_stakeholder):
    other = make_stakeholder(name="Other Group")
    data = csv_bytes(
        row(org.id, alignment=""),
        row(org.id, title="Train 80 Cities on Urban Monitoring!", alignment=""),
        row(other.id, alignment=""),  # the same title, another organization: not a duplicate
    )
    location, html = preview_of(client, upload(client, data))
    assert "Skipped: the same as line 2" in html
    client.post(location)
    with app.app_context():
        assert sorted(db.session.scalars(select(Commitment.stakeholder_id))) == sorted(
            [org.id, other.id]
        )


def test_a_close_title_already_in_the_registry_waits_for_import_anyway(
    app, client, officer, org, make_commitment
):
    make_commitment(org, author=officer, title="Train 80 cities in urban monitoring")
    data = csv_bytes(
        row(org.id, alignment=""),
        row(org.id, title="Plant 10,000 trees in Nakuru", alignment=""),
    )
    location, html = preview_of(client, upload(client, data))
    assert "Possible duplicate, skipped" in html
    assert "Train 80 cities in urban monitoring" in html
    assert "1 looks like an entry already in the registry" in html
    client.post(location)
    assert count(app) == 2  # the one there, and the tree planting
    # Again: now the trees are in the registry too; only the ticked line is written.
    location, html = preview_of(client, upload(client, data))
    assert "2 look like entries already in the registry" in html
    client.post(location, data={"anyway": ["2", "junk", "99999999999"]})
    assert titles(app) == [
        "Plant 10,000 trees in Nakuru",
        "Train 80 cities in urban monitoring",
        "Train 80 cities on urban monitoring",
    ]


# --- who may ---------------------------------------------------------------------------------


def test_member_and_anonymous_are_refused(app, client, make_user):
    assert client.get(URL).status_code == 302
    assert client.get(URL + "template.csv").status_code == 302
    log_in(client, make_user(Role.COMMUNITY))
    assert client.get(URL).status_code == 403
    assert upload(client, csv_bytes(row(1))).status_code == 403
    assert client.get(URL + "template.xlsx").status_code == 403
    assert count(app, ImportBatch) == 0


def test_a_stakeholder_batch_is_not_found_at_the_commitments_address(app, client, officer):
    response = client.post(
        "/stakeholders/import/",
        data={"file": (io.BytesIO(b"name,sector,scale\nA Group,academia,local\n"), "a.csv")},
        content_type="multipart/form-data",
    )
    location = response.location
    assert "/stakeholders/import/" in location
    batch_id = location.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"{URL}{batch_id}").status_code == 404
    assert client.post(f"{URL}{batch_id}").status_code == 404


def test_another_officers_batch_is_not_found(app, client, officer, org, make_user):
    location, _html = preview_of(client, upload(client, csv_bytes(row(org.id))))
    client.post("/logout")
    log_in(client, make_user(Role.ADMIN))
    assert client.get(location).status_code == 404
    assert client.post(location).status_code == 404
    assert count(app) == 0


# --- statements and templates ----------------------------------------------------------------


def test_upload_statements_do_not_grow_with_rows(app, client, officer, org, framework_items):
    with count_queries(app) as one:
        upload(client, csv_bytes(row(org.id)))
    many_rows = [row(org.id, title=f"Pledge number {n} about something", alignment="11.1")
                 for n in range(40)]  # fmt: skip
    with count_queries(app) as many:
        upload(client, csv_bytes(*many_rows))
    assert len(many) == len(one)


def test_templates_read_back_as_a_valid_row(
    app, client, officer, make_stakeholder, framework_items
):
    make_stakeholder(name="Nakuru Youth Housing Network")
    response = client.get(URL + "template.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbfstakeholder_id,stakeholder_name,title")
    assert b"deliverable_3_due_on" in response.data
    assert b"resource_2_description" in response.data
    _location, html = preview_of(client, upload(client, response.data, "t.csv"))
    assert "1 will be imported," in html
    response = client.get(URL + "template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("stakeholder_id", "stakeholder_name", "title")
    assert rows[1][1] == "Nakuru Youth Housing Network"
    assert client.get(URL + "template.pdf").status_code == 404


def test_the_upload_page_documents_the_layout_and_links_from_where_officers_work(client, officer):
    html = client.get(URL).get_data(as_text=True)
    assert "Import commitments from a file" in html
    assert "deliverable_1_title" in html
    assert 'type="file" id="file" name="file"' in html
    assert "/commitments/import/" in client.get("/commitments/new").get_data(as_text=True)
    assert "/commitments/import/" in client.get("/stakeholders/in-progress").get_data(as_text=True)


def test_the_check_refuses_an_organization_the_importer_does_not_act_for(
    app, make_user, make_stakeholder
):
    # Only staff reach the import today; the row check still asks the policy, as the form.
    outsider = make_user(Role.COMMUNITY)
    org = make_stakeholder(name="Not Theirs")
    with app.test_request_context():
        content = commitment_import.check(
            reading.read("f.csv", csv_bytes(row(org.id, alignment=""))),
            db.session.get(User, outsider.id),
        )
    assert content["rows"][0]["errors"] == {
        "stakeholder_name": "You cannot write commitments for Not Theirs"
    }
    assert content["rows"][0]["action"] == "skip"
