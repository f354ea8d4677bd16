"""Registering and editing stakeholders, contacts, submitting for review, claims, "mine"."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy import text as sql_text

from registry.extensions import db
from registry.models import (
    AuditEvent,
    ClaimStatus,
    Contact,
    Membership,
    MembershipClaim,
    Review,
    Revision,
    RevisionStatus,
    Role,
    Scale,
    Stakeholder,
    Status,
    User,
)
from registry.stakeholders import services
from registry.stakeholders.forms import normalize_website
from tests.conftest import log_in

HTMX = {"HX-Request": "true"}
SCRIPT = "<script>alert(1)</script>"

# --- fixtures and helpers ----------------------------------------------------------------------


def form_data(**changes) -> dict:
    """A valid registration form; ``changes`` replace fields (None drops one)."""
    data = {
        "name": "Kibera Women's Savings Circle",
        "acronym": "KWSC",
        "org_identifier": "",
        "sector": "grassroots",
        "constituencies": ["women", "urban_poor"],
        "country": "KE",
        "city": "Nairobi",
        "scale": "local",
        "website": "https://kwsc.example.org",
        "description": "Savings groups for women in Kibera.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def make_contact(app: Flask):
    def make(stakeholder: Stakeholder, **fields) -> int:
        with app.app_context():
            contact = Contact(
                stakeholder_id=stakeholder.id,
                name=fields.pop("name", "Wanjiru Kamau"),
                email=fields.pop("email", "wanjiru@private.example"),
                phone=fields.pop("phone", "+254 700 000 001"),
                consent_at=fields.pop("consent_at", datetime(2026, 1, 5, tzinfo=UTC)),
                **fields,
            )
            db.session.add(contact)
            db.session.commit()
            return contact.id

    return make


@pytest.fixture
def rows(app: Flask):
    """All rows of a model, oldest first, detached."""

    def get(model, *where) -> list:
        with app.app_context():
            found = list(db.session.scalars(select(model).where(*where).order_by(model.id)))
            db.session.expunge_all()
            return found

    return get


def count(app: Flask, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def version_in(html: str) -> str:
    token = r"([\d.-]+)"  # the entry's version, and the pending proposal's when continuing it
    match = re.search(
        rf'name="version"[^>]*value="{token}"|value="{token}"[^>]*name="version"', html
    )
    assert match, "the edit form carries the version it was loaded at"
    return match.group(1) or match.group(2)


class _FormValues(HTMLParser):
    """Each form field's value as the page fills it in, by the field's name."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str | list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        name, value = attr.get("name") or "", attr.get("value") or ""
        kind = attr.get("type")
        if tag == "input" and kind == "checkbox":
            self.values.setdefault(name, []).extend([value] if "checked" in attr else [])
        elif tag == "input" and (kind != "radio" or "checked" in attr):
            self.values[name] = value
        elif tag == "select":
            self._select = name
        elif tag == "option" and ("selected" in attr or self._select not in self.values):
            self.values[self._select] = value  # a browser starts from the first option
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


CHECK_ROW = re.compile(r"<dt>([^<]*)</dt>\s*<dd>([^<]*)</dd>")


def page_values(html: str) -> dict[str, str | list[str]]:
    """What the page shows filled in: form fields by name, check-list rows by their label."""
    parser = _FormValues()
    parser.feed(html)
    return {**parser.values, **{label: value.strip() for label, value in CHECK_ROW.findall(html)}}


def edit_data(stakeholder: Stakeholder, version: str, **changes) -> dict:
    data = form_data(
        name=stakeholder.name,
        acronym="",
        sector=stakeholder.sector_code,
        constituencies=[],
        country=stakeholder.country or "",
        city=stakeholder.city or "",
        scale="local",
        website="",
        description="",
        version=version,
    )
    data.update(changes)
    return data


# --- register an organization ------------------------------------------------------------------


def test_create_form_has_every_field(client, member_user):
    log_in(client, member_user)

    response = client.get("/stakeholders/new")

    html = text(response)
    assert response.status_code == 200
    for name in ("name", "acronym", "org_identifier", "sector", "country", "city", "website"):
        assert f'name="{name}"' in html
    assert 'type="checkbox" name="constituencies"' in html or 'name="constituencies"' in html
    assert "<legend>At what scale does it work?</legend>" in html
    assert 'hx-get="/stakeholders/similar"' in html
    assert '<div id="similar-names" class="similar-names" aria-live="polite">' in html
    assert "None of these is my organization" not in html  # only when there are matches


def test_community_user_registers_a_draft_and_becomes_its_member(
    app, client, member_user, rows, audit_rows
):
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data())

    assert response.status_code == 303
    [stakeholder] = rows(Stakeholder)
    assert response.location.endswith(f"/stakeholders/{stakeholder.id}")
    assert stakeholder.status == Status.DRAFT
    assert stakeholder.created_by_id == member_user.id
    assert stakeholder.scale == Scale.LOCAL
    assert stakeholder.country == "KE"
    assert [(m.user_id, m.stakeholder_id) for m in rows(Membership)] == [
        (member_user.id, stakeholder.id)
    ]
    [event] = audit_rows("stakeholder.created")
    assert (event.actor_id, event.entry_type, event.entry_id) == (
        member_user.id,
        "stakeholder",
        stakeholder.id,
    )
    assert event.after["name"] == "Kibera Women's Savings Circle"
    assert event.after["constituencies"] == ["urban_poor", "women"]


