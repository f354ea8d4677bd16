"""The implementation briefing: per resolution its symbol, year and title, then one bullet
per recorded (not hidden) status in order, each ending with the paragraphs it serves;
planned ones start with their period, done ones with "Done ✓". Printable, and downloadable
as Markdown and as Word, both read back here. Public: no cookie; a briefing for nothing is a
400, for an unknown resolution a 404 naming it."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

import pytest
from docx import Document
from sqlalchemy import select

from registry.extensions import db
from registry.frameworks.demo import STATUSES
from registry.frameworks.tracking import briefing_code
from registry.models import Framework, ImplementationState
from tests.querycount import count_queries
from tests.test_http_cache import page_cache  # noqa: F401 - the fixture, on the test Redis

SESSION_2019 = [f"HSP/HA.1/RES.{n}" for n in range(1, 6)]
SESSION_2023 = [f"HSP/HA.2/RES.{n}" for n in range(1, 9)]
BOTH = SESSION_2019 + SESSION_2023
RES6_URL = "/frameworks/HSP/HA.2/RES.6"
# Symbol (year), an en dash, title: as seed 003 writes it.
RES6_HEADING = "HSP/HA.2/RES.6 (2023) \u2013 Localization of the Sustainable Development Goals"


@pytest.fixture
def demo(app):
    """``flask seed-demo``: seed 003's statuses recorded through the services."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def bullets_by_resolution(html: str) -> dict[str, list[str]]:
    """Each section's heading code -> its bullets as text."""
    found = {}
    for section in re.findall(r'<section class="briefing-resolution".*?</section>', html, re.S):
        heading = unescape(re.search(r"<h2[^>]*>(.*?)</h2>", section, re.S).group(1))
        items = re.findall(r"<li>(.*?)</li>", section, re.S)
        found[heading.split(" ")[0]] = [unescape(re.sub(r"<[^>]+>", "", i)) for i in items]
    return found


def expected_bullet(line: dict) -> str:
    prefix = {
        ImplementationState.DONE: "Done ✓: ",
        ImplementationState.PLANNED: f"{line['period']}: ",
    }.get(line["state"], "")
    refs = f" ({', '.join(briefing_code(p) for p in line['paragraphs'])})"
    return prefix + line["text"].replace("**", "") + (refs if line["paragraphs"] else "")


def test_the_briefing_for_2019_and_2023_has_one_bullet_per_recorded_status(app, client, demo):
    response = client.get("/frameworks/briefing", query_string={"resolution": BOTH})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = bullets_by_resolution(html)
    assert list(found) == BOTH  # by session, then by number
    for code in BOTH:
        assert found[code] == [expected_bullet(line) for line in STATUSES.get(code, [])], code
    # The seed's shape, word for word where the seed is.
    assert RES6_HEADING in html
    assert any(
        b.startswith("Active support to localization efforts in 18 countries")
        and b.endswith("(OP2d, OP2e)")
        for b in found["HSP/HA.2/RES.6"]
    )
    assert "2024-25: Priorities" in " ".join(found["HSP/HA.2/RES.6"])
    assert (
        "Done ✓: Provided technical support upon demand to 10 Member States (OP6)"
        in (found["HSP/HA.2/RES.2"])
    )
    assert "<strong>Action-Oriented VLR Methodology</strong>" in html
    # Every resolution of seed 003 that names one has its lines, complete.
    for code in ["HSP/HA.1/RES.2", "HSP/HA.1/RES.4", "HSP/HA.1/RES.5", *SESSION_2023[1:6]]:
        assert len(found[code]) >= 3, code


def test_a_second_seed_adds_no_status(app, client, demo):
    from registry.models import ImplementationStatus

    with app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(ImplementationStatus))
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        after = db.session.scalar(select(db.func.count()).select_from(ImplementationStatus))
    assert before == after == sum(len(lines) for lines in STATUSES.values())
    assert f"{after} implementation lines (0 added)." in again.output


def test_the_briefing_is_public_and_sets_no_cookie(app, client, demo):
    response = client.get("/frameworks/briefing?resolution=HSP/HA.2/RES.6")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "public" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert 'href="/static/css/print.css" media="print"' in html
    assert 'class="button-row no-print"' in html


