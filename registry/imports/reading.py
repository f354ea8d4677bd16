"""Reading an uploaded CSV or XLSX file into a header and rows of text, or saying plainly why not.

CSV: UTF-8 with or without a byte-order mark; a file that is not UTF-8 is read as Windows-1252
(the Latin-1 that spreadsheet programs on Windows write), and the notice says so, so an officer
who sees "Ã©" knows where it came from. Any line endings (CRLF, LF, CR). The delimiter is the
one of comma, semicolon or tab the header line uses most (a spreadsheet in a French or German
locale saves with semicolons); ``csv.Sniffer`` guessed wrongly on one-column files.

XLSX: openpyxl in read-only mode, the first sheet. A formula is read as its text (never its
value, never evaluated): it is stored and shown as typed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from registry.commit import Refused

MAX_BYTES = 1024 * 1024  # under the app's MAX_CONTENT_LENGTH, so this message is the one seen
MAX_ROWS = 5000
DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"


class Unreadable(Refused):
    """A file the import cannot use as it stands: 400 (or 413 when too large) and why."""

    status = 400


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # every row as many cells as the header, as text
    encoding: str  # "utf-8", "utf-8 (with a byte-order mark)", "windows-1252", "xlsx"
    notices: list[str] = field(default_factory=list)


def read(filename: str, data: bytes) -> Table:
    """The file's header and rows, or ``Unreadable`` with a message for the officer."""
    max_bytes, max_rows = MAX_BYTES, MAX_ROWS
    if not data:
        raise Unreadable(_("The file is empty. Choose a CSV or Excel file with a header row."))
    if len(data) > max_bytes:
        raise Unreadable(
            _(
                "The file is %(size)s KB: the largest the import accepts is %(max)s KB. "
                "Split it into smaller files and import each.",
                size=f"{len(data) // 1024:,}",
                max=f"{max_bytes // 1024:,}",
            ),
            status=413,
        )
    name = (filename or "").lower()
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable(
            _("This is an old Excel file (.xls). Save it as .xlsx or as CSV, then import it.")
        )
    table = _xlsx(data) if name.endswith(".xlsx") or data.startswith(ZIP_MAGIC) else _csv(data)
    table.rows = [row for row in table.rows if any(cell.strip() for cell in row)]
    if not table.header or not any(table.header):
        raise Unreadable(_("The file has no header row: its first line must name the columns."))
    if len(table.rows) > max_rows:
        raise Unreadable(
            _(
                "The file has %(n)s rows: the import takes at most %(max)s at a time. "
                "Split it into smaller files and import each.",
                n=f"{len(table.rows):,}",
                max=f"{max_rows:,}",
            ),
            status=413,
        )
    if not table.rows:
        raise Unreadable(_("The file has a header row but no rows under it."))
    width = len(table.header)
    table.rows = [(row + [""] * width)[:width] for row in table.rows]
    return table


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8 (with a byte-order mark)", []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(
            _("The file is in UTF-16. Save it as “CSV UTF-8” (or as .xlsx), then import it.")
        )
    try:
        text, encoding = data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:  # five bytes cp1252 leaves undefined: plain Latin-1 has them
        text, encoding = data.decode("latin-1"), "latin-1"
    notice = _(
        "The file is not UTF-8, so it was read as %(encoding)s (Western European). Check that "
        "accented letters below look right; if not, save the file as “CSV UTF-8” and upload it "
        "again.",
        encoding="Windows-1252" if encoding == "windows-1252" else "Latin-1",
    )
    return text, encoding, [notice]


def _csv(data: bytes) -> Table:
    text, encoding, notices = _decode(data)
    if "\x00" in text:
        raise Unreadable(
            _("The file has NUL characters: it is not a text file. Choose a CSV or .xlsx file.")
        )
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = max(DELIMITERS, key=lambda d: (first.count(d), d == ","))
    try:
        # newline="": the csv module itself reads CRLF, LF and CR, and line breaks in quotes.
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise Unreadable(
            _("The file could not be read as CSV (%(problem)s). Check its quotes.", problem=exc)
        ) from exc
    if not rows:
        raise Unreadable(_("The file is empty. Choose a CSV or Excel file with a header row."))
    return Table(header=rows[0], rows=rows[1:], encoding=encoding, notices=notices)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula comes as its text ("=SUM(A1:A3)"), never its cached value.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Unreadable(
            _("The file is not a readable Excel (.xlsx) file. Save it again as .xlsx or CSV.")
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # a damaged sheet: the reader's many errors, one message
        raise Unreadable(
            _("The file is not a readable Excel (.xlsx) file. Save it again as .xlsx or CSV.")
        ) from exc
    finally:
        book.close()
    if not rows:
        raise Unreadable(_("The first sheet is empty. Put the header row on the first line."))
    header = rows[0]
    while header and not header[-1]:
        header = header[:-1]
    return Table(header=header, rows=rows[1:], encoding="xlsx")
