"""Bulk import of stakeholders: reading awkward files, the preview's checks, one confirmed
transaction, and the refusals (issue 13, point 4, and its bad input)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.extensions import db
from registry.imports import reading
from registry.models import AuditEvent, ImportBatch, Role, Stakeholder, Status
from registry.stakeholders import services
from tests.conftest import log_in
from tests.querycount import count_queries

HEADER = "name,acronym,sector,constituencies,country,city,scale,website,org_identifier,description"


@pytest.fixture
def officer(client, make_user):
    user = make_user(Role.OFFICER, name="Olive Officer")
    log_in(client, user)
    return user


def upload(client, data: bytes, filename: str = "orgs.csv"):
    return client.post(
        "/stakeholders/import/",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def preview_of(client, response):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = client.get(response.location)
    assert page.status_code == 200
    return response.location, page.get_data(as_text=True)


def csv_bytes(*rows: str, newline: str = "\n", encoding: str = "utf-8") -> bytes:
    return newline.join([HEADER, *rows]).encode(encoding) + newline.encode()


def count(app, model=Stakeholder) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def written_events(app) -> int:
    """Audit rows other than the officer's own login."""
    with app.app_context():
        stmt = select(func.count()).where(AuditEvent.entry_type != "user")
        return db.session.scalar(stmt.select_from(AuditEvent))


def names(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Stakeholder.name)))


ROW = "Nakuru Youth Network,NYN,civil_society,women,KE,Nakuru,local,www.example.org,,Youth groups"


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (
            b"\xef\xbb\xbf" + csv_bytes("Caf\u00e9 Solidarit\u00e9,,civil_society,,FR,,local,,,"),
            "utf-8 (with a byte-order mark)",
        ),
        (
            csv_bytes("Caf\u00e9 Solidarit\u00e9,,civil_society,,FR,,local,,,", newline="\r\n"),
            "utf-8",
        ),
        (
            csv_bytes("Caf\u00e9 Solidarit\u00e9,,civil_society,,FR,,local,,,", encoding="cp1252"),
            "windows-1252",
        ),
        (
            csv_bytes("Caf\u00e9 Solidarit\u00e9,,civil_society,,FR,,local,,,", newline="\r"),
            "utf-8",
        ),
    ],
    ids=["bom", "crlf", "latin1", "cr"],
)
def test_bom_line_endings_and_latin1_are_read_right(app, client, officer, data, encoding):
    location, html = preview_of(client, upload(client, data))
    assert "Café Solidarité" in html
    with app.app_context():
        batch = db.session.scalars(select(ImportBatch)).one()
        assert batch.content["encoding"] == encoding
        assert batch.content["rows"][0]["values"]["name"] == "Café Solidarité"
        assert batch.content["rows"][0]["action"] == "create"
    if encoding == "windows-1252":
        assert "read as Windows-1252" in html
    client.post(location)
    assert names(app) == ["Café Solidarité"]


def test_semicolons_and_labels_and_country_names_are_understood(app, client, officer):
    data = (
        b"Name;Sector;Scale;Country;Constituencies\n"
        b'Ligue des Femmes;Civil society organization or NGO;NATIONAL;france;"Women; youth"\n'
    )
    # "youth" alone is no group: said at its column, not guessed
    _loc, html = preview_of(client, upload(client, data))
    assert "Choose groups from the list" in html
    data = (
        b"Name;Sector;Scale;Country;Constituencies\n"
        b"Ligue des Femmes;Civil society organization or NGO;NATIONAL;france;"
        b'"Women;children and youth"\n'
    )
    location, _html = preview_of(client, upload(client, data))
    client.post(location)
    with app.app_context():
        s = db.session.scalars(select(Stakeholder)).one()
        assert (s.sector_code, s.scale.value, s.country) == ("civil_society", "national", "FR")
        assert sorted(c.code for c in s.constituencies) == ["children_youth", "women"]