def test_the_new_draft_is_saved_with_its_constituencies(client, member_user, rows, fetch):
    log_in(client, member_user)
    client.post("/stakeholders/new", data=form_data())

    [stakeholder] = rows(Stakeholder)
    fresh = fetch(Stakeholder, stakeholder.id, "constituencies")
    assert sorted(c.code for c in fresh.constituencies) == ["urban_poor", "women"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_staff_register_without_becoming_members(client, make_user, rows, role):
    log_in(client, make_user(role))

    response = client.post("/stakeholders/new", data=form_data())

    assert response.status_code == 303
    assert len(rows(Stakeholder)) == 1
    assert rows(Membership) == []


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/stakeholders/new")

    assert response.status_code == 302
    assert "/login" in response.location


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"name": ""}, "Enter the name of the organization", id="empty-name"),
        pytest.param({"name": "   "}, "Enter the name of the organization", id="blank-name"),
        pytest.param({"name": "x" * 201}, "200 characters or fewer", id="name-201"),
        pytest.param({"acronym": "A" * 31}, "30 characters or fewer", id="acronym-31"),
        pytest.param({"country": "ZZ"}, "Choose a country from the list", id="country-zz"),
        pytest.param({"sector": "spaceships"}, "Choose a sector from the list", id="sector"),
        pytest.param({"sector": ""}, "Choose the organization's sector", id="no-sector"),
        pytest.param(
            {"constituencies": ["aliens"]}, "Choose groups from the list", id="constituency"
        ),
        pytest.param({"scale": None}, "Choose the scale", id="no-scale"),
        pytest.param({"scale": "cosmic"}, "Choose a scale from the list", id="scale"),
        pytest.param({"city": "c" * 121}, "120 characters or fewer", id="city-121"),
        pytest.param({"website": "javascript:alert(1)"}, "starting with https://", id="website-js"),
        pytest.param({"website": "kwsc"}, "starting with https://", id="no-dot"),
        pytest.param({"website": "http://localhost/"}, "starting with https://", id="localhost"),
        pytest.param({"website": "kwsc example.org"}, "starting with https://", id="space"),
        pytest.param({"website": "mailto:a@example.org"}, "starting with https://", id="mailto"),
        pytest.param({"website": "ftp://example.org"}, "starting with https://", id="ftp"),
        pytest.param({"website": "javascript:1"}, "starting with https://", id="js-as-port"),
        pytest.param({"website": "https://[::1]/"}, "starting with https://", id="ipv6-host"),
        pytest.param({"website": "http://"}, "starting with https://", id="no-host"),
        # urlsplit raises on bracketed hosts: a message, never a 500.
        pytest.param({"website": "http://[::1"}, "starting with https://", id="unclosed-ipv6"),
        pytest.param({"website": "https://["}, "starting with https://", id="lone-bracket"),
        pytest.param({"website": "http://[]/"}, "starting with https://", id="empty-brackets"),
        pytest.param(
            {"website": "https://e.org/" + "a" * 300}, "300 characters or fewer", id="long-url"
        ),
        pytest.param({"description": "d" * 5001}, "5,000 characters or fewer", id="long-desc"),
        pytest.param({"org_identifier": "12345"}, "org-id.guide", id="org-id-no-prefix"),
        pytest.param({"org_identifier": "XM-DAC"}, "org-id.guide", id="org-id-no-id"),
        pytest.param({"org_identifier": "XM DAC 41120"}, "org-id.guide", id="org-id-spaces"),
        pytest.param({"org_identifier": "X-DAC-41120"}, "org-id.guide", id="org-id-short"),
    ],
)
def test_invalid_registration_is_refused_with_a_message(app, client, member_user, changes, message):
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data(**changes))

    html = text(response)
    assert response.status_code == 422
    assert message in html
    assert 'class="error-summary"' in html
    assert count(app, Stakeholder) == 0
    assert count(app, AuditEvent) == 1  # the log-in only


def test_error_summary_links_to_the_field(client, member_user):
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data(name="", country="ZZ"))

    html = text(response)
    assert '<a href="#name">Enter the name of the organization</a>' in html
    assert '<a href="#country">Choose a country from the list</a>' in html
    assert 'aria-invalid="true"' in html


def test_null_characters_do_not_break_the_save(client, member_user, rows):
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data(name="Nul\x00 Group"))

    assert response.status_code == 303
    assert [s.name for s in rows(Stakeholder)] == ["Nul Group"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param("XM-DAC-41120", "XM-DAC-41120", id="as-is"),
        pytest.param("  xm-dac-41120  ", "XM-DAC-41120", id="lower-and-spaces"),
        pytest.param("gb-chc-1234567", "GB-CHC-1234567", id="charity"),
        pytest.param("ke-rco-AbC12", "KE-RCO-AbC12", id="id-keeps-case"),
        pytest.param("", None, id="empty-is-none"),
    ],
)
def test_org_identifier_is_normalized(client, member_user, rows, typed, stored):
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data(org_identifier=typed))

    assert response.status_code == 303
    assert [s.org_identifier for s in rows(Stakeholder)] == [stored]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param("example.org", "https://example.org", id="bare-host"),
        pytest.param("www.example.org/path", "https://www.example.org/path", id="host-and-path"),
        pytest.param("  example.org  ", "https://example.org", id="spaces-around"),
        pytest.param("example.org:8080/x", "https://example.org:8080/x", id="port-not-scheme"),
        pytest.param("//example.org", "https://example.org", id="scheme-relative"),
        pytest.param("http://example.org", "http://example.org", id="http-kept"),
        pytest.param("HTTPS://Example.org", "HTTPS://Example.org", id="scheme-as-typed"),
        pytest.param("", None, id="empty-is-none"),
    ],
)
def test_website_without_a_scheme_is_stored_with_https(client, member_user, rows, typed, stored):
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data(website=typed))

    assert response.status_code == 303
    assert [s.website for s in rows(Stakeholder)] == [stored]


@pytest.mark.parametrize(
    ("typed", "filtered"),
    [
        pytest.param("javascript:alert(1)", "javascript:alert(1)", id="javascript"),
        pytest.param("data:text/html,x", "data:text/html,x", id="data"),
        pytest.param("mailto:a@example.org", "mailto:a@example.org", id="mailto"),
        pytest.param("ftp://example.org", "ftp://example.org", id="ftp"),
        # Read as host "javascript", port 1: given https://, and then refused for its dotless host.
        pytest.param("javascript:1", "https://javascript:1", id="javascript-port"),
    ],
)
def test_website_filter_leaves_any_scheme_for_the_validator(typed, filtered):
    assert normalize_website(typed) == filtered


def test_website_without_a_scheme_is_normalized_on_edit(client, member_user, draft, fetch):
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{draft.id}/edit")))

    response = client.post(
        f"/stakeholders/{draft.id}/edit", data=edit_data(draft, version, website="ndf.example.org")
    )

    assert response.status_code == 303
    assert fetch(Stakeholder, draft.id).website == "https://ndf.example.org"


def test_website_without_a_scheme_is_normalized_in_a_proposed_change(
    client, member_user, approved, rows
):
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{approved.id}/edit")))

    response = client.post(
        f"/stakeholders/{approved.id}/edit",
        data=edit_data(approved, version, website="www.nyan.example.org/about"),
    )

    assert response.status_code == 303
    [revision] = rows(Revision)
    assert revision.data["website"] == "https://www.nyan.example.org/about"


def test_duplicate_org_identifier_is_refused(app, client, member_user, make_stakeholder):
    make_stakeholder(name="Existing Body", org_identifier="KE-RCO-12345")
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data(org_identifier="ke-rco-12345"))

    assert response.status_code == 422
    assert "“Existing Body” already has this identifier" in text(response)
    assert count(app, Stakeholder) == 1


def test_duplicate_org_identifier_of_a_hidden_draft_does_not_name_it(
    app, client, member_user, make_stakeholder
):
    make_stakeholder(name="Secret Draft", status=Status.DRAFT, org_identifier="KE-RCO-999")
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data(org_identifier="KE-RCO-999"))

    assert response.status_code == 422
    assert "Another organization in the registry already has this identifier" in text(response)
    assert "Secret Draft" not in text(response)


