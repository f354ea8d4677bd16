"""Whole-of-society coverage on a hand-built registry where the gaps are known: one
initiative, one engagement, one country, one SDG goal and the whole registry; the matrix, its
sorts, filters and pages; the flags on the initiative and engagement pages; the charts' data;
a fixed number of statements at 10 and at 200 initiatives; unknown countries and goals."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from registry.commitments.progress import Light
from registry.coverage import charts, compute, history, matrix
from registry.extensions import db
from registry.models import (
    Commitment,
    Constituency,
    Initiative,
    InitiativeCountry,
    InitiativeKind,
    ParticipantRole,
    Partnership,
    PartnershipRole,
    PartnershipStatus,
    ProgressReport,
    Stakeholder,
    Status,
)
from registry.models._base import utcnow
from tests.querycount import count_queries


def _stakeholder(name, sector, country, constituencies=(), status=Status.APPROVED):
    row = Stakeholder(
        name=name,
        sector_code=sector,
        country=country,
        status=status,
        approved_at=utcnow() if status == Status.APPROVED else None,
    )
    row.constituencies = [db.session.get(Constituency, code) for code in constituencies]
    db.session.add(row)
    return row


def _initiative(title, countries=()):
    row = Initiative(title=title, kind=InitiativeKind.PROGRAMME, starts_on=date(2020, 1, 1))
    row.countries = [InitiativeCountry(code=code) for code in countries]
    db.session.add(row)
    return row


def _partner(initiative, stakeholder, status=PartnershipStatus.ACTIVE):
    db.session.add(
        Partnership(
            initiative=initiative,
            stakeholder=stakeholder,
            role=PartnershipRole.IMPLEMENTING,
            status=status,
        )
    )


@pytest.fixture
def registry(app, framework_items, make_engagement):
    """Who is where (approved unless said):

    - City: local government, KE
    - Youth: civil society for children and youth, KE
    - Women: grassroots for women and the urban poor, KE
    - University: academia, KE
    - OECD: UN system and intergovernmental (no GAP group), FR
    - Draft: a grassroots draft, KE (never counts)
    - Idle: business, KE, takes part in nothing (its commitment is a draft)

    "National Urban Policy" (KE): City, Youth and OECD active; University ended; Women
    proposed; Draft active. "Safer Cities" (KE): Women. "Empty Programme" (FR): nobody.
    The roundtable: University and Women. University's approved commitment, in the National
    Urban Policy, is aligned to target 11.1."""
    with app.app_context():
        city = _stakeholder("City", "local_government", "KE")
        youth = _stakeholder("Youth", "civil_society", "KE", ["children_youth"])
        women = _stakeholder("Women", "grassroots", "KE", ["women", "urban_poor"])
        university = _stakeholder("University", "academia", "KE")
        oecd = _stakeholder("OECD", "un_system", "FR")
        draft = _stakeholder("Draft", "grassroots", "KE", status=Status.DRAFT)
        idle = _stakeholder("Idle", "business", "KE")
        nup = _initiative("National Urban Policy", ["KE"])
        safer = _initiative("Safer Cities", ["KE"])
        empty = _initiative("Empty Programme", ["FR"])
        for who in (city, youth, oecd, draft):
            _partner(nup, who)
        _partner(nup, university, PartnershipStatus.ENDED)
        _partner(nup, women, PartnershipStatus.PROPOSED)
        _partner(safer, women)
        db.session.flush()
        pledge = Commitment(
            stakeholder_id=university.id,
            initiative_id=nup.id,
            title="Train planners",
            status=Status.APPROVED,
            approved_at=datetime(2026, 1, 1, tzinfo=UTC),
            last_activity_on=date(2026, 1, 1),
        )
        unpublished = Commitment(stakeholder_id=idle.id, title="Sponsor", status=Status.DRAFT)
        db.session.add_all([pledge, unpublished])
        db.session.flush()
        pledge.alignment = [db.session.get(compute.FrameworkItem, framework_items["11.1"])]
        unpublished.alignment = [db.session.get(compute.FrameworkItem, framework_items["11"])]
        db.session.commit()
        ids = {
            "nup": nup.id,
            "safer": safer.id,
            "empty": empty.id,
            "university": university.id,
            "women": women.id,
        }
    ids["roundtable"] = make_engagement(
        "Roundtable 2",
        participants=[
            (ids["university"], ParticipantRole.SPEAKER),
            (ids["women"], ParticipantRole.PARTICIPANT),
        ],
    )
    return ids


def present(coverage: compute.Coverage, dimension: str) -> dict[str, int]:
    return {t.code: t.count for t in coverage.present(dimension)}


# --- the computation ------------------------------------------------------------------------------


def test_an_initiative_counts_its_active_approved_partners_only(app, registry):
    with app.app_context():
        found = compute.of_initiative(registry["nup"])
    assert found.total == 3  # City, Youth, OECD: not the ended, the proposed or the draft
    assert present(found, "sector") == {"local_government": 1, "civil_society": 1, "un_system": 1}
    assert present(found, "constituency") == {"children_youth": 1}
    assert present(found, "gap") == {
        "local_authorities": 1,
        "civil_society": 1,
        "children_youth": 1,
    }
    assert found.flags == [
        "No grassroots or community organization",
        "No women's group",
        "No organization of persons with disabilities",
        "No group of informal settlement dwellers",
    ]
    assert "grassroots" in {t.code for t in found.missing("sector")}


def test_a_grassroots_group_counts_once_towards_its_gap_group(app, registry):
    with app.app_context():
        found = compute.of_initiative(registry["safer"])
    # Women is grassroots by sector and speaks for the urban poor: both map to "grassroots".
    assert present(found, "gap") == {"grassroots": 1, "women": 1}
    assert found.flags == [
        "No local government",
        "No youth group",
        "No organization of persons with disabilities",
    ]


def test_an_initiative_with_nobody_misses_everything(app, registry):
    with app.app_context():
        found = compute.of_initiative(registry["empty"])
    assert found.total == 0
    assert found.present("sector") == []
    assert len(found.missing("gap")) == 16
    assert len(found.flags) == len(compute.KEY_GROUPS)


def test_an_engagement_counts_its_participants(app, registry):
    with app.app_context():
        found = compute.of_engagement(registry["roundtable"])
    assert found.total == 2
    assert present(found, "sector") == {"academia": 1, "grassroots": 1}
    assert present(found, "gap") == {"academia": 1, "grassroots": 1, "women": 1}


def test_the_whole_registry_counts_everyone_taking_part(app, registry):
    with app.app_context():
        found = compute.of_registry()
    # City, Youth, OECD (partners), Women (partner, participant), University (participant,
    # commitment maker); not Idle (a draft commitment) nor Draft.
    assert found.total == 5
    assert present(found, "sector") == {
        "local_government": 1,
        "un_system": 1,
        "civil_society": 1,
        "grassroots": 1,
        "academia": 1,
    }
    assert "business" not in present(found, "sector")
    assert present(found, "constituency") == {"women": 1, "children_youth": 1, "urban_poor": 1}


def test_a_country_counts_its_own_organizations(app, registry):
    with app.app_context():
        kenya = compute.of_registry("KE")
        france = compute.of_registry("FR")
        brazil = compute.of_registry("BR")
    assert kenya.total == 4
    assert present(france, "sector") == {"un_system": 1}
    assert brazil.total == 0


def test_a_goal_counts_the_makers_of_commitments_aligned_to_it_or_its_targets(app, registry):
    with app.app_context():
        eleven = compute.of_goal("11")
        six = compute.of_goal("6")
        eleven_in_france = compute.of_goal("11", "FR")
    assert present(eleven, "sector") == {"academia": 1}  # not Idle's draft
    assert six.total == 0
    assert eleven_in_france.total == 0


def test_a_goal_counts_the_active_partners_of_initiatives_aligned_to_it(app, registry):
    """Safer Cities, aligned to target 6.2, brings its active partner Women into goal 6 (and
    onto the matrix filtered by goal 6); the initiative's alignment alone, no commitment."""
    with app.app_context():
        safer = db.session.get(Initiative, registry["safer"])
        safer.alignment = [db.session.get(compute.FrameworkItem, registry_item(app, "6.2"))]
        db.session.commit()
        six = compute.of_goal("6")
        six_in_france = compute.of_goal("6", "FR")
        on_matrix = matrix.page(matrix.Query(goal="6"))
    assert present(six, "sector") == {"grassroots": 1}
    assert present(six, "constituency") == {"urban_poor": 1, "women": 1}
    assert six_in_france.total == 0
    assert titles(on_matrix) == ["Safer Cities"]


