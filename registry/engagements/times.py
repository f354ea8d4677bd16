"""Time zones for engagements: IANA names checked against the zone database (the ``tzdata``
package, so every machine has the same one), local times turned into UTC and back, and an
event's time written as people read it: "31 October 2020, 12:45-14:45 EAT".
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import format_date
from flask_babel import gettext as _

# Zone names kept only for old data or POSIX rules; a form offers the region/city names.
_LEGACY = re.compile(r"^(Etc/|SystemV/|US/|Canada/|Mexico/|Brazil/|Chile/)|^[A-Z0-9+-]+$")
NUMERIC_NAME = re.compile(r"^([+-])(\d{2})(\d{2})?$")  # "+03", "-0330": a zone with no letters


@cache
def zone_names() -> frozenset[str]:
    """Every zone name the database knows (including "UTC" and the legacy aliases)."""
    return frozenset(available_timezones())


@cache
def offered_names() -> tuple[str, ...]:
    """The names a person picks from, in order: "Africa/Nairobi", "Europe/Paris", "UTC"."""
    return tuple(sorted(n for n in zone_names() if not _LEGACY.search(n) or n == "UTC"))


@cache
def _by_folded() -> dict[str, str]:
    return {name.casefold(): name for name in zone_names()}


def canonical(name: str | None) -> str | None:
    """The zone's name as the database spells it ("africa/nairobi" is "Africa/Nairobi"), or
    None when no zone has this name."""
    name = (name or "").strip().replace(" ", "_")
    if name in zone_names():
        return name
    return _by_folded().get(name.casefold())


def closest(name: str | None) -> str | None:
    """The valid zone name nearest to a misspelt one ("Africa/Nairob" → "Africa/Nairobi")."""
    folded = (name or "").strip().replace(" ", "_").casefold()[:64]
    if not folded:
        return None
    names = _by_folded()
    found = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.6)
    if not found:
        # Only the city typed ("nairobi"): the zone whose last part it is.
        found = [f for f in names if f.rsplit("/", 1)[-1] == folded]
    return names[found[0]] if found else None


class NoSuchTime(ValueError):
    """A local time the clocks skip (the hour lost when daylight saving starts)."""


def to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The instant of local ``day`` at ``at`` in ``zone_name``, in UTC. A time the clocks
    skip that day raises ``NoSuchTime``; an hour they repeat is taken the first time."""
    zone = ZoneInfo(zone_name)
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NoSuchTime(zone_name)
    return instant


def local(instant: datetime, zone_name: str) -> datetime:
    """A stored UTC instant in the event's own zone."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(ZoneInfo(zone_name))


def abbreviation(moment: datetime) -> str:
    """The zone's abbreviation at ``moment`` ("EAT", "CEST"); where the database has only a
    number ("+03"), the offset as "UTC+3"."""
    name = moment.tzname() or ""
    match = NUMERIC_NAME.match(name)
    if not match:
        return name
    sign, hours, minutes = match.groups()
    text = f"UTC{sign}{int(hours)}"
    if minutes and minutes != "00":
        text += f":{minutes}"
    return text


def _day(moment: datetime) -> str:
    return format_date(moment.date(), "d MMMM y")


def span(start: datetime, end: datetime, zone_name: str) -> str:
    """The event's time in its own zone: "31 October 2020, 12:45-14:45 EAT" on one day,
    "28 March 2026, 09:00 CET - 30 March 2026, 17:00 CEST" across days (the zone said once
    when it is the same at both ends)."""
    first, last = local(start, zone_name), local(end, zone_name)
    if first.date() == last.date():
        if abbreviation(first) == abbreviation(last):
            return _(
                "%(day)s, %(start)s\u2013%(end)s %(zone)s",
                day=_day(first),
                start=f"{first:%H:%M}",
                end=f"{last:%H:%M}",
                zone=abbreviation(last),
            )
        return _(
            "%(day)s, %(start)s %(start_zone)s \u2013 %(end)s %(end_zone)s",
            day=_day(first),
            start=f"{first:%H:%M}",
            start_zone=abbreviation(first),
            end=f"{last:%H:%M}",
            end_zone=abbreviation(last),
        )
    if abbreviation(first) == abbreviation(last):
        return _(
            "%(start_day)s, %(start)s \u2013 %(end_day)s, %(end)s %(zone)s",
            start_day=_day(first),
            start=f"{first:%H:%M}",
            end_day=_day(last),
            end=f"{last:%H:%M}",
            zone=abbreviation(last),
        )
    return _(
        "%(start_day)s, %(start)s %(start_zone)s \u2013 %(end_day)s, %(end)s %(end_zone)s",
        start_day=_day(first),
        start=f"{first:%H:%M}",
        start_zone=abbreviation(first),
        end_day=_day(last),
        end=f"{last:%H:%M}",
        end_zone=abbreviation(last),
    )


def utc_span(start: datetime, end: datetime) -> str:
    """The same time in UTC: what the reader's-zone line says before the script rewrites it."""
    return span(start, end, "UTC")


def iso_z(instant: datetime) -> str:
    """An instant as ISO 8601 in UTC with "Z" (a ``<time datetime>`` the script reads)."""
    return local(instant, "UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(instant: datetime, zone_name: str) -> str:
    """An instant as ISO 8601 with the event's UTC offset ("2020-10-31T12:45:00+03:00")."""
    return local(instant, zone_name).isoformat(timespec="seconds")


def when(engagement) -> dict[str, str]:
    """An engagement's time for its templates: in its own zone, and the reader's-zone line
    as it starts out (UTC) before the script rewrites it."""
    start, end = engagement.start, engagement.end
    return {
        "local": span(start, end, engagement.time_zone),
        "utc": utc_span(start, end),
        "start_z": iso_z(start),
        "end_z": iso_z(end),
    }
