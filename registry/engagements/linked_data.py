"""schema.org linked data (JSON-LD) for calendars and search engines: an ``Event`` for each
engagement, an ``Organization`` for each public stakeholder.

Plain dicts; the templates write them with ``|tojson`` inside ``<script
type="application/ld+json">``, which browsers never execute (the CSP allows it) and which
escapes ``<``, ``>`` and ``&`` so no value can close the element.
"""

from __future__ import annotations

from typing import Any

from registry import countries
from registry.engagements import times
from registry.models import Engagement, Stakeholder
from registry.models.engagements import ORGANIZING, ParticipantRole

SCHEMA = "https://schema.org"


def _organization(stakeholder: Stakeholder, url: str) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "Organization", "name": stakeholder.name, "url": url}
    if stakeholder.acronym:
        found["alternateName"] = stakeholder.acronym
    return found


def event(engagement: Engagement, url: str, stakeholder_url) -> dict[str, Any]:
    """The engagement as a schema.org ``Event``: start and end with the event's UTC offset,
    its place and/or online location, organizers and supporters.
    ``stakeholder_url(id)`` gives a stakeholder's public address."""
    zone = engagement.time_zone
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": engagement.title,
        "url": url,
        "startDate": times.iso_local(engagement.start, zone),
        "endDate": times.iso_local(engagement.end, zone),
        "eventStatus": f"{SCHEMA}/EventCancelled"
        if engagement.cancelled
        else f"{SCHEMA}/EventScheduled",
    }
    if engagement.summary:
        data["description"] = engagement.summary
    locations: list[dict[str, Any]] = []
    if engagement.venue or engagement.city or engagement.country:
        address: dict[str, Any] = {"@type": "PostalAddress"}
        if engagement.city:
            address["addressLocality"] = engagement.city
        if engagement.country:
            address["addressCountry"] = engagement.country
        name = engagement.venue or ", ".join(
            part for part in (engagement.city, countries.name(engagement.country)) if part
        )
        locations.append({"@type": "Place", "name": name, "address": address})
    if engagement.online_url:
        locations.append({"@type": "VirtualLocation", "url": engagement.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    mode = "Mixed" if len(locations) == 2 else ("Online" if engagement.online_url else "Offline")
    data["eventAttendanceMode"] = f"{SCHEMA}/{mode}EventAttendanceMode"
    organizers = [
        _organization(p.stakeholder, stakeholder_url(p.stakeholder_id))
        for p in engagement.participants
        if p.role in ORGANIZING
    ]
    if organizers:
        data["organizer"] = organizers
    sponsors = [
        _organization(p.stakeholder, stakeholder_url(p.stakeholder_id))
        for p in engagement.participants
        if p.role == ParticipantRole.SUPPORTER
    ]
    if sponsors:
        data["sponsor"] = sponsors
    if engagement.series is not None:
        data["superEvent"] = {"@type": "EventSeries", "name": engagement.series.title}
    return data


def organization(stakeholder: Stakeholder, url: str, website: str | None) -> dict[str, Any]:
    """A public stakeholder as a schema.org ``Organization``."""
    data: dict[str, Any] = {"@context": SCHEMA, **_organization(stakeholder, url)}
    if website:
        data["sameAs"] = website
    if stakeholder.description:
        data["description"] = stakeholder.description
    if stakeholder.org_identifier:
        data["identifier"] = stakeholder.org_identifier
    if stakeholder.city or stakeholder.country:
        address: dict[str, Any] = {"@type": "PostalAddress"}
        if stakeholder.city:
            address["addressLocality"] = stakeholder.city
        if stakeholder.country:
            address["addressCountry"] = stakeholder.country
        data["address"] = address
    return data