def registry_item(app, code: str) -> int:
    return db.session.scalar(
        db.select(compute.FrameworkItem.id).where(compute.FrameworkItem.code == code)
    )


def test_each_summary_is_one_statement(app, registry):
    with app.app_context():
        db.session.expire_all()
    with count_queries(app) as statements, app.app_context():
        compute.of_registry()
    assert len(statements) == 1


# --- the matrix -----------------------------------------------------------------------------------


def titles(page: matrix.Matrix) -> list[str]:
    return [row.title for row in page.rows]


def test_the_matrix_counts_partners_per_sector_and_gaps(app, registry):
    with app.app_context():
        page = matrix.page(matrix.Query())
    assert titles(page) == ["Empty Programme", "National Urban Policy", "Safer Cities"]
    nup = page.rows[1]
    columns = [code for code, _name in page.columns]
    assert nup.cells[columns.index("local_government")] == 1
    assert nup.cells[columns.index("academia")] == 0  # ended
    assert [row.gaps for row in page.rows] == [16, 13, 15]


def test_the_matrix_sorts_by_gaps_both_ways(app, registry):
    with app.app_context():
        most = matrix.page(matrix.Query(sort="gaps", dir="desc"))
        fewest = matrix.page(matrix.Query(sort="gaps", dir="asc"))
        by_group = matrix.page(matrix.Query(by="gap", sort="gaps", dir="asc"))
    assert titles(most) == ["Empty Programme", "Safer Cities", "National Urban Policy"]
    assert titles(fewest) == ["National Urban Policy", "Safer Cities", "Empty Programme"]
    assert [row.gaps for row in by_group.rows] == [13, 14, 16]


