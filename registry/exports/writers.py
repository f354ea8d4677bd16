"""The three file formats, each written batch by batch so memory stays flat.

* **CSV** is a clean table (RFC 4180, UTF-8 without a byte-order mark, a header line and
  nothing else), so pandas, R, csvkit and ``frictionless`` read it as it is; its licence and
  export time travel beside it (the file name, ``Link: rel="license"`` and ``Last-Modified``
  headers, the /data page, ``datapackage.json``), not in a preamble every reader would have
  to be told to skip. People who open files in Excel are offered the Excel file, which does
  not guess the encoding. A text cell that a spreadsheet would run as a formula (one starting
  with ``= + - @``, a tab or a carriage return) is neutralised by a leading ``'``, as OWASP
  advises; the /data page says so.
* **JSON** is one document, ``{"title", "licence", "exported_at", "source", "columns",
  "rows": [{…}, …]}``, streamed row by row: any JSON parser reads it whole, and the licence
  and time are in it. (NDJSON would stream to readers too, but has no place for them.)
* **Excel** is openpyxl's write-only workbook: rows go to a temporary file as they come and
  the workbook is zipped at the end, so memory stays flat but the first byte is sent only
  once the last row is written. A second sheet, "About", holds the licence, the export time,
  the source and the data dictionary. Text starting with ``=`` is stored as text, never as a
  formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from registry.exports.columns import Column

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Batch = Sequence[Sequence[Any]]


def timestamp(moment: datetime) -> str:
    """A moment as Table Schema's default datetime: ``2026-12-06T07:05:00Z`` (UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")[:19] + "Z"  # the offset, if any, is +00:00


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.value if isinstance(value, Enum) else str(value)


def _day(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _moment(value: Any) -> str | None:
    return timestamp(value) if isinstance(value, datetime) else value


def _boolean(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _same(value: Any) -> Any:
    return value


PLAIN = {
    "string": _text,
    "date": _day,
    "datetime": _moment,
    "boolean": _boolean,
    "integer": _same,
    "number": _same,
}


# --- CSV --------------------------------------------------------------------------------------


def neutralised(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if value.__class__ is not str:  # an enum member, or a number in a text column
        value = _text(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_boolean(value: Any) -> str:
    return "" if value is None else ("true" if value else "false")


CSV_CELLS = {**PLAIN, "string": _csv_text, "boolean": _csv_boolean}


def csv_chunks(columns: Sequence[Column], batches: Iterable[Batch]) -> Iterator[bytes]:
    """The header, then one chunk of bytes per batch of rows."""
    cells = [CSV_CELLS[c.type] for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    yield buffer.getvalue().encode()
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[cell(v) for cell, v in zip(cells, row, strict=True)] for row in batch])
        yield buffer.getvalue().encode()


def write_csv(out: IO[bytes], columns: Sequence[Column], batches: Iterable[Batch]) -> int:
    """The whole CSV into ``out`` (``flask export``); returns the rows written."""
    rows = 0

    def counted() -> Iterator[Batch]:
        nonlocal rows
        for batch in batches:
            rows += len(batch)
            yield batch

    for chunk in csv_chunks(columns, counted()):
        out.write(chunk)
    return rows


# --- JSON -------------------------------------------------------------------------------------


def json_chunks(
    columns: Sequence[Column], batches: Iterable[Batch], about: Mapping[str, Any]
) -> Iterator[bytes]:
    """One JSON document: what the file is, then its rows as objects, a batch per chunk."""
    head = json.dumps({**about, "columns": [c.name for c in columns]}, ensure_ascii=False)
    yield (head[:-1] + ', "rows": [').encode()
    names = [c.name for c in columns]
    cells = [PLAIN[c.type] for c in columns]
    first = True
    for batch in batches:
        if not batch:
            continue
        text = ",\n".join(
            json.dumps(
                {n: cell(v) for n, cell, v in zip(names, cells, row, strict=True)},
                ensure_ascii=False,
            )
            for row in batch
        )
        yield (("\n" if first else ",\n") + text).encode()
        first = False
    yield b"\n]}\n"


# --- Excel ------------------------------------------------------------------------------------


def _xlsx_text(value: Any) -> Any:
    text = _text(value)
    if text is None:
        return None
    if ILLEGAL_CHARACTERS_RE.search(text):  # control characters a workbook cannot hold
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text


def _xlsx_moment(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones: UTC
    return value


XLSX_CELLS = {**PLAIN, "string": _xlsx_text, "date": _same, "datetime": _xlsx_moment}


def write_xlsx(
    out: IO[bytes] | str,
    columns: Sequence[Column],
    batches: Iterable[Batch],
    about: Sequence[tuple[str, Any]],
    dictionary: Sequence[tuple[str, str, str]],
    title: str,
) -> None:
    """A write-only workbook: the rows, then an "About" sheet (licence, time, source, the
    columns' meanings)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([c.name for c in columns])
    cells = [XLSX_CELLS[c.type] for c in columns]
    texts = [i for i, c in enumerate(columns) if c.type == "string"]
    for batch in batches:
        for row in batch:
            values = [cell(v) for cell, v in zip(cells, row, strict=True)]
            for i in texts:
                if values[i] is not None and values[i].startswith("="):
                    values[i] = _as_text(sheet, values[i])
            sheet.append(values)
    info = book.create_sheet("About")
    for label, value in about:
        info.append([label, _as_text(info, value)])
    info.append([])
    info.append(["column", "type", "description"])
    for row in dictionary:
        info.append(list(row))
    book.save(out)


def _as_text(sheet: Any, value: Any) -> Any:
    """A text starting with ``=`` as a text cell: openpyxl would otherwise store a formula."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value