def test_markup_in_every_text_field_is_stored_as_typed_and_shown_escaped(client, member_user, rows):
    log_in(client, member_user)
    typed = form_data(
        name=f"Name {SCRIPT}",
        acronym="<b>A</b>",
        city=f"City {SCRIPT}",
        description=f"About {SCRIPT}",
        website=f"https://example.org/?q={SCRIPT}",
    )
    assert client.post("/stakeholders/new", data=typed).status_code == 303
    [stakeholder] = rows(Stakeholder)
    assert (stakeholder.name, stakeholder.acronym, stakeholder.city, stakeholder.description) == (
        f"Name {SCRIPT}",
        "<b>A</b>",
        f"City {SCRIPT}",
        f"About {SCRIPT}",
    )

    for url in (
        f"/stakeholders/{stakeholder.id}",
        f"/stakeholders/{stakeholder.id}/submit",
        f"/stakeholders/{stakeholder.id}/edit",
        "/stakeholders/mine",
    ):
        html = text(client.get(url))
        assert SCRIPT not in html, url
        assert "<b>A</b>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_markup_in_contact_fields_is_shown_escaped(client, member_user, draft, rows):
    log_in(client, member_user)
    client.post(
        f"/stakeholders/{draft.id}/contacts/new",
        data=contact_data(name=f"Name {SCRIPT}", position=f"Pos {SCRIPT}"),
    )
    [contact] = rows(Contact)
    assert contact.name == f"Name {SCRIPT}"

    for url in (
        f"/stakeholders/{draft.id}",
        f"/stakeholders/{draft.id}/submit",
        f"/stakeholders/{draft.id}/contacts/{contact.id}/edit",
    ):
        html = text(client.get(url))
        assert SCRIPT not in html, url
        assert "&lt;script&gt;" in html, url


# --- "Did you mean …?" -------------------------------------------------------------------------


def test_similar_names_stop_the_save_until_the_user_confirms(
    app, client, member_user, make_stakeholder
):
    existing = make_stakeholder(name="Nakuru Youth Acton Network", city="Nakuru")
    log_in(client, member_user)

    response = client.post("/stakeholders/new", data=form_data(name="Nakuru Youth Action Network"))

    html = text(response)
    assert response.status_code == 422
    assert f'href="/stakeholders/{existing.id}"' in html
    assert f'href="/stakeholders/{existing.id}/claim"' in html
    assert "None of these is my organization" in html
    assert '<a href="#not_listed">' in html
    assert count(app, Stakeholder) == 1


def test_confirming_none_of_the_similar_names_registers_it(
    app, client, member_user, make_stakeholder
):
    make_stakeholder(name="Nakuru Youth Acton Network")
    log_in(client, member_user)

    response = client.post(
        "/stakeholders/new", data=form_data(name="Nakuru Youth Action Network", not_listed="y")
    )

    assert response.status_code == 303
    assert count(app, Stakeholder) == 2


def test_similar_fragment_for_htmx_lists_approved_matches(client, member_user, make_stakeholder):
    match = make_stakeholder(name="Nakuru Youth Acton Network", city="Nakuru")
    make_stakeholder(name="Nakuru Youth Action Group Draft", status=Status.DRAFT)
    log_in(client, member_user)

    response = client.get(
        "/stakeholders/similar", query_string={"name": "Nakuru Youth Action Network"}, headers=HTMX
    )

    html = text(response)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html
    assert f'<a href="/stakeholders/{match.id}">Nakuru Youth Acton Network</a>' in html
    assert f'href="/stakeholders/{match.id}/claim"' in html
    assert "This is my organization: ask to join" in html
    assert "Draft" not in html


def test_similar_fragment_is_empty_when_nothing_is_close(client, member_user, make_stakeholder):
    make_stakeholder(name="Cities Alliance")
    log_in(client, member_user)

    response = client.get("/stakeholders/similar", query_string={"name": "Zzyzx Water Board"})

    assert response.status_code == 200
    assert text(response).strip() == ""


def test_similar_fragment_needs_an_account(client):
    response = client.get("/stakeholders/similar", query_string={"name": "Nakuru"}, headers=HTMX)

    assert response.status_code == 401
    assert "/login" in response.headers["HX-Redirect"]


# --- edit --------------------------------------------------------------------------------------


def test_member_edits_a_draft_directly_with_audit(client, member_user, draft, fetch, audit_rows):
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{draft.id}/edit")))

    response = client.post(
        f"/stakeholders/{draft.id}/edit",
        data=edit_data(draft, version, name="Nakuru Disability Forum (NDF)", city="Naivasha"),
    )

    assert response.status_code == 303
    assert response.location.endswith(f"/stakeholders/{draft.id}")
    fresh = fetch(Stakeholder, draft.id)
    assert (fresh.name, fresh.city) == ("Nakuru Disability Forum (NDF)", "Naivasha")
    assert fresh.version > draft.version
    [event] = audit_rows("stakeholder.updated")
    assert event.actor_id == member_user.id
    assert event.before == {"name": "Nakuru Disability Forum", "city": "Nakuru"}
    assert event.after == {"name": "Nakuru Disability Forum (NDF)", "city": "Naivasha"}


def test_edit_form_shows_the_saved_values(client, member_user, draft):
    log_in(client, member_user)

    html = text(client.get(f"/stakeholders/{draft.id}/edit"))

    assert 'value="Nakuru Disability Forum"' in html
    assert '<option selected value="KE">' in html or 'value="KE" selected' in html
    assert 'name="version"' in html


def test_community_edit_of_an_approved_entry_waits_for_review(
    app, client, member_user, approved, fetch, rows
):
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{approved.id}/edit")))

    response = client.post(
        f"/stakeholders/{approved.id}/edit",
        data=edit_data(approved, version, name="Nakuru Youth Network (renamed)"),
    )

    assert response.status_code == 303
    with client.session_transaction() as session:
        [(_category, message)] = session["_flashes"]
    assert message.startswith("Your change is waiting for review.")
    assert fetch(Stakeholder, approved.id).name == "Nakuru Youth Action Network"
    [revision] = rows(Revision)
    assert revision.status == RevisionStatus.PENDING
    assert revision.data["name"] == "Nakuru Youth Network (renamed)"
    assert revision.author_id == member_user.id


def test_public_page_is_unchanged_while_the_revision_waits(app, client, member_user, approved):
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{approved.id}/edit")))
    client.post(
        f"/stakeholders/{approved.id}/edit",
        data=edit_data(approved, version, name="Nakuru Youth Network (renamed)"),
    )

    visitor = app.test_client()
    html = text(visitor.get(f"/stakeholders/{approved.id}"))

    assert "Nakuru Youth Action Network" in html
    assert "renamed" not in html


