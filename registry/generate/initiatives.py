"""Initiatives for ``generate registry``: each in 1-5 countries, aligned to 0-3 framework
items, with a heavy-tailed number of partners (most 2-8, one in ten 9-30, a few hundreds),
led by its lead partner; partnerships of approved stakeholders only, inside the initiative's
period, at most one open per stakeholder and initiative (as the services demand)."""

from __future__ import annotations

import random
from datetime import timedelta

from registry.generate.common import BATCH, FIRST_DAY, Run, at, columns, day, tables
from registry.generate.stakeholders import (
    _country_table,
    _draws,
    _name_and_acronym,
    _name_table,
    cities,
)
from registry.models import Initiative, InitiativeCountry, Partnership, initiative_alignment

INITIATIVE_KINDS = {
    "project": 35,
    "programme": 25,
    "campaign": 12,
    "coalition": 10,
    "knowledge_platform": 10,
    "policy_process": 8,
}
KIND_NOUN = {
    "project": "Project",
    "programme": "Programme",
    "campaign": "Campaign",
    "coalition": "Coalition",
    "knowledge_platform": "Platform",
    "policy_process": "Policy",
}
INITIATIVE_STATUSES = {"active": 55, "completed": 25, "planned": 10, "discontinued": 10}
INITIATIVE_COUNTRIES = {1: 70, 2: 20, 3: 6, 4: 3, 5: 1}
ALIGNED_ITEMS = {0: 10, 1: 40, 2: 30, 3: 20}
# Partners per initiative: (share, smallest, largest), drawn in that order.
PARTNER_TAIL = ((0.90, 2, 8), (0.09, 9, 30), (0.009, 31, 150), (0.001, 151, 500))
PARTNER_ROLES = {
    "implementing": 35,
    "participant": 35,
    "technical": 15,
    "funding": 10,
    "co_lead": 5,
}
PARTNER_BASES = {"informal": 40, "mou": 30, "agreement": 20, "letter": 10}
PARTNER_STATUSES = {"active": 84, "ended": 8, "proposed": 4, "declined": 2, "withdrawn": 2}

TABLES = tables(Initiative, InitiativeCountry, initiative_alignment, Partnership)
INITIATIVE_COLUMNS = columns(
    "id title kind status summary lead_stakeholder_id cities starts_on ends_on website "
    "is_demo created_at updated_at version"
)
PARTNERSHIP_COLUMNS = columns(
    "id initiative_id stakeholder_id role basis starts_on ends_on status message "
    "created_at updated_at version decided_at comment"
)


def partner_count(rng: random.Random) -> int:
    draw = rng.random()
    for share, low, high in PARTNER_TAIL:
        if draw < share:
            # Within a band, the smaller sizes are the commoner.
            return low + int((high - low + 1) * rng.random() ** 2)
        draw -= share
    return PARTNER_TAIL[0][1]


def make(run: Run, n: int, giant: int) -> None:
    """``n`` initiatives with their countries, alignment and partnerships; the first with
    ``giant`` partners if that is more than none."""
    rng, as_of = run.rng, run.as_of.toordinal()
    choice, rand, randint = rng.choice, rng.random, rng.randint
    ids, partnership_ids = run.ids["initiative"], run.ids["partnership"]
    run.initiatives = (ids.first, n)
    kinds, statuses = _draws(INITIATIVE_KINDS), _draws(INITIATIVE_STATUSES)
    country_counts, item_counts = _draws(INITIATIVE_COUNTRIES), _draws(ALIGNED_ITEMS)
    roles, bases = _draws(PARTNER_ROLES), _draws(PARTNER_BASES)
    partner_statuses, country_table = _draws(PARTNER_STATUSES), _country_table()
    lengths = _draws({1: 30, 2: 50, 3: 20})
    first = FIRST_DAY.toordinal()
    made = 0
    while made < n:
        initiatives, countries, alignment, partnerships = [], [], [], []
        for _ in range(min(BATCH, n - made)):
            initiative_id = ids.take()
            is_giant = made == 0 and giant > 0
            made += 1
            kind = "coalition" if is_giant else choice(kinds)
            status = "active" if is_giant else choice(statuses)
            if status == "planned":
                starts = as_of + randint(30, 365)
                ends = starts + randint(365, 5 * 365)
            else:
                starts = first + int((as_of - 60 - first) * rand() ** 0.6)
                if status in {"completed", "discontinued"}:
                    ends = min(starts + randint(180, 5 * 365), as_of - 1)
                    ends = max(ends, starts)
                else:
                    ends = as_of + randint(30, 1_500) if rand() < 0.5 else None
            codes: dict[str, None] = {}
            for _ in range(choice(country_counts)):
                code = choice(country_table)
                if code is not None:
                    codes[code] = None
            countries.extend((initiative_id, code) for code in sorted(codes))
            places = None
            if codes and rand() < 0.3:
                home = cities(next(iter(codes)))[1]
                places = ", ".join(dict.fromkeys(choice(home) for _ in range(randint(1, 3))))
            alignment.extend((initiative_id, item) for item in run.aligned(choice(item_counts)))
            size = giant if is_giant else partner_count(rng)
            partners = run.stakeholders(size)
            lead = partners[0] if partners else None
            words = _name_and_acronym(rng, _name_table(), lengths)[1]
            created = at(day(min(starts, as_of) - randint(1, 60)), 9)
            initiatives.append(
                (
                    initiative_id,
                    f"{words} {KIND_NOUN[kind]}",
                    kind,
                    status,
                    run.text(20, 60),
                    lead,
                    places,
                    day(starts),
                    day(ends) if ends else None,
                    f"https://{words.lower().replace(' ', '-')}.example.org"
                    if rand() < 0.4
                    else None,
                    True,
                    created,
                    created,
                    1,
                )
            )
            last = min(ends or as_of, as_of)
            for position, stakeholder_id in enumerate(partners):
                if position == 0:
                    role, state = "lead", "active"
                elif is_giant:
                    role, state = choice(roles), "ended" if position % 10 == 0 else "active"
                else:
                    role, state = choice(roles), choice(partner_statuses)
                    if starts > as_of and state in {"ended", "declined", "withdrawn"}:
                        state = "proposed"  # nothing has ended before the start
                p_starts = starts if position == 0 or last <= starts else randint(starts, last)
                p_ends = randint(p_starts, last) if state == "ended" else None
                joined = at(day(min(p_starts, as_of)), 10)
                decided = joined + timedelta(days=randint(1, 30)) if state == "declined" else None
                message = "We work in the same cities." if state == "proposed" else ""
                partnerships.append(
                    (
                        partnership_ids.take(),
                        initiative_id,
                        stakeholder_id,
                        role,
                        choice(bases),
                        day(p_starts),
                        day(p_ends) if p_ends else None,
                        state,
                        message,
                        joined,
                        joined,
                        1,
                        decided,
                        "",
                    )
                )
                if state == "active" and rand() < 0.25:
                    run.partner_pairs.append((stakeholder_id, initiative_id))
        run.write(Initiative.__table__, INITIATIVE_COLUMNS, initiatives)
        run.write(InitiativeCountry.__table__, ["initiative_id", "code"], countries)
        run.write(initiative_alignment, ["initiative_id", "item_id"], alignment)
        run.write(Partnership.__table__, PARTNERSHIP_COLUMNS, partnerships)
        run.made(len(initiatives))
