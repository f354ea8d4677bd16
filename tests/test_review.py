"""The review queue: what waits, deciding inline or by plain POST, refusals, who may do it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from registry import revisions
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ClaimStatus,
    Membership,
    MembershipClaim,
    Review,
    Revision,
    RevisionStatus,
    Role,
    Stakeholder,
    Status,
    User,
)
from registry.models._base import utcnow
from registry.review.queue import waiting_count
from tests.conftest import log_in
from tests.querycount import count_queries

HTMX = {"HX-Request": "true"}
QUEUE_TITLES = re.compile(r'<h2 id="(\w+-\d+)-title"><a [^>]*>([^<]*)</a>')

# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def amina(make_user) -> User:
    return make_user(Role.COMMUNITY, name="Amina Diallo", email="amina@city.example")


def days_ago(days: float):
    return utcnow() - timedelta(days=days)


@pytest.fixture
def submitted(app: Flask, make_stakeholder, amina):
    """A stakeholder submitted for review ``days`` ago by Amina (the Review row says when)."""

    def make(name: str | None = None, days: float = 1, **fields) -> Stakeholder:
        stakeholder = make_stakeholder(name=name, status=Status.SUBMITTED, **fields)
        with app.app_context():
            db.session.add(
                Review(
                    entry_type="stakeholder",
                    entry_id=stakeholder.id,
                    from_status="draft",
                    to_status="submitted",
                    reviewer_id=amina.id,
                    created_at=days_ago(days),
                )
            )
            db.session.commit()
        return stakeholder

    return make


@pytest.fixture
def proposed(app: Flask, make_stakeholder, amina):
    """An approved stakeholder with a change proposed by Amina ``days`` ago; the revision id."""

    def make(public_name: str | None = None, /, days: float = 1, **changes) -> int:
        stakeholder = make_stakeholder(name=public_name)
        with app.test_request_context():
            entry = db.session.get(Stakeholder, stakeholder.id)
            author = db.session.get(User, amina.id)
            revision = revisions.propose(entry, changes or {"acronym": "NEW"}, author)
            revision.created_at = days_ago(days)
            db.session.commit()
            return revision.id

    return make


@pytest.fixture
def claimed(app: Flask, make_stakeholder, make_user):
    """A pending request to act for a stakeholder, made ``days`` ago; the claim id."""

    def make(name: str | None = None, days: float = 1, user: User | None = None) -> int:
        stakeholder = make_stakeholder(name=name)
        user = user or make_user(Role.COMMUNITY, name="Kofi Mensah")
        with app.app_context():
            claim = MembershipClaim(
                user_id=user.id,
                stakeholder_id=stakeholder.id,
                message="I coordinate its youth programme.",
                created_at=days_ago(days),
            )
            db.session.add(claim)
            db.session.commit()
            return claim.id

    return make


@pytest.fixture
def reviews_of(app: Flask):
    def rows(stakeholder_id: int) -> list[tuple[str, str, str]]:
        with app.app_context():
            stmt = (
                select(Review.from_status, Review.to_status, Review.comment)
                .where(Review.entry_type == "stakeholder", Review.entry_id == stakeholder_id)
                .order_by(Review.id)
            )
            return [tuple(row) for row in db.session.execute(stmt)]

    return rows


@pytest.fixture
def audit_actions(app: Flask):
    def actions(entry_id: int, entry_type: str = "stakeholder") -> list[str]:
        with app.app_context():
            stmt = (
                select(AuditEvent.action)
                .where(AuditEvent.entry_type == entry_type, AuditEvent.entry_id == entry_id)
                .order_by(AuditEvent.id)
            )
            return list(db.session.scalars(stmt))

    return actions


def queue_titles(response) -> list[str]:
    return [name for _key, name in QUEUE_TITLES.findall(response.get_data(as_text=True))]


def last_flash(client) -> tuple[str, str] | None:
    with client.session_transaction() as session:
        flashes = session.get("_flashes", [])
    return tuple(flashes[-1]) if flashes else None


# --- the queue --------------------------------------------------------------------------------


def test_queue_lists_everything_waiting_oldest_first(
    client, logged_in_admin, submitted, proposed, claimed, make_stakeholder
):
    submitted("Nakuru Youth Forum", days=2)
    proposed("Cities Alliance", days=3)
    claimed("Songyang County", days=1)
    submitted("Slum Dwellers Federation", days=5)
    make_stakeholder("A draft", status=Status.DRAFT)
    make_stakeholder("Already public")

    response = client.get("/review/")

    assert response.status_code == 200
    assert queue_titles(response) == [
        "Slum Dwellers Federation",
        "Cities Alliance",
        "Nakuru Youth Forum",
        "Songyang County",
    ]
    assert "4 entries wait for a decision." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "decided",
    [
        pytest.param("revision", id="decided-revision"),
        pytest.param("claim", id="decided-claim"),
        pytest.param("stakeholder", id="approved-stakeholder"),
    ],
)
def test_queue_leaves_out_what_is_decided(
    app, client, logged_in_admin, submitted, proposed, claimed, decided
):
    ids = {
        "stakeholder": submitted("Waiting stakeholder").id,
        "revision": proposed("Waiting revision"),
        "claim": claimed("Waiting claim"),
    }
    with app.app_context():
        if decided == "stakeholder":
            db.session.get(Stakeholder, ids[decided]).status = Status.APPROVED
        elif decided == "revision":
            db.session.get(Revision, ids[decided]).status = RevisionStatus.REJECTED
        else:
            db.session.get(MembershipClaim, ids[decided]).status = ClaimStatus.DECLINED
        db.session.commit()

    names = queue_titles(client.get("/review/"))

    assert f"Waiting {decided}" not in names
    assert len(names) == 2


def test_a_stakeholder_waits_since_its_latest_submission(
    app, client, logged_in_admin, submitted, proposed, amina
):
    resubmitted = submitted("Resubmitted", days=10)
    proposed("Proposed five days ago", days=5)
    with app.app_context():  # sent back for changes, then submitted again yesterday
        for source, target, days in [("submitted", "changes_requested", 9), ("x", "submitted", 1)]:
            db.session.add(
                Review(
                    entry_type="stakeholder",
                    entry_id=resubmitted.id,
                    from_status=source,
                    to_status=target,
                    reviewer_id=amina.id,
                    created_at=days_ago(days),
                )
            )
        db.session.commit()

    assert queue_titles(client.get("/review/")) == ["Proposed five days ago", "Resubmitted"]


def test_queue_says_when_nothing_waits(client, logged_in_admin):
    response = client.get("/review/")

    assert response.status_code == 200
    assert "Nothing waits for a decision." in response.get_data(as_text=True)


def test_queue_shows_who_asked_and_what_a_revision_changes(client, logged_in_admin, proposed):
    proposed("Cities Alliance", name="Cities Alliance Secretariat", website="https://ca.example")

    html = client.get("/review/").get_data(as_text=True)

    assert "Amina Diallo &lt;amina@city.example&gt;" in html
    assert "Changes: Name, Website." in html


def test_queue_shows_a_new_organization_with_its_acronym_sector_and_place(
    client, logged_in_admin, submitted
):
    stakeholder = submitted("Slum Dwellers International", acronym="SDI", city="Cape Town")

    html = client.get("/review/").get_data(as_text=True)

    assert f'href="/stakeholders/{stakeholder.id}">Slum Dwellers International</a> (SDI)' in html
    assert "<p>Civil society organization or NGO · Cape Town</p>" in html


def test_queue_query_count_does_not_grow_with_items(
    app, client, logged_in_admin, submitted, proposed, claimed
):
    def add_three(n: int) -> None:
        submitted(f"Submitted {n}", days=n + 1)
        proposed(f"Revised {n}", days=n + 1.5)
        claimed(f"Claimed {n}", days=n + 1.2)

    def queries_for_queue() -> tuple[int, int]:
        with count_queries(app) as statements:
            response = client.get("/review/")
        return len(queue_titles(response)), len(statements)

    add_three(0)
    client.get("/review/")  # warm up: the first request loads the login session
    three = queries_for_queue()
    for n in range(1, 4):
        add_three(n)
    twelve = queries_for_queue()

    assert three[0] == 3
    assert twelve[0] == 12
    assert twelve[1] == three[1]


def test_waiting_count_counts_each_kind_once(
    app, submitted, proposed, claimed, make_stakeholder, admin_user
):
    submitted()
    submitted()
    proposed()
    claimed()
    make_stakeholder(status=Status.DRAFT)

    with app.app_context(), count_queries(app) as statements:
        assert waiting_count(admin_user) == 4
    assert len(statements) == 1


# --- deciding on a submitted stakeholder -------------------------------------------------------


def test_approve_inline_returns_only_the_row(client, logged_in_admin, submitted, fetch):
    stakeholder = submitted("Nakuru Youth Forum")

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}", data={"action": "approve"}, headers=HTMX
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith(f'<li id="stakeholder-{stakeholder.id}"')
    assert "<html" not in html
    assert "Approved by you." in html
    assert 'id="queue-count" hx-swap-oob="true">0 entries wait' in html
    assert fetch(Stakeholder, stakeholder.id).status == Status.APPROVED


def test_approve_by_plain_post_redirects_with_a_message(client, logged_in_admin, submitted, fetch):
    stakeholder = submitted("Nakuru Youth Forum")

    response = client.post(f"/review/stakeholders/{stakeholder.id}", data={"action": "approve"})

    assert response.status_code == 303
    assert response.location == "/review/"
    assert last_flash(client) == (
        "success",
        "“Nakuru Youth Forum”: Approved by you. It is now public.",
    )
    assert fetch(Stakeholder, stakeholder.id).status == Status.APPROVED


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", "approved"),
        ("reject", "rejected"),
        ("request_changes", "changes_requested"),
    ],
)
def test_a_decision_writes_review_and_audit_rows(
    client, logged_in_admin, submitted, reviews_of, audit_actions, fetch, action, status
):
    stakeholder = submitted()

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}",
        data={"action": action, "comment": "Checked with the city office."},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert fetch(Stakeholder, stakeholder.id).status.value == status
    assert reviews_of(stakeholder.id)[-1] == ("submitted", status, "Checked with the city office.")
    assert audit_actions(stakeholder.id) == [f"stakeholder.{action}"]


def test_a_failing_decision_leaves_nothing_half_written(
    client, logged_in_admin, submitted, reviews_of, audit_actions, fetch, monkeypatch
):
    """Status, Review and AuditEvent are written in one transaction: all or nothing."""
    stakeholder = submitted()

    def broken(*args, **kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr("registry.notifications.transition_made", broken)

    with pytest.raises(RuntimeError):
        client.post(f"/review/stakeholders/{stakeholder.id}", data={"action": "approve"})

    assert fetch(Stakeholder, stakeholder.id).status == Status.SUBMITTED
    assert reviews_of(stakeholder.id) == [("draft", "submitted", "")]
    assert audit_actions(stakeholder.id) == []


@pytest.mark.parametrize("action", ["reject", "request_changes"])
@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_reject_and_request_changes_need_a_comment(
    client, logged_in_admin, submitted, reviews_of, fetch, action, headers
):
    stakeholder = submitted("Nakuru Youth Forum")

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}",
        data={"action": action, "comment": "   "},
        headers=headers,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why: a comment is required to" in html
    assert 'class="flash flash-error inline-message"' in html  # in the row itself
    assert fetch(Stakeholder, stakeholder.id).status == Status.SUBMITTED
    assert reviews_of(stakeholder.id) == [("draft", "submitted", "")]


def test_an_unknown_decision_is_refused(client, logged_in_admin, submitted, fetch):
    stakeholder = submitted()

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}", data={"action": "withdraw"}, headers=HTMX
    )

    assert response.status_code == 422
    assert "Choose a decision." in response.get_data(as_text=True)
    assert fetch(Stakeholder, stakeholder.id).status == Status.SUBMITTED


def test_deciding_again_in_the_row_says_it_was_decided(client, logged_in_admin, submitted):
    """The entry was approved in another tab: the row says so, without controls."""
    stakeholder = submitted()
    client.post(f"/review/stakeholders/{stakeholder.id}", data={"action": "approve"})

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}",
        data={"action": "reject", "comment": "Duplicate"},
        headers=HTMX,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This entry is “Approved”: it cannot be reject from there." in html
    assert "No longer waiting: it is now “Approved”." in html
    assert 'name="action"' not in html


def test_deciding_again_by_plain_post_shows_the_queue_with_the_reason(
    client, logged_in_admin, submitted
):
    stakeholder = submitted("Nakuru Youth Forum")
    client.post(f"/review/stakeholders/{stakeholder.id}", data={"action": "approve"})

    response = client.post(f"/review/stakeholders/{stakeholder.id}", data={"action": "approve"})

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "<h1>Review queue</h1>" in html
    assert "Nakuru Youth Forum: This entry is “Approved”" in html


# --- proposed changes (revisions) ------------------------------------------------------------


def test_revision_page_shows_public_and_proposed_values(client, logged_in_admin, proposed):
    revision_id = proposed(
        "Nakuru Youth Forum",
        name="Nakuru Youth Network",
        sector_code="grassroots",
        constituencies=["children_youth", "women"],
        country="KE",
        scale="national",
    )

    response = client.get(f"/review/revisions/{revision_id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = re.findall(
        r'<th scope="row">([^<]*)</th>\s*<td class="diff-before">(.*?)</td>\s*'
        r'<td class="diff-after">(.*?)</td>',
        html,
    )
    empty = '<span class="empty">(empty)</span>'
    assert rows == [
        ("Name", "Nakuru Youth Forum", "Nakuru Youth Network"),
        (
            "Sector",
            "Civil society organization or NGO",
            "Grassroots or community-based organization",
        ),
        ("Constituencies", empty, "Women, Children and youth"),
        ("Country", empty, "Kenya"),
        ("Scale", "Local", "National"),
    ]
    assert 'name="action" value="approve"' in html


def test_revision_approved_from_its_page_goes_back_to_the_queue(
    client, logged_in_admin, proposed, fetch, reviews_of
):
    revision_id = proposed("Old Name", name="New Name")

    response = client.post(
        f"/review/revisions/{revision_id}", data={"action": "approve", "origin": "revision"}
    )

    assert response.status_code == 303
    assert response.location == "/review/"
    revision = fetch(Revision, revision_id)
    assert revision.status == RevisionStatus.APPROVED
    assert fetch(Stakeholder, revision.entry_id).name == "New Name"
    assert reviews_of(revision.entry_id)[-1][:2] == ("revision_pending", "revision_approved")


def test_revision_rejected_without_comment_stays_on_its_page(
    client, logged_in_admin, proposed, fetch
):
    revision_id = proposed("Old Name", name="New Name")

    response = client.post(
        f"/review/revisions/{revision_id}", data={"action": "reject", "origin": "revision"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Proposed change to “Old Name”" in html
    assert "Say why: a comment is required to reject a change." in html
    assert fetch(Revision, revision_id).status == RevisionStatus.PENDING


def test_revision_rejected_inline_keeps_the_public_version(
    client, logged_in_admin, proposed, fetch
):
    revision_id = proposed("Old Name", name="New Name")

    response = client.post(
        f"/review/revisions/{revision_id}",
        data={"action": "reject", "comment": "Keep the registered name."},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "Change rejected by you." in response.get_data(as_text=True)
    revision = fetch(Revision, revision_id)
    assert revision.status == RevisionStatus.REJECTED
    assert fetch(Stakeholder, revision.entry_id).name == "Old Name"


def test_revision_decided_twice_is_a_conflict(client, logged_in_admin, proposed):
    revision_id = proposed()
    client.post(f"/review/revisions/{revision_id}", data={"action": "approve"})

    response = client.post(
        f"/review/revisions/{revision_id}", data={"action": "approve"}, headers=HTMX
    )

    assert response.status_code == 409
    assert "This change has already been decided." in response.get_data(as_text=True)


def test_member_edit_waits_for_the_admin_who_sees_the_diff(
    app, client, make_user, make_stakeholder, make_membership
):
    """Acceptance: the public page is unchanged until the admin approves the revision,
    after seeing the diff; all through the HTTP routes."""
    stakeholder = make_stakeholder(
        "Nakuru Informal Settlements Forum", sector_code="grassroots", scale="local"
    )
    member = make_user(Role.COMMUNITY, name="Wanjiru Kamau")
    admin = make_user(Role.ADMIN, name="Ada Admin")
    make_membership(member, stakeholder)
    public = app.test_client()
    detail = f"/stakeholders/{stakeholder.id}"

    log_in(client, member)
    edit = client.post(
        f"{detail}/edit",
        data={
            "name": "Nakuru Settlements Federation",
            "sector": "grassroots",
            "scale": "local",
            "version": str(stakeholder.version),
        },
    )
    assert edit.status_code == 303
    assert "Nakuru Informal Settlements Forum" in public.get(detail).get_data(as_text=True)
    assert "Nakuru Settlements Federation" not in public.get(detail).get_data(as_text=True)

    client.post("/logout")
    log_in(client, admin)
    queue = client.get("/review/").get_data(as_text=True)
    revision_id = int(re.search(r'href="/review/revisions/(\d+)"', queue).group(1))
    diff = client.get(f"/review/revisions/{revision_id}").get_data(as_text=True)
    assert "Nakuru Informal Settlements Forum" in diff
    assert "Nakuru Settlements Federation" in diff
    approve = client.post(f"/review/revisions/{revision_id}", data={"action": "approve"})
    assert approve.status_code == 303

    assert "Nakuru Settlements Federation" in public.get(detail).get_data(as_text=True)


# --- membership requests (claims) --------------------------------------------------------------


@pytest.fixture
def members_of(app: Flask):
    def user_ids(stakeholder_id: int) -> list[int]:
        with app.app_context():
            stmt = select(Membership.user_id).where(Membership.stakeholder_id == stakeholder_id)
            return sorted(db.session.scalars(stmt))

    return user_ids


def test_approving_a_claim_makes_the_person_a_member(
    client, logged_in_admin, claimed, fetch, members_of, audit_actions
):
    claim_id = claimed("Songyang County")

    response = client.post(f"/review/claims/{claim_id}", data={"action": "approve"}, headers=HTMX)

    claim = fetch(MembershipClaim, claim_id)
    assert response.status_code == 200
    assert "Approved by you: Kofi Mensah can now act for it." in response.get_data(as_text=True)
    assert claim.status == ClaimStatus.APPROVED
    assert claim.decided_by_id == logged_in_admin.id
    assert members_of(claim.stakeholder_id) == [claim.user_id]
    assert audit_actions(claim.stakeholder_id) == ["stakeholder.claim_approved"]


def test_approving_a_claim_of_a_member_adds_no_second_membership(
    app, client, logged_in_admin, claimed, fetch, members_of, make_user
):
    kofi = make_user(Role.COMMUNITY)
    claim_id = claimed(user=kofi)
    with app.app_context():
        stakeholder_id = db.session.get(MembershipClaim, claim_id).stakeholder_id
        db.session.add(Membership(user_id=kofi.id, stakeholder_id=stakeholder_id))
        db.session.commit()

    response = client.post(f"/review/claims/{claim_id}", data={"action": "approve"})

    assert response.status_code == 303
    assert members_of(stakeholder_id) == [kofi.id]


def test_declining_a_claim_needs_a_comment(client, logged_in_admin, claimed, fetch, members_of):
    claim_id = claimed()

    response = client.post(f"/review/claims/{claim_id}", data={"action": "decline"}, headers=HTMX)

    assert response.status_code == 422
    assert "a comment is required to decline" in response.get_data(as_text=True)
    assert fetch(MembershipClaim, claim_id).status == ClaimStatus.PENDING


def test_declining_a_claim_with_a_comment(
    client, logged_in_admin, claimed, fetch, members_of, audit_actions
):
    claim_id = claimed()

    response = client.post(
        f"/review/claims/{claim_id}",
        data={"action": "decline", "comment": "We could not verify your role."},
    )

    claim = fetch(MembershipClaim, claim_id)
    assert response.status_code == 303
    assert claim.status == ClaimStatus.DECLINED
    assert claim.comment == "We could not verify your role."
    assert members_of(claim.stakeholder_id) == []
    assert audit_actions(claim.stakeholder_id) == ["stakeholder.claim_declined"]


def test_a_claim_decided_twice_is_a_conflict(client, logged_in_admin, claimed):
    claim_id = claimed()
    client.post(f"/review/claims/{claim_id}", data={"action": "approve"})

    response = client.post(f"/review/claims/{claim_id}", data={"action": "approve"}, headers=HTMX)

    assert response.status_code == 409
    assert "This request has already been decided." in response.get_data(as_text=True)


# --- archiving ---------------------------------------------------------------------------------


def test_archive_keeps_the_record_and_leaves_the_public_registry(
    client, logged_in_admin, make_stakeholder, fetch, audit_actions
):
    stakeholder = make_stakeholder("Closed Network")

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}/archive", data={"confirm": "yes"}
    )

    assert response.status_code == 303
    assert response.location == f"/stakeholders/{stakeholder.id}"
    assert fetch(Stakeholder, stakeholder.id).status == Status.ARCHIVED
    assert audit_actions(stakeholder.id) == ["stakeholder.archive"]


def test_archiving_takes_a_second_step_that_names_the_entry(
    client, logged_in_admin, make_stakeholder, fetch
):
    stakeholder = make_stakeholder("Closed Network")
    entry_page = client.get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    # The entry page offers a link to the second step, not a button that archives.
    assert f'href="/review/stakeholders/{stakeholder.id}/archive"' in entry_page
    assert f'action="/review/stakeholders/{stakeholder.id}/archive"' not in entry_page

    step = client.get(f"/review/stakeholders/{stakeholder.id}/archive")
    html = step.get_data(as_text=True)
    assert step.status_code == 200
    assert "Archive “Closed Network”?" in html
    assert "It leaves the public registry" in html
    assert "An administrator can restore it" in html
    assert 'name="confirm" value="yes"' in html

    # A POST without the confirmation's yes (a stray form, a replay) shows the step again.
    again = client.post(f"/review/stakeholders/{stakeholder.id}/archive", data={"comment": "x"})
    assert again.status_code == 200
    assert "Archive “Closed Network”?" in again.get_data(as_text=True)
    assert fetch(Stakeholder, stakeholder.id).status == Status.APPROVED


def test_archive_twice_is_a_conflict(client, logged_in_admin, make_stakeholder):
    stakeholder = make_stakeholder(status=Status.ARCHIVED)

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}/archive", data={"comment": "x", "confirm": "yes"}
    )

    assert response.status_code == 409
    assert "cannot be archive" in response.get_data(as_text=True)


@pytest.mark.parametrize("before", [Status.APPROVED, Status.DRAFT, Status.CHANGES_REQUESTED])
def test_restore_returns_an_entry_to_the_state_it_was_archived_from(
    client, logged_in_admin, make_stakeholder, fetch, audit_actions, before
):
    stakeholder = make_stakeholder("Back Again", status=before)
    client.post(f"/review/stakeholders/{stakeholder.id}/archive", data={"confirm": "yes"})
    page = client.get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    assert "Restore this entry" in page

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}/restore", data={"comment": "Archived by mistake"}
    )

    assert response.status_code == 303
    assert response.location == f"/stakeholders/{stakeholder.id}"
    restored = fetch(Stakeholder, stakeholder.id)
    assert restored.status == before
    assert audit_actions(stakeholder.id) == ["stakeholder.archive", "stakeholder.restore"]
    assert "is restored" in client.get(response.location).get_data(as_text=True)


def test_a_restored_approved_entry_is_public_again(app, client, logged_in_admin, make_stakeholder):
    stakeholder = make_stakeholder("Back In Public")
    client.post(f"/review/stakeholders/{stakeholder.id}/archive", data={"confirm": "yes"})
    assert "Back In Public" not in app.test_client().get("/stakeholders/").get_data(as_text=True)
    client.post(f"/review/stakeholders/{stakeholder.id}/restore")
    public = app.test_client().get("/stakeholders/").get_data(as_text=True)
    assert "Back In Public" in public


def test_restoring_an_entry_that_is_not_archived_is_a_conflict(
    client, logged_in_admin, make_stakeholder, audit_actions
):
    stakeholder = make_stakeholder()
    response = client.post(f"/review/stakeholders/{stakeholder.id}/restore")
    assert response.status_code == 409
    assert audit_actions(stakeholder.id) == []


def test_a_merged_duplicate_is_not_restored_but_unmerged(
    app, client, logged_in_admin, make_stakeholder, fetch
):
    kept = make_stakeholder("Kept Org")
    duplicate = make_stakeholder("Kept Org (duplicate)", status=Status.ARCHIVED)
    with app.app_context():
        db.session.get(Stakeholder, duplicate.id).merged_into_id = kept.id
        db.session.commit()
    response = client.post(f"/review/stakeholders/{duplicate.id}/restore")
    assert response.status_code == 409
    assert "undo the merge" in response.get_data(as_text=True)
    assert fetch(Stakeholder, duplicate.id).status == Status.ARCHIVED


# --- who may do it -----------------------------------------------------------------------------

ROUTES = [
    ("GET", "/review/"),
    ("POST", "/review/stakeholders/{stakeholder}"),
    ("GET", "/review/revisions/{revision}"),
    ("POST", "/review/revisions/{revision}"),
    ("POST", "/review/claims/{claim}"),
    ("GET", "/review/stakeholders/{stakeholder}/archive"),
    ("POST", "/review/stakeholders/{stakeholder}/archive"),
    ("POST", "/review/stakeholders/{stakeholder}/restore"),
]


# Officers have a queue too (requests to join an initiative), but none of these in it.
REFUSED = [
    (role, method, path)
    for role in ("member", "non_member", "officer")
    for method, path in ROUTES
    if (role, path) != ("officer", "/review/")
]


@pytest.mark.parametrize(("role", "method", "path"), REFUSED)
def test_only_administrators_review(
    as_role, submitted, proposed, claimed, fetch, method, path, role
):
    stakeholder = submitted()
    url = path.format(stakeholder=stakeholder.id, revision=proposed(), claim=claimed())
    client, _user = as_role(role)

    response = client.open(url, method=method, data={"action": "approve"})

    assert response.status_code == 403
    assert fetch(Stakeholder, stakeholder.id).status == Status.SUBMITTED


def test_an_officers_queue_holds_no_entry_change_or_claim(as_role, submitted, proposed, claimed):
    name = "Officer Cannot Decide This"
    submitted(name=name)
    proposed()
    claimed()
    client, _user = as_role("officer")

    html = client.get("/review/").get_data(as_text=True)

    assert name not in html
    assert 'name="action"' not in html
    assert "Nothing waits for a decision." in html


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_is_sent_to_log_in(client, submitted, proposed, claimed, method, path):
    url = path.format(stakeholder=submitted().id, revision=proposed(), claim=claimed())

    response = client.open(url, method=method, data={"action": "approve"})

    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/review/stakeholders/999"),
        ("GET", "/review/revisions/999"),
        ("POST", "/review/revisions/999"),
        ("POST", "/review/claims/999"),
        ("POST", "/review/stakeholders/999/archive"),
        ("GET", "/review/stakeholders/999/archive"),
        ("POST", "/review/stakeholders/999/restore"),
    ],
)
def test_unknown_ids_are_not_found(client, logged_in_admin, method, path):
    assert client.open(path, method=method, data={"action": "approve"}).status_code == 404


def test_no_audit_event_without_a_decision(app, client, logged_in_admin, submitted):
    submitted()

    client.get("/review/")

    with app.app_context():
        stmt = select(func.count()).where(AuditEvent.entry_type == "stakeholder")
        assert db.session.scalar(stmt) == 0


@pytest.mark.parametrize(
    ("role", "shown"), [("admin", True), ("officer", False), ("member", False)]
)
def test_the_archive_control_is_on_the_entry_page_for_admins(
    as_role, make_stakeholder, role, shown
):
    stakeholder = make_stakeholder(name="Archivable Org")
    client, _user = as_role(role)
    html = client.get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    assert (f"/review/stakeholders/{stakeholder.id}/archive" in html) is shown


def test_a_decision_for_an_unknown_kind_of_thing_is_not_found(client, logged_in_admin):
    response = client.post("/review/widgets/1", data={"action": "approve"})

    assert response.status_code == 404


def test_the_decision_that_cannot_be_taken_back_comes_last(client, logged_in_admin, submitted):
    submitted("Order Of Buttons")

    html = client.get("/review/").get_data(as_text=True)

    values = re.findall(r'name="action" value="([a-z_]+)"', html)
    assert values == ["approve", "request_changes", "reject"]


# --- deciding on the entry's own page -----------------------------------------------------


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("officer", False)])
def test_a_submitted_entry_offers_the_decision_on_its_own_page(as_role, submitted, role, shown):
    stakeholder = submitted("Waiting Org")
    client, _user = as_role(role)
    html = client.get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    assert ("Your decision" in html) is shown
    assert (f'action="/review/stakeholders/{stakeholder.id}"' in html) is shown


def test_deciding_on_the_entry_page_comes_back_to_it(
    client, logged_in_admin, submitted, fetch, audit_actions
):
    stakeholder = submitted("Waiting Org")
    html = client.get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    assert 'name="origin" value="entry"' in html

    response = client.post(
        f"/review/stakeholders/{stakeholder.id}", data={"action": "approve", "origin": "entry"}
    )

    assert response.status_code == 303
    assert response.location == f"/stakeholders/{stakeholder.id}"
    assert fetch(Stakeholder, stakeholder.id).status == Status.APPROVED
    page = client.get(response.location).get_data(as_text=True)
    assert "Waiting Org" in page
    assert "Your decision" not in page


def test_a_refused_decision_from_the_entry_page_says_why(client, logged_in_admin, submitted, fetch):
    stakeholder = submitted("Waiting Org")
    response = client.post(
        f"/review/stakeholders/{stakeholder.id}", data={"action": "reject", "origin": "entry"}
    )
    assert response.status_code == 422
    assert "a comment is required" in response.get_data(as_text=True)
    assert fetch(Stakeholder, stakeholder.id).status == Status.SUBMITTED


def test_an_approved_entry_offers_no_decision(client, logged_in_admin, make_stakeholder):
    stakeholder = make_stakeholder()
    html = client.get(f"/stakeholders/{stakeholder.id}").get_data(as_text=True)
    assert "Your decision" not in html
