"""The Excel writer of our own (registry/exports/xlsx.py): openpyxl, in full and read-only
mode, and pandas read its files back with the right types; text is never a formula; what XML
cannot hold is removed and what it escapes comes back; an empty export is still a workbook;
the rows go into the zip as they come."""

from __future__ import annotations

import enum
import io
import random
import string
import struct
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.datetime import to_excel

from registry.exports import xlsx
from registry.exports.columns import Column
from registry.exports.slots import reset_local
from registry.exports.writers import write_xlsx

COLUMNS = (
    Column("id", "integer", "The number.", None),
    Column("name", "string", "The name.", None),
    Column("starts_on", "date", "A day.", None),
    Column("approved_at", "datetime", "A moment.", None),
    Column("cancelled", "boolean", "Yes or no.", None),
    Column("share", "number", "A fraction.", None),
)
ABOUT = [
    ("title", "Whole-of-Society Registry: Test"),
    ("licence_url", "https://creativecommons.org/licenses/by/4.0/"),
    ("exported_at", "2026-12-06T07:05:00Z"),
    ("source", "http://registry.test/stakeholders/?q=a&b=<c>"),
]
DICTIONARY = [(c.name, c.type, c.description) for c in COLUMNS]


class Scale(enum.StrEnum):
    LOCAL = "local"


def written(rows, batches=None, columns=COLUMNS, title="Stakeholders") -> bytes:
    out = io.BytesIO()
    write_xlsx(out, columns, [rows] if batches is None else batches, ABOUT, DICTIONARY, title)
    return out.getvalue()


def both_modes(body: bytes):
    """The workbook as openpyxl reads it in full mode and in read-only mode."""
    full = openpyxl.load_workbook(io.BytesIO(body))
    fast = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return full, fast


def values(sheet) -> list[tuple]:
    """The sheet's rows, each as wide as the widest (read-only mode, which has no
    ``<dimension>`` to go by, ends a row at its last cell; full mode pads it)."""
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    width = max(len(row) for row in rows)
    return [row + (None,) * (width - len(row)) for row in rows]


ROWS = [
    [
        1,
        "Nakuru Youth Network",
        date(2020, 1, 2),
        datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC),
        True,
        0.25,
    ],
    [
        2,
        "Kenya Urban Bank",
        date(1900, 2, 1),  # before Excel's phantom 29 February 1900
        datetime(2021, 3, 4, 8, 6, 7, tzinfo=timezone(timedelta(hours=3))),  # 05:06:07 UTC
        False,
        3,
    ],
    [3, None, None, None, None, None],
]


def test_openpyxl_reads_the_types_back_in_full_and_read_only_mode():
    body = written(ROWS)
    for book in both_modes(body):
        assert book.sheetnames == ["Stakeholders", "About"]
        rows = values(book["Stakeholders"])
        assert rows[0] == tuple(c.name for c in COLUMNS)
        assert rows[1] == (
            1,
            "Nakuru Youth Network",
            datetime(2020, 1, 2),
            datetime(2021, 3, 4, 5, 6, 7),
            True,
            0.25,
        )
        assert rows[2] == (
            2,
            "Kenya Urban Bank",
            datetime(1900, 2, 1),
            datetime(2021, 3, 4, 5, 6, 7),  # Excel has no time zones: UTC
            False,
            3,
        )
        assert rows[3] == (3, None, None, None, None, None)
    full, _ = both_modes(body)
    sheet = full["Stakeholders"]
    assert [sheet[f"{c}2"].data_type for c in "ABCDEF"] == ["n", "s", "d", "d", "b", "n"]
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].number_format == "yyyy-mm-dd h:mm:ss"
    assert sheet["A1"].font.b  # a bold header
    assert not sheet["A2"].font.b


def test_pandas_reads_dates_as_dates_numbers_as_numbers_and_booleans():
    frame = pd.read_excel(io.BytesIO(written(ROWS[:2])))
    assert list(frame.columns) == [c.name for c in COLUMNS]
    assert str(frame["id"].dtype) == "int64"
    assert str(frame["share"].dtype) == "float64"
    assert str(frame["starts_on"].dtype).startswith("datetime64")
    assert str(frame["approved_at"].dtype).startswith("datetime64")
    assert str(frame["cancelled"].dtype) == "bool"
    assert list(frame["cancelled"]) == [True, False]
    assert frame["starts_on"][0] == pd.Timestamp(2020, 1, 2)
    assert frame["approved_at"][1] == pd.Timestamp(2021, 3, 4, 5, 6, 7)


