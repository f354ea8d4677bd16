"""A second reviewable entry type plugs into the one review machinery by registering itself:
no edit under ``registry/review/`` or in ``workflow.py``/``notifications.py``. The pledge of
``tests/entry_models.py`` (scalar, enum, date and a child collection) goes through the queue,
a member's edit to its approved version waits as a revision with a diff, and the decisions
are audited and mailed with a link to the pledge's own page.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry import create_app, entries, revisions, workflow
from registry.entries import EntryType, FieldKind, FieldSpec
from registry.extensions import db
from registry.models import AuditEvent, Membership, Revision, RevisionStatus, Role, Status, User
from tests.conftest import log_in, test_config
from tests.entry_models import Pledge, PledgeItem, PledgeKind, bp

PLEDGE = EntryType(
    key="test_pledge",
    model=Pledge,
    label=_l("Pledge"),
    endpoint="pledges.detail",
    id_arg="pledge_id",
    plural="pledges",
    queue_label=_l("New pledge"),
    owner=lambda pledge: pledge.stakeholder,
    title=lambda pledge: pledge.title,
    summary=lambda pledge: f"Due {pledge.due.isoformat()}" if pledge.due else "",
    fields=(
        FieldSpec("title", _l("Title")),
        FieldSpec("kind", _l("Kind"), FieldKind.ENUM, enum=PledgeKind, default=PledgeKind.IN_KIND),
        FieldSpec("due", _l("Due"), FieldKind.DATE),
        FieldSpec(
            "items",
            _l("Deliverables"),
            FieldKind.CHILDREN,
            related=PledgeItem,
            columns=(FieldSpec("title", _l("Title")), FieldSpec("target", _l("Target"))),
        ),
    ),
)


@pytest.fixture(scope="module")
def app(app: Flask):
    """The suite's app on the same database, with a page for pledges (routes cannot be added
    to an app that has served requests)."""
    pledge_app = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    pledge_app.register_blueprint(bp)
    yield pledge_app
    with pledge_app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _pledges_registered():
    entries.register(PLEDGE)
    yield
    entries.unregister(PLEDGE.key)


@pytest.fixture
def people(make_user, make_stakeholder, app):
    """An admin, and a community member of the organization that makes the pledges."""
    admin = make_user(Role.ADMIN, name="Ada Admin", email="ada@hq.example")
    member = make_user(Role.COMMUNITY, name="Amina Diallo", email="amina@city.example")
    maker = make_stakeholder(name="Nakuru Youth Network")
    with app.app_context():
        db.session.add(Membership(user_id=member.id, stakeholder_id=maker.id))
        db.session.commit()
    return admin, member, maker


def make_pledge(app: Flask, maker_id: int, status: Status = Status.DRAFT) -> int:
    with app.app_context():
        pledge = Pledge(
            title="Plant 500 trees",
            kind=PledgeKind.IN_KIND,
            due=date(2027, 6, 30),
            stakeholder_id=maker_id,
            status=status,
            items=[PledgeItem(title="Nursery", target=500), PledgeItem(title="Survey", target=1)],
        )
        db.session.add(pledge)
        db.session.commit()
        return pledge.id


def submit(app: Flask, pledge_id: int, member: User) -> None:
    with app.test_request_context():
        workflow.transition(
            db.session.get(Pledge, pledge_id), "submit", db.session.get(User, member.id)
        )
        db.session.commit()


def actions(app: Flask, pledge_id: int) -> list[str]:
    with app.app_context():
        stmt = (
            select(AuditEvent.action)
            .where(AuditEvent.entry_type == "test_pledge", AuditEvent.entry_id == pledge_id)
            .order_by(AuditEvent.id)
        )
        return list(db.session.scalars(stmt))


def test_a_submitted_pledge_waits_in_the_queue(app, client, people):
    admin, member, maker = people
    pledge_id = make_pledge(app, maker.id)
    submit(app, pledge_id, member)
    log_in(client, admin)

    page = client.get("/review/").get_data(as_text=True)

    assert f'id="test_pledge-{pledge_id}"' in page
    assert "New pledge" in page
    assert f'href="/pledges/{pledge_id}">Plant 500 trees</a>' in page
    assert "Due 2027-06-30" in page
    assert f'action="/review/pledges/{pledge_id}"' in page
    assert 'value="request_changes"' in page  # the workflow's decisions, not a copied list


def test_the_admins_decision_on_a_pledge_is_audited_and_mailed(app, client, people, smtp_server):
    admin, member, maker = people
    pledge_id = make_pledge(app, maker.id)
    submit(app, pledge_id, member)
    log_in(client, admin)
    smtp_server.clear()  # the notice of the submission went to the administrators

    response = client.post(f"/review/pledges/{pledge_id}", data={"action": "approve"})

    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == Status.APPROVED
    assert actions(app, pledge_id) == ["test_pledge.submit", "test_pledge.approve"]
    [notice] = smtp_server
    assert notice["To"] == member.email
    assert notice["Subject"] == "Approved: Plant 500 trees"
    assert f"http://registry.test/pledges/{pledge_id}" in notice.get_content()


def test_rejecting_a_pledge_needs_a_reason(app, client, people):
    admin, member, maker = people
    pledge_id = make_pledge(app, maker.id)
    submit(app, pledge_id, member)
    log_in(client, admin)

    response = client.post(f"/review/pledges/{pledge_id}", data={"action": "reject"})

    assert response.status_code == 422
    assert "a comment is required to reject" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == Status.SUBMITTED


def propose(app: Flask, pledge_id: int, member: User) -> int:
    """The member renames the pledge, changes one deliverable, drops one and adds one."""
    with app.test_request_context():
        pledge = db.session.get(Pledge, pledge_id)
        author = db.session.get(User, member.id)
        nursery, _survey = pledge.items
        data = {
            "title": "Plant 800 trees",
            "kind": "financial",
            "items": [
                {"id": nursery.id, "title": "Nursery", "target": 800},
                {"title": "Watering rota", "target": 52},
            ],
        }
        revision = revisions.update(pledge, data, author, revisions.edit_token(pledge, author))
        db.session.commit()
        return revision.id


def test_a_members_edit_to_an_approved_pledge_waits_as_a_revision(app, people):
    _admin, member, maker = people
    pledge_id = make_pledge(app, maker.id, Status.APPROVED)

    revision_id = propose(app, pledge_id, member)

    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.title == "Plant 500 trees"  # the public sees the approved version
        assert [item.target for item in pledge.items] == [500, 1]
        revision = db.session.get(Revision, revision_id)
        assert (revision.entry_type, revision.entry_id) == ("test_pledge", pledge_id)
        changes = {change.field: change for change in revisions.diff(revision)}
        assert set(changes) == {"title", "kind", "items"}
        assert [(row.kind, row.before, row.after) for row in changes["items"].rows] == [
            ("changed", "Nursery, Target: 500", "Nursery, Target: 800"),
            ("added", "", "Watering rota, Target: 52"),
            ("removed", "Survey, Target: 1", ""),
        ]
    assert actions(app, pledge_id) == ["test_pledge.revision_proposed"]


def test_the_queue_and_the_diff_page_show_the_pledge_revision(app, client, people):
    admin, member, maker = people
    pledge_id = make_pledge(app, maker.id, Status.APPROVED)
    revision_id = propose(app, pledge_id, member)
    log_in(client, admin)

    queue = client.get("/review/").get_data(as_text=True)
    diff = client.get(f"/review/revisions/{revision_id}").get_data(as_text=True)

    assert f'id="revision-{revision_id}"' in queue
    assert "Changes: Title, Kind, Deliverables." in queue
    assert "Proposed change to “Plant 500 trees”" in diff
    assert "Plant 800 trees" in diff
    assert "Watering rota, Target: 52" in diff
    assert f'href="/pledges/{pledge_id}"' in diff


def test_approving_the_pledge_revision_applies_it_audited_and_mailed(
    app, client, people, smtp_server
):
    admin, member, maker = people
    pledge_id = make_pledge(app, maker.id, Status.APPROVED)
    revision_id = propose(app, pledge_id, member)
    with app.app_context():
        nursery_id = db.session.get(Pledge, pledge_id).items[0].id
    log_in(client, admin)
    smtp_server.clear()

    response = client.post(f"/review/revisions/{revision_id}", data={"action": "approve"})

    assert response.status_code == 303
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert (pledge.title, pledge.kind) == ("Plant 800 trees", PledgeKind.FINANCIAL)
        assert [(item.id == nursery_id, item.title, item.target) for item in pledge.items] == [
            (True, "Nursery", 800),  # changed in place: other rows may point at it
            (False, "Watering rota", 52),
        ]
        assert db.session.get(Revision, revision_id).status == RevisionStatus.APPROVED
        assert db.session.scalar(select(PledgeItem).where(PledgeItem.title == "Survey")) is None
    assert actions(app, pledge_id) == [
        "test_pledge.revision_proposed",
        "test_pledge.revision_approved",
    ]
    [notice] = smtp_server
    assert notice["To"] == member.email
    assert notice["Subject"] == "Change approved: Plant 800 trees"  # named as it is now
    assert f"http://registry.test/pledges/{pledge_id}" in notice.get_content()


def test_staff_edit_the_pledge_at_once(app, people):
    admin, _member, maker = people
    pledge_id = make_pledge(app, maker.id, Status.APPROVED)

    with app.test_request_context():
        pledge = db.session.get(Pledge, pledge_id)
        actor = db.session.get(User, admin.id)
        token = revisions.edit_token(pledge, actor)
        assert revisions.update(pledge, {"due": "2027-12-31"}, actor, token) is None
        db.session.commit()

    with app.app_context():
        assert db.session.get(Pledge, pledge_id).due == date(2027, 12, 31)
    assert actions(app, pledge_id) == ["test_pledge.updated"]
