"""The audit log page: filters, bad input, pagination, readable changes, who may read it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from registry.extensions import db
from registry.models import AuditEvent, Role, User
from tests.querycount import count_queries

HTMX = {"HX-Request": "true"}
REGISTRY = Path(__file__).resolve().parent.parent / "registry"
EVENT_ROW = re.compile(r'<tr id="event-(\d+)">')


@pytest.fixture
def make_event(app: Flask):
    """An audit event written directly; returns its id."""

    def make(
        action: str = "stakeholder.updated",
        actor: User | None = None,
        entry_type: str = "stakeholder",
        entry_id: int | None = 1,
        at: datetime | None = None,
        before: dict | None = None,
        after: dict | None = None,
    ) -> int:
        with app.app_context():
            event = AuditEvent(
                action=action,
                actor_id=actor.id if actor else None,
                entry_type=entry_type,
                entry_id=entry_id,
                before=before,
                after=after,
                **({"created_at": at} if at else {}),
            )
            db.session.add(event)
            db.session.commit()
            return event.id

    return make


@pytest.fixture
def events(make_event, make_user) -> dict[str, int]:
    """A few events chosen so that each filter picks out a known set, by name."""
    amina = make_user(Role.COMMUNITY, email="amina@city.example")
    kofi = make_user(Role.OFFICER, email="kofi@ngo.example")
    return {
        "march-amina-update": make_event(
            "stakeholder.updated", amina, "stakeholder", 7, datetime(2026, 3, 2, 9, tzinfo=UTC)
        ),
        "march-kofi-approve": make_event(
            "stakeholder.approve", kofi, "stakeholder", 7, datetime(2026, 3, 31, 23, tzinfo=UTC)
        ),
        "april-kofi-role": make_event(
            "user.role_changed", kofi, "user", 12, datetime(2026, 4, 1, 0, tzinfo=UTC)
        ),
        "april-system": make_event(
            "stakeholder.updated", None, "stakeholder", 8, datetime(2026, 4, 15, tzinfo=UTC)
        ),
    }


def listed(response) -> list[int]:
    return [int(n) for n in EVENT_ROW.findall(response.get_data(as_text=True))]


def named(events: dict[str, int], *names: str) -> list[int]:
    return [events[name] for name in names]


# --- the list --------------------------------------------------------------------------------


def test_audit_log_lists_events_newest_first(client, logged_in_admin, events):
    response = client.get("/admin/audit/")

    assert response.status_code == 200
    # First the administrator's own log-in, a moment ago.
    assert listed(response)[1:] == named(
        events, "april-system", "april-kofi-role", "march-kofi-approve", "march-amina-update"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param({"actor": "KOFI@"}, ["april-kofi-role", "march-kofi-approve"], id="actor"),
        pytest.param({"actor": "city.example"}, ["march-amina-update"], id="actor-domain"),
        pytest.param({"actor": "%"}, [], id="actor-percent-is-literal"),
        pytest.param({"entry_type": "user", "entry_id": "12"}, ["april-kofi-role"], id="entry"),
        pytest.param(
            {"entry_type": "stakeholder", "entry_id": "7"},
            ["march-kofi-approve", "march-amina-update"],
            id="entry-stakeholder",
        ),
        pytest.param(
            {"action": "stakeholder.updated"},
            ["april-system", "march-amina-update"],
            id="action",
        ),
        pytest.param(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"},
            ["march-kofi-approve", "march-amina-update"],
            id="month-including-its-last-day",
        ),
        pytest.param(
            {"date_from": "2026-04-01", "date_to": "2026-04-01"}, ["april-kofi-role"], id="one-day"
        ),
        pytest.param(
            {"entry_type": "stakeholder", "date_from": "2026-04-01"},
            ["april-system"],
            id="combined",
        ),
    ],
)
def test_audit_log_filters(client, logged_in_admin, events, args, expected):
    response = client.get("/admin/audit/", query_string=args)

    assert response.status_code == 200
    assert listed(response) == named(events, *expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param({"date_from": "31/03/2026"}, "“31/03/2026” is not a date (from)", id="from"),
        pytest.param({"date_to": "2026-02-30"}, "“2026-02-30” is not a date (to)", id="to"),
        pytest.param({"date_to": "yesterday"}, "“yesterday” is not a date (to)", id="words"),
        pytest.param({"entry_id": "7; drop"}, "“7; drop” is not an entry number", id="entry-id"),
        pytest.param({"entry_id": "9" * 30}, "is not an entry number", id="entry-id-huge"),
    ],
)
def test_bad_filters_are_explained_not_applied(client, logged_in_admin, events, args, message):
    response = client.get("/admin/audit/", query_string=args)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "That filter is not applied." in html
    assert len(listed(response)) == 5


def test_dates_in_the_wrong_order_say_nothing_can_match(client, logged_in_admin, events):
    response = client.get(
        "/admin/audit/", query_string={"date_from": "2026-04-02", "date_to": "2026-04-01"}
    )

    assert "The “from” date is after the “to” date" in response.get_data(as_text=True)
    assert listed(response) == []


def test_audit_log_pages_with_filters_kept(app, client, logged_in_admin, make_event):
    for n in range(30):
        make_event("stakeholder.updated", entry_id=n)

    first = client.get("/admin/audit/", query_string={"action": "stakeholder.updated"})
    second = client.get("/admin/audit/", query_string={"action": "stakeholder.updated", "page": 2})

    assert len(listed(first)) == app.config["PER_PAGE"]
    assert len(listed(second)) == 30 - app.config["PER_PAGE"]
    assert "/admin/audit/?page=2&amp;action=stakeholder.updated" in first.get_data(as_text=True)
    assert set(listed(first)).isdisjoint(listed(second))


def test_the_log_pages_on_by_cursor_past_the_numbered_pages(
    app, client, logged_in_admin, make_event, monkeypatch
):
    from registry import lists

    monkeypatch.setitem(app.config, "PER_PAGE", 3)
    monkeypatch.setattr(lists, "CAP", 5)  # a count past the cap: pages go by cursor
    made = [make_event("stakeholder.updated", entry_id=n) for n in range(8)]
    seen, url = [], "/admin/audit/?action=stakeholder.updated"
    for _ in range(5):
        response = client.get(url)
        seen += listed(response)
        html = response.get_data(as_text=True)
        found = re.search(r'href="(/admin/audit/\?[^"]*)" rel="next"', html)
        if not found:
            break
        url = unescape(found.group(1))
        assert "cursor=" in url
        assert "action=stakeholder.updated" in url  # the filter goes along
    assert seen == sorted(made, reverse=True)  # newest first, each event once


def test_a_forged_cursor_or_a_deep_page_number_is_a_clear_400(client, logged_in_admin, events):
    for query in ({"cursor": "forged"}, {"page": "21"}):
        response = client.get("/admin/audit/", query_string=query)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'class="notice" role="alert"' in html
        assert listed(response)  # and the newest page, not an empty one


def test_the_count_is_capped_and_says_so(client, logged_in_admin, make_event, monkeypatch):
    from registry import lists

    monkeypatch.setattr(lists, "CAP", 5)
    for n in range(7):
        make_event("stakeholder.updated", entry_id=n)
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "More than 5 events" in html


def test_a_page_of_the_log_is_a_constant_number_of_queries(
    app, client, logged_in_admin, make_event
):
    make_event("stakeholder.updated", entry_id=1)
    client.get("/admin/audit/")
    with count_queries(app) as few:
        client.get("/admin/audit/", query_string={"action": "stakeholder.updated"})
    for n in range(40):
        make_event("stakeholder.updated", entry_id=n)
    with count_queries(app) as many:
        client.get("/admin/audit/", query_string={"action": "stakeholder.updated"})
    assert len(many) == len(few)


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("condition", "index"),
    [
        ("action = 'stakeholder.updated'", "ix_audit_event_action_created"),
        ("actor_id = 1", "ix_audit_event_actor_created"),
        ("entry_type = 'stakeholder' AND entry_id = 3", "ix_audit_event_entry"),
        ("true", "ix_audit_event_created_at"),
    ],
)
def test_each_filter_of_the_log_has_its_index(app, condition, index):
    with app.app_context():
        # Enough varied rows, analysed, for the planner to weigh the indexes as it would.
        db.session.execute(
            AuditEvent.__table__.insert(),
            [
                {
                    "action": f"stakeholder.action{n % 20}",
                    "entry_type": ("stakeholder", "user")[n % 2],
                    "entry_id": n % 500,
                    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                }
                for n in range(5000)
            ],
        )
        db.session.commit()
        db.session.execute(text("ANALYZE audit_event"))
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_sort = off"))
        plan = "\n".join(
            db.session.execute(
                text(
                    f"EXPLAIN SELECT id FROM audit_event WHERE {condition} "  # noqa: S608 - fixed
                    "ORDER BY created_at DESC, id DESC LIMIT 26"
                )
            ).scalars()
        )
        db.session.rollback()
    assert index in plan, plan


def test_htmx_search_renders_only_the_results(client, logged_in_admin, events):
    response = client.get("/admin/audit/", query_string={"actor": "kofi"}, headers=HTMX)

    html = response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    assert '<form method="get"' not in html
    assert listed(response) == named(events, "april-kofi-role", "march-kofi-approve")


def page_text(response) -> str:
    """What a reader sees first: the page's text without its technical details, tags or
    repeated spaces (an option's value and a link's address are not text)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<details.*?</details>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(unescape(text).split())


