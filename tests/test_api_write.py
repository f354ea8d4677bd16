"""Writing through the API: the forms' own rules, services, review machinery and permission
policy, reached with a write token; every refusal a problem document."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from registry.commit import Refused
from registry.extensions import db
from registry.models import (
    Commitment,
    ProgressReport,
    Review,
    Role,
    Stakeholder,
    Status,
)
from tests.conftest import bearer, log_in

STAKEHOLDER = {
    "name": "Kisumu Women in Housing",
    "sector": "civil_society",
    "scale": "local",
    "country": "KE",
    "city": "Kisumu",
    "constituencies": ["women"],
    "website": "kisumu-women.example.org",
    "description": "Savings groups that build homes.",
}


def _commitment(stakeholder_id: int, framework_items, **values) -> dict:
    return {
        "stakeholder_id": stakeholder_id,
        "title": "80 cities apply the Global Urban Monitoring Framework",
        "description": "We train city officers to apply the framework and report on it.",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "deliverables": [
            {
                "title": "Cities applying the framework",
                "indicator": "cities reporting",
                "baseline": 10,
                "target": 80,
                "unit": "cities",
                "due_on": "2028-06-30",
            }
        ],
        "resources": [{"kind": "financial", "amount": 250000, "currency": "USD"}],
        "alignment": [framework_items["11.3"]],
        **values,
    }


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    return body


def _pointers(response) -> dict[str, str]:
    body = _problem(response, 422)
    return {e["pointer"]: e["detail"] for e in body["errors"]}


@pytest.fixture
def writer(member_user, make_token):
    """``member_user``'s write token (the member of ``approved`` and ``draft``)."""
    return make_token(member_user)[1]


def _count(app, model) -> int:
    with app.app_context():
        return len(db.session.scalars(select(model.id)).all())


# --- stakeholders -------------------------------------------------------------------------------


def test_a_stakeholder_is_registered_as_a_draft_like_the_form(
    app, client, member_user, writer, audit_rows
):
    response = client.post("/api/v1/stakeholders", json=STAKEHOLDER, headers=bearer(writer))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()["data"]
    assert body["name"] == "Kisumu Women in Housing"
    assert body["status"] == "draft"
    assert body["website"] == "https://kisumu-women.example.org"  # the form's own filter
    assert response.headers["Location"] == f"http://registry.test/api/v1/stakeholders/{body['id']}"
    [event] = audit_rows("stakeholder.created")
    assert event.actor_id == member_user.id
    assert event.entry_id == body["id"]
    with app.app_context():
        stakeholder = db.session.get(Stakeholder, body["id"])
        assert [m.user_id for m in stakeholder.memberships] == [member_user.id]
    # Its owner reads it back with the token; the public does not see a draft.
    own = client.get(response.headers["Location"], headers=bearer(writer))
    assert own.status_code == 200
    assert own.get_json()["data"]["name"] == "Kisumu Women in Housing"
    assert client.get(response.headers["Location"]).status_code == 404


def test_a_submitted_stakeholder_waits_in_the_review_queue(
    app, client, writer, audit_rows, make_user
):
    response = client.post(
        "/api/v1/stakeholders", json={**STAKEHOLDER, "submit": True}, headers=bearer(writer)
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    entry_id = response.get_json()["data"]["id"]
    assert response.get_json()["data"]["status"] == "submitted"
    assert [e.entry_id for e in audit_rows("stakeholder.submit")] == [entry_id]
    with app.app_context():
        [review] = db.session.scalars(select(Review).where(Review.entry_id == entry_id)).all()
        assert review.to_status == "submitted"
    # In the administrators' queue, as one submitted through the form.
    reviewer = app.test_client()
    log_in(reviewer, make_user(Role.ADMIN))
    assert "Kisumu Women in Housing" in reviewer.get("/review/").get_data(as_text=True)


def test_submitting_needs_a_confirmed_address(app, client, make_user, make_token):
    user = make_user(Role.COMMUNITY, email_verified_at=None)
    _id, secret = make_token(user)
    response = client.post(
        "/api/v1/stakeholders", json={**STAKEHOLDER, "submit": True}, headers=bearer(secret)
    )
    _problem(response, 403)
    assert _count(app, Stakeholder) == 0  # nothing half-written: not even the draft


def test_the_forms_own_rules_apply(app, client, writer):
    response = client.post(
        "/api/v1/stakeholders",
        json={
            **STAKEHOLDER,
            "name": " \n ",
            "org_identifier": "my number",
            "website": "javascript:alert(1)",
        },
        headers=bearer(writer),
    )
    errors = _pointers(response)
    assert errors["#/name"] == "Enter the name of the organization"
    assert "org-id.guide" in errors["#/org_identifier"]
    assert "full address" in errors["#/website"]
    assert _count(app, Stakeholder) == 0


def test_a_similar_name_must_be_acknowledged(app, client, writer, make_stakeholder):
    make_stakeholder("Kisumu Women in Housing")
    response = client.post("/api/v1/stakeholders", json=STAKEHOLDER, headers=bearer(writer))
    assert "Kisumu Women in Housing" in _pointers(response)["#/not_listed"]
    again = client.post(
        "/api/v1/stakeholders", json={**STAKEHOLDER, "not_listed": True}, headers=bearer(writer)
    )
    assert again.status_code == 201


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({**STAKEHOLDER, "colour": "red"}, "#/colour"),  # an unknown field
        ({**STAKEHOLDER, "name": 42}, "#/name"),  # a number for text
        ({**STAKEHOLDER, "submit": "yes"}, "#/submit"),  # text for true/false
        ({**STAKEHOLDER, "scale": "planetary"}, "#/scale"),
        ({**STAKEHOLDER, "sector": "bakery"}, "#/sector"),
        ({**STAKEHOLDER, "constituencies": "women"}, "#/constituencies"),
        ({k: v for k, v in STAKEHOLDER.items() if k != "name"}, "#/name"),
    ],
)
def test_wrong_types_and_extra_fields_are_a_422(app, client, writer, body, pointer):
    response = client.post("/api/v1/stakeholders", json=body, headers=bearer(writer))
    assert pointer in _pointers(response)
    assert _count(app, Stakeholder) == 0


