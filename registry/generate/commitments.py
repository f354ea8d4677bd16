"""Commitments for ``generate registry``: 90% approved, by approved stakeholders, one in four
within an initiative its stakeholder is an active partner of, one in ten announced at an
engagement it took part in; 1-4 deliverables due inside the commitment's period, 1-2
resources, 1-3 aligned items, and (approved ones) 0-3 progress reports dated between
publication and ``as_of``, with the deliverable updates they carry.

The derived columns (each deliverable's achieved value and done date, the commitment's
progress, completion, next due date and last activity) are what
``registry.commitments.progress.refresh`` computes from those rows, and each approved
commitment is given a light first (``LIGHTS``), its last activity then drawn inside that
light's range: on track, overdue, inactive and completed all occur, some with no report at
all, and open ones with a deliverable past its due date ("slipped")."""

from __future__ import annotations

import random

from registry.generate.common import BATCH, FIRST_DAY, Run, at, columns, day, tables
from registry.generate.stakeholders import _draws
from registry.models import (
    Commitment,
    Deliverable,
    DeliverableUpdate,
    ProgressReport,
    Resource,
    commitment_alignment,
)

COMMITMENT_STATUSES = {
    "approved": 90,
    "submitted": 3,
    "draft": 3,
    "archived": 2,
    "changes_requested": 1,
    "rejected": 0.5,
    "withdrawn": 0.5,
}
# The light an approved commitment is given (ranges of its last activity against ``as_of``).
LIGHTS = {"on_track": 45, "inactive": 20, "overdue": 20, "completed": 15}
REPORTS = {0: 25, 1: 35, 2: 25, 3: 15}  # progress reports of an approved, open commitment
DELIVERABLES = {1: 35, 2: 35, 3: 20, 4: 10}
COMMITMENT_ITEMS = {1: 60, 2: 30, 3: 10}
VERBS = "Train Build Deliver Map Retrofit Plant Connect Publish Support Upgrade Restore Open"
OBJECTS = {  # what a commitment delivers, and its deliverables' unit
    "plans": "plans",
    "homes": "homes",
    "cities": "cities",
    "officers": "people",
    "schools": "schools",
    "markets": "markets",
    "households": "households",
    "hectares": "hectares",
    "kilometres": "km",
    "neighbourhoods": "neighbourhoods",
}
RESOURCE_KINDS = {"financial": 50, "in_kind": 20, "staff": 20, "technical": 10}
CURRENCIES = {"USD": 50, "EUR": 20, "KES": 20, "GBP": 5, "BRL": 5}


# In the order they are written (ids taken in this order too).
TABLES = tables(
    Commitment, Deliverable, Resource, commitment_alignment, ProgressReport, DeliverableUpdate
)
COMMITMENT_COLUMNS = columns(
    "id stakeholder_id initiative_id engagement_id title description starts_on ends_on status "
    "approved_at last_activity_on completed_on next_due_on progress deliverable_count "
    "is_demo created_at updated_at version"
)
DELIVERABLE_COLUMNS = columns(
    "id commitment_id position title indicator baseline target unit due_on achieved done_on"
)
RESOURCE_COLUMNS = columns("id commitment_id position kind amount currency description")
REPORT_COLUMNS = columns(
    "id commitment_id reported_on covers_from covers_to narrative evidence_url verification "
    "verified_at hidden_reason created_at"
)
UPDATE_COLUMNS = columns("id report_id deliverable_id achieved done_on")


def _last_activity(rng: random.Random, light: str, as_of: int) -> int:
    """A last activity giving ``light`` on ``as_of`` (a few days clear of each boundary, so
    that the light holds for a week)."""
    first = FIRST_DAY.toordinal()
    if light == "on_track":
        return as_of - rng.randint(0, 355)
    if light == "overdue":
        return as_of - rng.randint(372, 723)
    if light == "inactive":
        return rng.randint(first + 60, as_of - 738)
    return rng.randint(first + 60, as_of)  # completed: any day


