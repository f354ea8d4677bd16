"""The New Urban Agenda (General Assembly resolution 71/256, adopted in Quito in 2016) as a
framework whose items are its sections.

The Agenda is 175 numbered paragraphs under a fixed outline; work is aligned to a section
("Planning and managing urban spatial development") far more often than to one paragraph,
so the sections are the items and each names the paragraphs it spans. The outline is part of
the adopted text and does not change, so it is kept here as data rather than read from a file;
``import_nua`` is idempotent like the SDG import (items matched by code).
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.frameworks.services import items_by_code, upsert_framework, upsert_item

NUA_CODE = "NUA"
NUA_TITLE = "New Urban Agenda (A/RES/71/256)"
NUA_YEAR = 2016
NUA_DESCRIPTION = (
    "Adopted at the United Nations Conference on Housing and Sustainable Urban Development "
    "(Habitat III) in Quito on 20 October 2016 and endorsed by the General Assembly in "
    "resolution 71/256 of 23 December 2016."
)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    first: int  # the first and last paragraph the section spans
    last: int
    parent: str | None = None


SECTIONS: tuple[Section, ...] = (
    Section("I", "Quito Declaration on Sustainable Cities and Human Settlements for All", 1, 22),
    Section("I.1", "Our shared vision", 11, 13, "I"),
    Section("I.2", "Our principles and commitments", 14, 17, "I"),
    Section("I.3", "Call for action", 18, 22, "I"),
    Section("II", "Quito Implementation Plan for the New Urban Agenda", 23, 175),
    Section("II.A", "Transformative commitments for sustainable urban development", 24, 80, "II"),
    Section(
        "II.A.1",
        "Sustainable urban development for social inclusion and ending poverty",
        25,
        42,
        "II.A",
    ),
    Section(
        "II.A.2",
        "Sustainable and inclusive urban prosperity and opportunities for all",
        43,
        62,
        "II.A",
    ),
    Section(
        "II.A.3", "Environmentally sustainable and resilient urban development", 63, 80, "II.A"
    ),
    Section("II.B", "Effective implementation", 81, 160, "II"),
    Section(
        "II.B.1",
        "Building the urban governance structure: establishing a supportive framework",
        85,
        92,
        "II.B",
    ),
    Section("II.B.2", "Planning and managing urban spatial development", 93, 125, "II.B"),
    Section("II.B.3", "Means of implementation", 126, 160, "II.B"),
    Section("II.C", "Follow-up and review", 161, 175, "II"),
)


def span(section: Section) -> str:
    """ "paragraphs 25-42" (with an en dash), the short title that says where to read."""
    return f"paragraphs {section.first}\N{EN DASH}{section.last}"


def import_nua() -> str:
    """Write the New Urban Agenda and its sections; a second run changes nothing. The
    caller commits. Returns a one-line summary."""
    framework = upsert_framework(NUA_CODE, "agenda", NUA_TITLE, NUA_YEAR)
    framework.description = NUA_DESCRIPTION
    existing = items_by_code(framework)
    outcomes = []
    for position, section in enumerate(SECTIONS, start=1):  # parents come first
        fields = {
            "kind": "section",
            "position": position,
            "title": section.title,
            "short_title": span(section),
            "parent_id": existing[section.parent].id if section.parent else None,
        }
        outcomes.append(upsert_item(existing, framework, section.code, fields)[1])
    return (
        f"New Urban Agenda: {len(SECTIONS)} sections ({outcomes.count('added')} added, "
        f"{outcomes.count('updated')} updated)."
    )
