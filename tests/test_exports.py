"""Downloads of the public lists and ``flask export``: every file reads back with its
documented columns, holds what the page's filters show, neutralises formulas, carries no
personal data, runs a fixed number of statements, streams from a server-side cursor on
PostgreSQL, and refuses a second export at once with a 429."""

from __future__ import annotations

import io
import json
import os
import re
from datetime import UTC, date, datetime

import openpyxl
import pandas as pd
import pytest
import redis
from sqlalchemy import event

from registry import create_app
from registry.exports import package, slots
from registry.exports.columns import TABLES
from registry.exports.writers import LICENCE
from registry.extensions import db
from registry.models import Contact, Role
from registry.models.stakeholders import stakeholder_constituency
from tests.conftest import test_config
from tests.querycount import count_queries

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
FORMATS = ("csv", "json", "xlsx")


@pytest.fixture(autouse=True)
def _free_slots():
    """A test starts with no export in progress in this process."""
    slots.reset_local()
    yield
    slots.reset_local()


def download(client, table: str, fmt: str, query: str = "") -> bytes:
    response = client.get(f"/{table}/export.{fmt}{'?' + query if query else ''}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_data()
    response.close()
    return body


def csv_rows(body: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)


def names(table: str) -> list[str]:
    return [c.name for c in TABLES[table].columns]


@pytest.fixture
def registry_rows(
    make_stakeholder, make_initiative, make_partnership, make_engagement, make_commitment
):
    """Two stakeholders in two sectors, an initiative with a partner, a past engagement and a
    commitment: a row in every list."""
    city = make_stakeholder("Nakuru Youth Network", sector_code="civil_society", country="KE")
    bank = make_stakeholder("Kenya Urban Bank", sector_code="business", country="KE")
    initiative = make_initiative("Nakuru Water Programme")
    make_partnership(initiative, city)
    make_engagement("Nakuru roundtable", day=date(2020, 10, 31))
    make_commitment(city, title="Safe water for 500 households")
    return {"city": city, "bank": bank, "initiative": initiative}


# --- each file reads back with its documented columns ---------------------------------------


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_csv_reads_back_with_the_documented_columns(client, registry_rows, table):
    query = "view=past" if table == "engagements" else ""
    frame = csv_rows(download(client, table, "csv", query))
    assert list(frame.columns) == names(table)
    assert len(frame) >= 1


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_excel_file_reads_back_with_the_documented_columns(client, registry_rows, table):
    query = "view=past" if table == "engagements" else ""
    body = download(client, table, "xlsx", query)
    sheets = pd.read_excel(io.BytesIO(body), sheet_name=None, header=None, dtype=str)
    first, about = list(sheets.values())
    assert list(first.iloc[0]) == names(table)
    assert len(first) >= 2
    assert list(sheets)[1] == "About"
    facts = dict(zip(about[0], about[1], strict=True))
    assert facts["licence_url"] == LICENCE["path"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", facts["exported_at"])


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_json_file_is_one_document_with_its_licence_and_time(client, registry_rows, table):
    query = "view=past" if table == "engagements" else ""
    document = json.loads(download(client, table, "json", query))
    assert document["licence"]["name"] == "CC-BY-4.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["exported_at"])
    assert document["source"].startswith("http://registry.test/")
    assert document["columns"] == names(table)
    assert document["rows"]
    assert all(list(row) == names(table) for row in document["rows"])


def test_a_csv_download_says_its_licence_time_and_dictionary_in_its_headers(client, registry_rows):
    response = client.get("/stakeholders/export.csv")
    response.close()
    assert 'rel="license"' in response.headers["Link"]
    assert LICENCE["path"] in response.headers["Link"]
    assert "/data>" in response.headers["Link"]
    disposition = response.headers["Content-Disposition"]
    assert re.search(r'filename="stakeholders-\d{4}-\d\d-\d\dT\d{6}Z\.csv"', disposition)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_an_anonymous_download_sets_no_cookie(client, registry_rows):
    for fmt in FORMATS:
        response = client.get(f"/stakeholders/export.{fmt}")
        response.close()
        assert "Set-Cookie" not in response.headers, fmt


# --- what the rows are ------------------------------------------------------------------------


def test_an_export_holds_what_the_page_filters_show(client, registry_rows):
    frame = csv_rows(download(client, "stakeholders", "csv", "sector=business"))
    assert list(frame["name"]) == ["Kenya Urban Bank"]
    assert set(frame["sector"]) == {"business"}


def test_an_export_is_every_page_in_the_page_order(app, client, make_stakeholder):
    app.config["PER_PAGE"], per_page = 2, app.config["PER_PAGE"]
    try:
        for name in ("Delta", "Alpha", "Charlie", "Bravo", "Echo"):
            make_stakeholder(name)
        by_name = csv_rows(download(client, "stakeholders", "csv"))
        backwards = csv_rows(download(client, "stakeholders", "csv", "sort=name&dir=desc"))
    finally:
        app.config["PER_PAGE"] = per_page
    assert list(by_name["name"]) == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert list(backwards["name"]) == ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]


def test_each_list_filters_its_export_as_its_page_does(
    client, registry_rows, make_initiative, make_commitment
):
    from registry.models import InitiativeKind

    make_initiative("Kenya Urban Campaign", kind=InitiativeKind.CAMPAIGN)
    make_commitment(registry_rows["bank"], title="Green bonds for housing")
    campaigns = csv_rows(download(client, "initiatives", "csv", "kind=campaign"))
    assert list(campaigns["title"]) == ["Kenya Urban Campaign"]
    bank = registry_rows["bank"].id
    pledges = csv_rows(download(client, "commitments", "csv", f"stakeholder={bank}"))
    assert list(pledges["title"]) == ["Green bonds for housing"]
    by_sector = json.loads(download(client, "commitments", "json", "sector=civil_society"))
    assert [r["title"] for r in by_sector["rows"]] == ["Safe water for 500 households"]


def test_unknown_and_tampered_arguments_are_ignored_as_on_the_page(client, registry_rows):
    query = "sector=no-such-sector&sort=evil&dir=sideways&cursor=forged&page=999999&format=exe"
    frame = csv_rows(download(client, "stakeholders", "csv", query))
    assert sorted(frame["name"]) == ["Kenya Urban Bank", "Nakuru Youth Network"]


def test_the_engagement_export_follows_the_upcoming_and_past_views(client, registry_rows):
    assert csv_rows(download(client, "engagements", "csv")).empty  # nothing upcoming
    assert json.loads(download(client, "engagements", "json"))["rows"] == []
    empty = pd.read_excel(io.BytesIO(download(client, "engagements", "xlsx")))
    assert (list(empty.columns), len(empty)) == (names("engagements"), 0)
    past = csv_rows(download(client, "engagements", "csv", "view=past"))
    assert list(past["title"]) == ["Nakuru roundtable"]


def test_linked_values_are_joined_in_one_column(app, client, registry_rows):
    with app.app_context():
        for code in ("older_persons", "children_youth", "indigenous_peoples"):
            db.session.execute(
                stakeholder_constituency.insert().values(
                    stakeholder_id=registry_rows["city"].id, constituency_code=code
                )
            )
        db.session.commit()
    stakeholders = csv_rows(download(client, "stakeholders", "csv", "sector=civil_society"))
    assert list(stakeholders["constituencies"]) == [
        "children_youth;indigenous_peoples;older_persons"
    ]
    initiatives = csv_rows(download(client, "initiatives", "csv"))
    assert list(initiatives["partners"]) == ["1"]
    commitments = csv_rows(download(client, "commitments", "csv"))
    assert commitments["light"].iloc[0] == "on_track"
    assert commitments["stakeholder_name"].iloc[0] == "Nakuru Youth Network"


def test_only_public_rows_are_exported(client, make_stakeholder):
    from registry.models import Status

    make_stakeholder("Public Org")
    make_stakeholder("Draft Org", status=Status.DRAFT)
    frame = csv_rows(download(client, "stakeholders", "csv"))
    assert list(frame["name"]) == ["Public Org"]


# --- formulas -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_a_formula_in_a_cell_is_neutralised_in_csv(client, make_stakeholder, name):
    make_stakeholder(name)
    frame = csv_rows(download(client, "stakeholders", "csv"))
    assert frame["name"].iloc[0] == "'" + name


def test_a_formula_is_text_in_excel_and_exact_in_json(client, make_stakeholder):
    make_stakeholder("=1+1")
    book = openpyxl.load_workbook(io.BytesIO(download(client, "stakeholders", "xlsx")))
    cell = book.worksheets[0]["B2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    document = json.loads(download(client, "stakeholders", "json"))
    assert document["rows"][0]["name"] == "=1+1"


# --- no personal data -----------------------------------------------------------------------


def test_no_contact_or_account_appears_in_any_file(
    app, client, registry_rows, make_user, make_membership, tmp_path
):
    with app.app_context():
        for n, key in enumerate(("city", "bank")):
            db.session.add(
                Contact(
                    stakeholder_id=registry_rows[key].id,
                    name=f"Private Person {n}",
                    email=f"private{n}@contact.example",
                    phone=f"+254 700 00{n}",
                    consent_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
        db.session.commit()
    member = make_user(Role.COMMUNITY, email="secret.member@user.example", name="Secret Member")
    make_membership(member, registry_rows["city"])
    secrets_ = [
        "private0@contact.example",
        "private1@contact.example",
        "+254 700 00",
        "Private Person",
        "secret.member@user.example",
        "Secret Member",
        "@hq.example",  # the commitment's author
    ]
    files = {}
    for table in TABLES:
        for fmt in FORMATS:
            query = "view=past" if table == "engagements" else ""
            files[f"{table}.{fmt}"] = download(client, table, fmt, query)
    result = app.test_cli_runner().invoke(args=["export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for path in tmp_path.iterdir():
        files[path.name] = path.read_bytes()
    for name, body in files.items():
        if name.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(body))
            text = "\n".join(
                str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
            )
        else:
            text = body.decode()
        for secret in secrets_:
            assert secret not in text, (name, secret)


# --- statements and streaming -------------------------------------------------------------------


def test_an_export_runs_the_same_statements_for_few_rows_and_many(app, client, make_stakeholder):
    def statements() -> int:
        with count_queries(app) as found:
            for table in TABLES:
                for fmt in FORMATS:
                    query = "view=past" if table == "engagements" else ""
                    download(client, table, fmt, query)
        return len(found)

    make_stakeholder("First")
    few = statements()
    for n in range(30):
        make_stakeholder(f"Org {n}")
    assert statements() == few


@pytest.mark.postgres_only
def test_on_postgresql_the_rows_come_through_a_server_side_cursor(app, client, registry_rows):
    cursors = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "FROM stakeholder" in statement and "stakeholder.approved_at" in statement:
            cursors.append((type(cursor).__name__, context.execution_options.get("stream_results")))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        download(client, "stakeholders", "csv")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert cursors == [("ServerCursor", True)]


# --- two exports at once ------------------------------------------------------------------------


def test_the_same_export_twice_at_once_is_refused_with_a_429(client, registry_rows):
    first = client.get("/stakeholders/export.csv")  # streaming: its slot is held until closed
    assert first.status_code == 200
    second = client.get("/stakeholders/export.csv")
    assert second.status_code == 429
    assert second.headers["Retry-After"] == "10"
    assert "still being prepared" in second.get_data(as_text=True)
    assert "Set-Cookie" not in second.headers
    first.close()
    again = client.get("/stakeholders/export.csv")
    assert again.status_code == 200
    again.close()


def test_other_clients_still_download_until_the_registry_is_busy(app, client, registry_rows):
    app.config["EXPORTS_AT_ONCE"] = 2
    try:
        held = [
            client.get("/stakeholders/export.json", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
            for n in (1, 2)
        ]
        assert [r.status_code for r in held] == [200, 200]
        third = client.get("/stakeholders/export.json", environ_base={"REMOTE_ADDR": "10.0.0.3"})
        assert third.status_code == 429
        assert "as many downloads as it can" in third.get_data(as_text=True)
        for response in reversed(held):  # each holds its request's context: last in, first out
            response.close()
    finally:
        app.config["EXPORTS_AT_ONCE"] = 4


@pytest.fixture
def two_workers(app):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: CI requires it")
        pytest.skip(f"REDIS TEST SKIPPED: no Redis at {REDIS_URL}")
    store = redis.Redis.from_url(REDIS_URL)
    store.delete(*store.keys(f"{slots.PREFIX}:*") or ["none"])
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], EXPORT_SLOTS_URL=REDIS_URL)
    workers = create_app(config), create_app(config)
    yield workers
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()
    store.delete(*store.keys(f"{slots.PREFIX}:*") or ["none"])


def test_the_limit_holds_across_workers_through_redis(two_workers, registry_rows):
    first, second = two_workers
    held = first.test_client().get("/stakeholders/export.csv")
    assert held.status_code == 200
    refused = second.test_client().get("/stakeholders/export.csv")
    assert refused.status_code == 429
    held.get_data()  # read to the end: the slot is given back
    held.close()
    later = second.test_client().get("/stakeholders/export.csv")
    assert later.status_code == 200
    later.close()


def test_downloads_go_on_when_the_slots_store_is_down(app, registry_rows):
    config = test_config(
        app.config["SQLALCHEMY_DATABASE_URI"], EXPORT_SLOTS_URL="redis://127.0.0.1:1/0"
    )
    worker = create_app(config)
    try:
        frame = csv_rows(download(worker.test_client(), "stakeholders", "csv"))
    finally:
        with worker.app_context():
            db.engine.dispose()
    assert len(frame) == 2


# --- the list pages and /data -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "query", "link"),
    [
        ("/stakeholders/", "sector=business", "/stakeholders/export.csv?sector=business"),
        ("/initiatives/", "kind=programme", "/initiatives/export.json?kind=programme"),
        ("/engagements/", "view=past", "/engagements/export.xlsx?view=past"),
        ("/commitments/", "sort=newest", "/commitments/export.csv?sort=newest"),
    ],
)
def test_each_list_links_its_downloads_with_its_filters(client, registry_rows, page, query, link):
    html = client.get(f"{page}?{query}").get_data(as_text=True)
    assert f'href="{link}' in html.replace("&amp;", "&")
    fragment = client.get(f"{page}?{query}", headers={"HX-Request": "true"})
    assert link in fragment.get_data(as_text=True).replace("&amp;", "&")


def test_the_data_page_lists_every_column_and_the_licence(client):
    response = client.get("/data")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    for table in TABLES.values():
        for column in table.columns:
            assert f"<code>{column.name}</code>" in html, (table.name, column.name)
    assert LICENCE["path"] in html
    assert "flask export" in html


# --- flask export -------------------------------------------------------------------------------


def test_flask_export_writes_a_valid_frictionless_data_package(app, registry_rows, tmp_path):
    import frictionless

    result = app.test_cli_runner().invoke(args=["export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "stakeholders.csv: 2 rows" in result.output
    report = frictionless.validate(str(tmp_path / "out" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "out" / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["sources"]
    for resource in descriptor["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"]]
        assert fields == names(resource["name"])
        frame = csv_rows((tmp_path / "out" / resource["path"]).read_bytes())
        assert list(frame.columns) == fields
    # Every engagement, upcoming or past: the package has no filter.
    assert len(csv_rows((tmp_path / "out" / "engagements.csv").read_bytes())) == 1


def test_the_package_describes_every_table(app):
    with app.app_context():
        described = package.descriptor("2026-01-01T00:00:00Z")
    assert [r["name"] for r in described["resources"]] == list(TABLES)
