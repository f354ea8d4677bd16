"""The Excel download: a streaming writer of our own for the few parts an .xlsx needs.

openpyxl's write-only workbook (what this module replaced) builds an object per cell and
serialises it through its cell writer (``lxml_write_cell``, ``_bind_value``): about 11 µs a
cell, so ~6k rows/s for the 13-column stakeholder list, where issue 13 asks for 30k at a
million rows. Here each column gets one small function, chosen once from its type, that turns
a value into its ``<c>`` element; a row is one string, a batch of rows one ``write`` into
the worksheet's part of the zip (``zipfile``, deflated at a low level: the XML is repetitive
and compresses well anyway). Memory holds one batch, whatever the number of rows; the zip
goes straight to ``out`` (seekable or not: ``zipfile`` then uses data descriptors; the
download gives it a temporary file, so the sizes go in the local headers). No part uses
Zip64, which Excel refuses where it is not needed; the price is that a sheet over 2 GiB
uncompressed (some 2 KB a row at Excel's 1,048,576 rows) would fail rather than be written.

The file holds what openpyxl's did: the rows on a first sheet named after the list (its
header now bold), then an "About" sheet (the licence, the export time, the source, then a
blank row and the data dictionary). Text is always an inline string
(``t="inlineStr"``): no cell is ever a formula (there is no ``<f>``), so text starting with
``=`` stays text and nothing is prefixed. Control characters a workbook cannot hold
(openpyxl's ``ILLEGAL_CHARACTERS_RE``, plus the non-characters XML forbids) are removed; a
carriage return is kept as ``&#13;``, as lxml wrote it. Numbers are numbers, booleans
``t="b"``, dates and times Excel serial numbers (UTC, openpyxl's arithmetic) with a
``yyyy-mm-dd`` or ``yyyy-mm-dd h:mm:ss`` format. Like openpyxl, it neither truncates text
at Excel's 32,767 characters a cell nor freezes the header or sets column widths.

openpyxl stays a dependency: the tests read every file back with it (and pandas), and bulk
import reads uploaded workbooks with it.
"""

from __future__ import annotations

import functools
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any
from xml.sax.saxutils import quoteattr

Cell = Callable[[Any, str], str]  # (value, row number) -> the cell's XML, "" for no cell

# Deflate's fastest. For the 94k-row stakeholder list, writer alone: level 1 gives 21 MB,
# level 3 19 MB in 1.3 times as long, zipfile's default (6) 18 MB in 2.5 times as long.
COMPRESSLEVEL = 1
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")

