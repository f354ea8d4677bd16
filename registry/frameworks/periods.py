"""The period a planned step is for, written as people write it in a briefing ("2024",
"2024-25", "2024-2025" or with an en dash, "Q3 2024", "H1 2025", "April 2024") and read into
the first and last day it covers, so statuses can be sorted and chosen by date while the page
shows the words the officer wrote.

Anything else is refused with the forms that are understood: a period that a reader cannot
place in time is no plan.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MIN_YEAR, MAX_YEAR = 1945, 2100  # the UN's lifetime, and a plan's horizon
MAX_LENGTH = 40  # ImplementationStatus.period

_DASH = r"\s*[-\u2010-\u2015/]\s*"  # a hyphen, any Unicode dash or a slash: "2024-25"
_YEAR = re.compile(r"(\d{4})")
_RANGE = re.compile(rf"(\d{{4}}){_DASH}(\d{{2}}|\d{{4}})")
_QUARTER = re.compile(r"Q([1-4])\s*(\d{4})", re.I)
_HALF = re.compile(r"H([12])\s*(\d{4})", re.I)
# English names, whatever the server's locale ("April", "Apr", "Sept").
_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
_MONTHS = {
    **{name: n for n, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3]: n for n, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_MONTH = re.compile(r"([A-Za-z]+)\.?\s+(\d{4})")


@dataclass(frozen=True)
class Period:
    text: str  # as written, spaces tidied
    start: date
    end: date


class PeriodError(ValueError):
    """Not a period this module understands; the message says which forms it reads."""


def _year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"year out of range: {year}")
    return year


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def parse_period(value: str) -> Period:
    """The dates ``value`` covers; raises ``PeriodError`` when it is none of the forms."""
    text = " ".join((value or "").split())
    if not text or len(text) > MAX_LENGTH:
        raise PeriodError("empty or too long")
    if match := _YEAR.fullmatch(text):
        year = _year(match[1])
        return Period(text, date(year, 1, 1), date(year, 12, 31))
    if match := _RANGE.fullmatch(text):
        first = _year(match[1])
        second = match[2]
        # "2024-25": the second year shares the first's century; "2099-00" is 2100.
        last = _year(second) if len(second) == 4 else first - first % 100 + int(second)
        if len(second) == 2 and last < first:
            last += 100
        if last <= first or last > MAX_YEAR:
            raise PeriodError("the second year must come after the first")
        return Period(text, date(first, 1, 1), date(last, 12, 31))
    if match := _QUARTER.fullmatch(text):
        quarter, year = int(match[1]), _year(match[2])
        start, end = _months(year, 3 * quarter - 2, 3 * quarter)
        return Period(f"Q{quarter} {year}", start, end)
    if match := _HALF.fullmatch(text):
        half, year = int(match[1]), _year(match[2])
        start, end = _months(year, 6 * half - 5, 6 * half)
        return Period(f"H{half} {year}", start, end)
    if (match := _MONTH.fullmatch(text)) and match[1].lower() in _MONTHS:
        month, year = _MONTHS[match[1].lower()], _year(match[2])
        start, end = _months(year, month, month)
        return Period(text, start, end)
    raise PeriodError(f"not a period: {text!r}")
