"""Engagements for ``generate registry``: half past, the rest within the year ahead, in the
local time of their place; each with an organizer, 0-2 co-hosts, 0-3 speakers and 0-6
participants (approved stakeholders, each once), 0-4 outcomes once over, 0-2 aligned items,
and one in seven serving an initiative."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from registry.generate.common import BATCH, FIRST_DAY, Run, at, columns, day, tables
from registry.generate.stakeholders import _draws, cities
from registry.models import (
    Engagement,
    EngagementOutcome,
    EngagementParticipant,
    engagement_alignment,
)
from registry.models.engagements import engagement_initiative

ENGAGEMENT_KINDS = {
    "workshop": 25,
    "webinar": 20,
    "consultation": 15,
    "roundtable": 15,
    "conference": 10,
    "forum": 10,
    "field_visit": 5,
}
ENGAGEMENT_NOUN = {
    "workshop": "Workshop",
    "webinar": "Webinar",
    "consultation": "Consultation",
    "roundtable": "Roundtable",
    "conference": "Conference",
    "forum": "Forum",
    "field_visit": "Field visit",
}
ENGAGEMENT_DAYS = {  # how long each kind lasts: (smallest, largest) in days, 0 = hours
    "workshop": (0, 2),
    "webinar": (0, 0),
    "consultation": (0, 1),
    "roundtable": (0, 0),
    "conference": (1, 3),
    "forum": (1, 2),
    "field_visit": (0, 4),
}
# Where engagements happen, with the zone their local times are in; the host country of the
# stakeholders' generator first.
ENGAGEMENT_PLACES = {
    ("KE", "Africa/Nairobi"): 40,
    ("NG", "Africa/Lagos"): 5,
    ("ZA", "Africa/Johannesburg"): 4,
    ("EG", "Africa/Cairo"): 3,
    ("ET", "Africa/Addis_Ababa"): 3,
    ("IN", "Asia/Kolkata"): 5,
    ("ID", "Asia/Jakarta"): 3,
    ("PH", "Asia/Manila"): 3,
    ("JP", "Asia/Tokyo"): 2,
    ("AE", "Asia/Dubai"): 2,
    ("BR", "America/Sao_Paulo"): 4,
    ("MX", "America/Mexico_City"): 3,
    ("CO", "America/Bogota"): 3,
    ("EC", "America/Guayaquil"): 2,
    ("US", "America/New_York"): 4,
    ("GB", "Europe/London"): 3,
    ("FR", "Europe/Paris"): 3,
    ("DE", "Europe/Berlin"): 3,
    ("ES", "Europe/Madrid"): 2,
    ("PL", "Europe/Warsaw"): 2,
    ("AU", "Australia/Sydney"): 1,
}
OUTCOME_KINDS = {"decision": 30, "follow_up_action": 30, "lesson_learned": 20, "success_story": 20}

TABLES = tables(
    Engagement,
    EngagementParticipant,
    EngagementOutcome,
    engagement_alignment,
    engagement_initiative,
)
ENGAGEMENT_COLUMNS = columns(
    "id title kind summary start_utc end_utc time_zone year venue city country online_url "
    "attendance_people attendance_countries attendance_organizations cancelled is_demo "
    "created_at updated_at version"
)
PARTICIPANT_COLUMNS = columns("id engagement_id stakeholder_id role created_at")
OUTCOME_COLUMNS = columns("id engagement_id kind text position created_at")


def make(run: Run, n: int) -> None:
    """``n`` engagements with their participants, outcomes, alignment and initiatives."""
    rng, as_of = run.rng, run.as_of.toordinal()
    choice, rand, randint = rng.choice, rng.random, rng.randint
    ids = run.ids["engagement"]
    participant_ids, outcome_ids = run.ids["engagement_participant"], run.ids["engagement_outcome"]
    kinds, places, outcome_kinds = (
        _draws(ENGAGEMENT_KINDS),
        _draws(ENGAGEMENT_PLACES),
        _draws(OUTCOME_KINDS),
    )
    zones = {zone: ZoneInfo(zone) for _country, zone in ENGAGEMENT_PLACES}
    first = FIRST_DAY.toordinal()
    first_initiative, initiatives = run.initiatives
    made = 0
    while made < n:
        engagements, participants, outcomes, alignment, served = [], [], [], [], []
        for _ in range(min(BATCH, n - made)):
            engagement_id = ids.take()
            made += 1
            kind = choice(kinds)
            country, zone_name = choice(places)
            # Half are past, the rest within the year ahead; more of them lately.
            if rand() < 0.5:
                on = first + int((as_of - first) * rand() ** 0.5)
            else:
                on = as_of + randint(0, 365)
            local = datetime.combine(day(on), time(14 if kind == "webinar" else 9))
            start = local.replace(tzinfo=zones[zone_name]).astimezone(UTC)
            low, high = ENGAGEMENT_DAYS[kind]
            length = timedelta(days=randint(low, high), hours=2 if high == 0 else 8)
            end = start + length
            over = end.date().toordinal() < as_of
            city = choice(cities(country)[1])
            created = at(day(min(on - randint(14, 90), as_of)), 8)
            people = randint(12, 400) if over and rand() < 0.6 else None
            engagements.append(
                (
                    engagement_id,
                    f"{ENGAGEMENT_NOUN[kind]} on {run.words(randint(1, 3))}",
                    kind,
                    run.text(20, 60),
                    start,
                    end,
                    zone_name,
                    local.year,
                    f"{run.words(1)} Hall" if kind != "webinar" else None,
                    city if kind != "webinar" else None,
                    country,
                    f"https://meet.example.org/{engagement_id}" if kind == "webinar" else None,
                    people,
                    randint(1, 25) if people else None,
                    randint(3, 120) if people else None,
                    rand() < 0.02,
                    True,
                    created,
                    created,
                    1,
                )
            )
            roles = (
                ["organizer"]
                + ["co_host"] * randint(0, 2)
                + ["speaker"] * randint(0, 3)
                + ["participant"] * randint(0, 6)
            )
            for role, stakeholder_id in zip(roles, run.stakeholders(len(roles)), strict=False):
                participants.append(
                    (participant_ids.take(), engagement_id, stakeholder_id, role, created)
                )
                if rand() < 0.25:
                    run.participant_pairs.append((stakeholder_id, engagement_id))
            if over:
                for position in range(randint(0, 4)):
                    outcomes.append(
                        (
                            outcome_ids.take(),
                            engagement_id,
                            choice(outcome_kinds),
                            run.text(10, 25),
                            position,
                            end + timedelta(days=randint(1, 20)),
                        )
                    )
            alignment.extend((engagement_id, item) for item in run.aligned(randint(0, 2)))
            if initiatives and rand() < 1 / 7:
                served.append((engagement_id, first_initiative + rng.randrange(initiatives)))
        run.write(Engagement.__table__, ENGAGEMENT_COLUMNS, engagements)
        run.write(EngagementParticipant.__table__, PARTICIPANT_COLUMNS, participants)
        run.write(EngagementOutcome.__table__, OUTCOME_COLUMNS, outcomes)
        run.write(engagement_alignment, ["engagement_id", "item_id"], alignment)
        run.write(engagement_initiative, ["engagement_id", "initiative_id"], served)
        run.made(len(engagements))
