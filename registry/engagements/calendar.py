"""iCalendar files (RFC 5545): one per engagement, and a feed of the upcoming ones.

Each event keeps its own zone (``DTSTART;TZID=Africa/Nairobi``) with the zone's definition
(VTIMEZONE) in the file, so a calendar shows it at the right moment in any reader's zone and
across a daylight-saving change. The UID is stable, and SEQUENCE is the engagement's version,
so a calendar that subscribed updates the event instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import icalendar
from flask import current_app

from registry import countries
from registry.engagements import times
from registry.models import Engagement
from registry.models.engagements import as_utc

PRODID = "-//Whole-of-Society Registry//Engagements//EN"


def uid(engagement: Engagement) -> str:
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "registry.invalid"
    return f"engagement-{engagement.id}@{host}"


def _location(engagement: Engagement) -> str:
    parts = [engagement.venue, engagement.city, countries.name(engagement.country)]
    return ", ".join(part for part in parts if part) or (engagement.online_url or "")


def _event(engagement: Engagement, url: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid(engagement))
    event.add("dtstamp", as_utc(engagement.updated_at))
    event.add("sequence", engagement.version)
    event.add("summary", engagement.title)
    event.add("dtstart", times.local(engagement.start, engagement.time_zone))
    event.add("dtend", times.local(engagement.end, engagement.time_zone))
    event.add("url", url)
    event.add("status", "CANCELLED" if engagement.cancelled else "CONFIRMED")
    location = _location(engagement)
    if location:
        event.add("location", location)
    description = "\n\n".join(part for part in (engagement.summary, url) if part)
    event.add("description", description)
    return event


def calendar(
    engagements: Iterable[Engagement], url_of: Callable[[Engagement], str], name: str
) -> bytes:
    """An iCalendar file of ``engagements``; ``url_of`` gives each one's public address."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for engagement in engagements:
        cal.add_component(_event(engagement, url_of(engagement)))
    cal.add_missing_timezones()
    return cal.to_ical()