def test_editing_again_continues_the_pending_proposal(client, member_user, approved, rows):
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{approved.id}/edit")))
    client.post(
        f"/stakeholders/{approved.id}/edit",
        data=edit_data(approved, version, name="First Proposal Name"),
    )

    html = text(client.get(f"/stakeholders/{approved.id}/edit"))

    assert 'value="First Proposal Name"' in html
    assert 'value="Nakuru"' in html  # the fields the proposal did not touch stay filled in
    assert "already waiting for review" in html
    assert len(rows(Revision)) == 1


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_staff_edit_of_an_approved_entry_applies_directly(
    client, make_user, approved, fetch, rows, role
):
    log_in(client, make_user(role))
    version = version_in(text(client.get(f"/stakeholders/{approved.id}/edit")))

    response = client.post(
        f"/stakeholders/{approved.id}/edit", data=edit_data(approved, version, city="Naivasha")
    )

    assert response.status_code == 303
    assert fetch(Stakeholder, approved.id).city == "Naivasha"
    assert rows(Revision) == []


def test_concurrent_edit_second_save_gets_409_and_keeps_its_input(
    app, make_user, make_membership, draft, member_user, fetch
):
    colleague = make_user(Role.COMMUNITY, name="Colleague")
    make_membership(colleague, draft)
    first, second = app.test_client(), app.test_client()
    log_in(first, member_user)
    log_in(second, colleague)
    first_version = version_in(text(first.get(f"/stakeholders/{draft.id}/edit")))
    second_version = version_in(text(second.get(f"/stakeholders/{draft.id}/edit")))

    saved = first.post(
        f"/stakeholders/{draft.id}/edit", data=edit_data(draft, first_version, city="Naivasha")
    )
    refused = second.post(
        f"/stakeholders/{draft.id}/edit",
        data=edit_data(draft, second_version, city="Eldoret", description="Second's words"),
    )

    assert saved.status_code == 303
    assert refused.status_code == 409
    html = text(refused)
    assert "Someone else saved this entry while you were editing." in html
    assert 'value="Eldoret"' in html  # the second editor's input is kept
    assert "Second&#39;s words" in html
    assert "<dd>Naivasha</dd>" in html  # and the saved version is shown
    fresh = fetch(Stakeholder, draft.id)
    assert version_in(html) == str(fresh.version)  # saving again is now deliberate
    assert (fresh.city, fresh.description) == ("Naivasha", "")


def test_two_members_continuing_one_proposal_second_gets_409(
    app, make_user, make_membership, approved, member_user, rows
):
    colleague = make_user(Role.COMMUNITY, name="Colleague")
    make_membership(colleague, approved)
    first, second = app.test_client(), app.test_client()
    log_in(first, member_user)
    log_in(second, colleague)
    start = version_in(text(first.get(f"/stakeholders/{approved.id}/edit")))
    first.post(
        f"/stakeholders/{approved.id}/edit", data=edit_data(approved, start, city="Naivasha")
    )
    first_token = version_in(text(first.get(f"/stakeholders/{approved.id}/edit")))
    second_token = version_in(text(second.get(f"/stakeholders/{approved.id}/edit")))

    saved = first.post(
        f"/stakeholders/{approved.id}/edit",
        data=edit_data(approved, first_token, city="Naivasha", acronym="NYAN"),
    )
    refused = second.post(
        f"/stakeholders/{approved.id}/edit",
        data=edit_data(approved, second_token, city="Eldoret"),
    )

    assert saved.status_code == 303
    assert refused.status_code == 409
    [revision] = rows(Revision)
    assert revision.data == {"city": "Naivasha", "acronym": "NYAN"}


def test_edit_with_a_mangled_version_is_a_conflict(client, member_user, draft, fetch):
    log_in(client, member_user)

    response = client.post(
        f"/stakeholders/{draft.id}/edit", data=edit_data(draft, "abc", city="Eldoret")
    )

    assert response.status_code == 409
    assert fetch(Stakeholder, draft.id).city == "Nakuru"


def test_invalid_edit_is_422_and_changes_nothing(client, member_user, draft, fetch):
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{draft.id}/edit")))

    response = client.post(
        f"/stakeholders/{draft.id}/edit", data=edit_data(draft, version, name="", country="ZZ")
    )

    assert response.status_code == 422
    assert "Enter the name of the organization" in text(response)
    assert fetch(Stakeholder, draft.id).name == "Nakuru Disability Forum"


def test_edit_to_an_identifier_another_entry_has_is_refused(
    client, member_user, draft, make_stakeholder, fetch
):
    make_stakeholder(name="Holder", org_identifier="KE-RCO-1")
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{draft.id}/edit")))

    response = client.post(
        f"/stakeholders/{draft.id}/edit",
        data=edit_data(draft, version, org_identifier="KE-RCO-1"),
    )

    assert response.status_code == 422
    assert fetch(Stakeholder, draft.id).org_identifier is None


def test_an_identifier_taken_between_check_and_commit_is_refused_on_create(
    app, client, member_user, make_stakeholder, monkeypatch
):
    """The database's unique key is the last guard: a race the service's check cannot see
    is still a 422 with the form, and nothing is written."""
    make_stakeholder(name="Existing Body", org_identifier="KE-RCO-12345")
    monkeypatch.setattr(services, "check_identifier_free", lambda *args: None)
    log_in(client, member_user)

    response = client.post(
        "/stakeholders/new", data=form_data(org_identifier="ke-rco-12345", not_listed="y")
    )

    assert response.status_code == 422
    assert "Another organization in the registry already has this identifier" in text(response)
    assert count(app, Stakeholder) == 1


def test_an_identifier_taken_between_check_and_commit_is_refused_on_edit(
    client, member_user, draft, make_stakeholder, fetch, monkeypatch
):
    make_stakeholder(name="Holder", org_identifier="KE-RCO-1")
    monkeypatch.setattr(services, "check_identifier_free", lambda *args: None)
    log_in(client, member_user)
    version = version_in(text(client.get(f"/stakeholders/{draft.id}/edit")))

    response = client.post(
        f"/stakeholders/{draft.id}/edit",
        data=edit_data(draft, version, org_identifier="ke-rco-1"),
    )

    assert response.status_code == 422
    assert "Another organization in the registry already has this identifier" in text(response)
    assert fetch(Stakeholder, draft.id).org_identifier is None


def test_merged_entry_cannot_be_edited(client, make_user, make_stakeholder):
    target = make_stakeholder(name="Survivor")
    merged = make_stakeholder(name="Duplicate", merged_into_id=target.id)
    log_in(client, make_user(Role.ADMIN))

    assert client.get(f"/stakeholders/{merged.id}/edit").status_code == 404


# --- who may do what, by any URL ---------------------------------------------------------------

