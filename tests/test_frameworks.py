"""The framework pages: the list of agreements, a framework's page, an item's page with the
commitments aligned to it and their lights, in the page's language."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from registry.extensions import db
from registry.models import Commitment, Framework, FrameworkItem, Status
from tests.querycount import count_queries

SDG_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "sdg"


def page(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture
def sdg(app, framework_items):
    """The real SDG data, imported as ``flask frameworks import-sdg`` does (over the fixture's
    few items, which it updates)."""
    result = app.test_cli_runner().invoke(args=["frameworks", "import-sdg", str(SDG_DIR)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def resolutions(app, framework_items):
    """Resolutions of both sessions; RES.6 (over the fixture's) with paragraphs OP2, its
    sub-paragraphs OP2(a) and OP2(b), and OP9."""
    from registry.frameworks.services import import_resolution

    with app.app_context():
        for n in (1, 2):
            import_resolution(f"HSP/HA.1/RES.{n}", 2019, f"First session resolution {n}", [])
        for n in (10, 6):
            import_resolution(f"HSP/HA.2/RES.{n}", 2023, f"Second session resolution {n}", [])
        import_resolution(
            "HSP/HA.2/RES.6",
            2023,
            "Localization of the Sustainable Development Goals",
            [
                {"code": "OP2", "title": "Requests the Executive Director to support cities"},
                {"code": "OP2(a)", "title": "By developing tools", "parent": "OP2"},
                {"code": "OP2(b)", "title": "By building capacity", "parent": "OP2"},
                {"code": "OP9", "title": "Invites member states to report"},
            ],
        )
        db.session.commit()


def paragraph_ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(
            db.session.execute(
                db.select(FrameworkItem.code, FrameworkItem.id)
                .join(Framework)
                .where(Framework.code == "HSP/HA.2/RES.6")
            ).all()
        )


# --- the list of agreements ---------------------------------------------------------------------


def test_index_lists_the_goals_and_the_resolutions_by_session(app, client, sdg, resolutions):
    response = client.get("/frameworks/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "public" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    goals = re.findall(r'href="/frameworks/sdg/items/(\d+)"', html)
    assert goals == [str(n) for n in range(1, 18)]
    assert "Sustainable cities and communities" in html  # goal 11's official short title
    first = html.index("Session HSP/HA.1, 2019")
    second = html.index("Session HSP/HA.2, 2023")
    assert first < html.index('href="/frameworks/HSP/HA.1/RES.2"') < second
    # Within a session, by number: RES.6 before RES.10.
    assert second < html.index("/frameworks/HSP/HA.2/RES.6") < html.index("/HSP/HA.2/RES.10")


def test_index_is_a_constant_number_of_statements(app, client, sdg, resolutions):
    with count_queries(app) as few:
        page(client, "/frameworks/")
    with app.app_context():
        from registry.frameworks.services import import_resolution

        for n in range(3, 9):
            import_resolution(f"HSP/HA.2/RES.{n}", 2023, f"Resolution {n}", [])
        db.session.commit()
    with count_queries(app) as more:
        page(client, "/frameworks/")
    assert len(more) == len(few)


def test_index_without_any_data_says_so(app, client):
    html = page(client, "/frameworks/")
    assert "have not been imported yet" in html
    assert "No resolution has been added yet." in html


def test_the_menu_links_to_the_frameworks(app, client):
    html = page(client, "/frameworks/")
    assert re.search(r'<a href="/frameworks/" aria-current="page">Frameworks</a>', html)


# --- a framework's page -------------------------------------------------------------------------


def test_the_sdg_page_lists_the_17_goals(app, client, sdg):
    html = page(client, "/frameworks/sdg")
    assert len(re.findall(r'href="/frameworks/sdg/items/\d+">Goal \d+</a>', html)) == 17


def test_a_resolution_lists_its_paragraphs_in_order_with_their_commitments(
    app, client, resolutions, make_stakeholder, make_commitment
):
    ids = paragraph_ids(app)
    owner = make_stakeholder()
    make_commitment(owner, title="Tools for cities", alignment=[ids["OP2(a)"]])
    make_commitment(owner, title="Cities and tools", alignment=[ids["OP2(a)"], ids["OP2"]])
    make_commitment(owner, title="Not yet public", alignment=[ids["OP9"]], status=Status.DRAFT)
    html = page(client, "/frameworks/HSP/HA.2/RES.6")
    assert "Resolution HSP/HA.2/RES.6" in html
    codes = re.findall(r'href="/frameworks/HSP/HA.2/RES.6/items/([^"]+)"', html)
    assert codes == ["OP2", "OP2(a)", "OP2(b)", "OP9"]
    # OP2(b) sits in OP2's list of sub-paragraphs, OP9 after it.
    op2 = html.index('/items/OP2"')
    assert html.index("framework-subitems", op2) < html.index("/items/OP2(b)")
    assert html.index("</ol>", html.index("/items/OP2(b)")) < html.index("/items/OP9")

    def count_of(code: str) -> str:
        start = html.index(f'/items/{code}"')
        return re.search(r'class="aligned-count[^"]*">([^<]+)<', html[start:]).group(1)

    assert count_of("OP2") == "2 commitments"  # its own and its sub-paragraphs', each once
    assert count_of("OP2(a)") == "2 commitments"
    assert count_of("OP2(b)") == "Nothing yet"
    assert count_of("OP9") == "Nothing yet"  # a draft advances nothing in public


def test_a_resolution_page_is_a_constant_number_of_statements(
    app, client, resolutions, make_stakeholder, make_commitment
):
    ids = paragraph_ids(app)
    owner = make_stakeholder()
    make_commitment(owner, alignment=[ids["OP2(a)"]])
    with count_queries(app) as few:
        page(client, "/frameworks/HSP/HA.2/RES.6")
    for code in ("OP2", "OP2(b)", "OP9", "OP9"):
        make_commitment(owner, alignment=[ids[code]])
    with count_queries(app) as more:
        page(client, "/frameworks/HSP/HA.2/RES.6")
    assert len(more) == len(few)


# --- an item's page -----------------------------------------------------------------------------


def test_a_goal_page_shows_its_targets_and_their_indicators(app, client, sdg):
    html = page(client, "/frameworks/sdg/items/11")
    assert "<h1" in html
    assert "Goal 11: Sustainable cities and communities" in html
    targets = re.findall(r'href="/frameworks/sdg/items/(11\.[0-9a-z.]+)"', html)
    assert {"11.1", "11.7", "11.a", "11.c"} <= set(targets)
    assert targets.index("11.1") < targets.index("11.1.1") < targets.index("11.2")
    assert "No commitment advances this goal yet." in html


def test_a_target_page_shows_its_indicators_and_says_nothing_advances_it(app, client, sdg):
    html = page(client, "/frameworks/sdg/items/11.1")
    assert "Target 11.1" in html
    assert 'href="/frameworks/sdg/items/11.1.1"' in html
    assert 'href="/frameworks/sdg/items/11"' in html  # back to its goal
    assert "No commitment advances this target yet." in html


def test_the_target_page_renders_in_french_from_the_imported_texts(app, client, sdg, monkeypatch):
    """The page's language is Flask-Babel's, chosen from Accept-Language among LANGUAGES."""
    monkeypatch.setitem(app.config, "LANGUAGES", ["en", "fr"])
    html = page(client, "/frameworks/sdg/items/11.1", **{"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr"' in html
    assert "un logement et des services de base" in html
    assert "Proportion de la population urbaine" in html  # indicator 11.1.1
    assert "adequate, safe and affordable housing" not in html
    # The same page in English.
    html = page(client, "/frameworks/sdg/items/11.1", **{"Accept-Language": "en"})
    assert "adequate, safe and affordable housing" in html


def test_a_missing_translation_falls_back_to_english_marked_as_such(
    app, client, framework_items, monkeypatch
):
    """The fixture's items have no texts: in French, the English title carries lang="en"."""
    monkeypatch.setitem(app.config, "LANGUAGES", ["en", "fr"])
    html = page(client, "/frameworks/sdg/items/11.1", **{"Accept-Language": "fr"})
    assert '<span lang="en">By 2030, ensure access for all to adequate housing</span>' in html
    resolution = page(client, "/frameworks/HSP/HA.2/RES.6", **{"Accept-Language": "fr"})
    assert '<p class="framework-subtitle" lang="en">Urban planning</p>' in resolution
    html = page(client, "/frameworks/sdg/items/11.1", **{"Accept-Language": "en"})
    assert '<span lang="en">' not in html


def test_a_target_lists_the_commitments_aligned_to_it_with_their_lights(
    app, client, framework_items, make_stakeholder, make_commitment
):
    owner = make_stakeholder("Nakuru Housing Group")
    quiet = make_commitment(owner, title="Quiet pledge", alignment=[framework_items["11.1"]])
    make_commitment(owner, title="Active pledge", alignment=[framework_items["11.1"]])
    make_commitment(owner, title="Elsewhere", alignment=[framework_items["6.2"]])
    make_commitment(owner, title="Draft", alignment=[framework_items["11.1"]], status=Status.DRAFT)
    with app.app_context():
        db.session.execute(
            update(Commitment)
            .where(Commitment.id == quiet)
            .values(last_activity_on=date(2001, 1, 1))
        )
        db.session.commit()
    html = page(client, "/frameworks/sdg/items/11.1")
    rows = re.findall(
        r'<span class="light light-(\w+)".*?<a href="/commitments/\d+">([^<]+)</a>', html, re.S
    )
    assert rows == [("on_track", "Active pledge"), ("inactive", "Quiet pledge")]
    assert "Nakuru Housing Group" in html
    assert "No commitment advances" not in html
    # The goal gathers what its targets have; another goal does not.
    goal = page(client, "/frameworks/sdg/items/11")
    assert "Active pledge" in goal
    assert "Quiet pledge" in goal
    assert "Elsewhere" not in goal


def test_a_long_list_is_bounded_and_links_to_the_filtered_commitment_list(
    app, client, framework_items, make_stakeholder, make_commitment, monkeypatch
):
    monkeypatch.setattr("registry.frameworks.views.SHOWN", 2)
    owner = make_stakeholder()
    for n in range(3):
        make_commitment(owner, title=f"Pledge {n}", alignment=[framework_items["11.3"]])
    html = page(client, "/frameworks/sdg/items/11.3")
    assert len(re.findall(r'href="/commitments/\d+"', html)) == 2
    assert 'href="/commitments/?target=11.3"' in html
    goal = page(client, "/frameworks/sdg/items/11")
    assert 'href="/commitments/?goal=11"' in goal


def test_a_paragraph_gathers_its_sub_paragraphs_commitments(
    app, client, resolutions, make_stakeholder, make_commitment
):
    ids = paragraph_ids(app)
    owner = make_stakeholder()
    make_commitment(owner, title="Through a sub-paragraph", alignment=[ids["OP2(b)"]])
    html = page(client, "/frameworks/HSP/HA.2/RES.6/items/OP2")
    assert "Through a sub-paragraph" in html
    assert "/items/OP2(a)" in html
    assert "/items/OP2(b)" in html
    html = page(client, "/frameworks/HSP/HA.2/RES.6/items/OP9")
    assert "No commitment advances this paragraph yet." in html


def test_a_goal_page_is_the_same_statements_for_2_or_20_commitments(
    app, client, framework_items, make_stakeholder, make_commitment
):
    owner = make_stakeholder()
    targets = [framework_items["11.1"], framework_items["11.3"]]

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            make_commitment(owner, title=f"Pledge {n:02}", alignment=[targets[n % 2]])

    add(0, 2)
    with count_queries(app) as two:
        html = page(client, "/frameworks/sdg/items/11")
    assert html.count('<span class="light light-on_track"') == 2
    add(2, 20)
    with count_queries(app) as twenty:
        html = page(client, "/frameworks/sdg/items/11")
    assert html.count('<span class="light light-on_track"') == 10  # the first ten
    assert len(twenty) == len(two), (two, twenty)


# --- bad addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/frameworks/nowhere", "There is no global agreement with the code “nowhere”."),
        ("/frameworks/HSP/HA.9/RES.1", "There is no global agreement with the code"),
        ("/frameworks/sdg/items/99", "sdg has no item “99”."),
        ("/frameworks/HSP/HA.2/RES.6/items/OP77", "HSP/HA.2/RES.6 has no item “OP77”."),
        ("/frameworks/nowhere/items/11", "There is no global agreement"),
        ("/frameworks/" + "x" * 500, "There is no global agreement"),
        ("/frameworks/sdg/items/" + "1" * 500, "has no item"),
        ("/frameworks/sdg%00", "There is no global agreement"),
        ("/frameworks/sdg/items/1%00", "has no item"),
    ],
)
def test_unknown_codes_are_404_with_a_clear_message(
    app, client, framework_items, resolutions, url, says
):
    response = client.get(url)
    assert response.status_code == 404
    assert says in response.get_data(as_text=True)


