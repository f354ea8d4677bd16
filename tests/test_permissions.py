"""Every route in the URL map, for every role, against the table of who may do what.

A new route must be added to EXPECTED, and must declare its permission with ``@requires``:
otherwise this test fails (deny by default).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from werkzeug.routing import Rule

from registry.extensions import db
from registry.models import (
    Commitment,
    Contact,
    Engagement,
    EngagementKind,
    EngagementOutcome,
    EngagementParticipant,
    Initiative,
    InitiativeKind,
    Membership,
    OutcomeKind,
    ParticipantRole,
    Partnership,
    PartnershipRole,
    ProgressReport,
    Role,
    Status,
)
from registry.permissions import can, declared_permission, requires

ROLES = ["anonymous", "member", "non_member", "officer", "admin"]
EVERYONE = set(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
ADMIN = {"admin"}
STAFF = {"officer", "admin"}

# (endpoint, method) -> the roles allowed; everyone else is refused.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("static", "GET"): EVERYONE,
    ("main.index", "GET"): EVERYONE,
    ("main.about", "GET"): EVERYONE,
    ("main.privacy", "GET"): EVERYONE,
    ("main.accessibility", "GET"): EVERYONE,
    ("auth.register", "GET"): EVERYONE,
    ("auth.register", "POST"): EVERYONE,
    ("auth.login", "GET"): EVERYONE,
    ("auth.login", "POST"): EVERYONE,
    ("auth.logout", "POST"): LOGGED_IN,
    ("auth.registered", "GET"): EVERYONE,
    ("auth.verify_email", "GET"): EVERYONE,
    ("auth.verify_email", "POST"): EVERYONE,
    ("auth.resend_verification", "POST"): LOGGED_IN,
    ("auth.forgot_password", "GET"): EVERYONE,
    ("auth.forgot_password", "POST"): EVERYONE,
    ("auth.reset_password", "GET"): EVERYONE,
    ("auth.reset_password", "POST"): EVERYONE,
    ("auth.account", "GET"): LOGGED_IN,
    ("auth.change_password", "POST"): LOGGED_IN,
    ("auth.end_other_sessions", "POST"): LOGGED_IN,
    # Personal API tokens: each account its own (another's token is a 404).
    ("auth.create_token", "POST"): LOGGED_IN,
    ("auth.revoke_token", "GET"): LOGGED_IN,
    ("auth.revoke_token", "POST"): LOGGED_IN,
    ("stakeholders.index", "GET"): EVERYONE,
    ("stakeholders.detail", "GET"): EVERYONE,
    ("stakeholders.create", "GET"): LOGGED_IN,
    ("stakeholders.create", "POST"): LOGGED_IN,
    ("stakeholders.similar", "GET"): LOGGED_IN,
    ("stakeholders.mine", "GET"): LOGGED_IN,
    ("stakeholders.work", "GET"): STAFF,
    ("stakeholders.claim", "GET"): LOGGED_IN,
    ("stakeholders.claim", "POST"): LOGGED_IN,
    # The table's stakeholder is approved and the member belongs to another one, so only
    # staff may change it here; members editing their own are proven in the object tests.
    ("stakeholders.update", "GET"): STAFF,
    ("stakeholders.update", "POST"): STAFF,
    ("stakeholders.contact_create", "GET"): STAFF,
    ("stakeholders.contact_create", "POST"): STAFF,
    ("stakeholders.contact_update", "GET"): STAFF,
    ("stakeholders.contact_update", "POST"): STAFF,
    ("stakeholders.contact_delete", "POST"): STAFF,
    ("stakeholders.submit", "GET"): STAFF,
    ("stakeholders.submit", "POST"): STAFF,
    ("stakeholders.withdraw", "POST"): STAFF,
    ("stakeholders.discard", "GET"): STAFF,
    ("stakeholders.discard", "POST"): STAFF,
    ("initiatives.index", "GET"): EVERYONE,
    ("initiatives.detail", "GET"): EVERYONE,
    ("initiatives.create", "GET"): STAFF,
    ("initiatives.create", "POST"): STAFF,
    ("initiatives.update", "GET"): STAFF,
    ("initiatives.update", "POST"): STAFF,
    ("initiatives.pick_options", "GET"): STAFF,
    ("initiatives.partner_add", "POST"): STAFF,
    ("initiatives.partner_update", "GET"): STAFF,
    ("initiatives.partner_update", "POST"): STAFF,
    ("initiatives.partner_end", "GET"): STAFF,
    ("initiatives.partner_end", "POST"): STAFF,
    # Any member may ask on behalf of an organization it acts for (checked once chosen).
    ("initiatives.join", "POST"): LOGGED_IN,
    # The table's partnership is active, not a request: nobody's to withdraw (409, not 403);
    # that only the asking organization's members may is proven in test_initiatives.
    ("initiatives.withdraw_request", "POST"): LOGGED_IN,
    # Officers decide requests to join; the table's slug is membership claims: admins only.
    ("engagements.initiatives", "GET"): STAFF,
    ("engagements.initiatives", "POST"): STAFF,
    ("engagements.initiative_remove", "POST"): STAFF,
    ("review.index", "GET"): STAFF,
    ("review.decide", "POST"): ADMIN,
    ("review.revision", "GET"): ADMIN,
    ("review.archive", "GET"): ADMIN,
    ("review.archive", "POST"): ADMIN,
    ("review.restore", "POST"): ADMIN,
    ("review.merge_preview", "GET"): ADMIN,
    ("review.merge", "POST"): ADMIN,
    ("review.merge_detail", "GET"): ADMIN,
    ("review.merge_undo", "POST"): ADMIN,
    ("auditlog.index", "GET"): ADMIN,
    ("admin.users", "GET"): ADMIN,
    ("admin.user_detail", "GET"): ADMIN,
    ("admin.update_role", "POST"): ADMIN,
    ("admin.update_active", "POST"): ADMIN,
    ("admin.add_membership", "POST"): ADMIN,
    ("admin.remove_membership", "POST"): ADMIN,
    # Frameworks: the agreements and their items are public reading.
    ("frameworks.index", "GET"): EVERYONE,
    ("frameworks.framework", "GET"): EVERYONE,
    ("frameworks.item", "GET"): EVERYONE,
    # Coverage: who takes part and who is missing, public reading.
    ("coverage.index", "GET"): EVERYONE,
    ("coverage.country", "GET"): EVERYONE,
    ("coverage.goal", "GET"): EVERYONE,
    ("frameworks.briefing", "GET"): EVERYONE,
    ("frameworks.briefing_markdown", "GET"): EVERYONE,
    ("frameworks.briefing_docx", "GET"): EVERYONE,
    # Administrators edit resolutions and their paragraphs (the table's "sdg" is imported:
    # a 409 for them, still past the permission); staff record implementation statuses.
    ("frameworks.framework_create", "GET"): ADMIN,
    ("frameworks.framework_create", "POST"): ADMIN,
    ("frameworks.framework_update", "GET"): ADMIN,
    ("frameworks.framework_update", "POST"): ADMIN,
    ("frameworks.paragraph_create", "GET"): ADMIN,
    ("frameworks.paragraph_create", "POST"): ADMIN,
    ("frameworks.item_update", "GET"): ADMIN,
    ("frameworks.item_update", "POST"): ADMIN,
    ("frameworks.item_archive", "GET"): ADMIN,
    ("frameworks.item_archive", "POST"): ADMIN,
    ("frameworks.item_restore", "GET"): ADMIN,
    ("frameworks.item_restore", "POST"): ADMIN,
    ("frameworks.status_create", "GET"): STAFF,
    ("frameworks.status_create", "POST"): STAFF,
    ("frameworks.status_update", "GET"): STAFF,
    ("frameworks.status_update", "POST"): STAFF,
    ("frameworks.status_hide", "GET"): STAFF,
    ("frameworks.status_hide", "POST"): STAFF,
    # The one picker of items to align to, for every form that aligns.
    ("frameworks.picker_options", "GET"): LOGGED_IN,
    # Search: everything public, for everyone.
    ("search.index", "GET"): EVERYONE,
    # Engagements: everyone reads them; staff record them and publish directly.
    # Commitments: the one in ``url_values`` is public and made by "Some Organization", whose
    # members are not among the roles here, so only staff may change or move it.
    ("commitments.index", "GET"): EVERYONE,
    ("commitments.detail", "GET"): EVERYONE,
    ("commitments.create", "GET"): LOGGED_IN,
    ("commitments.create", "POST"): LOGGED_IN,
    ("commitments.update", "GET"): STAFF,
    ("commitments.update", "POST"): STAFF,
    ("commitments.smart_check", "POST"): LOGGED_IN,
    ("commitments.submit", "POST"): STAFF,
    ("commitments.publish", "POST"): STAFF,
    ("commitments.withdraw", "POST"): STAFF,
    # The url_values commitment is Some Organization's: the "member" acts for another one.
    ("commitments.report_create", "GET"): STAFF,
    ("commitments.report_create", "POST"): STAFF,
    ("commitments.report_verify", "POST"): STAFF,
    ("commitments.report_hide", "GET"): ADMIN,
    ("commitments.report_hide", "POST"): ADMIN,
    ("engagements.index", "GET"): EVERYONE,
    ("engagements.detail", "GET"): EVERYONE,
    ("engagements.ics", "GET"): EVERYONE,
    ("engagements.feed", "GET"): EVERYONE,
    ("engagements.create", "GET"): STAFF,
    ("engagements.create", "POST"): STAFF,
    ("engagements.update", "GET"): STAFF,
    ("engagements.update", "POST"): STAFF,
    ("engagements.participants", "GET"): STAFF,
    ("engagements.participants", "POST"): STAFF,
    ("engagements.participant_suggest", "GET"): STAFF,
    ("engagements.participant_remove", "POST"): STAFF,
    ("engagements.outcomes", "GET"): STAFF,
    ("engagements.outcomes", "POST"): STAFF,
    ("engagements.outcome_update", "GET"): STAFF,
    ("engagements.outcome_update", "POST"): STAFF,
    ("engagements.outcome_remove", "POST"): STAFF,
    # Downloads of the public lists (twelve addresses, one endpoint) and the page about them.
    ("exports.download", "GET"): EVERYONE,
    ("exports.data", "GET"): EVERYONE,
    # The JSON API's reads (a list and an entry per noun, two endpoints; the frameworks).
    ("api.collection", "GET"): EVERYONE,
    ("api.entry", "GET"): EVERYONE,
    ("api.frameworks", "GET"): EVERYONE,
    ("api.framework", "GET"): EVERYONE,
    ("api.openapi", "GET"): EVERYONE,
    ("api.docs", "GET"): EVERYONE,
    # The API's writes take a write token, never a session: nobody here (tests/test_api_write.py
    # proves what a token may do).
    ("api.create_stakeholder", "POST"): set(),
    ("api.create_commitment", "POST"): set(),
    ("api.create_report", "POST"): set(),
    # Bulk import of stakeholders and of commitments (one endpoint each for both kinds, at
    # /stakeholders/import/ and /commitments/import/): staff upload, preview (their own
    # batches) and confirm; templates too.
    ("imports.upload", "GET"): STAFF,
    ("imports.upload", "POST"): STAFF,
    ("imports.preview", "GET"): STAFF,
    ("imports.preview", "POST"): STAFF,
    ("imports.template", "GET"): STAFF,
}


def routes(app) -> list[tuple[Rule, str]]:
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def test_every_route_is_in_the_table(app):
    found = {(rule.endpoint, method) for rule, method in routes(app)}
    assert found - EXPECTED.keys() == set(), "routes missing from EXPECTED: add them"
    assert EXPECTED.keys() - found == set(), "EXPECTED names routes that do not exist"


def test_every_view_declares_its_permission(app):
    with app.test_request_context():
        undeclared = [
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if not declared_permission(rule.endpoint)
        ]
    assert undeclared == []


def test_a_view_without_a_declared_permission_is_refused(app):
    view = app.view_functions["main.index"]
    permission = view.permission
    del view.permission
    try:
        response = app.test_client().get("/")
        assert response.status_code == 403
    finally:
        view.permission = permission


def test_unknown_action_is_denied():
    assert can(None, "no.such.action") is False
    with pytest.raises(ValueError, match="unknown permission"):
        requires("no.such.action")


@pytest.fixture
def url_values(app, make_user, make_stakeholder, framework_items):
    """Real ids for every URL variable, so a refusal is about permission, not a 404."""
    target = make_user(Role.COMMUNITY, name="Target Person")
    stakeholder = make_stakeholder(name="Some Organization")
    with app.app_context():
        membership = Membership(user_id=target.id, stakeholder_id=stakeholder.id)
        db.session.add(membership)
        db.session.commit()
        contact = Contact(
            stakeholder_id=stakeholder.id, name="C", consent_at=datetime(2026, 1, 1, tzinfo=UTC)
        )
        db.session.add(contact)
        db.session.commit()
        membership_id, contact_id = membership.id, contact.id
        initiative = Initiative(
            title="Some Initiative", kind=InitiativeKind.PROGRAMME, starts_on=date(2020, 1, 1)
        )
        partnership = Partnership(
            initiative=initiative, stakeholder_id=stakeholder.id, role=PartnershipRole.PARTICIPANT
        )
        db.session.add_all([initiative, partnership])
        db.session.commit()
        initiative_id, partnership_id = initiative.id, partnership.id
        engagement = Engagement(
            title="Some Roundtable",
            kind=EngagementKind.ROUNDTABLE,
            start_utc=datetime(2026, 1, 1, 9, tzinfo=UTC),
            end_utc=datetime(2026, 1, 1, 11, tzinfo=UTC),
            time_zone="UTC",
            year=2026,
            city="Nakuru",
            participants=[
                EngagementParticipant(stakeholder_id=stakeholder.id, role=ParticipantRole.ORGANIZER)
            ],
            outcomes=[EngagementOutcome(kind=OutcomeKind.DECISION, text="Meet again")],
        )
        db.session.add(engagement)
        db.session.commit()
        engagement_ids = {
            "engagement_id": engagement.id,
            "participant_id": engagement.participants[0].id,
            "outcome_id": engagement.outcomes[0].id,
        }
        commitment = Commitment(
            stakeholder_id=stakeholder.id,
            title="Some Pledge",
            description="",
            status=Status.APPROVED,
            approved_at=datetime(2026, 1, 1, tzinfo=UTC),
            last_activity_on=date(2026, 1, 1),
        )
        db.session.add(commitment)
        db.session.commit()
        commitment_id = commitment.id
        report = ProgressReport(
            commitment_id=commitment_id, reported_on=date(2026, 2, 1), narrative="Begun."
        )
        db.session.add(report)
        db.session.commit()
        report_id = report.id
    return {
        **engagement_ids,
        "commitment_id": commitment_id,
        "report_id": report_id,
        "user_id": target.id,
        "membership_id": membership_id,
        "stakeholder_id": stakeholder.id,
        "contact_id": contact_id,
        "initiative_id": initiative_id,
        "partnership_id": partnership_id,
        "code": "sdg",  # a framework and one of its items (the framework_items fixture)
        "item": "11",
        "cc": "KE",  # a country's and a goal's coverage page
        "number": "11",
        "status_id": 1,  # staff pass the permission, then meet a 404 (sdg records none)
        # Admin-only routes refuse everyone else before loading anything; any id will do.
        "revision_id": 1,
        "slug": "claims",
        "subject_id": 1,
        "merge_id": 1,
        "filename": "css/registry.css",
        "token": "not-a-signed-link",  # a mailed link's token: a 400 page for everyone
        # The download addresses carry these as defaults, not in the path: any value builds.
        "table": "stakeholders",
        "fmt": "csv",
        "noun": "stakeholders",  # the API's lists and entries: defaults too
        "entry_id": stakeholder.id,
        "batch_id": 1,  # staff pass the permission, then meet a 404 (no batch is theirs)
        "kind": "stakeholders",  # the import addresses carry their kind as a default
        "token_id": 1,  # another account's API token: a 404 once logged in
    }


def is_refused(response, role: str) -> bool:
    if response.status_code == 401 and response.mimetype == "application/problem+json":
        return True  # the API: no token (a session opens none of its writes)
    if role == "anonymous":
        return response.status_code == 302 and "/login" in response.location
    return response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_route_role_table(app, as_role, url_values, role):
    client, _user = as_role(role)
    mismatches = []
    for rule, method in routes(app):
        if (rule.endpoint, method) == ("auth.logout", "POST"):
            continue  # checked last: it ends the session the other requests rely on
        url = rule.build({k: url_values[k] for k in rule.arguments}, append_unknown=False)[1]
        response = client.open(url, method=method, data={})
        response.close()  # static files hold an open file until closed
        assert response.status_code < 500, (rule.endpoint, method, role)
        allowed = role in EXPECTED[(rule.endpoint, method)]
        if allowed == is_refused(response, role):
            mismatches.append((rule.endpoint, method, response.status_code))
    response = client.post("/logout")
    if ("auth.logout", "POST") in EXPECTED:
        allowed = role in EXPECTED[("auth.logout", "POST")]
        if allowed == is_refused(response, role):
            mismatches.append(("auth.logout", "POST", response.status_code))
    assert mismatches == []


# --- bad input at every address -----------------------------------------------------------

NASTY_VALUES = [
    "",
    "x" * 5000,
    "<script>alert(1)</script>",
    "\x00",
    "-1",
    "9" * 30,
    "2147483648",
    "'; DROP TABLE stakeholder; --",
    "%_\\",
    "2026-02-30",
]
# Every name a form or a query in the app reads, so each field meets each bad value.
FIELD_NAMES = [
    "q", "page", "sort", "dir", "sector", "constituency", "country", "scale", "city",
    "name", "acronym", "org_identifier", "website", "description", "constituencies",
    "email", "password", "confirm", "remember", "next", "role", "active", "state",
    "stakeholder_id", "source_id", "target_id", "source_q", "target_q", "comment", "action",
    "version", "not_listed", "position", "phone", "consent_at", "message", "actor",
    "entry_type", "entry_id", "date_from", "date_to", "membership_id", "current",
    "title", "kind", "summary", "lead_q", "lead_stakeholder_id", "countries", "cities",
    "starts_on", "ends_on", "stakeholder_q", "basis", "note", "field", "partner", "cancel",
    "view", "kind", "year", "organizer", "title", "summary", "start_date", "start_time",
    "end_date", "end_time", "time_zone", "venue", "online_url", "series", "attendance_people",
    "attendance_countries", "attendance_organizations", "attendance_note", "cancelled",
    "stakeholder_name", "text", "cursor", "initiative_q", "initiative_id",
    "engagement_id", "alignment", "alignment_q", "deliverables-0-title", "deliverables-0-id",
    "deliverables-0-baseline", "deliverables-0-target", "deliverables-0-unit",
    "deliverables-0-due_on", "deliverables-0-indicator", "resources-0-kind", "resources-0-id",
    "resources-0-amount", "resources-0-currency", "resources-0-description", "stakeholder",
    "reported_on", "covers_from", "covers_to", "narrative", "evidence_url", "reason",
    "updates-0-deliverable_id", "updates-0-achieved", "updates-0-done_on",
    "initiative", "engagement", "light", "goal", "target", "slipped", "by", "item",
    "code", "parent_id", "period", "items", "resolution", "show", "limit", "file", "anyway",
]  # fmt: skip


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
@pytest.mark.parametrize("value", NASTY_VALUES, ids=range(len(NASTY_VALUES)))
def test_no_address_answers_bad_input_with_a_500(app, as_role, url_values, role, value):
    client, _user = as_role(role)
    data = dict.fromkeys(FIELD_NAMES, value)
    for rule, method in routes(app):
        if (rule.endpoint, method) == ("auth.logout", "POST"):
            continue
        url = rule.build({k: url_values[k] for k in rule.arguments}, append_unknown=False)[1]
        if method == "GET":
            response = client.get(url, query_string=data)
        else:
            response = client.open(url, method=method, data=data)
        response.close()
        assert response.status_code < 500, (rule.endpoint, method, value[:20])


@pytest.mark.parametrize("path", ["/stakeholders/2147483648", "/admin/users/99999999999999999999"])
def test_ids_beyond_the_database_integer_are_not_found(as_role, path):
    client, _user = as_role("admin")
    assert client.get(path).status_code == 404
