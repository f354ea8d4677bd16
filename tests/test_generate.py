"""The synthetic registry generator behind ``flask generate stakeholders N``."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import delete, func, select

from registry.extensions import db
from registry.generate import (
    COLUMNS,
    CONSTITUENCY_WEIGHTS,
    DOMINANT_COUNTRY,
    SECTOR_WEIGHTS,
    GenerateRefused,
    cities,
    generate_stakeholders,
    vocabulary,
)
from registry.models import Stakeholder, Status
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