def test_broken_json_is_a_422(client, writer):
    response = client.post(
        "/api/v1/stakeholders",
        data='{"name": "x",',
        content_type="application/json",
        headers=bearer(writer),
    )
    assert _problem(response, 422)["errors"]


def test_a_lone_surrogate_is_a_422_not_a_500(client, writer):
    response = client.post(
        "/api/v1/stakeholders",
        data='{"name": "A\\ud800B", "sector": "civil_society", "scale": "local"}',
        content_type="application/json",
        headers=bearer(writer),
    )
    _problem(response, 422)


def test_a_body_over_the_limit_is_a_413(app, client, writer):
    response = client.post(
        "/api/v1/stakeholders",
        json={**STAKEHOLDER, "description": "x" * (app.config["API_MAX_BODY"] + 1)},
        headers=bearer(writer),
    )
    _problem(response, 413)


def test_a_form_post_is_a_415(client, writer):
    response = client.post("/api/v1/stakeholders", data=STAKEHOLDER, headers=bearer(writer))
    _problem(response, 415)


# --- who may write ------------------------------------------------------------------------------


def test_writing_without_a_token_is_a_401(client):
    response = client.post("/api/v1/stakeholders", json=STAKEHOLDER)
    _problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="registry"'


def test_a_session_cookie_cannot_write(client, member_user, login):
    login(member_user)
    response = client.post("/api/v1/stakeholders", json=STAKEHOLDER)
    _problem(response, 401)


def test_a_session_cookie_does_not_show_drafts_on_the_api(client, draft, member_user, login):
    login(member_user)
    assert client.get(f"/stakeholders/{draft.id}").status_code == 200  # the page does
    _problem(client.get(f"/api/v1/stakeholders/{draft.id}"), 404)


def test_a_read_token_cannot_write(app, client, member_user, make_token):
    _id, secret = make_token(member_user, scope="read")
    _problem(client.post("/api/v1/stakeholders", json=STAKEHOLDER, headers=bearer(secret)), 403)
    assert _count(app, Stakeholder) == 0


def test_a_revoked_token_cannot_write(app, client, member_user, make_token):
    from registry.api import tokens
    from registry.models import ApiToken

    token_id, secret = make_token(member_user)
    with app.app_context():
        tokens.revoke(db.session.get(ApiToken, token_id), member_user)
        db.session.commit()
    _problem(client.post("/api/v1/stakeholders", json=STAKEHOLDER, headers=bearer(secret)), 401)


# --- commitments --------------------------------------------------------------------------------


