"""The API's OpenAPI document: generated from the code, valid OpenAPI 3.1, and true to what
the endpoints answer (schemathesis, where installed, checks that over many requests)."""

from __future__ import annotations

from datetime import date

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import run_state_machine_as_test
from openapi_spec_validator import validate
from schemathesis import checks

from registry.exports.columns import TABLES

PATHS = {"engagements": "/api/v1/engagements?view=past"}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_api_route_is_in_the_document(app, spec):
    routes = {
        rule.rule.replace("<int:entry_id>", "{entry_id}")
        .replace("<path:code>", "{code}")
        .replace("<int:commitment_id>", "{commitment_id}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    documented = set(spec["paths"]) | {"/api/v1/openapi.json", "/api/v1/docs"}
    assert routes <= documented


def _schema(spec, path: str, status: str = "200") -> dict:
    response = spec["paths"][path]["get"]["responses"][status]
    ref = next(iter(response["content"].values()))["schema"]
    return {**ref, "components": spec["components"]}


@pytest.mark.parametrize("noun", sorted(TABLES))
def test_each_list_and_entry_answers_as_documented(
    client, spec, noun, make_stakeholder, make_initiative, make_engagement, make_commitment
):
    """Rows with every kind of value, validated against the document's own schemas."""
    owner = make_stakeholder("Nakuru Youth Network", country="KE", city="Nakuru")
    make_initiative("Nakuru Water Programme")
    make_engagement("Nakuru roundtable", day=date(2020, 10, 31))
    make_commitment(owner, title="Safe water")
    body = client.get(PATHS.get(noun, f"/api/v1/{noun}")).get_json()
    resolver_schema = _schema(spec, f"/api/v1/{noun}")
    jsonschema.validate(body, resolver_schema)
    entry = client.get(f"/api/v1/{noun}/{body['data'][0]['id']}").get_json()
    jsonschema.validate(entry, _schema(spec, f"/api/v1/{noun}/{{entry_id}}"))
    missing = client.get(f"/api/v1/{noun}/999999").get_json()
    jsonschema.validate(missing, _schema(spec, f"/api/v1/{noun}/{{entry_id}}", "404"))


def test_frameworks_answer_as_documented(client, spec, framework_items):
    jsonschema.validate(
        client.get("/api/v1/frameworks").get_json(), _schema(spec, "/api/v1/frameworks")
    )
    jsonschema.validate(
        client.get("/api/v1/frameworks/sdg").get_json(), _schema(spec, "/api/v1/frameworks/{code}")
    )


# --- schemathesis: many generated requests against the app, checked against the document --------
# Driven through hypothesis directly: schemathesis's pytest loader (``from_fixture``) writes a
# private attribute of pytest's test item that pytest 9 no longer has.

# Not "positive data acceptance": a cursor is any string to the document, but only one the
# list handed out is accepted (400 otherwise, as documented).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
BOUNDED = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same requests every run
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(
    app,
    make_user,
    make_membership,
    make_token,
    make_stakeholder,
    make_initiative,
    make_engagement,
    make_commitment,
):
    """The document as the app serves it, over a registry with a row in every list (so the
    stateful links from a list to its entries have an id to follow), and a write token of a
    member of the organization there (so the writes are tried, not only refused)."""
    owner = make_stakeholder("Nakuru Youth Network", country="KE", city="Nakuru")
    make_initiative("Nakuru Water Programme")
    make_engagement("Nakuru roundtable", day=date(2020, 10, 31))
    make_commitment(owner, title="Safe water")
    member = make_user()
    make_membership(member, owner)
    _id, secret = make_token(member)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.token = {"Authorization": f"Bearer {secret}"}
    return schema


def test_schemathesis_finds_no_server_error_and_no_answer_off_the_document(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 13
    for operation in operations:

        @BOUNDED
        @given(case=operation.as_strategy())
        def each(case):
            case.call_and_validate(headers=api_schema.token, checks=CHECKS)

        each()


def test_schemathesis_writes_succeed_with_the_token(app, api_schema):
    """Not only refusals: the writes it generates do create entries (and some are refused,
    as the forms would refuse them)."""
    operation = api_schema["/api/v1/stakeholders"]["POST"]
    statuses = set()

    @BOUNDED
    @given(case=operation.as_strategy())
    def each(case):
        response = case.call_and_validate(headers=api_schema.token, checks=CHECKS)
        statuses.add(response.status_code)

    each()
    assert statuses <= {201, 422}, statuses
    assert statuses == {201, 422}, statuses


def test_schemathesis_follows_the_links_from_lists_to_entries(api_schema):
    """Stateful: a list's first row's id, followed to its entry; a written entry to its
    entry and to a report on it (the document's links)."""

    class Machine(api_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": api_schema.token}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=10,
            stateful_step_count=4,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