def test_xlsx_first_sheet_and_formula_kept_as_text(app, client, officer):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(['=HYPERLINK("http://evil.example","x")', "", "academia", "", "", "", "global"])
    sheet.append(["@SUM(1+1)", "", "academia", "", "", "", "global"])
    out = io.BytesIO()
    book.save(out)
    location, html = preview_of(client, upload(client, out.getvalue(), "orgs.xlsx"))
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;x&#34;)" in html
    client.post(location)
    assert names(app) == ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)"]


def test_formula_in_a_csv_cell_is_stored_as_text(app, client, officer):
    data = csv_bytes("=1+2,,civil_society,,,,local,,,+cmd|' /C calc'!A0")
    location, html = preview_of(client, upload(client, data))
    assert "=1+2" in html
    client.post(location)
    with app.app_context():
        s = db.session.scalars(select(Stakeholder)).one()
        assert (s.name, s.description) == ("=1+2", "+cmd|' /C calc'!A0")


def test_the_exported_columns_can_be_imported_again(app, client, officer):
    data = (
        b"id,name,acronym,sector,constituencies,country,city,scale,website,org_identifier,"
        b"description,approved_at,url\n"
        b"7,Kenya Slum Network,KSN,grassroots,urban_poor;women,KE,Nairobi,national,"
        b"https://ksn.example.org,,Hello,2026-01-01T00:00:00Z,http://x/stakeholders/7\n"
    )
    location, html = preview_of(client, upload(client, data))
    assert "id, approved_at, url are ignored" in html
    client.post(location)
    assert names(app) == ["Kenya Slum Network"]


# --- refusals --------------------------------------------------------------------------------


def test_wrong_columns_are_named(client, officer):
    response = upload(client, b"organisation,type\nA,b\n")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "no column named name, sector, scale" in html
    assert "name, acronym, sector" in html


def test_unknown_extra_columns_are_named_in_a_notice(client, officer):
    data = b"name,sector,scale,favourite colour\nA Group,academia,local,blue\n"
    _loc, html = preview_of(client, upload(client, data))
    assert "These columns are not imported: favourite colour." in html


@pytest.mark.parametrize(
    ("data", "filename", "status", "message"),
    [
        (b"", "a.csv", 400, "The file is empty"),
        (b"PK\x03\x04garbage", "a.xlsx", 400, "not a readable Excel"),
        (b"\xd0\xcf\x11\xe0old", "a.xls", 400, "old Excel file"),
        ("name,sector,scale\n".encode("utf-16"), "a.csv", 400, "UTF-16"),
        (b"name,sector,scale\n", "a.csv", 400, "no rows under it"),
        (b'name,sector,scale\n"unclosed,academia,local\n', "a.csv", 400, "Check its quotes"),
        (b"name,sector,scale\nA\x00B,academia,local\n", "a.csv", 400, "NUL"),
    ],
    ids=["empty", "bad-zip", "xls", "utf16", "no-rows", "quotes", "nul"],
)
def test_unreadable_files_get_a_clear_message(
    app, client, officer, data, filename, status, message
):
    response = upload(client, data, filename)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert count(app, ImportBatch) == 0


def test_too_big(app, client, officer, monkeypatch):
    # Small here: the test client spools a body over 500 KB to a file it never closes.
    monkeypatch.setattr(reading, "MAX_BYTES", 2048)
    response = upload(client, csv_bytes(*[ROW] * 30))
    assert response.status_code == 413
    assert "the largest the import accepts is 2 KB" in response.get_data(as_text=True)
    assert count(app, ImportBatch) == 0


