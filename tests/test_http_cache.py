"""Public pages are cacheable: no cookie for anonymous readers, Cache-Control and ETag."""

from __future__ import annotations

import os

import pytest
import redis

from registry.extensions import db
from registry.models import Stakeholder, Status
from tests.querycount import count_queries

HTMX = {"HX-Request": "true"}


@pytest.fixture
def public_pages(make_stakeholder) -> list[str]:
    stakeholder = make_stakeholder("Nakuru Youth Network", country="KE")
    make_stakeholder("Hidden Draft", status=Status.DRAFT)
    return [
        "/",
        "/about",
        "/privacy",
        "/accessibility",
        "/stakeholders/",
        "/stakeholders/?q=nakuru&sector=civil_society",
        "/stakeholders/?sort=country&dir=desc",
        f"/stakeholders/{stakeholder.id}",
    ]


def test_an_anonymous_reader_gets_no_cookie(client, public_pages):
    for url in public_pages:
        for headers in ({}, HTMX):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            assert "Set-Cookie" not in response.headers, url
            assert client.get_cookie("session") is None, url


def test_public_pages_are_cacheable_and_conditional(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        assert response.headers["Cache-Control"] == "public, max-age=60", url
        vary = {part.strip() for part in response.headers["Vary"].split(",")}
        assert {"Cookie", "HX-Request", "Accept-Language"} <= vary, url
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.get_data() == b""


def test_the_detail_page_says_when_it_last_changed(client, public_pages):
    response = client.get(public_pages[-1])
    assert response.headers["Last-Modified"].endswith(" GMT")


def test_a_logged_in_reader_gets_pages_no_cache_keeps(client, public_pages, member_user, login):
    login(member_user)
    for url in [*public_pages, "/stakeholders/new", "/stakeholders/mine"]:
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers, url


def test_forms_and_errors_are_not_cached(client, public_pages):
    for url in ("/login", "/register", "/stakeholders/?cursor=forged", "/stakeholders/999999"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "private, no-cache", url


def test_the_login_form_still_works_without_a_token_on_the_body(client, member_user, login):
    login(member_user)  # the token comes from the form itself
    html = client.get("/").get_data(as_text=True)
    assert "hx-headers" in html  # logged in: htmx writes carry the token


@pytest.fixture
def page_cache(app, monkeypatch):
    """The page cache on the test Redis (required in CI), emptied first."""
    url = os.environ.get("TEST_PAGE_CACHE_URL", "redis://127.0.0.1:6379/12")
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 (CI requires it)")
    monkeypatch.setitem(app.config, "PAGE_CACHE_URL", url)
    return client


def test_a_page_rendered_once_is_served_from_the_shared_cache(
    app, client, page_cache, public_pages
):
    url = public_pages[-1]
    first = client.get(url)
    with count_queries(app) as statements:
        again = client.get(url)
    assert again.get_data() == first.get_data()
    assert len(statements) == 1  # the content version only: nothing rendered again
    assert again.headers["Cache-Control"] == "public, max-age=60"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(page_cache.keys("page:*")) == 1


def test_a_change_to_an_entry_is_never_hidden_by_the_cache(
    app, client, page_cache, make_stakeholder
):
    stakeholder = make_stakeholder("Before The Change")
    url = f"/stakeholders/{stakeholder.id}"
    assert "Before The Change" in client.get(url).get_data(as_text=True)
    assert "Before The Change" in client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.get(Stakeholder, stakeholder.id).name = "After The Change"
        db.session.commit()
    assert "After The Change" in client.get(url).get_data(as_text=True)
    assert "After The Change" in client.get("/").get_data(as_text=True)


def test_htmx_blocks_and_languages_are_kept_apart(client, page_cache, public_pages):
    whole = client.get("/stakeholders/").get_data(as_text=True)
    block = client.get("/stakeholders/", headers=HTMX).get_data(as_text=True)
    assert "<html" in whole
    assert "<html" not in block
    assert "<html" in client.get("/stakeholders/").get_data(as_text=True)


def test_a_reader_with_a_cookie_is_never_served_a_stored_page(
    app, client, page_cache, public_pages, member_user, login
):
    client.get(public_pages[0])  # stored for anonymous readers
    login(member_user)
    html = client.get(public_pages[0]).get_data(as_text=True)
    assert member_user.name in html  # rendered for them, with their name in the header


def test_without_redis_the_pages_still_render(app, client, public_pages, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_URL", "redis://127.0.0.1:1/0")
    for url in public_pages:
        assert client.get(url).status_code == 200