def test_the_matrix_filters_by_country_and_goal(app, registry):
    with app.app_context():
        kenya = matrix.page(matrix.Query(country="KE"))
        eleven = matrix.page(matrix.Query(goal="11"))
        six = matrix.page(matrix.Query(goal="6", sort="gaps"))
    assert titles(kenya) == ["National Urban Policy", "Safer Cities"]
    assert titles(eleven) == ["National Urban Policy"]
    assert titles(six) == []


def many_initiatives(app, n: int) -> None:
    """``n`` initiatives, each with two active partners of different sectors."""
    with app.app_context():
        city = _stakeholder("City", "local_government", "KE", ["women"])
        group = _stakeholder("Group", "grassroots", "KE", ["children_youth"])
        for i in range(n):
            initiative = _initiative(f"Initiative {i:04d}", ["KE"])
            _partner(initiative, city)
            if i % 2:
                _partner(initiative, group)
        db.session.commit()


@pytest.mark.parametrize("sort", ["title", "gaps"])
def test_the_matrix_pages_with_a_cursor(app, client, sort):
    many_initiatives(app, 60)
    first = client.get(f"/coverage/?sort={sort}")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.count('<th scope="row"><a href="/initiatives/') == matrix.PER_PAGE
    following = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    second = client.get(following).get_data(as_text=True)
    assert second.count('<th scope="row"><a href="/initiatives/') == 10
    assert 'rel="next"' not in second