DRAFT_URLS = [
    ("GET", "/stakeholders/{id}/edit"),
    ("POST", "/stakeholders/{id}/edit"),
    ("GET", "/stakeholders/{id}/contacts/new"),
    ("POST", "/stakeholders/{id}/contacts/new"),
    ("GET", "/stakeholders/{id}/contacts/{contact}/edit"),
    ("POST", "/stakeholders/{id}/contacts/{contact}/edit"),
    ("POST", "/stakeholders/{id}/contacts/{contact}/delete"),
    ("GET", "/stakeholders/{id}/submit"),
    ("POST", "/stakeholders/{id}/submit"),
    ("POST", "/stakeholders/{id}/withdraw"),
    ("GET", "/stakeholders/{id}/claim"),
]


@pytest.mark.parametrize(("method", "url"), DRAFT_URLS)
def test_non_member_cannot_reach_a_draft_by_any_url(
    app, client, make_user, draft, make_contact, method, url, fetch, rows
):
    contact_id = make_contact(draft)
    log_in(client, make_user(Role.COMMUNITY))

    response = client.open(url.format(id=draft.id, contact=contact_id), method=method, data={})

    assert response.status_code == 404
    assert fetch(Stakeholder, draft.id).status == Status.DRAFT
    assert [c.id for c in rows(Contact)] == [contact_id]


@pytest.mark.parametrize(("method", "url"), DRAFT_URLS)
def test_anonymous_is_sent_to_log_in_from_every_url(client, draft, make_contact, method, url):
    contact_id = make_contact(draft)

    response = client.open(url.format(id=draft.id, contact=contact_id), method=method, data={})

    assert response.status_code == 302
    assert "/login" in response.location


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/stakeholders/{id}/edit"),
        ("POST", "/stakeholders/{id}/edit"),
        ("GET", "/stakeholders/{id}/contacts/new"),
        ("GET", "/stakeholders/{id}/submit"),
        ("POST", "/stakeholders/{id}/withdraw"),
    ],
)
def test_non_member_is_refused_on_a_public_entry(client, make_user, approved, fetch, method, url):
    log_in(client, make_user(Role.COMMUNITY))

    response = client.open(url.format(id=approved.id), method=method, data={})

    assert response.status_code == 403
    assert fetch(Stakeholder, approved.id).status == Status.APPROVED


@pytest.mark.parametrize("who", ["member", "officer", "admin"])
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param(
            "/stakeholders/{id}/edit",
            {
                "name": "Nakuru Disability Forum",
                "sector": "grassroots",
                "country": "KE",
                "city": "Nakuru",
                "scale": "local",
                "acronym": "",
            },
            id="/stakeholders/{id}/edit",
        ),
        pytest.param(
            "/stakeholders/{id}/contacts/new",
            {"name": "", "email": "", "phone": "", "consent_at": ""},  # a new person, for it
            id="/stakeholders/{id}/contacts/new",
        ),
        pytest.param(
            "/stakeholders/{id}/contacts/{contact}/edit",
            {
                "name": "Wanjiru Kamau",
                "email": "wanjiru@private.example",
                "phone": "+254 700 000 001",
                "consent_at": "2026-01-05",
            },
            id="/stakeholders/{id}/contacts/{contact}/edit",
        ),
        pytest.param(
            "/stakeholders/{id}/submit",
            {
                "Name": "Nakuru Disability Forum",
                "Sector": "Grassroots or community-based organization",
                "Country": "Kenya",
                "City or locality": "Nakuru",
                "Scale": "Local",
            },
            id="/stakeholders/{id}/submit",
        ),
    ],
)
def test_members_and_staff_can_open_the_draft_forms(
    client, make_user, member_user, draft, make_contact, who, url, shown
):
    contact_id = make_contact(draft)
    log_in(client, member_user if who == "member" else make_user(Role(who)))
    path = url.format(id=draft.id, contact=contact_id)

    response = client.get(path)

    html = text(response)
    assert response.status_code == 200
    assert f'<a href="/stakeholders/{draft.id}">Back to Nakuru Disability Forum</a>' in html
    assert f'<form method="post" action="{path}"' in html  # it saves to this entry
    values = page_values(html)
    assert {field: values.get(field) for field in shown} == shown


def test_unknown_stakeholder_is_404(client, member_user):
    log_in(client, member_user)

    assert client.get("/stakeholders/999999/edit").status_code == 404


# --- contacts ----------------------------------------------------------------------------------


def contact_data(**changes) -> dict:
    data = {
        "name": "Achieng Otieno",
        "position": "Coordinator",
        "email": "achieng@ndf.example",
        "phone": "+254 (0)712-345.678",
        "consent_at": "2026-02-01",
    }
    data.update(changes)
    return data


def test_member_adds_a_contact_without_personal_data_in_the_audit(
    client, member_user, draft, rows, audit_rows
):
    log_in(client, member_user)

    response = client.post(f"/stakeholders/{draft.id}/contacts/new", data=contact_data())

    assert response.status_code == 303
    assert response.location.endswith(f"/stakeholders/{draft.id}#contacts-title")
    [contact] = rows(Contact)
    assert (contact.stakeholder_id, contact.name, contact.email) == (
        draft.id,
        "Achieng Otieno",
        "achieng@ndf.example",
    )
    assert contact.consent_at.date().isoformat() == "2026-02-01"
    [event] = audit_rows("contact.created")
    assert (event.entry_type, event.entry_id) == ("stakeholder", draft.id)
    assert event.before is None
    assert event.after == {"contact_id": contact.id}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"name": ""}, "Enter the person's name", id="no-name"),
        pytest.param({"name": "n" * 121}, "120 characters or fewer", id="long-name"),
        pytest.param({"email": "not-an-email"}, "in the right format", id="bad-email"),
        pytest.param({"email": "a@b@c.example"}, "in the right format", id="two-ats"),
        pytest.param({"phone": "call me maybe"}, "digits, spaces", id="letters-in-phone"),
        pytest.param({"phone": "+" + "1" * 40}, "40 characters or fewer", id="long-phone"),
        pytest.param({"consent_at": ""}, "Enter the date the person agreed", id="no-consent"),
        pytest.param({"consent_at": "  "}, "Enter the date the person agreed", id="blank-consent"),
        pytest.param({"consent_at": "2026-02-30"}, "year-month-day", id="no-such-day"),
        pytest.param({"consent_at": "01/02/2026"}, "year-month-day", id="consent-format"),
        pytest.param(
            {"consent_at": (datetime.now(UTC) + timedelta(days=3)).date().isoformat()},
            "cannot be in the future",
            id="consent-future",
        ),
    ],
)
def test_invalid_contact_is_refused_with_a_message(
    app, client, member_user, draft, changes, message
):
    log_in(client, member_user)

    response = client.post(f"/stakeholders/{draft.id}/contacts/new", data=contact_data(**changes))

    assert response.status_code == 422
    assert message in text(response)
    assert count(app, Contact) == 0