def test_too_many_rows(client, officer, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    response = upload(client, csv_bytes(*[f"Org {n},,academia,,,,local,,," for n in range(4)]))
    assert response.status_code == 413
    assert "at most 3 at a time" in response.get_data(as_text=True)


def test_no_file_chosen(client, officer):
    response = client.post("/stakeholders/import/", data={})
    assert response.status_code == 400
    assert "Choose a CSV or Excel" in response.get_data(as_text=True)


def test_member_and_anonymous_are_refused(client, make_user):
    assert client.get("/stakeholders/import/").status_code == 302
    log_in(client, make_user(Role.COMMUNITY))
    assert client.get("/stakeholders/import/").status_code == 403
    assert upload(client, csv_bytes(ROW)).status_code == 403
    assert client.get("/stakeholders/import/template.csv").status_code == 403


def test_another_officers_batch_is_not_found(app, client, officer, make_user):
    location, _html = preview_of(client, upload(client, csv_bytes(ROW)))
    client.post("/logout")
    log_in(client, make_user(Role.ADMIN))
    assert client.get(location).status_code == 404
    assert client.post(location).status_code == 404
    assert count(app) == 0


# --- the preview's checks --------------------------------------------------------------------


def test_invalid_row_shows_its_error_and_is_skipped(app, client, officer):
    data = csv_bytes(ROW, "Bad Sector Org,,astrology,,,,local,,,", "No Scale Org,,academia,,,,,,,")
    location, html = preview_of(client, upload(client, data))
    assert "Choose a sector from the list" in html
    assert "Choose the scale the organization works at" in html
    assert "3 rows read." in html
    assert "2 will be skipped." in html
    response = client.post(location)
    assert response.status_code == 303
    assert "Imported 1 stakeholders as drafts; 2 rows were skipped." in client.get(
        response.location
    ).get_data(as_text=True)
    assert names(app) == ["Nakuru Youth Network"]


def test_a_duplicate_within_the_file_is_skipped(app, client, officer):
    location, html = preview_of(client, upload(client, csv_bytes(ROW, ROW.lower())))
    assert "Skipped: the same as line 2" in html
    client.post(location)
    assert names(app) == ["Nakuru Youth Network"]


def test_a_possible_duplicate_is_skipped_unless_imported_anyway(
    app, client, officer, make_stakeholder
):
    make_stakeholder(name="Nakuru Youth Network")
    make_stakeholder(name="Habitat Research Centre", org_identifier="KE-RCO-123")
    data = csv_bytes(
        ROW,
        "Nakuru Youth Network Trust,,civil_society,,,,local,,,",
        "Some Other Name,,academia,,,,local,,ke-rco-123,",
        "Entirely Different Collective,,academia,,,,local,,,",
    )
    location, html = preview_of(client, upload(client, data))
    assert html.count("Possible duplicate, skipped") == 2
    # The identifier an entry already has is refused as the form refuses it.
    assert "already has this identifier" in html
    client.post(location, data={"anyway": ["3", "junk", "99999999999"]})
    assert names(app) == [
        "Entirely Different Collective",
        "Habitat Research Centre",
        "Nakuru Youth Network",
        "Nakuru Youth Network Trust",
    ]


# --- confirming ------------------------------------------------------------------------------


def test_confirm_writes_drafts_audited_once_and_never_twice(app, client, officer):
    data = csv_bytes(ROW, "Kisumu Women Forum,,grassroots,women,KE,Kisumu,local,,KE-RCO-99,")
    location, _html = preview_of(client, upload(client, data))
    assert count(app) == 0  # nothing written by the upload
    assert client.post(location).status_code == 303
    with app.app_context():
        written = list(db.session.scalars(select(Stakeholder)))
        assert {s.status for s in written} == {Status.DRAFT}
        assert {s.created_by_id for s in written} == {officer.id}
        actions = sorted(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.entry_type != "user"))
        )
        assert actions == ["import_batch.confirmed", "stakeholder.created", "stakeholder.created"]
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import_batch.confirmed")
        ).one()
        assert (event.after["written"], event.after["skipped"], event.actor_id) == (
            2,
            0,
            officer.id,
        )
    again = client.post(location)
    assert again.status_code == 409
    assert "already confirmed" in again.get_data(as_text=True)
    assert count(app) == 2
    assert written_events(app) == 3