def test_a_damaged_cursor_starts_again_with_a_400(client, registry):
    response = client.get("/coverage/?cursor=not-ours")
    assert response.status_code == 400
    assert "starts again here" in response.get_data(as_text=True)


def test_a_cursor_of_another_sort_is_refused(app, client):
    many_initiatives(app, 55)
    html = client.get("/coverage/?sort=gaps").get_data(as_text=True)
    cursor = re.search(r"cursor=([^&\"]+)", html).group(1)
    assert client.get(f"/coverage/?sort=title&cursor={cursor}").status_code == 400


def many_more(app, start: int, stop: int, item_id: int) -> None:
    """More initiatives with City as partner, each with City's commitment aligned to
    ``item_id`` (so the goal's pages have rows too)."""
    with app.app_context():
        city = db.session.scalar(db.select(Stakeholder).where(Stakeholder.name == "City"))
        item = db.session.get(compute.FrameworkItem, item_id)
        for i in range(start, stop):
            initiative = _initiative(f"Initiative {i:04d}", ["KE"])
            _partner(initiative, city)
            db.session.flush()
            pledge = Commitment(
                stakeholder_id=city.id,
                initiative_id=initiative.id,
                title=f"Pledge {i}",
                status=Status.APPROVED,
                approved_at=datetime(2026, 1, 1, tzinfo=UTC),
                last_activity_on=date(2026, 1, 1),
            )
            pledge.alignment = [item]
            db.session.add(pledge)
        db.session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/coverage/",
        "/coverage/?sort=gaps",
        "/coverage/?by=gap&sort=gaps&dir=asc",
        "/coverage/?by=constituency&country=KE&goal=11",
        "/coverage/countries/KE",
        "/coverage/goals/11",
    ],
)
def test_the_coverage_page_runs_the_same_statements_at_10_and_200_initiatives(
    app, client, framework_items, path
):
    counted = []
    many_initiatives(app, 0)
    for n in (10, 200):
        many_more(app, 0 if n == 10 else 10, n, framework_items["11.1"])
        client.get(path)  # warm: the first request loads what every request then has
        with count_queries(app) as statements:
            response = client.get(path)
        assert response.status_code == 200
        rows = response.get_data(as_text=True).count('<th scope="row"><a href="/initiatives/')
        assert rows == min(n, matrix.PER_PAGE)
        counted.append(len(statements))
    assert counted[0] == counted[1], counted
    assert counted[0] <= 12, counted


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/coverage/?country=XX", "no country with the code “XX”"),
        ("/coverage/?country=K%C3%A9", "no country with the code “KÉ”"),
        ("/coverage/countries/XX", "no country with the code “XX”"),
        ("/coverage/countries/kenya", "no country with the code “KENYA”"),
        ("/coverage/?goal=99", "no Sustainable Development Goal “99”"),
        ("/coverage/?goal=eleven", "no Sustainable Development Goal “eleven”"),
        ("/coverage/goals/18", "no Sustainable Development Goal “18”"),
        ("/coverage/goals/-1", "no Sustainable Development Goal “-1”"),
    ],
)
def test_an_unknown_country_or_goal_is_a_404_that_says_so(client, framework_items, path, words):
    response = client.get(path)
    assert response.status_code == 404
    assert words in response.get_data(as_text=True)


def test_a_country_code_in_lower_case_is_the_country(client, registry):
    response = client.get("/coverage/countries/ke")
    assert response.status_code == 200
    assert "Whole-of-society coverage in Kenya" in response.get_data(as_text=True)


def test_unknown_sorts_and_dimensions_fall_back(client, registry):
    response = client.get("/coverage/?sort=evil&dir=up&by=nothing")
    assert response.status_code == 200


# --- the pages ------------------------------------------------------------------------------------