def test_contact_with_only_a_name_and_consent_is_enough(client, member_user, draft, rows):
    log_in(client, member_user)

    response = client.post(
        f"/stakeholders/{draft.id}/contacts/new",
        data=contact_data(position="", email="", phone=""),
    )

    assert response.status_code == 303
    [contact] = rows(Contact)
    assert (contact.position, contact.email, contact.phone) == (None, None, None)


def test_member_updates_a_contact_and_the_audit_names_only_fields(
    client, member_user, draft, make_contact, rows, audit_rows
):
    contact_id = make_contact(draft)
    log_in(client, member_user)

    response = client.post(
        f"/stakeholders/{draft.id}/contacts/{contact_id}/edit",
        data=contact_data(name="Wanjiru Kamau", consent_at="2026-01-05", phone="+254 1"),
    )

    assert response.status_code == 303
    [contact] = rows(Contact)
    assert (contact.email, contact.phone) == ("achieng@ndf.example", "+254 1")
    [event] = audit_rows("contact.updated")
    assert event.after == {"contact_id": contact_id, "fields": ["email", "phone", "position"]}


def test_member_removes_a_contact(client, member_user, draft, make_contact, rows, audit_rows):
    contact_id = make_contact(draft)
    log_in(client, member_user)

    response = client.post(f"/stakeholders/{draft.id}/contacts/{contact_id}/delete")

    assert response.status_code == 303
    assert rows(Contact) == []
    [event] = audit_rows("contact.deleted")
    assert (event.entry_id, event.before, event.after) == (
        draft.id,
        {"contact_id": contact_id},
        None,
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_contact_of_another_stakeholder_is_404(
    client, member_user, draft, make_stakeholder, make_contact, rows, method
):
    other = make_stakeholder(name="Other Org")
    other_contact = make_contact(other, name="Other Person")
    log_in(client, member_user)

    response = client.open(
        f"/stakeholders/{draft.id}/contacts/{other_contact}/edit",
        method=method,
        data=contact_data(),
    )

    assert response.status_code == 404
    assert [c.name for c in rows(Contact)] == ["Other Person"]


def test_contact_of_another_stakeholder_cannot_be_deleted(
    client, member_user, draft, make_stakeholder, make_contact, rows
):
    other_contact = make_contact(make_stakeholder(name="Other Org"))
    log_in(client, member_user)

    response = client.post(f"/stakeholders/{draft.id}/contacts/{other_contact}/delete")

    assert response.status_code == 404
    assert len(rows(Contact)) == 1


def test_contacts_never_appear_on_the_public_page(client, approved, make_contact):
    make_contact(approved, name="Wanjiru Kamau", email="wanjiru@private.example")

    html = text(client.get(f"/stakeholders/{approved.id}"))

    assert "Nakuru Youth Action Network" in html
    assert "Wanjiru" not in html
    assert "wanjiru@private.example" not in html
    assert "+254 700" not in html


def test_contacts_are_hidden_from_a_logged_in_non_member(client, make_user, approved, make_contact):
    make_contact(approved, name="Wanjiru Kamau")
    log_in(client, make_user(Role.COMMUNITY))

    html = text(client.get(f"/stakeholders/{approved.id}"))

    assert "Wanjiru" not in html


# --- check your answers, submit, withdraw ------------------------------------------------------


def test_check_page_lists_every_field_with_change_links(client, member_user, draft, make_contact):
    make_contact(draft)
    log_in(client, member_user)

    response = client.get(f"/stakeholders/{draft.id}/submit")

    html = text(response)
    assert response.status_code == 200
    for label in ("Name", "Sector", "Country", "City or locality", "Scale", "Website"):
        assert f"<dt>{label}</dt>" in html
    assert f'href="/stakeholders/{draft.id}/edit#name"' in html
    assert f'href="/stakeholders/{draft.id}/edit#sector"' in html
    assert "1 contact person" in html
    assert "Kenya" in html
    assert f'action="/stakeholders/{draft.id}/submit"' in html


def test_submit_sends_the_entry_for_review(
    app, client, member_user, draft, admin_user, fetch, rows, audit_rows, caplog
):
    log_in(client, member_user)
    caplog.set_level(logging.INFO, logger=app.logger.name)

    response = client.post(f"/stakeholders/{draft.id}/submit")

    assert response.status_code == 303
    assert fetch(Stakeholder, draft.id).status == Status.SUBMITTED
    [review] = rows(Review)
    assert (review.entry_type, review.entry_id, review.from_status, review.to_status) == (
        "stakeholder",
        draft.id,
        "draft",
        "submitted",
    )
    assert review.reviewer_id == member_user.id
    assert [e.entry_id for e in audit_rows("stakeholder.submit")] == [draft.id]
    assert "For review: Nakuru Disability Forum" in caplog.text
    assert admin_user.email in caplog.text


def test_submitting_twice_is_409(client, member_user, draft, rows):
    log_in(client, member_user)
    client.post(f"/stakeholders/{draft.id}/submit")

    response = client.post(f"/stakeholders/{draft.id}/submit")

    assert response.status_code == 409
    assert "already waiting for review" in text(response)
    assert len(rows(Review)) == 1


def saved_meanwhile(app, monkeypatch, name: str) -> None:
    """Make ``services.<name>`` lose a race: someone else saves the entry (its version moves
    on, in their own transaction) just before this request writes."""
    real = getattr(services, name)

    def racing(stakeholder, *args, **kwargs):
        with db.engine.begin() as other:
            other.execute(
                sql_text("UPDATE stakeholder SET version = version + 1 WHERE id = :id"),
                {"id": stakeholder.id},
            )
        return real(stakeholder, *args, **kwargs)

    monkeypatch.setattr(services, name, racing)


def test_a_submit_that_loses_a_race_is_409_and_writes_nothing(
    app, client, member_user, draft, rows, monkeypatch
):
    log_in(client, member_user)
    saved_meanwhile(app, monkeypatch, "submit")

    response = client.post(f"/stakeholders/{draft.id}/submit")

    assert response.status_code == 409
    assert "already waiting for review" in text(response)
    assert rows(Review) == []


def test_a_withdrawal_that_loses_a_race_is_409_and_writes_nothing(
    app, client, member_user, approved, fetch, monkeypatch
):
    log_in(client, member_user)
    saved_meanwhile(app, monkeypatch, "withdraw")

    response = client.post(f"/stakeholders/{approved.id}/withdraw", data={"confirm": "yes"})

    assert response.status_code == 409
    assert "changed while you were working on it" in text(response)
    assert fetch(Stakeholder, approved.id).status == Status.APPROVED


def test_submitting_an_approved_entry_is_409(client, member_user, approved, fetch, rows):
    log_in(client, member_user)

    response = client.post(f"/stakeholders/{approved.id}/submit")

    assert response.status_code == 409
    assert "cannot be submit for review from there" in text(response)
    assert fetch(Stakeholder, approved.id).status == Status.APPROVED
    assert rows(Review) == []


def test_member_withdraws_a_submitted_entry(client, member_user, draft, fetch, audit_rows):
    log_in(client, member_user)
    client.post(f"/stakeholders/{draft.id}/submit")

    response = client.post(
        f"/stakeholders/{draft.id}/withdraw",
        data={"comment": "Registered by mistake", "confirm": "yes"},
    )

    assert response.status_code == 303
    assert fetch(Stakeholder, draft.id).status == Status.WITHDRAWN
    [event] = audit_rows("stakeholder.withdraw")
    assert event.after == {"status": "withdrawn", "comment": "Registered by mistake"}


def test_withdrawing_a_draft_is_409(client, member_user, draft, fetch):
    log_in(client, member_user)

    response = client.post(f"/stakeholders/{draft.id}/withdraw", data={"confirm": "yes"})

    assert response.status_code == 409
    assert "cannot be withdraw" in text(response)
    assert fetch(Stakeholder, draft.id).status == Status.DRAFT


def test_withdraw_without_the_button_s_confirmation_changes_nothing(
    client, member_user, approved, fetch, rows
):
    log_in(client, member_user)

    response = client.post(f"/stakeholders/{approved.id}/withdraw", data={"comment": "x"})

    assert response.status_code == 422
    assert "use the “Withdraw” button" in text(response)
    assert 'name="confirm" value="yes"' in text(response)
    assert fetch(Stakeholder, approved.id).status == Status.APPROVED
    assert rows(Review) == []


def test_withdraw_reason_too_long_is_422(client, member_user, approved, fetch):
    log_in(client, member_user)

    response = client.post(
        f"/stakeholders/{approved.id}/withdraw", data={"comment": "w" * 2001, "confirm": "yes"}
    )

    assert response.status_code == 422
    assert "2,000 characters or fewer" in text(response)
    assert fetch(Stakeholder, approved.id).status == Status.APPROVED


# --- ask to join -------------------------------------------------------------------------------


@pytest.fixture
def outsider(make_user) -> User:
    return make_user(Role.COMMUNITY, name="Otieno Outsider", email="otieno@example.org")


def test_claim_records_a_pending_request_audits_and_tells_admins(
    app, client, outsider, approved, admin_user, rows, audit_rows, caplog
):
    log_in(client, outsider)
    caplog.set_level(logging.INFO, logger=app.logger.name)

    response = client.post(
        f"/stakeholders/{approved.id}/claim",
        data={"message": "I coordinate the network's Nakuru chapter; ask the chair."},
    )

    assert response.status_code == 303
    [claim] = rows(MembershipClaim)
    assert (claim.user_id, claim.stakeholder_id, claim.status) == (
        outsider.id,
        approved.id,
        ClaimStatus.PENDING,
    )
    [event] = audit_rows("stakeholder.claim_requested")
    assert event.after == {"claim_id": claim.id, "user_id": outsider.id}
    assert "Membership request: Nakuru Youth Action Network" in caplog.text


def test_claim_page_asks_who_they_are(client, outsider, approved):
    log_in(client, outsider)

    response = client.get(f"/stakeholders/{approved.id}/claim")

    assert response.status_code == 200
    assert "Who are you, and how can staff check it?" in text(response)


def test_second_claim_is_refused(client, outsider, approved, rows):
    log_in(client, outsider)
    client.post(f"/stakeholders/{approved.id}/claim", data={"message": "First"})

    response = client.post(f"/stakeholders/{approved.id}/claim", data={"message": "Again"})

    assert response.status_code == 409
    assert "already asked to join" in text(response)
    assert [c.message for c in rows(MembershipClaim)] == ["First"]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        pytest.param("", "Tell us who you are", id="empty"),
        pytest.param("m" * 2001, "2,000 characters or fewer", id="too-long"),
    ],
)
def test_claim_message_is_checked(app, client, outsider, approved, message, error):
    log_in(client, outsider)

    response = client.post(f"/stakeholders/{approved.id}/claim", data={"message": message})

    assert response.status_code == 422
    assert error in text(response)
    assert count(app, MembershipClaim) == 0