def test_a_commitment_is_written_for_an_organization_one_acts_for(
    app, client, approved, member_user, writer, framework_items, audit_rows
):
    response = client.post(
        "/api/v1/commitments",
        json=_commitment(approved.id, framework_items, submit=True),
        headers=bearer(writer),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()["data"]
    assert data["status"] == "submitted"
    assert data["title"] == "80 cities apply the Global Urban Monitoring Framework"
    [created] = audit_rows("commitment.created")
    assert created.actor_id == member_user.id
    assert [e.entry_id for e in audit_rows("commitment.submit")] == [data["id"]]
    with app.app_context():
        commitment = db.session.get(Commitment, data["id"])
        assert commitment.stakeholder_id == approved.id
        assert [d.target for d in commitment.deliverables] == [80.0]
        assert [r.amount for r in commitment.resources] == [250000.0]
        # In the review queue, as one submitted through the form.
        assert db.session.scalar(
            select(Review.id).where(
                Review.entry_type == "commitment", Review.entry_id == data["id"]
            )
        )


def test_another_organizations_commitment_is_a_403(
    app, client, make_stakeholder, writer, framework_items
):
    other = make_stakeholder("Somebody Else")
    response = client.post(
        "/api/v1/commitments", json=_commitment(other.id, framework_items), headers=bearer(writer)
    )
    _problem(response, 403)
    assert _count(app, Commitment) == 0


def test_an_unknown_organization_is_a_422(client, writer, framework_items):
    response = client.post(
        "/api/v1/commitments", json=_commitment(999_999, framework_items), headers=bearer(writer)
    )
    assert "#/stakeholder_id" in _pointers(response)


def test_a_commitment_row_error_points_at_the_row(app, client, approved, writer, framework_items):
    body = _commitment(approved.id, framework_items, ends_on="2025-01-01")
    body["deliverables"].append({"title": "", "target": 5})
    body["resources"] = [{"kind": "financial", "amount": -1}]
    errors = _pointers(client.post("/api/v1/commitments", json=body, headers=bearer(writer)))
    assert errors["#/ends_on"] == "The end date must be on or after the start date"
    assert errors["#/deliverables/1/title"] == "Give the deliverable a title"
    assert errors["#/resources/0/amount"] == "The amount cannot be negative"
    assert _count(app, Commitment) == 0


def test_an_incomplete_commitment_cannot_be_submitted(
    app, client, approved, writer, framework_items
):
    body = _commitment(approved.id, framework_items, deliverables=[], submit=True)
    response = client.post("/api/v1/commitments", json=body, headers=bearer(writer))
    assert response.status_code in (409, 422)
    assert _count(app, Commitment) == 0
    draft = client.post(
        "/api/v1/commitments", json={**body, "submit": False}, headers=bearer(writer)
    )
    assert draft.status_code == 201
    assert draft.get_json()["data"]["status"] == "draft"


# --- progress reports ---------------------------------------------------------------------------


def test_a_report_is_published_on_a_published_commitment(
    app, client, approved, member_user, writer, make_commitment, audit_rows
):
    commitment_id = make_commitment(approved)
    with app.app_context():
        deliverable_id = db.session.get(Commitment, commitment_id).deliverables[0].id
    response = client.post(
        f"/api/v1/commitments/{commitment_id}/reports",
        json={
            "reported_on": date.today().isoformat(),
            "narrative": "Twelve cities trained.",
            "evidence_url": "https://example.org/report",
            "updates": [{"deliverable_id": deliverable_id, "achieved": 12}],
        },
        headers=bearer(writer),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()["data"]
    assert data["narrative"] == "Twelve cities trained."
    assert data["updates"] == [
        {"deliverable_id": deliverable_id, "achieved": 12.0, "done_on": None}
    ]
    [event] = audit_rows("commitment.report_added")
    assert event.actor_id == member_user.id
    assert event.after["report"] == data["id"]


def test_a_report_in_the_future_is_refused_at_its_field(
    app, client, approved, writer, make_commitment
):
    commitment_id = make_commitment(approved)
    response = client.post(
        f"/api/v1/commitments/{commitment_id}/reports",
        json={"reported_on": "2999-01-01", "narrative": "Soon."},
        headers=bearer(writer),
    )
    assert "#/reported_on" in _pointers(response)
    assert _count(app, ProgressReport) == 0


def test_reporting_on_another_organizations_commitment_is_a_403(
    client, make_stakeholder, writer, make_commitment
):
    commitment_id = make_commitment(make_stakeholder("Somebody Else"))
    response = client.post(
        f"/api/v1/commitments/{commitment_id}/reports",
        json={"narrative": "Not ours."},
        headers=bearer(writer),
    )
    _problem(response, 403)


def test_reporting_on_a_draft_or_a_missing_commitment(client, approved, writer, make_commitment):
    draft_id = make_commitment(approved, status=Status.DRAFT)
    response = client.post(
        f"/api/v1/commitments/{draft_id}/reports", json={"narrative": "x"}, headers=bearer(writer)
    )
    _problem(response, 409)
    missing = client.post(
        "/api/v1/commitments/999999/reports", json={"narrative": "x"}, headers=bearer(writer)
    )
    _problem(missing, 404)


def test_audit_rows_are_written_in_the_writes_transaction(
    app, client, writer, monkeypatch, audit_rows
):
    """A refusal after the entry and its audit row were written (here: at submitting) leaves
    neither: one transaction, committed once or not at all."""
    from registry.stakeholders import services

    def refuse(stakeholder, actor):
        assert audit_rows("stakeholder.created") == []  # not committed on the way
        raise Refused("Refused at the last step.", 409)

    monkeypatch.setattr(services, "submit", refuse)
    response = client.post(
        "/api/v1/stakeholders", json={**STAKEHOLDER, "submit": True}, headers=bearer(writer)
    )
    assert _problem(response, 409)["detail"] == "Refused at the last step."
    assert _count(app, Stakeholder) == 0
    assert audit_rows("stakeholder.created") == []
