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
* **Excel** is written by ``registry/exports/xlsx.py``, our own streaming writer (openpyxl's
  write-only mode managed ~6k rows/s; issue 13 asks for 30k): each batch of rows goes as
  SpreadsheetML straight into the zip, so memory stays flat (the download still sends the
  file once the last row is written: views.py zips into a temporary file). A second sheet,
  "About", holds the licence, the export time, the source and the data dictionary. Text
  starting with ``=`` is stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import IO, Any

from registry.exports import xlsx
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


# --- Excel ---------------------------------------------------------------------------------

# Our own streaming writer (registry/exports/xlsx.py): openpyxl's write-only mode managed
# about 6k rows/s here, where issue 13 asks for 30k.
write_xlsx = xlsx.write_xlsx