def test_member_cannot_claim_its_own_organization(app, client, member_user, approved):
    log_in(client, member_user)

    response = client.post(f"/stakeholders/{approved.id}/claim", data={"message": "Me"})

    assert response.status_code == 403
    assert "You already act for this organization." in text(response)
    assert count(app, MembershipClaim) == 0


def test_anonymous_claim_is_sent_to_log_in(app, client, approved):
    response = client.post(f"/stakeholders/{approved.id}/claim", data={"message": "Me"})

    assert response.status_code == 302
    assert "/login" in response.location
    assert count(app, MembershipClaim) == 0


def test_a_draft_cannot_be_claimed_by_an_outsider(app, client, outsider, draft):
    log_in(client, outsider)

    response = client.post(f"/stakeholders/{draft.id}/claim", data={"message": "Me"})

    assert response.status_code == 404
    assert count(app, MembershipClaim) == 0


# --- my organizations and the detail page's actions ---------------------------------------------


def test_mine_lists_memberships_with_status_revisions_and_claims(
    client, member_user, draft, approved, make_stakeholder, app
):
    other = make_stakeholder(name="Rift Valley Women Forum")
    with app.app_context():
        db.session.add(
            Revision(
                entry_type="stakeholder",
                entry_id=approved.id,
                data={"name": "X"},
                base_version=1,
                author_id=member_user.id,
            )
        )
        db.session.add(
            MembershipClaim(user_id=member_user.id, stakeholder_id=other.id, message="m")
        )
        db.session.commit()
    log_in(client, member_user)

    response = client.get("/stakeholders/mine")

    html = text(response)
    assert response.status_code == 200
    assert re.search(r"Nakuru Disability Forum</a></th>\s*<td>\s*<span[^>]*>Draft<", html)
    assert re.search(r"Nakuru Youth Action Network</a></th>\s*<td>\s*<span[^>]*>Approved<", html)
    assert "A change is waiting for review" in html
    assert "Rift Valley Women Forum" in html
    assert 'href="/stakeholders/new"' in html
    assert f'href="/stakeholders/{draft.id}/submit"' in html
    assert f'href="/stakeholders/{approved.id}/submit"' not in html


def test_mine_without_an_organization_offers_both_next_steps(client, make_user):
    log_in(client, make_user(Role.COMMUNITY))

    html = text(client.get("/stakeholders/mine"))
    main = html.split("<main", 1)[1]

    assert "You do not act for any organization yet." in main
    assert re.search(r'<a href="/stakeholders/new"[^>]*>Register your organization</a>', main)
    assert re.search(
        r'<a href="/stakeholders/"[^>]*>Find your organization and ask to join</a>', main
    )
    assert main.count('href="/stakeholders/new"') == 1  # the button is not said twice