def test_the_demo_resolution_shows_what_advances_each_paragraph(app, client):
    """``flask seed-demo``: HSP/HA.2/RES.6 with its paragraphs, those the demo commitments are
    aligned to counted, the others said to have none."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    html = page(client, "/frameworks/HSP/HA.2/RES.6")
    codes = re.findall(r'href="/frameworks/HSP/HA.2/RES.6/items/([^"]+)"', html)
    assert codes[:3] == ["OP2", "OP2(a)", "OP2(b)"]
    assert "OP9" in codes
    assert re.search(r'class="aligned-count">\d+ commitments?<', html)
    assert 'class="aligned-count aligned-none">Nothing yet<' in html
    assert "Nothing advances this paragraph yet." in html


def test_the_demo_tracking_page_shows_each_paragraphs_status_beside_what_advances_it(app, client):
    """The acceptance of resolution tracking, on the demo: per operative paragraph of
    HSP/HA.2/RES.6 its recorded implementation (seed 003's lines, entered through the
    services), the demo initiatives and commitments aligned to it, and the paragraphs that
    nothing advances said to be so."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    html = page(client, "/frameworks/HSP/HA.2/RES.6")
    paragraphs = html[html.index('id="items-title"') :]
    starts = {
        code: paragraphs.index(f'href="/frameworks/HSP/HA.2/RES.6/items/{code}"')
        for code in ("OP2(a)", "OP2(b)", "OP2(e)", "OP2(f)", "OP4(a)")
    }

    def of(code: str) -> str:
        later = [start for start in starts.values() if start > starts[code]]
        return paragraphs[starts[code] : min(later, default=len(paragraphs))]

    op2a = of("OP2(a)")
    assert "Under implementation" in op2a
    assert "Action-Oriented VLR Methodology" in op2a
    assert ">SDG Cities</a>" in op2a  # a demo initiative aligned to it
    op4a = of("OP4(a)")
    assert "Global Urban Monitoring Framework" in op4a  # the status line and the initiative
    assert 'class="light light-on_track"' in op4a  # the commitment's traffic light
    assert "80 cities apply the Global Urban Monitoring Framework" in op4a  # a commitment
    op2b = of("OP2(b)")
    assert "A capacity-building offer on SDG localization" in op2b
    assert "Planned" in op2b
    assert "2024" in op2b
    op2e = of("OP2(e)")
    assert "Nothing advances this paragraph yet." in op2e
    assert "Under implementation" in op2e  # recorded, though nothing in the registry advances it