def test_the_coverage_page_shows_the_summary_and_the_matrix(client, registry):
    html = client.get("/coverage/").get_data(as_text=True)
    assert "5 organizations take part." in html
    assert "Business and industry" in html.split("Missing:")[1]
    assert "Initiatives by sector" in html
    assert "National Urban Policy" in html
    assert 'aria-hidden="true"' in html
    assert "<svg" in html
    assert "style=" not in html


def test_the_goal_page_shows_the_goals_makers(client, registry):
    html = client.get("/coverage/goals/11").get_data(as_text=True)
    assert "Whole-of-society coverage of SDG 11" in html
    assert "1 organization takes part." in html


def test_the_initiative_page_flags_what_is_missing(client, registry):
    html = client.get(f"/initiatives/{registry['nup']}").get_data(as_text=True)
    flags = html.split('class="flag-list"')[1].split("</ul>")[0]
    assert "No grassroots or community organization" in flags
    assert "No women&#39;s group" in flags or "No women's group" in flags
    assert "No local government" not in flags
    assert "<details" in html
    assert "Every sector, constituency and GAP group" in html


def test_the_engagement_page_flags_what_is_missing(client, registry):
    html = client.get(f"/engagements/{registry['roundtable']}").get_data(as_text=True)
    flags = html.split('class="flag-list"')[1].split("</ul>")[0]
    assert "No local government" in flags
    assert "No grassroots or community organization" not in flags


def test_the_initiative_page_runs_one_more_statement_whatever_its_partners(
    app, client, make_stakeholder, make_initiative, make_partnership
):
    counted = []
    for n in (2, 30):
        initiative = make_initiative(f"Programme {n}")
        for i in range(n):
            make_partnership(initiative, make_stakeholder(f"Partner {n}-{i}"))
        client.get(f"/initiatives/{initiative.id}")
        with count_queries(app) as statements:
            client.get(f"/initiatives/{initiative.id}")
        counted.append(len(statements))
    assert counted[0] == counted[1]


# --- the charts -----------------------------------------------------------------------------------


def test_commitments_per_goal_in_the_goals_colours(client, registry):
    html = client.get("/coverage/").get_data(as_text=True)
    assert 'fill="#FD9D24"' in html  # goal 11
    assert 'fill="#26BDE2"' in html  # goal 6, with no commitment: a bar of width 0


def test_the_sdg_framework_page_includes_the_chart(client, registry):
    html = client.get("/frameworks/sdg").get_data(as_text=True)
    assert "Approved commitments per Sustainable Development Goal" in html
    assert 'fill="#FD9D24"' in html


def test_sdg_bars_are_in_proportion():
    chart = charts.sdg_bars([("11", "Cities", 4), ("6", "Water", 1), ("1", "Poverty", 0)])
    widths = {bar.label: bar.width for bar in chart.bars}
    assert widths == {"11": 440, "6": 110, "1": 0}
    assert [bar.fill for bar in chart.bars] == ["#FD9D24", "#26BDE2", "#E5243B"]


def test_heat_levels():
    assert [charts.heat_level(n) for n in (0, 1, 2, 3, 4, 5, 50)] == [0, 1, 2, 3, 3, 4, 4]


def test_stacked_columns_add_up():
    chart = charts.stacked_lights(
        [("Jan", {Light.ON_TRACK: 2, Light.OVERDUE: 2}), ("Feb", {Light.COMPLETED: 4})]
    )
    first, second = chart.columns
    assert [s.height for s in first.segments] == [100, 100]
    assert first.segments[0].y == 100
    assert first.segments[1].y == 0
    assert second.segments[0].light == Light.COMPLETED
    assert second.segments[0].height == 200


def test_month_ends():
    ends = history.month_ends(date(2026, 12, 6))
    assert ends[0] == date(2025, 12, 31)
    assert ends[-1] == date(2026, 11, 30)
    assert len(ends) == 12
    assert history.month_ends(date(2026, 3, 31))[-1] == date(2026, 2, 28)