def test_the_form_lists_the_resolutions_by_session(app, client, demo):
    html = client.get("/frameworks/briefing").get_data(as_text=True)
    assert "Session HSP/HA.1, 2019" in html
    assert "Session HSP/HA.2, 2023" in html
    assert html.count('name="resolution"') == len(BOTH)


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks/briefing?show=1",
        "/frameworks/briefing?resolution=",
        "/frameworks/briefing.md",
        "/frameworks/briefing.docx?resolution=%20",
    ],
)
def test_a_briefing_for_no_resolution_is_a_400_that_says_so(app, client, demo, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Choose at least one resolution" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["briefing", "briefing.md", "briefing.docx"])
def test_an_unknown_resolution_is_a_404_naming_it(app, client, demo, path):
    response = client.get(
        f"/frameworks/{path}", query_string={"resolution": ["HSP/HA.2/RES.6", "HSP/HA.9/RES.1"]}
    )
    assert response.status_code == 404
    assert "HSP/HA.9/RES.1" in response.get_data(as_text=True)


def test_the_sdg_is_no_resolution_to_brief_on(app, client, framework_items):
    assert client.get("/frameworks/briefing?resolution=sdg").status_code == 404


def test_a_hidden_line_leaves_the_briefing(app, client, demo):
    from registry.frameworks import services
    from registry.models import ImplementationStatus

    with app.app_context():
        line = db.session.scalar(
            select(ImplementationStatus).where(ImplementationStatus.text.like("Merging%"))
        )
        services.hide_status(line, "Not a paragraph's work", None)
        db.session.commit()
    html = client.get("/frameworks/briefing?resolution=HSP/HA.2/RES.6").get_data(as_text=True)
    assert "Merging of the SDG Cities Flagship" not in html
    assert len(bullets_by_resolution(html)["HSP/HA.2/RES.6"]) == len(STATUSES["HSP/HA.2/RES.6"]) - 1


def test_markdown_download_reads_back(app, client, demo):
    response = client.get("/frameworks/briefing.md", query_string={"resolution": BOTH})
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.md"')
    assert "Set-Cookie" not in response.headers
    text = response.get_data(as_text=True)
    headings = re.findall(r"^## (\S+)", text, re.M)
    assert headings == BOTH
    section = text.split("## HSP/HA.2/RES.6")[1].split("\n## ")[0]
    bullets = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(STATUSES["HSP/HA.2/RES.6"])
    assert (
        "- Launching the **Action\\-Oriented VLR Methodology**, piloted in 13 countries (OP2a)"
        in bullets
        or "- Launching the **Action-Oriented VLR Methodology**, piloted in 13 countries (OP2a)"
        in bullets
    )
    assert "- 2024-25: **Priorities**: secure" in section


def test_markdown_escapes_what_would_be_markup(app, client, framework_items):
    with app.app_context():
        from registry.frameworks import services

        framework = db.session.scalar(select(Framework).where(Framework.code == "HSP/HA.2/RES.6"))
        services.record_status(
            framework,
            {
                "state": ImplementationState.UNDER_IMPLEMENTATION,
                "period": "",
                "text": "A [link](javascript:x) and <b>tags</b> and **bold** and a_b",
                "items": [],
                "recorded_on": date(2024, 3, 21),
            },
            None,
            date(2024, 3, 21),
        )
        db.session.commit()
    text = client.get("/frameworks/briefing.md?resolution=HSP/HA.2/RES.6").get_data(as_text=True)
    assert "- A \\[link\\](javascript:x) and \\<b\\>tags\\</b\\> and **bold** and a\\_b" in text


def test_word_download_reads_back(app, client, demo):
    response = client.get("/frameworks/briefing.docx", query_string={"resolution": BOTH})
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h.split(" ")[0] for h in headings] == BOTH
    assert headings[-3] == RES6_HEADING
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == sum(len(STATUSES.get(code, [])) for code in BOTH)
    vlr = next(p for p in bullets if p.text.startswith("Launching the Action-Oriented"))
    assert vlr.text.endswith("(OP2a)")
    assert [run.text for run in vlr.runs if run.bold] == ["Action-Oriented VLR Methodology"]


def test_the_briefing_is_a_fixed_number_of_statements(app, client, demo):
    with count_queries(app) as one:
        client.get("/frameworks/briefing?resolution=HSP/HA.2/RES.6")
    with count_queries(app) as all_of_them:
        client.get("/frameworks/briefing", query_string={"resolution": BOTH})
    assert len(all_of_them) == len(one)


@pytest.mark.usefixtures("page_cache")
def test_a_new_line_is_never_hidden_by_the_page_cache(app, client, framework_items):
    """Recording a line moves the content version on, so the stored briefing and resolution
    page (rendered for anonymous readers) are not served again."""
    url = "/frameworks/briefing?resolution=HSP/HA.2/RES.6"
    assert "No implementation recorded yet." in client.get(url).get_data(as_text=True)
    assert "Set up the funding window" not in client.get(RES6_URL).get_data(as_text=True)
    with app.app_context():
        from registry.frameworks import services

        framework = db.session.scalar(select(Framework).where(Framework.code == "HSP/HA.2/RES.6"))
        services.record_status(
            framework,
            {
                "state": ImplementationState.DONE,
                "period": "",
                "text": "Set up the funding window",
                "items": [framework_items["OP2"]],
                "recorded_on": date(2024, 3, 21),
            },
            None,
            date(2024, 3, 21),
        )
        db.session.commit()
    bullets = bullets_by_resolution(client.get(url).get_data(as_text=True))
    assert bullets["HSP/HA.2/RES.6"] == ["Done ✓: Set up the funding window (OP2)"]
    assert "Set up the funding window" in client.get(RES6_URL).get_data(as_text=True)


def test_too_many_resolutions_is_a_400_that_says_so(app, client, framework_items):
    codes = [f"HSP/HA.2/RES.{n}" for n in range(1, 50)]
    response = client.get("/frameworks/briefing", query_string={"resolution": codes})
    assert response.status_code == 400
    assert "at most 40 resolutions" in response.get_data(as_text=True)