def test_a_role_change_is_a_sentence_with_role_names(client, logged_in_admin, make_event):
    make_event(
        "user.role_changed",
        entry_type="user",
        entry_id=logged_in_admin.id,
        before={"role": "community"},
        after={"role": "officer"},
    )

    text = page_text(client.get("/admin/audit/", query_string={"action": "user.role_changed"}))

    assert "Role changed from Community to Partnership officer" in text
    assert "community" not in text.replace("Community", "")


def test_a_sector_change_names_the_sectors(client, logged_in_admin, make_event):
    make_event(
        "stakeholder.updated",
        before={"sector_code": "civil_society", "country": "KE", "website": ""},
        after={"sector_code": "grassroots", "country": "TZ", "website": "https://x.example"},
    )

    text = page_text(client.get("/admin/audit/", query_string={"action": "stakeholder.updated"}))

    assert (
        "Sector changed from Civil society organization or NGO to "
        "Grassroots or community-based organization"
    ) in text
    assert "Country changed from Kenya to Tanzania" in text
    assert "Website set to https://x.example" in text
    assert "sector_code" not in text


def test_values_are_words_and_unknown_keys_are_humanized(client, logged_in_admin, make_event):
    make_event(
        "user.deactivated",
        entry_type="user",
        before={"active": True},
        after={"active": False, "new_thing_count": 3, "comment": "x" * 500},
    )

    text = page_text(client.get("/admin/audit/", query_string={"action": "user.deactivated"}))

    assert "Account deactivated" in text
    assert "Account active changed from Yes to No" in text
    assert "New thing count: 3" in text
    assert "Comment: " + "x" * 100 in text
    assert "x" * 121 not in text  # a long text is cut, with an ellipsis
    assert "new_thing_count" not in text


