"""The synthetic registry generators behind ``flask generate stakeholders N`` and
``flask generate registry N``."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import delete, func, select, text

from registry.commitments import progress
from registry.commitments.progress import Light
from registry.engagements import times
from registry.extensions import db
from registry.generate import (
    COLUMNS,
    CONSTITUENCY_WEIGHTS,
    DOMINANT_COUNTRY,
    SECTOR_WEIGHTS,
    GenerateRefused,
    cities,
    generate_registry,
    generate_stakeholders,
    vocabulary,
)
from registry.models import (
    Commitment,
    Engagement,
    EngagementParticipant,
    FrameworkItem,
    Initiative,
    Partnership,
    PartnershipStatus,
    Stakeholder,
    Status,
    commitment_alignment,
)
from registry.models.stakeholders import stakeholder_constituency
from registry.taxonomy import CONSTITUENCY_CODES, SECTOR_CODES

N = 200


def _rows() -> list[tuple]:
    """Every stakeholder's generated columns (the id left out), in id order."""
    columns = [Stakeholder.__table__.c[name] for name in COLUMNS if name != "id"]
    return [tuple(row) for row in db.session.execute(select(*columns).order_by(Stakeholder.id))]


def _links() -> list[tuple[int, str]]:
    link = stakeholder_constituency
    stmt = select(link.c.stakeholder_id, link.c.constituency_code).order_by(
        link.c.stakeholder_id, link.c.constituency_code
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def _empty() -> None:
    db.session.execute(delete(stakeholder_constituency))
    db.session.execute(delete(Stakeholder))
    db.session.commit()


@pytest.fixture
def generated(app_ctx) -> list[tuple]:
    assert generate_stakeholders(N, seed=1) == N
    db.session.commit()
    return _rows()


def test_adds_n_rows_with_taxonomy_codes(generated):
    assert len(generated) == N
    by_name = dict(zip(COLUMNS[1:], zip(*generated, strict=True), strict=True))
    assert set(by_name["sector_code"]) <= SECTOR_CODES
    assert len(set(by_name["sector_code"])) >= 8  # spread, not one sector
    assert all(by_name["is_demo"])
    assert set(by_name["version"]) == {1}


def test_mostly_approved_with_a_few_other_statuses(generated):
    statuses = Counter(db.session.scalars(select(Stakeholder.status)))
    assert statuses[Status.APPROVED] >= 0.85 * N
    assert len(statuses) >= 2
    approved = db.session.scalars(select(Stakeholder).where(Stakeholder.status == Status.APPROVED))
    assert all(s.approved_at is not None for s in approved)
    pending = db.session.scalars(select(Stakeholder).where(Stakeholder.status == Status.SUBMITTED))
    assert all(s.approved_at is None for s in pending)


def test_approval_dates_spread_over_years(generated):
    years = {s.approved_at.year for s in db.session.scalars(select(Stakeholder)) if s.approved_at}
    assert len(years) >= 5


def test_zero_to_three_constituencies_each(generated):
    per_stakeholder = Counter(stakeholder_id for stakeholder_id, _code in _links())
    assert {code for _id, code in _links()} <= CONSTITUENCY_CODES
    assert max(per_stakeholder.values()) <= 3
    assert 0 < len(per_stakeholder) < N  # some speak for none


def test_constituencies_load_through_the_model(generated):
    stakeholders = db.session.scalars(select(Stakeholder)).all()
    assert any(s.constituencies for s in stakeholders)


def test_names_unique_enough_and_of_two_to_five_words(generated):
    names = [s.name for s in db.session.scalars(select(Stakeholder))]
    assert len(set(names)) >= 0.95 * N
    assert {len(name.split()) for name in names} <= {2, 3, 4, 5}


def test_one_country_holds_about_forty_percent(generated):
    countries = Counter(db.session.scalars(select(Stakeholder.country)))
    assert 0.3 * N <= countries[DOMINANT_COUNTRY] <= 0.5 * N
    assert countries.most_common(1)[0][0] == DOMINANT_COUNTRY
    kenya_cities = set(cities(DOMINANT_COUNTRY)[0])
    found = db.session.scalars(
        select(Stakeholder.city).where(
            Stakeholder.country == DOMINANT_COUNTRY, Stakeholder.city.is_not(None)
        )
    )
    assert set(found) <= kenya_cities


def test_descriptions_of_twenty_to_sixty_words(generated):
    lengths = {len(s.description.split()) for s in db.session.scalars(select(Stakeholder))}
    assert min(lengths) >= 20
    assert max(lengths) <= 60


def _relative_links() -> list[tuple[int, str]]:
    """The constituency links with ids counted from the run's first row."""
    first = db.session.scalar(select(func.min(Stakeholder.id)))
    return [(stakeholder_id - first, code) for stakeholder_id, code in _links()]


def test_same_seed_same_rows(app_ctx):
    generate_stakeholders(N, seed=5)
    db.session.commit()
    first, first_links = _rows(), _relative_links()
    _empty()
    generate_stakeholders(N, seed=5)
    db.session.commit()
    assert _rows() == first
    assert _relative_links() == first_links


def test_another_seed_other_rows(app_ctx):
    generate_stakeholders(50, seed=1)
    db.session.commit()
    first = _rows()
    _empty()
    generate_stakeholders(50, seed=2)
    db.session.commit()
    assert _rows() != first


def test_ids_follow_existing_rows_and_later_inserts_still_work(app, app_ctx, make_stakeholder):
    existing = make_stakeholder(name="Existing Organization")
    generate_stakeholders(20, seed=3)
    db.session.commit()
    ids = db.session.scalars(select(Stakeholder.id).where(Stakeholder.is_demo)).all()
    assert min(ids) > existing.id
    assert db.session.scalar(select(func.count()).select_from(Stakeholder)) == 21
    # PostgreSQL's id sequence was moved past the generated rows: the app inserts again.
    later = make_stakeholder(name="Registered Afterwards")
    assert later.id > max(ids)


def test_weights_cover_the_whole_taxonomy():
    assert set(SECTOR_WEIGHTS) == SECTOR_CODES
    assert set(CONSTITUENCY_WEIGHTS) == CONSTITUENCY_CODES


def test_vocabulary_is_stable_and_common_words_first():
    words = vocabulary()
    assert len(words) == len(set(words)) == 5_000
    assert words[0] == "community"
    assert vocabulary() is words


def test_refused_in_production(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRY_ENV", "production")
    with pytest.raises(GenerateRefused):
        generate_stakeholders(10)
    assert db.session.scalar(select(func.count()).select_from(Stakeholder)) == 0


def test_cli_generates_and_commits(app):
    result = app.test_cli_runner().invoke(args=["generate", "stakeholders", "30", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "Generated 30 synthetic stakeholders" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stakeholder)) == 30


def test_cli_refused_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRY_ENV", "production")
    result = app.test_cli_runner().invoke(args=["generate", "stakeholders", "5"])
    assert result.exit_code != 0
    assert "production" in result.output


def test_stored_sort_keys_and_maintained_counts_are_right(generated):
    from registry import countries, counts
    from registry.stakeholders.queries import LISTING
    from registry.taxonomy import SECTOR_RANKS

    rows = db.session.execute(
        select(
            Stakeholder.country,
            Stakeholder.country_rank,
            Stakeholder.sector_code,
            Stakeholder.sector_rank,
        )
    ).all()
    assert all(rank == countries.rank(country) for country, rank, _s, _r in rows)
    assert all(rank == SECTOR_RANKS[sector] for _c, _cr, sector, rank in rows)
    assert counts.stored(LISTING) == counts.computed(LISTING)
    assert counts.stored(LISTING)[""][""] > 0


# --- the whole registry (flask generate registry N) ---------------------------------------------

REGISTRY_N = 300
GIANT = 230  # partners of the first initiative (every tenth ended): 207 active


def _count(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


@pytest.fixture
def registry(app_ctx, framework_items, monkeypatch) -> dict[str, int]:
    """A generated registry of REGISTRY_N stakeholders (committed), with a giant initiative:
    the threshold is lowered so that the default path makes it at this size."""
    from registry.generate import full

    monkeypatch.setattr(full, "GIANT_FROM", REGISTRY_N)
    monkeypatch.setattr(full, "GIANT_PARTNERS", GIANT)
    written = generate_registry(REGISTRY_N, seed=3)
    db.session.commit()
    return written


def test_registry_rows_are_what_it_says_in_the_documented_proportions(registry):
    from registry.generate.full import PROPORTIONS, TABLES

    assert list(registry) == [table.name for table in TABLES]
    for table in TABLES:
        assert registry[table.name] == _count(table) > 0, table.name
    assert registry["stakeholder"] == REGISTRY_N
    for key, share in PROPORTIONS.items():
        assert registry[key] == round(REGISTRY_N * share)
    others = sum(registry.values()) - registry["stakeholder"] - registry["stakeholder_constituency"]
    assert others >= 3 * REGISTRY_N  # the target: 3M other rows at 1M stakeholders
    # Partners per initiative, the giant left out: most have 2-8.
    per_initiative = Counter(
        db.session.scalars(select(Partnership.initiative_id).order_by(Partnership.id))
    )
    giant_id, giant_size = per_initiative.most_common(1)[0]
    assert giant_size == GIANT
    sizes = [n for initiative, n in per_initiative.items() if initiative != giant_id]
    assert 3 <= sum(sizes) / len(sizes) <= 10
    assert sum(1 for n in sizes if 2 <= n <= 8) >= 0.75 * len(sizes)
    per_commitment = registry["deliverable"] / registry["commitment"]
    assert 1.6 <= per_commitment <= 2.6
    assert 0.7 <= registry["progress_report"] / registry["commitment"] <= 1.6
    assert 4 <= registry["engagement_participant"] / registry["engagement"] <= 9
    statuses = Counter(db.session.scalars(select(Commitment.status)))
    assert statuses[Status.APPROVED] >= 0.8 * registry["commitment"]


def test_the_largest_initiative_has_200_active_partners_and_its_page_renders(registry, client):
    active = (
        select(Partnership.initiative_id, func.count())
        .where(Partnership.status == PartnershipStatus.ACTIVE)
        .group_by(Partnership.initiative_id)
        .order_by(func.count().desc())
        .limit(1)
    )
    initiative_id, partners = db.session.execute(active).one()
    assert partners >= 200
    response = client.get(f"/initiatives/{initiative_id}")
    assert response.status_code == 200
    lead = db.session.get(Initiative, initiative_id).lead
    assert lead.name in response.get_data(as_text=True)


def test_the_giant_follows_the_stakeholder_count(app_ctx):
    from registry.generate.full import GIANT_FROM

    assert GIANT_FROM <= 10_000  # every benchmark size has its initiative with 200 partners
    generate_registry(120, seed=1)
    db.session.commit()
    largest = db.session.scalar(
        select(func.count())
        .select_from(Partnership)
        .group_by(Partnership.initiative_id)
        .order_by(func.count().desc())
    )
    assert largest < 200


def test_links_follow_the_services_rules(registry):
    approved = set(
        db.session.scalars(select(Stakeholder.id).where(Stakeholder.status == Status.APPROVED))
    )
    partnerships = db.session.scalars(select(Partnership)).all()
    assert {p.stakeholder_id for p in partnerships} <= approved
    assert len({p.status for p in partnerships}) >= 4
    open_pairs = Counter(
        (p.initiative_id, p.stakeholder_id)
        for p in partnerships
        if p.status in {PartnershipStatus.ACTIVE, PartnershipStatus.PROPOSED}
    )
    assert max(open_pairs.values()) == 1
    active = {
        (p.stakeholder_id, p.initiative_id)
        for p in partnerships
        if p.status == PartnershipStatus.ACTIVE
    }
    for initiative in db.session.scalars(select(Initiative)):
        assert (initiative.lead_stakeholder_id, initiative.id) in active
        assert initiative.ends_on is None or initiative.ends_on >= initiative.starts_on
    for p in partnerships:
        initiative = p.initiative
        assert p.starts_on is None or p.starts_on >= initiative.starts_on
        assert p.ends_on is None or initiative.ends_on is None or p.ends_on <= initiative.ends_on
    participants = db.session.scalars(select(EngagementParticipant)).all()
    assert {p.stakeholder_id for p in participants} <= approved
    took_part = {(p.stakeholder_id, p.engagement_id) for p in participants}
    for engagement in db.session.scalars(select(Engagement)):
        assert engagement.year == times.local(engagement.start, engagement.time_zone).year
        assert engagement.end >= engagement.start
    commitments = db.session.scalars(select(Commitment)).all()
    assert {c.stakeholder_id for c in commitments} <= approved
    assert any(c.initiative_id for c in commitments)
    assert any(c.engagement_id for c in commitments)
    for c in commitments:
        if c.initiative_id:
            assert (c.stakeholder_id, c.initiative_id) in active
        if c.engagement_id:
            assert (c.stakeholder_id, c.engagement_id) in took_part
        for d in c.deliverables:
            assert c.starts_on <= d.due_on <= c.ends_on
        if c.status != Status.APPROVED:
            assert not c.reports
            continue
        assert c.resources
        assert c.alignment
        assert any(d.target for d in c.deliverables)
        for report in c.reports:
            assert c.approved_at.date() <= report.reported_on <= progress.today()
            assert report.covers_from <= report.covers_to == report.reported_on
            assert all(u.done_on is None or u.done_on <= report.reported_on for u in report.updates)
    aligned = select(FrameworkItem).join(
        commitment_alignment, commitment_alignment.c.item_id == FrameworkItem.id
    )
    assert all(item.kind in {"target", "paragraph"} for item in db.session.scalars(aligned))
    assert all(item.archived_at is None for item in db.session.scalars(aligned))


def test_derived_columns_are_what_the_services_compute(registry):
    commitments = db.session.scalars(select(Commitment).order_by(Commitment.id)).all()
    columns = ("progress", "deliverable_count", "completed_on", "next_due_on", "last_activity_on")
    stored = [tuple(getattr(c, name) for name in columns) for c in commitments]
    deliverables = [(d.achieved, d.done_on) for c in commitments for d in c.deliverables]
    for commitment in commitments:
        progress.refresh(commitment)
    assert [tuple(getattr(c, name) for name in columns) for c in commitments] == stored
    assert [(d.achieved, d.done_on) for c in commitments for d in c.deliverables] == deliverables
    db.session.rollback()


def test_every_light_occurs_and_the_list_shows_each(registry, client):
    for light in Light:
        n = db.session.scalar(select(func.count()).where(progress.light_where(light)))
        assert n >= 3, light
        html = client.get(f"/commitments/?light={light.value}").get_data(as_text=True)
        assert f'class="light light-{light.value}"' in html
    no_report = select(func.count()).where(
        Commitment.status == Status.APPROVED, ~Commitment.reports.any()
    )
    assert db.session.scalar(no_report) > 0
    assert db.session.scalar(select(func.count()).where(progress.slipped_where())) > 0


def test_maintained_counts_equal_a_recount(registry, app):
    from registry import counts

    for key in counts.counted_lists():
        listing = counts.listing_for(key)
        assert counts.stored(listing) == counts.computed(listing), key
    result = app.test_cli_runner().invoke(args=["counts", "check"])
    assert result.exit_code == 0, result.output


def test_generated_pages_render_and_search_finds_a_name(registry, client):
    commitment = db.session.scalar(
        select(Commitment).where(Commitment.status == Status.APPROVED).limit(1)
    )
    engagement = db.session.scalar(select(Engagement).limit(1))
    initiative = db.session.scalar(select(Initiative).order_by(Initiative.id.desc()).limit(1))
    approved = select(Stakeholder).where(Stakeholder.status == Status.APPROVED)
    stakeholder = db.session.scalar(approved.limit(1))
    for path in (
        f"/commitments/{commitment.id}",
        f"/engagements/{engagement.id}",
        f"/initiatives/{initiative.id}",
        f"/stakeholders/{stakeholder.id}",
        "/commitments/",
        "/initiatives/",
        "/engagements/?view=past",
    ):
        assert client.get(path).status_code == 200, path
    html = client.get("/search", query_string={"q": initiative.title}).get_data(as_text=True)
    assert f"/initiatives/{initiative.id}" in html


def _fingerprint() -> dict[str, list[tuple]]:
    """Every row of the tables a run writes (the computed search columns left out)."""
    from registry.generate.full import TABLES

    found = {}
    for table in TABLES:
        columns = [c for c in table.c if c.name != "search_vector"]
        stmt = select(*columns).order_by(*table.primary_key.columns)
        found[table.name] = [tuple(row) for row in db.session.execute(stmt)]
    return found


def _empty_registry() -> None:
    """Empty the tables a run writes, their ids starting again from 1 (the frameworks stay)."""
    from registry.generate.full import TABLES

    if db.session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in TABLES)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(TABLES):
            db.session.execute(table.delete())
    db.session.commit()


def _indexes_and_foreign_keys() -> set[str]:
    if db.session.get_bind().dialect.name != "postgresql":
        return set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'")))
    indexes = db.session.scalars(
        text("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'")
    )
    keys = db.session.scalars(
        text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'")
    )
    return {*indexes, *keys}


def test_same_seed_same_registry(app_ctx, framework_items, monkeypatch):
    from registry.generate import full

    # The large runs' way (indexes and foreign keys dropped, then made again) at this size.
    monkeypatch.setattr(full, "REBUILD_FROM", 50)
    as_of = date(2026, 6, 1)
    schema = _indexes_and_foreign_keys()
    generate_registry(80, seed=9, as_of=as_of)
    db.session.commit()
    assert _indexes_and_foreign_keys() == schema  # all made again
    first = _fingerprint()
    assert first["commitment"]
    _empty_registry()
    generate_registry(80, seed=9, as_of=as_of)
    db.session.commit()
    assert _fingerprint() == first
    _empty_registry()
    generate_registry(80, seed=10, as_of=as_of)
    db.session.commit()
    assert _fingerprint() != first


def test_cli_generates_a_registry_and_says_what_it_wrote(app):
    result = app.test_cli_runner().invoke(args=["generate", "registry", "60", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^partnership\s+[1-9][\d,]*$", result.output, re.M)
    assert "Generated a registry of 60 stakeholders (seed 2)" in result.output
    assert "rows/s" in result.output
    # No framework items in the database: no alignment, and the summary says so.
    assert "alignment skipped" in result.output
    with app.app_context():
        assert _count(Commitment) == 24
        assert _count(commitment_alignment) == 0


def test_registry_refused_in_production(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRY_ENV", "production")
    with pytest.raises(GenerateRefused):
        generate_registry(10)
    assert _count(Stakeholder) == 0
    result = app.test_cli_runner().invoke(args=["generate", "registry", "5"])
    assert result.exit_code != 0
    assert "production" in result.output


def test_registry_ids_follow_existing_rows_and_later_inserts_still_work(app_ctx, make_stakeholder):
    owner = make_stakeholder(name="Existing Organization")
    existing = Initiative(title="Existing initiative", kind="project", starts_on=date(2020, 1, 1))
    db.session.add(existing)
    db.session.flush()
    lead = {"stakeholder_id": owner.id, "role": "lead", "status": "active"}
    db.session.add(Partnership(initiative_id=existing.id, **lead))
    db.session.commit()
    generate_registry(60, seed=4)
    db.session.commit()
    generated = db.session.scalars(select(Initiative.id).where(Initiative.is_demo)).all()
    assert min(generated) > existing.id
    # The sequences were moved past the generated rows: the app inserts again.
    later = Initiative(title="Made afterwards", kind="project", starts_on=date(2026, 1, 1))
    db.session.add(later)
    db.session.flush()
    db.session.add(Partnership(initiative_id=later.id, **lead))
    db.session.commit()
    assert later.id > max(generated)
    assert _count(Partnership) == 1 + 1 + db.session.scalar(
        select(func.count()).select_from(Partnership).join(Initiative).where(Initiative.is_demo)
    )