def test_one_failing_row_writes_none(app, client, officer, make_stakeholder):
    data = csv_bytes(ROW, "Kisumu Women Forum,,grassroots,,,,local,,KE-RCO-99,")
    location, _html = preview_of(client, upload(client, data))
    # Between the preview and the confirmation, someone takes the second row's identifier.
    make_stakeholder(name="Quite Unrelated", status=Status.DRAFT, org_identifier="KE-RCO-99")
    response = client.post(location)
    assert response.status_code == 409
    assert "Nothing was imported: line 3&#39;s identifier is now used" in response.get_data(
        as_text=True
    )
    assert names(app) == ["Quite Unrelated"]
    with app.app_context():
        assert db.session.scalars(select(ImportBatch.confirmed_at)).one() is None
    assert written_events(app) == 0


def test_a_failure_at_write_time_rolls_back_every_row(app, client, officer, monkeypatch):
    location, _html = preview_of(
        client, upload(client, csv_bytes(ROW, "Second Org,,academia,,,,local,,,"))
    )
    real = services.create_stakeholder
    calls = []

    def failing(data, actor):
        calls.append(data["name"])
        if len(calls) == 2:
            raise services.ClaimRefused("forced failure")
        return real(data, actor)

    monkeypatch.setattr(services, "create_stakeholder", failing)
    response = client.post(location)
    assert response.status_code == 409
    assert "forced failure" in response.get_data(as_text=True)
    assert count(app) == 0
    assert written_events(app) == 0


def test_an_expired_preview_cannot_be_confirmed(app, client, officer):
    location, _html = preview_of(client, upload(client, csv_bytes(ROW)))
    with app.app_context():
        batch = db.session.scalars(select(ImportBatch)).one()
        batch.expires_at = batch.created_at
        db.session.commit()
    assert client.post(location).status_code == 410
    assert count(app) == 0


def test_preview_statements_do_not_grow_with_rows(app, client, officer, make_stakeholder):
    make_stakeholder(name="Nakuru Youth Network")
    small, _ = preview_of(client, upload(client, csv_bytes(ROW)))
    rows = [f"Org Number {n},,academia,,,,local,,XM-DAC-{n},," for n in range(60)]
    large, _ = preview_of(client, upload(client, csv_bytes(ROW, *rows)))
    counted = []
    for location in (small, large):
        with count_queries(app) as statements:
            assert client.get(location).status_code == 200
        counted.append(len(statements))
    assert counted[0] == counted[1] <= 3


def test_upload_statements_are_bounded_per_distinct_name(app, client, officer):
    # One for the identifiers of the whole file; the registration matching once per
    # distinct name (a repeated name is matched once).
    with count_queries(app) as one:
        upload(client, csv_bytes(ROW))
    with count_queries(app) as many:
        upload(client, csv_bytes(ROW, *[ROW] * 40))
    assert len(many) == len(one)


# --- templates -------------------------------------------------------------------------------


def test_templates_read_back_as_a_valid_row(app, client, officer):
    response = client.get("/stakeholders/import/template.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbfname,acronym,sector")
    _location, html = preview_of(client, upload(client, response.data, "t.csv"))
    assert "1 will be imported" in html
    response = client.get("/stakeholders/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("name", "acronym", "sector")
    assert rows[1][0] == "Nakuru Youth Housing Network"
    assert client.get("/stakeholders/import/template.pdf").status_code == 404


def test_the_upload_page_has_a_labelled_file_input(client, officer):
    html = client.get("/stakeholders/import/").get_data(as_text=True)
    assert re.search(r'<label for="file">', html)
    assert 'type="file" id="file" name="file"' in html
    assert 'enctype="multipart/form-data"' in html