@pytest.mark.parametrize(
    ("moment", "naive"),
    [
        (date(1900, 1, 1), None),
        (date(1900, 2, 28), None),
        (date(1900, 3, 1), None),
        (date(2026, 12, 6), None),
        (datetime(1900, 2, 28, 23, 59, 59), None),
        (datetime(2026, 12, 6, 7, 5, 0, 123456), None),
        (
            datetime(2026, 12, 6, 7, 5, 0, 123456, tzinfo=UTC),
            datetime(2026, 12, 6, 7, 5, 0, 123456),
        ),
        (
            datetime(2026, 12, 6, 2, 5, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2026, 12, 6, 7, 5),
        ),
    ],
)
def test_serial_numbers_are_what_openpyxl_wrote(moment, naive):
    kind = "datetime" if isinstance(moment, datetime) else "date"
    cell = xlsx.CELLS[kind]("C")(moment, "2")
    assert f"<v>{'%.16g' % to_excel(naive or moment)}</v>" in cell  # noqa: UP031


@pytest.mark.parametrize(
    "formula",
    ['=HYPERLINK("http://evil.example","click")', "=1+1", "+1+1", "-2+3", "@SUM(A1)", "\t=1"],
)
def test_a_formula_stays_a_text_cell(formula):
    body = written([[1, formula, None, None, None, None]])
    full, fast = both_modes(body)
    assert full["Stakeholders"]["B2"].data_type == "s"
    assert full["Stakeholders"]["B2"].value == formula  # as it was written: no "'" prefix
    assert values(fast["Stakeholders"])[1][1] == formula
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")


def test_control_characters_are_removed_and_line_breaks_kept():
    name = "a\x00b\x01c\x08d\x0be\x0cf\x1fg\ufffeh\ud800i\tj\nk\r\nl"
    body = written([[1, name, None, None, None, None]])
    for book in both_modes(body):
        assert values(book["Stakeholders"])[1][1] == "abcdefghi\tj\nk\r\nl"


def test_only_control_characters_is_no_cell():
    body = written([[1, "\x01\x02", None, None, None, None], [2, "", None, None, None, None]])
    for book in both_modes(body):
        assert [row[1] for row in values(book["Stakeholders"])[1:]] == [None, None]


def test_a_text_longer_than_an_excel_cell_is_cut_and_marked():
    long = "x" * (xlsx.CELL_MAX + 10)
    body = written(
        [[1, long, None, None, None, None], [2, "y" * xlsx.CELL_MAX, None, None, None, None]]
    )
    for book in both_modes(body):
        rows = values(book["Stakeholders"])
        assert rows[1][1] == "x" * (xlsx.CELL_MAX - 1) + "…"
        assert rows[2][1] == "y" * xlsx.CELL_MAX  # exactly the limit: whole


def test_xml_special_characters_round_trip():
    tricky = "Tom & Jerry <b>bold</b> \"quoted\" 'single' ]]> &amp; &#13; \u00e9\u4e2d\U0001f600"
    about = " leading and trailing spaces "
    body = written([[1, tricky, None, None, None, None], [2, about, None, None, None, None]])
    for book in both_modes(body):
        rows = values(book["Stakeholders"])
        assert rows[1][1] == tricky
        assert rows[2][1] == about
        facts = {row[0]: row[1] for row in values(book["About"]) if row[0]}
        assert facts["source"] == "http://registry.test/stakeholders/?q=a&b=<c>"


def test_the_spaces_that_ask_for_xml_space_preserve_are_what_strip_takes_off():
    assert {chr(c) for c in range(0x110000) if chr(c).isspace()} == xlsx._SPACES


def test_a_sheet_name_excel_refuses_is_made_acceptable():
    body = written(ROWS, title="Who/what? [all]: a very long title indeed, longer than 31")
    for book in both_modes(body):
        name = book.sheetnames[0]
        assert len(name) <= 31
        assert not set(name) & set("\\*?:/[]")
        assert book.sheetnames[1] == "About"