# Text that needs more than copying: XML's three specials, a carriage return (an XML reader
# would turn it into a line feed) and what XML 1.0 cannot hold at all.
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What ``str.strip`` would take off the ends: such text is marked xml:space="preserve".
_SPACES = frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# openpyxl's ILLEGAL_CHARACTERS_RE, and the surrogates and non-characters XML forbids.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Excel's day 0 (with its 1900 leap-year bug: openpyxl's WINDOWS_EPOCH and its arithmetic)
_EPOCH = datetime(1899, 12, 30)
_EPOCH_UTC = _EPOCH.replace(tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()

CELL_MAX = 32_767  # characters Excel holds in a cell; a longer text makes it offer a repair

# Styles (``cellXfs`` in styles.xml, by position)
_DATE, _MOMENT, _BOLD = 1, 2, 3


def escaped(text: str) -> str:
    """``text`` as XML element content: illegal characters removed, the specials escaped."""
    if _SPECIAL.search(text) is None:
        return text
    text = _ILLEGAL.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def serial(value: date) -> int:
    """A date as Excel's serial number, as openpyxl's ``to_excel``."""
    days = value.toordinal() - _EPOCH_ORDINAL
    return days - 1 if 0 < days <= 60 else days


def _number(value: Any) -> str | None:
    """A number's ``<v>``: an integer exactly, anything else as openpyxl wrote it (16
    significant digits); None for what a cell cannot hold (NaN, infinities)."""
    if value.__class__ is int:
        return str(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return "%.16g" % number if math.isfinite(number) else None  # noqa: UP031


def _as_text(value: Any) -> str:
    return value.value if isinstance(value, Enum) else str(value)


def _text_cell(letter: str, style: str = "") -> Cell:
    head = f'<c r="{letter}'
    tail = f'"{style} t="inlineStr"><is><t>'
    spaced = f'"{style} t="inlineStr"><is><t xml:space="preserve">'
    special = _SPECIAL.search

    def cell(value: Any, row: str) -> str:
        if value is None:
            return ""
        if value.__class__ is not str:  # an enum member, or a number in a text column
            value = _as_text(value)
        if len(value) > CELL_MAX:  # cut, and marked as cut; the CSV and JSON keep it whole
            value = value[: CELL_MAX - 1] + "…"
        if special(value) is not None:
            value = escaped(value)
        if not value:
            return ""  # an empty text is no cell, as openpyxl wrote it
        if value[0] in _SPACES or value[-1] in _SPACES:  # kept as it is, as openpyxl did
            return f"{head}{row}{spaced}{value}</t></is></c>"
        return f"{head}{row}{tail}{value}</t></is></c>"

    return cell


def _any_cell(letter: str) -> Cell:
    """A cell whose value's own type decides (openpyxl's rule): what a typed column falls
    back to for a value not of its type."""
    text = _text_cell(letter)
    day = _date_cell(letter)
    moment = _moment_cell(letter)
    boolean = _boolean_cell(letter)
    number = _number_cell(letter)

    def cell(value: Any, row: str) -> str:
        if isinstance(value, bool):
            return boolean(value, row)
        if isinstance(value, datetime):
            return moment(value, row)
        if isinstance(value, date):
            return day(value, row)
        if isinstance(value, NUMBERS):
            return number(value, row)
        return text(value, row)

    return cell


_by_type = functools.cache(_any_cell)  # a column's fallback, made when first needed
NUMBERS = (int, float, Decimal)


def _number_cell(letter: str) -> Cell:
    head = f'<c r="{letter}'

    def cell(value: Any, row: str) -> str:
        if value is None:
            return ""
        if value.__class__ is int:
            return f'{head}{row}"><v>{value}</v></c>'
        if not isinstance(value, NUMBERS):
            return _by_type(letter)(value, row)
        number = _number(value)
        return "" if number is None else f'{head}{row}"><v>{number}</v></c>'

    return cell


def _boolean_cell(letter: str) -> Cell:
    head = f'<c r="{letter}'
    true = '" t="b"><v>1</v></c>'
    false = '" t="b"><v>0</v></c>'

    def cell(value: Any, row: str) -> str:
        if value is None:
            return ""
        return f"{head}{row}{true if value else false}"

    return cell


def _date_cell(letter: str) -> Cell:
    head = f'<c r="{letter}'
    tail = f'" s="{_DATE}"><v>'

    def cell(value: Any, row: str) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime) or not isinstance(value, date):
            # As openpyxl: the value's type picks the format (a datetime keeps its time).
            return _by_type(letter)(value, row)
        return f"{head}{row}{tail}{serial(value)}</v></c>"

    return cell


def _moment_cell(letter: str) -> Cell:
    head = f'<c r="{letter}'
    tail = f'" s="{_MOMENT}"><v>'

    def cell(value: Any, row: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, datetime):
            return _by_type(letter)(value, row)
        # Excel has no time zones: UTC. openpyxl's arithmetic, on the difference.
        since = value - (_EPOCH if value.tzinfo is None else _EPOCH_UTC)
        days = since.days
        if 0 < days <= 60:
            days -= 1
        number = days + (since.seconds + since.microseconds / 10**6) / 86400
        return f"{head}{row}{tail}{number:.16g}</v></c>"

    return cell


CELLS: dict[str, Callable[[str], Cell]] = {
    "string": _text_cell,
    "integer": _number_cell,
    "number": _number_cell,
    "boolean": _boolean_cell,
    "date": _date_cell,
    "datetime": _moment_cell,
}


def letter(index: int) -> str:
    """A column's letters: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row_xml(cells: Sequence[Cell], values: Sequence[Any], number: int) -> str:
    """A short row (the About sheet's) leaves its last cells empty."""
    row = str(number)
    return (
        f'<row r="{row}">'
        + "".join([c(v, row) for c, v in zip(cells, values, strict=False)])
        + "</row>"
    )


# --- the parts ----------------------------------------------------------------------------

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

SHEET_HEAD = f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f"{_DECLARATION}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{overrides}</Types>"
    )


_ROOT_RELS = (
    f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_APP = (
    f"{_DECLARATION}"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel Compatible / Whole-of-Society Registry</Application>"
    "</Properties>"
)

_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
_XF = 'fontId="0" fillId="0" borderId="0" xfId="0"'
_STYLES = (
    f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    f'<xf numFmtId="0" {_XF}/>'  # 0: plain
    f'<xf numFmtId="164" {_XF} applyNumberFormat="1"/>'  # 1: _DATE
    f'<xf numFmtId="165" {_XF} applyNumberFormat="1"/>'  # 2: _MOMENT
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # 3: _BOLD
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _core(title: str, created: str) -> str:
    return (
        f"{_DECLARATION}"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escaped(title)}</dc:title>"
        "<dc:creator>Whole-of-Society Registry</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook(names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(escaped(name))} sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">{links}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def sheet_name(title: str) -> str:
    """A name Excel accepts for a sheet: none of ``\\ * ? : / [ ]``, at most 31 characters."""
    name = SHEET_NAME_FORBIDDEN.sub(" ", _ILLEGAL.sub("", title)).strip("' ")[:SHEET_NAME_MAX]
    return name or "Data"


def write_xlsx(
    out: IO[bytes] | str,
    columns: Sequence[Any],
    batches: Iterable[Sequence[Sequence[Any]]],
    about: Sequence[tuple[str, Any]],
    dictionary: Sequence[tuple[str, str, str]],
    title: str,
) -> None:
    """The workbook into ``out``: the rows (a bold header, then a row per value row), then
    an "About" sheet (licence, time, source, the columns' meanings)."""
    names = [sheet_name(title), "About"]
    if names[0] == names[1]:
        names[0] = f"{names[0]} (rows)"
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(
        out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL
    ) as book:
        book.writestr("[Content_Types].xml", _content_types(len(names)))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("docProps/core.xml", _core(str(title), created))
        book.writestr("docProps/app.xml", _APP)
        book.writestr("xl/workbook.xml", _workbook(names))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_HEAD.encode())
            header = [_text_cell(letter(i), f' s="{_BOLD}"') for i in range(len(columns))]
            sheet.write(_row_xml(header, [c.name for c in columns], 1).encode())
            cells = [CELLS[c.type](letter(i)) for i, c in enumerate(columns)]
            number = 1
            for batch in batches:
                rows = []
                for values in batch:
                    number += 1
                    row = str(number)
                    rows.append(
                        f'<row r="{row}">'
                        + "".join([cell(v, row) for cell, v in zip(cells, values, strict=True)])
                        + "</row>"
                    )
                # Text from the database has no lone surrogate; "replace" is a last resort.
                sheet.write("".join(rows).encode("utf-8", "replace"))
            sheet.write(SHEET_TAIL.encode())
        book.writestr("xl/worksheets/sheet2.xml", _about_sheet(about, dictionary))


def _about_sheet(
    about: Sequence[tuple[str, Any]], dictionary: Sequence[tuple[str, str, str]]
) -> str:
    any_cells = [_any_cell(letter(i)) for i in range(3)]
    rows = [(label, value) for label, value in about]
    rows.append(())
    header = len(rows) + 1
    rows.append(("column", "type", "description"))
    rows.extend(dictionary)
    bold = [_text_cell(letter(i), f' s="{_BOLD}"') for i in range(3)]
    xml = [
        _row_xml(bold if n == header else any_cells, values, n)
        for n, values in enumerate(rows, start=1)
    ]
    return SHEET_HEAD + "".join(xml) + SHEET_TAIL