def test_registering_an_organization_says_so_in_its_heading(client, make_user):
    log_in(client, make_user(Role.COMMUNITY))

    html = text(client.get("/stakeholders/new"))

    assert "<h1>Register your organization</h1>" in html


def test_mine_needs_an_account(client):
    response = client.get("/stakeholders/mine")

    assert response.status_code == 302
    assert "/login" in response.location


def test_member_sees_the_draft_actions(client, member_user, draft):
    log_in(client, member_user)

    html = text(client.get(f"/stakeholders/{draft.id}"))

    assert f'href="/stakeholders/{draft.id}/edit"' in html
    assert f'href="/stakeholders/{draft.id}/contacts/new"' in html
    assert f'href="/stakeholders/{draft.id}/submit"' in html
    assert f'action="/stakeholders/{draft.id}/withdraw"' not in html
    assert "Ask to join" not in html


def test_member_of_an_approved_entry_may_withdraw_but_not_submit(client, member_user, approved):
    log_in(client, member_user)

    html = text(client.get(f"/stakeholders/{approved.id}"))

    assert f'action="/stakeholders/{approved.id}/withdraw"' in html
    assert f'href="/stakeholders/{approved.id}/submit"' not in html


def test_logged_in_non_member_sees_only_ask_to_join(client, outsider, approved):
    log_in(client, outsider)

    html = text(client.get(f"/stakeholders/{approved.id}"))

    assert f'href="/stakeholders/{approved.id}/claim"' in html
    assert f'href="/stakeholders/{approved.id}/edit"' not in html


def test_staff_are_not_offered_to_join(client, make_user, approved):
    log_in(client, make_user(Role.OFFICER))

    html = text(client.get(f"/stakeholders/{approved.id}"))

    assert f'href="/stakeholders/{approved.id}/edit"' in html
    assert "Ask to join" not in html


def test_anonymous_visitor_is_invited_to_log_in_to_join(client, approved):
    html = text(client.get(f"/stakeholders/{approved.id}"))

    assert "Log in to ask to join this organization" in html
    assert f"next=/stakeholders/{approved.id}/claim" in html.replace("%2F", "/")
    assert f'href="/stakeholders/{approved.id}/edit"' not in html


def test_a_submitted_entry_is_frozen_for_its_members(app, client, member_user, draft, fetch):
    with app.app_context():
        row = db.session.get(Stakeholder, draft.id)
        row.status = Status.SUBMITTED
        db.session.commit()
    log_in(client, member_user)
    version = str(fetch(Stakeholder, draft.id).version)
    response = client.post(
        f"/stakeholders/{draft.id}/edit", data=edit_data(draft, version, name="Changed In Review")
    )
    assert response.status_code == 403
    assert fetch(Stakeholder, draft.id).name == draft.name


def test_archived_entries_contacts_are_frozen_for_members(app, client, member_user, draft, rows):
    with app.app_context():
        row = db.session.get(Stakeholder, draft.id)
        row.status = Status.ARCHIVED
        db.session.commit()
    log_in(client, member_user)
    response = client.post(
        f"/stakeholders/{draft.id}/contacts/new",
        data={"name": "Late Addition", "consent_at": "2026-01-01"},
    )
    assert response.status_code in (403, 404)
    assert rows(Contact) == []


def test_a_line_break_in_a_name_becomes_a_space(client, member_user, rows):
    log_in(client, member_user)
    client.post("/stakeholders/new", data=form_data(name="Acme\r\nCorp", not_listed="y"))
    [stakeholder] = rows(Stakeholder)
    assert stakeholder.name == "Acme Corp"


# --- discarding a draft that was never submitted ----------------------------------------------


def test_a_member_discards_a_draft_in_two_steps(
    client, member_user, draft, make_contact, fetch, rows, audit_rows
):
    make_contact(draft)
    log_in(client, member_user)
    page = client.get(f"/stakeholders/{draft.id}").get_data(as_text=True)
    assert f'href="/stakeholders/{draft.id}/discard"' in page

    step = client.get(f"/stakeholders/{draft.id}/discard")
    html = step.get_data(as_text=True)
    assert step.status_code == 200
    assert "Discard the draft “Nakuru Disability Forum”?" in html
    assert "its 1 contact person" in html
    assert "This cannot be undone" in html

    # Without the confirmation's own yes, nothing is deleted.
    assert client.post(f"/stakeholders/{draft.id}/discard").status_code == 200
    assert fetch(Stakeholder, draft.id) is not None

    response = client.post(f"/stakeholders/{draft.id}/discard", data={"confirm": "yes"})
    assert response.status_code == 303
    assert response.location == "/stakeholders/mine"
    assert fetch(Stakeholder, draft.id) is None
    assert rows(Contact) == []
    assert rows(Membership) == []
    ((actor, kind, entry_id, before, after),) = audit_rows("stakeholder.discarded")
    assert (actor, kind, entry_id, after) == (member_user.id, "stakeholder", draft.id, None)
    assert before["name"] == "Nakuru Disability Forum"
    assert before["contacts"] == 1
    assert "is discarded" in client.get("/stakeholders/mine").get_data(as_text=True)


def test_a_draft_that_was_ever_submitted_is_not_discarded(
    app, client, member_user, draft, fetch, audit_rows
):
    with app.app_context():
        db.session.add(
            Review(
                entry_type="stakeholder",
                entry_id=draft.id,
                from_status="submitted",
                to_status="draft",
                reviewer_id=member_user.id,
            )
        )
        db.session.commit()
    log_in(client, member_user)
    page = client.get(f"/stakeholders/{draft.id}").get_data(as_text=True)
    assert "Discard this draft" not in page
    assert client.get(f"/stakeholders/{draft.id}/discard").status_code == 409
    response = client.post(f"/stakeholders/{draft.id}/discard", data={"confirm": "yes"})
    assert response.status_code == 409
    assert "withdraw it instead" in response.get_data(as_text=True)
    assert fetch(Stakeholder, draft.id) is not None
    assert audit_rows("stakeholder.discarded") == []


def test_an_approved_entry_is_never_discarded(client, member_user, approved, fetch):
    log_in(client, member_user)
    response = client.post(f"/stakeholders/{approved.id}/discard", data={"confirm": "yes"})
    assert response.status_code == 409
    assert fetch(Stakeholder, approved.id) is not None


def test_someone_elses_draft_is_not_theirs_to_discard(client, make_user, draft, fetch):
    log_in(client, make_user())
    response = client.post(f"/stakeholders/{draft.id}/discard", data={"confirm": "yes"})
    assert response.status_code == 404  # a draft they cannot see is no page to them
    assert fetch(Stakeholder, draft.id) is not None
