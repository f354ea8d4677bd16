"""No request answers 5xx, whatever it carries: hostile values in query arguments and form
fields of every route, sent as an anonymous visitor, a community member and an administrator.

The routes come from the app's URL map, and each form's fields from the form page itself,
so a new page is fuzzed without being listed here. Values are sent as raw bytes where an
attacker would (lone surrogates percent-encoded as the invalid UTF-8 they are).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.extensions import db
from registry.imports import commitments as commitment_imports
from registry.imports import reading
from registry.imports import stakeholders as imports
from registry.models import (
    Commitment,
    Deliverable,
    FrameworkItem,
    ImplementationState,
    ImplementationStatus,
    ImportBatch,
    Initiative,
    InitiativeKind,
    Partnership,
    PartnershipRole,
    ProgressReport,
    Role,
    Status,
)
from tests.conftest import log_in

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "\x00\x01\x1f\x7f",
    "\ud800",  # lone surrogates: sent as %ED%A0%80, invalid UTF-8
    "a\udfffb",
    "e\u0301\u0301\u0301\u0301\u0301" * 20,  # a pile of combining marks
    "\u202eevil\u202c",
    "\ufeff\u200b",
    "//[::1",
    "http://[::1",
    "https://[",
    "http://[]/",
    "http://x:99999999/",
    "javascript:alert(1)",
    "//evil.example",
    "/\\evil.example",
    "%",
    "%%%",
    "%zz",
    "\\",
    "../../etc/passwd",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "true",
    "[]",
    "{}",
    "x" * 100_000,
    "🏙️" * 500,
    # Search syntax (registry.search): unbalanced quotes, operators, FTS5 and tsquery words.
    '"unbalanced',
    '-"',
    "a OR",
    "NOT AND OR",
    "*",
    "NEAR(",
    "{title}: x",
    "!&|():*",
]
HOSTILE = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
# Every route and field gets each of these (the rest come up in the random mixtures).
EACH = [
    "",
    "\x00",
    "\u00b2\u00b9",  # superscript digits: str.isdigit() says yes, int() says no
    "\ud800",
    "e\u0301\u0301\u0301\u0301\u0301" * 20,
    "\u202eevil\u202c",
    "//[::1",
    "http://[::1",
    "https://[",
    "http://[]/",
    "http://x:99999999/",
    "%zz",
    "' OR 1=1 --",
    "-1",
    "99999999999999999999999",
    "x" * 100_000,
    '-"',
    "NEAR(",
]

# Query arguments the pages read, and more that they do not.
QUERY_KEYS = [
    "q", "page", "cursor", "sort", "dir", "sector", "constituency", "country", "scale",
    "city", "next", "name", "role", "active", "status", "action", "entry", "actor", "since",
    "until", "kind", "source", "target", "id", "partner", "field", "stakeholder_q", "lead_q",
    "cancel", "stakeholder", "alignment_q", "alignment", "goal", "by", "item",
    "resolution", "show", "type", "limit",
]  # fmt: skip
# Posted without a form page to read them from (POST-only routes).
FORM_KEYS = ["comment", "reason", "message", "role", "active", "next", "source", "target"]
SKIPPED = {"static", "auth.logout"}  # logging out would end the fuzzing session


def _raw(value: str) -> str:
    return quote(value, safe="", errors="surrogatepass")


def _encoded(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_raw(key)}={_raw(value)}" for key, value in pairs)


def _path(rule, ids: dict[str, int]) -> str:
    path = rule.rule
    kind = (rule.defaults or {}).get("kind")  # an import's address: its own kind's batch
    for argument in rule.arguments:
        value = ids.get(f"{kind}:{argument}", ids.get(argument, 1))
        path = re.sub(rf"<(?:[^:<>]+:)?{argument}>", str(value), path)
    return path


@pytest.fixture
def fuzzing(app, make_user, make_stakeholder, make_membership, framework_items, make_token):
    """Clients for an anonymous visitor, a member and an administrator; the routes; a way to
    read each form's field names (once per role and route)."""
    member = make_user(Role.COMMUNITY)
    admin = make_user(Role.ADMIN)
    own = make_stakeholder("Fuzzed Group", status=Status.DRAFT)
    make_membership(member, own)
    public = make_stakeholder("Public Group", country="KE")
    make_membership(member, public)  # so the member may ask to join an initiative
    with app.app_context():
        initiative = Initiative(
            title="Fuzzed Initiative", kind=InitiativeKind.PROJECT, starts_on=date(2020, 1, 1)
        )
        partnership = Partnership(
            initiative=initiative, stakeholder_id=public.id, role=PartnershipRole.PARTICIPANT
        )
        db.session.add_all([initiative, partnership])
        db.session.commit()
        initiative_id, partnership_id = initiative.id, partnership.id
        # A published commitment of the member's organization, with a deliverable and a
        # progress report, so the report routes meet the values, not a 404.
        commitment = Commitment(
            stakeholder_id=public.id,
            title="Fuzzed Pledge",
            description="",
            status=Status.APPROVED,
            approved_at=datetime(2026, 1, 1, tzinfo=UTC),
            last_activity_on=date(2026, 1, 1),
            deliverables=[Deliverable(title="Fuzzed output", target=10.0)],
        )
        db.session.add(commitment)
        db.session.flush()
        report = ProgressReport(
            commitment_id=commitment.id, reported_on=date(2026, 2, 1), narrative="Begun."
        )
        db.session.add(report)
        db.session.commit()
        commitment_id, report_id = commitment.id, report.id
        # An implementation status on the resolution, so its edit and hide routes meet the
        # values, not a 404.
        paragraph = db.session.get(FrameworkItem, framework_items["OP2"])
        status = ImplementationStatus(
            framework_id=paragraph.framework_id,
            state=ImplementationState.PLANNED,
            period="2024",
            text="Fuzzed line",
            recorded_on=date(2024, 3, 21),
            items=[paragraph],
        )
        db.session.add(status)
        db.session.commit()
        status_id = status.id
    with app.test_request_context():
        # An import of each kind waiting for the administrator's confirmation, with a
        # possible duplicate to tick and a row with errors, so the preview and its
        # confirmation meet the values, not a 404.
        files = {
            "stakeholders": (
                imports,
                b"name,sector,scale\nPublic Group,academia,local\nNew,x,y\n",
            ),
            "commitments": (
                commitment_imports,
                f"stakeholder_id,title,ends_on\n{public.id},Fuzzed pledge,2030-01-01\n"
                f"{public.id},,2030-02-30\n".encode(),
            ),
        }
        batches = {
            kind: ImportBatch(
                kind=kind,
                owner_id=admin.id,
                filename="f.csv",
                content=module.check(reading.read("f.csv", data), actor=admin),
                expires_at=datetime(2999, 1, 1, tzinfo=UTC),
            )
            for kind, (module, data) in files.items()
        }
        db.session.add_all(batches.values())
        db.session.commit()
        batch_ids = {f"{kind}:batch_id": batch.id for kind, batch in batches.items()}
    ids = {
        "commitment_id": commitment_id,
        "report_id": report_id,
        "stakeholder_id": own.id,
        "user_id": member.id,
        "subject_id": own.id,
        "initiative_id": initiative_id,
        "partnership_id": partnership_id,
        "code": "HSP/HA.2/RES.6",  # a resolution and its paragraph (framework_items)
        "item": "OP2",
        "cc": "KE",  # a country's and a goal's coverage page (framework_items has goal 11)
        "number": "11",
        "status_id": status_id,
        "entry_id": public.id,  # the API's entries (every noun's first row is public here)
        **batch_ids,
        "fmt": "csv",
        "token_id": make_token(member)[0],  # the member's API token: its revoke page
    }
    clients = {"anonymous": app.test_client()}
    for role, user in (("member", member), ("admin", admin)):
        clients[role] = app.test_client()
        log_in(clients[role], user)
    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED), key=lambda r: r.rule
    )
    fields: dict[tuple[str, str], list[str]] = {}

    def form_fields(who: str, rule) -> list[str]:
        key = (who, rule.rule)
        if key not in fields:
            names: list[str] = []
            if "GET" in rule.methods:
                html = clients[who].get(_path(rule, ids)).get_data(as_text=True)
                names = sorted(set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token"})
            fields[key] = names or FORM_KEYS
        return fields[key]

    def send(who: str, rule, pairs: list[tuple[str, str]], post: bool, htmx: bool = False):
        path = _path(rule, ids)
        headers = {"HX-Request": "true"} if htmx else {}
        if post:
            return clients[who].post(
                path,
                data=_encoded(pairs),
                content_type="application/x-www-form-urlencoded",
                headers=headers,
            )
        return clients[who].get(f"{path}?{_encoded(pairs)}", headers=headers)

    return clients, rules, form_fields, send


# One test per role: each stays well inside the per-test timeout as routes are added.
@pytest.mark.parametrize("who", ["admin", "anonymous", "member"])
def test_every_route_survives_each_hostile_value_in_every_field(fuzzing, who):
    """Each hostile value in every query argument, then in every field of each form."""
    clients, rules, form_fields, send = fuzzing
    assert who in clients
    failures = []
    for rule in rules:
        for value in EACH:
            attempts = [(False, [(key, value) for key in QUERY_KEYS])]
            if "POST" in rule.methods:
                attempts.append((True, [(name, value) for name in form_fields(who, rule)]))
            for post, pairs in attempts:
                status = send(who, rule, pairs, post).status_code
                if status >= 500:
                    failures.append((who, "POST" if post else "GET", rule.rule, value[:30]))
    assert not failures, failures


def test_no_request_answers_5xx(fuzzing):
    """Random mixtures: any text, some of the hostile values, any fields, htmx or not."""
    clients, rules, form_fields, send = fuzzing

    @settings(
        max_examples=200,
        derandomize=True,  # the same examples in every run: CI stays reproducible
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def request_anything(data):
        who = data.draw(st.sampled_from(sorted(clients)))
        rule = data.draw(st.sampled_from(rules))
        post = "POST" in rule.methods and data.draw(st.booleans())
        names = form_fields(who, rule) if post else QUERY_KEYS
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=8))
        pairs = [(name, data.draw(HOSTILE)) for name in chosen]
        response = send(who, rule, pairs, post, htmx=data.draw(st.booleans()))
        assert response.status_code < 500, (who, rule.rule, pairs, response.status_code)

    request_anything()


