"""What makes the registry one people can trust: pages that say what it is, what it keeps
about people and how accessible it is, linked from every page; and every status told apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry.models import Status

CSS = Path(__file__).parent.parent / "static" / "css" / "registry.css"
BADGE = re.compile(r'<span class="status-badge (status-[a-z_]+)">([^<]+)</span>')
PAGES = {
    "/about": "About the registry",
    "/privacy": "Privacy notice",
    "/accessibility": "Accessibility statement",
}
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')
PLACEHOLDER = re.compile(r"lorem|ipsum|todo|tbd|xxx|example\.(com|org)", re.I)


def footer(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_the_page_is_public_and_sets_no_cookie(client, path, title):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public")
    assert f'<h1 id="page-title">{title}</h1>' in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["member", "officer", "admin"])
def test_the_pages_are_there_for_every_role(as_role, role):
    client, _user = as_role(role)
    for path in PAGES:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("path", ["/", "/stakeholders/", "/login", *PAGES])
def test_every_page_links_the_three_and_the_open_data_in_its_footer(client, path):
    links = re.findall(r'<a href="([^"]+)"', footer(client.get(path).get_data(as_text=True)))
    assert links == [*PAGES, "/data"]


def test_the_footer_marks_the_page_you_are_on(client):
    html = footer(client.get("/privacy").get_data(as_text=True))
    assert '<a href="/privacy" aria-current="page">' in html
    assert '<a href="/about">' in html


def test_every_page_has_a_description_and_a_page_may_give_its_own(client):
    home = DESCRIPTION.search(client.get("/").get_data(as_text=True)).group(1)
    assert "sustainable cities" in home
    own = {DESCRIPTION.search(client.get(path).get_data(as_text=True)).group(1) for path in PAGES}
    assert home not in own
    assert len(own) == len(PAGES)


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_say_something_real(client, path):
    html = client.get(path).get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert not PLACEHOLDER.search(main)


def test_the_privacy_notice_names_every_contact_field_it_keeps(client):
    html = client.get("/privacy").get_data(as_text=True)
    for words in ("full name", "position", "email address", "phone number", "agreed to be listed"):
        assert words in html, words
    assert "partnership officers and administrators" in html  # contact.view: staff or member
    assert "Ask to join this organization" in html  # the way to reach the administrators


def test_a_published_contact_address_replaces_the_way_through_the_app(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_EMAIL", "privacy@registry.example")
    for path in ("/privacy", "/accessibility"):
        html = client.get(path).get_data(as_text=True)
        assert '<a href="mailto:privacy@registry.example">' in html, path
        assert "Ask to join this organization" not in html.split("<main", 1)[1], path


def test_the_privacy_notice_names_the_login_records(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "for each device you are logged in on" in html
    assert "failed attempts to log in to each account" in html


def test_the_accessibility_statement_gives_its_target_and_tests(client):
    html = client.get("/accessibility").get_data(as_text=True)
    for words in ("WCAG", "2.2", "level AA", "axe-core", "keyboard", "320 pixels", "200% zoom"):
        assert words in html, words


@pytest.fixture
def one_of_each_status(make_stakeholder, make_membership, member_user) -> None:
    for status in Status:
        stakeholder = make_stakeholder(name=f"Organization {status.value}", status=status)
        make_membership(member_user, stakeholder)


def test_every_status_has_its_own_badge(client, login, member_user, one_of_each_status):
    login(member_user)
    html = client.get("/stakeholders/mine").get_data(as_text=True)
    badges = dict(BADGE.findall(html))
    assert set(badges) == {f"status-{status.value}" for status in Status}
    assert len(set(badges.values())) == len(Status)  # and its own words


@pytest.mark.parametrize("status", list(Status))
def test_every_status_badge_has_its_own_colours(status):
    rule = re.search(rf"\.status-{status.value} \{{([^}}]*)\}}", CSS.read_text(encoding="utf-8"))
    assert rule, f"no .status-{status.value} rule in registry.css"
    assert "color:" in rule.group(1)
    assert "background:" in rule.group(1)


def test_the_header_has_the_mark_without_inline_style(client):
    html = client.get("/").get_data(as_text=True)
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert '<img class="brand-mark" src="/static/img/mark.svg" alt=""' in header
    assert "style=" not in html
    with client.get("/static/img/mark.svg") as mark:  # a file response: close it
        assert mark.status_code == 200
        assert mark.mimetype == "image/svg+xml"