def test_lights_over_time_follow_the_rules_at_each_month_end(app, make_stakeholder):
    owner = make_stakeholder("Maker")
    with app.app_context():

        def pledge(title, approved, **fields):
            row = Commitment(
                stakeholder_id=owner.id,
                title=title,
                status=fields.pop("status", Status.APPROVED),
                approved_at=datetime.combine(approved, datetime.min.time(), tzinfo=UTC),
                **fields,
            )
            db.session.add(row)
            db.session.flush()
            return row

        # Published mid-2024, never reported on: overdue, then inactive from mid-2026.
        pledge("Quiet", date(2024, 6, 15))
        # Published 1 January 2025: on track until the end of January 2026, then overdue;
        # completed on 15 February 2026.
        pledge("Done", date(2025, 1, 1), completed_on=date(2026, 2, 15))
        # Published in March 2026, reported on in May: on track once published.
        fresh = pledge("Fresh", date(2026, 3, 10))
        db.session.add(ProgressReport(commitment_id=fresh.id, reported_on=date(2026, 5, 1)))
        # Published in 2023, reported on in January 2025 (visible) and in June 2026 (hidden).
        hidden = pledge("Hidden", date(2023, 1, 1))
        db.session.add_all(
            [
                ProgressReport(commitment_id=hidden.id, reported_on=date(2025, 1, 20)),
                ProgressReport(
                    commitment_id=hidden.id, reported_on=date(2026, 6, 1), hidden_at=utcnow()
                ),
            ]
        )
        # Withdrawn now: not counted at all.
        pledge("Withdrawn", date(2025, 6, 1), status=Status.WITHDRAWN)
        db.session.commit()
        with count_queries(app) as statements:
            months = history.lights_over_time(date(2026, 12, 6))
    assert len(statements) == 1
    by_date = {m.on: m.counts for m in months}
    on, over, idle, done = Light.ON_TRACK, Light.OVERDUE, Light.INACTIVE, Light.COMPLETED
    assert by_date[date(2025, 12, 31)] == {on: 2, over: 1, idle: 0, done: 0}
    assert by_date[date(2026, 1, 31)] == {on: 0, over: 3, idle: 0, done: 0}
    assert by_date[date(2026, 2, 28)] == {on: 0, over: 2, idle: 0, done: 1}
    assert by_date[date(2026, 3, 31)] == {on: 1, over: 2, idle: 0, done: 1}
    assert by_date[date(2026, 6, 30)] == {on: 1, over: 1, idle: 1, done: 1}
    assert months[-1].total == 4


def test_whole_registry_results_are_computed_once_per_version(app, monkeypatch):
    from registry.coverage import memo

    monkeypatch.setitem(app.config, "COVERAGE_MEMO", True)
    calls: list[int] = []

    def compute_once() -> int:
        calls.append(1)
        return len(calls)

    with app.app_context():
        memo.forget()
        assert memo.remembered("k", 1, compute_once) == 1
        assert memo.remembered("k", 1, compute_once) == 1
        assert memo.remembered("k", 2, compute_once) == 2
        assert memo.remembered("other", 2, compute_once) == 3
        memo.forget()


def test_the_page_with_the_memory_on_reads_the_same(app, client, registry, monkeypatch):
    from registry.coverage import memo

    monkeypatch.setitem(app.config, "COVERAGE_MEMO", True)
    memo.forget()
    first = client.get("/coverage/").get_data(as_text=True)
    with count_queries(app) as statements:
        second = client.get("/coverage/").get_data(as_text=True)
    memo.forget()
    assert "5 organizations take part." in first
    assert "5 organizations take part." in second
    assert len(statements) <= 4  # the version, the matrix's rows and cells


@pytest.mark.parametrize("path", ["/coverage/", "/coverage/countries/KE", "/coverage/goals/11"])
def test_anonymous_coverage_pages_are_public_and_set_no_cookie(client, registry, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "public" in response.headers["Cache-Control"]