def make(run: Run, n: int) -> None:
    """``n`` commitments with their deliverables, resources, alignment, progress reports and
    deliverable updates."""
    rng, as_of = run.rng, run.as_of.toordinal()
    choice, rand, randint, uniform = rng.choice, rng.random, rng.randint, rng.uniform
    ids, deliverable_ids, resource_ids, report_ids, update_ids = (
        run.ids[table.name] for table in TABLES if "id" in table.c
    )
    statuses, lights, report_counts = _draws(COMMITMENT_STATUSES), _draws(LIGHTS), _draws(REPORTS)
    deliverable_counts, item_counts = _draws(DELIVERABLES), _draws(COMMITMENT_ITEMS)
    resource_kinds, currencies = _draws(RESOURCE_KINDS), _draws(CURRENCIES)
    verbs, objects = VERBS.split(), list(OBJECTS)
    first = FIRST_DAY.toordinal()
    partner_pairs, participant_pairs = run.partner_pairs, run.participant_pairs
    made = 0
    while made < n:
        commitments, deliverables, resources, alignment, reports, updates = [], [], [], [], [], []
        for _ in range(min(BATCH, n - made)):
            commitment_id = ids.take()
            made += 1
            initiative_id = engagement_id = None
            draw = rand()
            if draw < 0.25 and partner_pairs:
                stakeholder_id, initiative_id = choice(partner_pairs)
            elif draw < 0.35 and participant_pairs:
                stakeholder_id, engagement_id = choice(participant_pairs)
            else:
                stakeholder_id = run.approved[rng.randrange(len(run.approved))]
            status = choice(statuses)
            light = choice(lights) if status == "approved" else None
            # Published on ``published``; last heard of on ``last`` (a report, or publication).
            if light is None:
                published = last = as_of - randint(10, 3 * 365)
                count = 0
            else:
                last = _last_activity(rng, light, as_of)
                count = choice(report_counts)
                if light == "completed":
                    count = max(count, 1)
                published = last if count == 0 else max(first, last - randint(30, 4 * 365))
            starts = published - randint(0, 60)
            ends = max(starts + randint(365, 6 * 365), last + 30)
            obj = choice(objects)
            target = float(randint(2, 200) * 5)
            dones: list[int | None] = []
            report_days = sorted(randint(published, last) for _ in range(count - 1))
            if count:
                report_days.append(last)
            # The deliverables, then what each report says of them.
            own = []
            for position in range(choice(deliverable_counts)):
                due = randint(starts, ends)
                baseline = 0.0 if rand() < 0.6 else float(randint(1, 20))
                goal = round(baseline + target * uniform(0.2, 1.0))
                own.append([deliverable_ids.take(), position, due, baseline, goal, None, None])
            for index, reported in enumerate(report_days):
                report_id = report_ids.take()
                final = index == count - 1
                for row in own:
                    deliverable_id, position, _due, baseline, goal, achieved, done = row
                    if final and light == "completed":
                        row[5], row[6] = goal, done or reported
                    elif done is None and rand() < 0.6:
                        share = (index + 1) / (count + 1) * uniform(0.5, 1.0)
                        row[5] = round(baseline + (goal - baseline) * share, 1)
                        if position > 0 and rand() < 0.15:  # the first stays open
                            row[5], row[6] = goal, reported
                    else:
                        continue
                    done_on = day(row[6]) if row[6] else None
                    updates.append((update_ids.take(), report_id, deliverable_id, row[5], done_on))
                evidence = rand() < 0.3
                verified = evidence and rand() < 0.3
                reports.append(
                    (
                        report_id,
                        commitment_id,
                        day(reported),
                        day(max(published, reported - randint(90, 365))),
                        day(reported),
                        run.text(15, 40),
                        f"https://evidence.example.org/{commitment_id}/{report_id}"
                        if evidence
                        else None,
                        "verified" if verified else "evidence" if evidence else "self_reported",
                        at(day(reported + 7)) if verified else None,
                        "",
                        at(day(reported), 15),
                    )
                )
            shares = []
            for row in own:
                deliverable_id, position, due, baseline, goal, achieved, done = row
                dones.append(done)
                if done is not None:
                    shares.append(1.0)
                elif achieved is None:
                    shares.append(0.0)
                else:
                    shares.append(max(0.0, min(1.0, (achieved - baseline) / (goal - baseline))))
                deliverables.append(
                    (
                        deliverable_id,
                        commitment_id,
                        position,
                        f"{obj.capitalize()} {('reached', 'delivered', 'in use')[position % 3]}",
                        f"number of {obj}",
                        baseline,
                        float(goal),
                        OBJECTS[obj],
                        day(due),
                        achieved,
                        day(done) if done else None,
                    )
                )
            open_dues = [row[2] for row in own if row[6] is None]
            completed = max(dones) if all(dones) else None
            approved = status in {"approved", "archived"}
            created = at(day(starts - randint(1, 30)), 8)
            commitments.append(
                (
                    commitment_id,
                    stakeholder_id,
                    initiative_id,
                    engagement_id,
                    f"{choice(verbs)} {int(target)} {run.words(randint(1, 2))} {obj}",
                    run.text(20, 60),
                    day(starts),
                    day(ends),
                    status,
                    at(day(published)) if approved else None,
                    day(last) if status == "approved" else None,
                    day(completed) if completed else None,
                    day(min(open_dues)) if open_dues else None,
                    round(100 * sum(shares) / len(shares)),
                    len(own),
                    True,
                    created,
                    at(day(last), 16) if status == "approved" else created,
                    1,
                )
            )
            for position in range(1 if rand() < 0.8 else 2):
                kind = choice(resource_kinds)
                money = kind == "financial"
                resources.append(
                    (
                        resource_ids.take(),
                        commitment_id,
                        position,
                        kind,
                        float(randint(1, 500) * 1_000) if money else None,
                        choice(currencies) if money else None,
                        None if money else f"{run.words(1)} {kind.replace('_', ' ')} support",
                    )
                )
            alignment.extend((commitment_id, item) for item in run.aligned(choice(item_counts)))
        run.write(Commitment.__table__, COMMITMENT_COLUMNS, commitments)
        run.write(Deliverable.__table__, DELIVERABLE_COLUMNS, deliverables)
        run.write(Resource.__table__, RESOURCE_COLUMNS, resources)
        run.write(commitment_alignment, ["commitment_id", "item_id"], alignment)
        run.write(ProgressReport.__table__, REPORT_COLUMNS, reports)
        run.write(DeliverableUpdate.__table__, UPDATE_COLUMNS, updates)
        run.made(len(commitments))