# --- the API's write endpoints: hostile JSON with a write token --------------------------------

API_WRITES = {
    "/api/v1/stakeholders": ["name", "acronym", "org_identifier", "sector", "country", "city",
                             "scale", "website", "description"],
    "/api/v1/commitments": ["title", "description", "starts_on", "ends_on"],
    "/api/v1/commitments/{commitment_id}/reports": ["reported_on", "covers_from", "covers_to",
                                                    "narrative", "evidence_url"],
}  # fmt: skip


def _json_text(value: str) -> str:
    """``value`` as a JSON string literal, lone surrogates escaped as JSON allows."""
    return json.dumps(value)


@pytest.fixture
def api_writer(app, make_user, make_stakeholder, make_membership, make_token, make_commitment):
    member = make_user(Role.COMMUNITY)
    public = make_stakeholder("Public Group", country="KE")
    make_membership(member, public)
    commitment_id = make_commitment(public)
    _id, secret = make_token(member)
    return app.test_client(), {"Authorization": f"Bearer {secret}"}, public.id, commitment_id


def test_api_writes_survive_hostile_json(api_writer):
    """Each hostile value in every text field of each write body, as JSON; and as raw bytes
    that are no JSON (or no UTF-8) at all."""
    client, headers, stakeholder_id, commitment_id = api_writer
    failures = []
    for path, names in API_WRITES.items():
        url = path.format(commitment_id=commitment_id)
        for value in EACH:
            fields = ", ".join(f'"{name}": {_json_text(value)}' for name in names)
            extra = f', "stakeholder_id": {stakeholder_id}' if "stakeholder_id" not in names else ""
            if path != "/api/v1/commitments":
                extra = ""
            for body in (
                "{" + fields + extra + "}",
                value.encode("utf-8", "surrogatepass"),
                b'{"name": "' + value.encode("utf-8", "surrogatepass") + b'"}',
            ):
                response = client.post(
                    url, data=body, content_type="application/json", headers=headers
                )
                if response.status_code >= 500:
                    failures.append((url, value[:30], response.status_code))
    assert not failures, failures