def test_ids_in_the_trail_are_shown_as_names(
    client, logged_in_admin, make_event, make_user, make_stakeholder
):
    amina = make_user(Role.COMMUNITY, name="Amina Odhiambo")
    kept = make_stakeholder(name="Lakeside Youth Collective")
    duplicate = make_stakeholder(name="Lakeside Youth Collective (old)")
    make_event(
        "stakeholder.claim_approved",
        logged_in_admin,
        entry_id=kept.id,
        before={"claim": "pending"},
        after={"claim": "approved", "claim_id": 4, "user_id": amina.id, "membership_created": True},
    )
    make_event(
        "stakeholder.merged",
        logged_in_admin,
        entry_id=kept.id,
        after={
            "merged_from_id": duplicate.id,
            "merge_id": 2,
            "moved": {"contact.stakeholder_id": 2},
        },
    )

    text = page_text(client.get("/admin/audit/", query_string={"entry_id": kept.id}))

    assert "Request to join approved" in text
    assert "Request to join changed from Waiting for an answer to Approved" in text
    assert "Person: Amina Odhiambo" in text
    assert "Became a member: Yes" in text
    assert "Merged from: Lakeside Youth Collective (old)" in text
    assert "Moved here: Contact persons: 2" in text
    assert "Lakeside Youth Collective Organization #" in text  # the entry, by its name
    assert "claim_id" not in text
    assert "stakeholder" not in text.lower().replace("stakeholders", "")


def test_the_raw_action_is_kept_in_the_technical_details(client, logged_in_admin, make_event):
    make_event("user.logged_out", entry_type="user")

    html = client.get("/admin/audit/", query_string={"action": "user.logged_out"}).get_data(
        as_text=True
    )

    assert re.search(r"<details[^>]*>.*?<code>user.logged_out</code>.*?</details>", html, re.S)


def test_the_filters_offer_labels_and_keep_codes_as_values(client, logged_in_admin, make_event):
    make_event("user.email_verified", entry_type="user")
    make_event("stakeholder.submit")

    html = client.get("/admin/audit/").get_data(as_text=True)

    assert '<option value="user.email_verified">Email address confirmed</option>' in html
    assert '<option value="stakeholder.submit">Submitted for review</option>' in html
    assert '<option value="user">Account</option>' in html
    assert '<option value="stakeholder">Organization</option>' in html


# --- every action has words --------------------------------------------------------------------

RECORD_CALL = re.compile(r"audit\.record\(\s*(.*?),", re.S)
ACTION_NAME = re.compile(r'"([a-z_]+\.[a-z_]+)"')
# The calls whose action is built from a kind's key: ``dynamic_actions`` lists what they make.
DYNAMIC_CALLS = {
    ("registry/revisions.py", 'f"{entry_type.key}.updated"'),
    ("registry/revisions.py", 'f"{entry_type.key}.revision_proposed"'),
    ("registry/workflow.py", "machine.audit_action(subject"),
}