def test_enum_members_and_numbers_in_a_text_column_are_their_text():
    body = written([[1, Scale.LOCAL, None, None, None, None], [2, 42, None, None, None, None]])
    for book in both_modes(body):
        assert [row[1] for row in values(book["Stakeholders"])[1:]] == ["local", "42"]


def test_an_empty_export_is_a_valid_workbook_with_its_header_and_about_sheet():
    for batches in ([], [[]]):
        body = written(None, batches=batches)
        archive = zipfile.ZipFile(io.BytesIO(body))
        assert archive.testzip() is None
        for book in both_modes(body):
            assert values(book["Stakeholders"]) == [tuple(c.name for c in COLUMNS)]
            about = values(book["About"])
            assert about[len(ABOUT)] == (None, None, None)  # the blank row
            assert about[len(ABOUT) + 1] == ("column", "type", "description")
        frame = pd.read_excel(io.BytesIO(body))
        assert (list(frame.columns), len(frame)) == ([c.name for c in COLUMNS], 0)


def test_the_about_sheet_holds_the_licence_time_source_and_dictionary():
    for book in both_modes(written(ROWS)):
        about = values(book["About"])
        assert [row[:2] for row in about[: len(ABOUT)]] == ABOUT
        assert about[len(ABOUT)] == (None, None, None)
        assert about[len(ABOUT) + 1 :] == [("column", "type", "description"), *DICTIONARY]


def test_the_zip_holds_the_parts_excel_needs():
    archive = zipfile.ZipFile(io.BytesIO(written(ROWS)))
    assert archive.testzip() is None
    assert set(archive.namelist()) == {
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    }
    body = written(ROWS)
    archive = zipfile.ZipFile(io.BytesIO(body))
    for info in archive.infolist():
        assert info.compress_type == zipfile.ZIP_DEFLATED
        # No Zip64 extra field in the local header (Excel can refuse one it does not need).
        head = body[info.header_offset : info.header_offset + 30]
        assert head[:4] == b"PK\x03\x04"
        version, extra = struct.unpack("<H", head[4:6])[0], struct.unpack("<H", head[28:30])[0]
        assert (version, extra) == (20, 0), info.filename
    props = openpyxl.load_workbook(io.BytesIO(written(ROWS))).properties
    assert props.title == "Stakeholders"


class Unseekable(io.RawIOBase):
    """A response body: bytes go out and cannot be taken back."""

    def __init__(self) -> None:
        self.sent = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sent += data
        return len(data)


def test_an_unseekable_stream_gets_a_readable_workbook():
    out = Unseekable()
    write_xlsx(out, COLUMNS, [ROWS], ABOUT, DICTIONARY, "Stakeholders")
    for book in both_modes(bytes(out.sent)):
        assert values(book["Stakeholders"])[1][1] == "Nakuru Youth Network"


def test_rows_are_written_into_the_file_as_the_batches_come():
    rng = random.Random(0)
    out = io.BytesIO()
    sizes = []

    def batches():
        for start in range(0, 20_000, 1_000):
            sizes.append(out.tell())
            yield [
                [n, "".join(rng.choices(string.ascii_letters, k=40)), None, None, n % 2, None]
                for n in range(start, start + 1_000)
            ]

    write_xlsx(out, COLUMNS, batches(), ABOUT, DICTIONARY, "Stakeholders")
    assert sizes[-1] > sizes[1] > 0  # the file grew while rows were still to come
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    rows = values(book["Stakeholders"])
    assert len(rows) == 20_001
    assert rows[-1][0] == 19_999


def test_the_stakeholder_download_reads_back_in_both_modes(client, make_stakeholder):
    reset_local()
    make_stakeholder('=HYPERLINK("http://evil.example")', country="KE")
    make_stakeholder("Tom & Jerry <Ltd>\x07", country="KE")
    response = client.get("/stakeholders/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    body = response.get_data()
    response.close()
    for book in both_modes(body):
        rows = values(book.worksheets[0])
        by_name = {row[1]: row for row in rows[1:]}
        assert set(by_name) == {'=HYPERLINK("http://evil.example")', "Tom & Jerry <Ltd>"}
        row = by_name["Tom & Jerry <Ltd>"]
        assert isinstance(row[0], int)
        assert isinstance(row[rows[0].index("approved_at")], datetime)
    full, _ = both_modes(body)
    assert full.worksheets[0]["B2"].data_type == "s"
