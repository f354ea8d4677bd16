"""similar(), the "Did you mean …?" look-up, on SQLite (RapidFuzz) and PostgreSQL (pg_trgm)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event

from registry.extensions import db
from registry.models import Stakeholder, Status
from registry.stakeholders import similar as similar_module
from registry.stakeholders.similar import candidates, prefixes, similar


@pytest.fixture
def add(app: Flask):
    """Insert stakeholders by name (approved unless told), committed; returns their ids."""

    def insert(*names: str, status: Status = Status.APPROVED, **fields) -> list[int]:
        with app.app_context():
            rows = [
                Stakeholder(name=name, sector_code="civil_society", status=status, **fields)
                for name in names
            ]
            db.session.add_all(rows)
            db.session.commit()
            return [row.id for row in rows]

    return insert


def names(found: list[Stakeholder]) -> list[str]:
    return [s.name for s in found]


def test_finds_a_misspelt_name(app, add):
    add("Nakuru Youth Acton Network", "Cities Alliance", "Songyang County")

    with app.app_context():
        found = similar("Nakuru Youth Action Network")

    assert names(found) == ["Nakuru Youth Acton Network"]


def test_matching_ignores_case_and_spacing(app, add):
    add("Nakuru Youth Acton Network")

    with app.app_context():
        found = similar("  NAKURU   youth action network ")

    assert names(found) == ["Nakuru Youth Acton Network"]


@pytest.mark.parametrize(
    "status",
    [s for s in Status if s != Status.APPROVED],
)
def test_ignores_entries_that_are_not_approved(app, add, status):
    add("Nakuru Youth Action Network", status=status)

    with app.app_context():
        assert similar("Nakuru Youth Action Network") == []


def test_ignores_merged_entries(app, add):
    [survivor] = add("Nakuru Youth Action Network")
    add("Nakuru Youth Action Network", merged_into_id=survivor)

    with app.app_context():
        found = similar("Nakuru Youth Action Network")

    assert [s.id for s in found] == [survivor]


def test_leaves_out_the_excluded_entry(app, add):
    [own] = add("Nakuru Youth Action Network")

    with app.app_context():
        assert similar("Nakuru Youth Action Network", exclude_id=own) == []


def test_closest_first_and_at_most_limit(app, add):
    add(
        "Nakuru Youth Network",
        "Nakuru Youth Action Network",
        "Nakuru Youth Action Networks",
        "Youth Action Network Nakuru",
        "Nakuru Youth Acton Network",
        "Nakuru Youth Action Network Kenya",
    )

    with app.app_context():
        found = similar("Nakuru Youth Action Network", limit=3)

    assert len(found) == 3
    assert names(found)[0] == "Nakuru Youth Action Network"


def test_unrelated_names_are_not_suggested(app, add):
    add("Cities Alliance", "Korea Research Institute for Human Settlements", "UN-Habitat")

    with app.app_context():
        assert similar("Nakuru Youth Action Network") == []


@pytest.mark.parametrize("query", ["", "  ", "Na", "\x00\x00", None])
def test_too_short_a_query_suggests_nothing(app, add, query):
    add("Na Group", "Nakuru Youth Action Network")

    with app.app_context():
        assert similar(query) == []


def test_same_org_identifier_comes_first_whatever_the_name(app, add):
    add("Nakuru Youth Action Network")
    [same] = add("Registered Under Another Name", org_identifier="KE-RCO-12345")

    with app.app_context():
        found = similar("Nakuru Youth Action Network", org_identifier="ke-rco-12345")

    assert names(found) == ["Registered Under Another Name", "Nakuru Youth Action Network"]
    assert found[0].id == same


def test_query_with_like_wildcards_is_literal(app, add):
    add("100% Nakuru Youth")

    with app.app_context():
        assert names(similar("100% Nakuru Youth")) == ["100% Nakuru Youth"]
        assert similar("%%% ___") == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("Nakuru Youth Action Network", ["nak", "you", "act", "net"], id="words"),
        pytest.param("The Network of the City", ["net", "cit"], id="stopwords"),
        pytest.param("UN", [], id="too-short"),
        pytest.param("Youth youth YOUTH", ["you"], id="repeated"),
    ],
)
def test_prefixes(name, expected):
    assert prefixes(name) == expected


@pytest.mark.sqlite_only  # PostgreSQL uses the trigram index instead of a candidate set
def test_sqlite_candidates_are_bounded(app, add):
    add(*[f"Nakuru Group {n}" for n in range(30)])
    add("Nakuru Youth Action Network")

    with app.app_context():
        found = candidates("Nakuru Youth Action Network", cap=10)

    assert len(found) == 10
    # The row sharing the most word prefixes is scored whatever the cap.
    assert found[0].name == "Nakuru Youth Action Network"


@pytest.mark.sqlite_only
def test_sqlite_never_reads_more_than_the_cap(app, add, monkeypatch):
    add(*[f"Nakuru Group {n}" for n in range(30)])
    monkeypatch.setattr(similar_module, "CANDIDATE_CAP", 5)
    statements: list[tuple[str, tuple]] = []

    def collect(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, tuple(parameters)))

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", collect)
        try:
            found = similar("Nakuru Group 7")
        finally:
            event.remove(engine, "before_cursor_execute", collect)

    [(statement, parameters)] = statements
    assert "LIMIT" in statement.upper()
    assert parameters[-2:] == (5, 0)  # LIMIT 5 OFFSET 0
    assert len(found) <= 5


def _statements(app, look_up) -> tuple[list, list[str]]:
    statements: list[str] = []

    def collect(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", collect)
        try:
            found = look_up()
        finally:
            event.remove(engine, "before_cursor_execute", collect)
    return found, statements


@pytest.mark.postgres_only
def test_postgres_looks_up_by_prefix_then_by_the_rarest_words(app, add):
    add("Nakuru Youth Acton Network", "Youth Network of Kisumu", "Network Youth Kenya")
    found, statements = _statements(app, lambda: similar("Nakuru Youth Action Network"))
    assert names(found) == ["Nakuru Youth Acton Network"]
    prefix, counts, *_corrections, ranked = [
        s for s in statements if "stakeholder" in s or "facet_count" in s
    ]
    assert "lower(stakeholder.name) LIKE" in prefix
    assert "facet_count" in counts
    # "nakuru" is the rarest known word: the candidates must contain it (full-text index on
    # the name's words), then similarity ranks.
    assert "to_tsvector('simple', stakeholder.name) @@ plainto_tsquery('simple'" in ranked
    assert "similarity(stakeholder.name" in ranked
    # Never the whole name's trigrams against every row (seconds for common words at 1M).
    assert not any("stakeholder.name %" in s for s in statements)
    assert any("set_config" in s for s in statements)  # under the statement timeout


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # A common prefix: names that start with it.
        ("Community Water", ["Community Water Trust", "Community Water Users Kibera"]),
        # A typo in the rare word: corrected to the closest word the registry knows.
        ("Comunity Watr Trust Kiberra", ["Community Water Users Kibera"]),
        # Common words only, in another order.
        ("Trust Water Community", ["Community Water Trust"]),
        # 200 characters: the first words decide, the rest does not drown them.
        ("Kibera Water Users Community " + "association " * 16, ["Community Water Users Kibera"]),
    ],
)
def test_postgres_suggestions_answer_every_kind_of_input(app, add, typed, expected):
    add("Community Water Trust", "Community Water Users Kibera", "Urban Youth Forum")
    with app.app_context():
        found = similar(typed[:200], limit=2)
    assert set(expected) <= set(names(found))


@pytest.mark.postgres_only
def test_known_words_are_rarest_first_and_typos_corrected(app, add):
    from registry.stakeholders.similar import known_words

    add("Kibera Water Trust", "Mathare Water Trust", "Kisumu Water Forum")
    with app.app_context():
        assert known_words("Kiberra Water Trust") == [("kibera", 1), ("trust", 2), ("water", 3)]
        assert known_words("zzzzqqq") == []


@pytest.mark.postgres_only
def test_a_slow_look_up_is_dropped_not_waited_for(app):
    from sqlalchemy import func, literal, select

    from registry.database import within_time

    with app.app_context():
        assert within_time(select(func.pg_sleep(1)), timeout_ms=50) == []
        # The session is still usable, and the timeout did not outlive the look-up.
        assert db.session.scalar(select(func.current_setting("statement_timeout"))) == "0"
        assert within_time(select(literal(1)), timeout_ms=50) == [1]