def recorded_calls() -> list[tuple[str, str]]:
    """(file, first argument) of every ``audit.record`` call in the package."""
    calls = []
    for path in sorted(REGISTRY.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for match in RECORD_CALL.finditer(source):
            calls.append((str(path.relative_to(REGISTRY.parent)), match.group(1).strip()))
    return calls


def literal_actions() -> set[str]:
    return {
        name
        for _path, argument in recorded_calls()
        for name in ACTION_NAME.findall(argument)
        if not argument.startswith("f")
    }


def dynamic_actions() -> set[str]:
    """What the workflow, revisions and requests record, from their own rule tables."""
    from registry import entries, revisions, workflow
    from registry.stakeholders import claims

    names = set()
    for entry_type in entries.reviewed():
        key = entry_type.key
        names |= {f"{key}.updated", f"{key}.revision_proposed"}
        names |= {f"{key}.{workflow.AUDIT_NAMES.get(a, a)}" for a in workflow.RULES}
        names |= {f"{key}.revision_{r.target.value}" for r in revisions.REVISION.rules.values()}
        names |= {f"{key}.claim_{r.target.value}" for r in claims.CLAIM.rules.values()}
    return names


def test_every_action_call_is_one_we_can_name():
    unnamed = {
        (path, argument)
        for path, argument in recorded_calls()
        if not ACTION_NAME.search(argument) or argument.startswith("f")
    }

    # A new call that builds its action name: add what it makes to ``dynamic_actions``.
    assert unnamed == DYNAMIC_CALLS
    assert {"user.logged_in", "user.activated", "user.deactivated"} <= literal_actions()


def test_every_recorded_action_has_a_label(app):
    with app.test_request_context():
        from registry.auditlog.describe import is_labelled

        missing = sorted(a for a in literal_actions() | dynamic_actions() if not is_labelled(a))

    assert missing == []


def test_no_action_is_shown_by_its_code(app, client, logged_in_admin, make_event):
    names = sorted(literal_actions() | dynamic_actions())
    for name in names:
        kind = name.partition(".")[0]
        make_event(name, entry_type="user" if kind == "user" else "stakeholder")

    texts = []
    for number in range(1, 2 + len(names) // app.config["PER_PAGE"] + 1):
        texts.append(page_text(client.get("/admin/audit/", query_string={"page": number})))
    text = " ".join(texts)

    with app.test_request_context():
        from registry.auditlog.describe import action_label

        labels = {name: action_label(name) for name in names}
    assert [name for name in names if name in text] == []
    assert [name for name, label in labels.items() if label not in text] == []


def test_query_count_does_not_grow_with_rows(
    app, client, logged_in_admin, make_event, make_user, make_stakeholder
):
    def queries_for_page() -> int:
        with count_queries(app) as statements:
            client.get("/admin/audit/")
        return len(statements)

    def varied_events(n: int) -> None:
        """Events about accounts and organizations whose values name other people and
        entries: each name is looked up, but all of a page's in one query per kind."""
        person, stakeholder = make_user(Role.COMMUNITY), make_stakeholder()
        make_event(actor=person if n % 2 else None, entry_id=stakeholder.id)
        make_event("user.role_changed", person, "user", person.id, after={"role": "officer"})
        make_event(
            "stakeholder.claim_approved",
            logged_in_admin,
            entry_id=stakeholder.id,
            after={"claim": "approved", "user_id": person.id},
        )
        make_event(
            "stakeholder.merged",
            logged_in_admin,
            entry_id=stakeholder.id,
            after={"merged_from_id": make_stakeholder().id, "moved": {}},
        )

    varied_events(1)
    few = queries_for_page()
    for n in range(5):
        varied_events(n)

    assert queries_for_page() == few
    assert few <= 8  # session, user, count, page, entry types, actions, names of two kinds


@pytest.mark.parametrize("role", ["anonymous", "member", "non_member", "officer"])
def test_only_administrators_read_the_audit_log(as_role, role):
    client, _user = as_role(role)

    response = client.get("/admin/audit/")

    if role == "anonymous":
        assert response.status_code == 302
        assert response.location.startswith("/login")
    else:
        assert response.status_code == 403


def test_the_last_possible_date_is_a_filter_not_an_overflow(client, logged_in_admin, events):
    response = client.get("/admin/audit/", query_string={"date_to": "9999-12-31"})

    assert response.status_code == 200
    assert len(listed(response)) == 5
