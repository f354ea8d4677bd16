"""Public pages are cacheable: no cookie for anonymous readers, Cache-Control and ETag."""

from __future__ import annotations

import pytest

from registry.models import Status

HTMX = {"HX-Request": "true"}


@pytest.fixture
def public_pages(make_stakeholder) -> list[str]:
    stakeholder = make_stakeholder("Nakuru Youth Network", country="KE")
    make_stakeholder("Hidden Draft", status=Status.DRAFT)
    return [
        "/",
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


def test_a_logged_in_reader_gets_private_pages(client, public_pages, member_user, login):
    login(member_user)
    for url in public_pages:
        response = client.get(url)
        assert response.headers["Cache-Control"] == "private, no-cache", url
        assert "ETag" not in response.headers, url


def test_forms_and_errors_are_not_cached(client, public_pages):
    for url in ("/login", "/register", "/stakeholders/?cursor=forged", "/stakeholders/999999"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "private, no-cache", url


def test_the_login_form_still_works_without_a_token_on_the_body(client, member_user, login):
    login(member_user)  # the token comes from the form itself
    html = client.get("/").get_data(as_text=True)
    assert "hx-headers" in html  # logged in: htmx writes carry the token
