"""Merging duplicate stakeholders: the preview, what moves, the archived duplicate, undo."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from registry.extensions import db
from registry.models import (
    Contact,
    Membership,
    MembershipClaim,
    Merge,
    Review,
    Revision,
    RevisionStatus,
    Role,
    Stakeholder,
    Status,
    User,
)
from registry.models._base import utcnow
from registry.references import NOT_MOVED, REFERENCES, references

HTMX = {"HX-Request": "true"}

# --- fixtures ---------------------------------------------------------------------------------


@dataclass
class Duplicates:
    source: int  # "UN Habitat", the duplicate
    target: int  # "UN-Habitat", the entry kept
    only_source_member: int  # a user who acts for the duplicate only
    both_member: int  # a user who acts for both (their duplicate membership is removed)
    claimant: int  # a user with a pending request to act for the duplicate
    earlier: int  # an entry merged into the duplicate before


@pytest.fixture
def dup(app: Flask, make_stakeholder, make_user) -> Duplicates:
    """Two entries for the same organization, each with things that refer to it."""
    source = make_stakeholder("UN Habitat", acronym="UNH", city="Nairobi")
    target = make_stakeholder("UN-Habitat", acronym="UN-Habitat", country="KE")
    earlier = make_stakeholder("UN Habitat Nairobi", status=Status.ARCHIVED)
    only, both, claimant = (make_user(Role.COMMUNITY) for _ in range(3))
    now = utcnow()
    with app.app_context():
        db.session.get(Stakeholder, earlier.id).merged_into_id = source.id
        db.session.add_all(
            [
                Membership(user_id=only.id, stakeholder_id=source.id),
                Membership(user_id=both.id, stakeholder_id=source.id),
                Membership(user_id=both.id, stakeholder_id=target.id),
                Contact(stakeholder_id=source.id, name="Focal One", consent_at=now),
                Contact(stakeholder_id=source.id, name="Focal Two", consent_at=now),
                Contact(stakeholder_id=target.id, name="Kept Focal", consent_at=now),
                Review(
                    entry_type="stakeholder",
                    entry_id=source.id,
                    from_status="submitted",
                    to_status="approved",
                ),
                Review(
                    entry_type="stakeholder",
                    entry_id=target.id,
                    from_status="submitted",
                    to_status="approved",
                ),
                # Another kind of entry with the same id must not move.
                Review(
                    entry_type="commitment",
                    entry_id=source.id,
                    from_status="submitted",
                    to_status="approved",
                ),
                Revision(
                    entry_type="stakeholder",
                    entry_id=source.id,
                    data={"name": "UN Habitat (old)"},
                    base_version=1,
                    status=RevisionStatus.APPROVED,
                ),
                Revision(
                    entry_type="stakeholder",
                    entry_id=source.id,
                    data={"name": "UN Habitat HQ"},
                    base_version=1,
                ),
                Revision(
                    entry_type="stakeholder",
                    entry_id=target.id,
                    data={"city": "Nairobi"},
                    base_version=1,
                ),
                MembershipClaim(user_id=claimant.id, stakeholder_id=source.id),
            ]
        )
        db.session.commit()
    return Duplicates(source.id, target.id, only.id, both.id, claimant.id, earlier.id)


@pytest.fixture
def state(app: Flask):
    """Everything that refers to stakeholders, as plain values: equal means nothing changed."""

    def snapshot() -> dict[str, list[tuple]]:
        with app.app_context():
            return {
                "stakeholder": _rows(
                    select(Stakeholder.id, Stakeholder.status, Stakeholder.merged_into_id)
                ),
                "membership": _rows(
                    select(Membership.id, Membership.user_id, Membership.stakeholder_id)
                ),
                "contact": _rows(select(Contact.id, Contact.stakeholder_id)),
                "review": _rows(select(Review.id, Review.entry_type, Review.entry_id)),
                "revision": _rows(
                    select(
                        Revision.id,
                        Revision.entry_id,
                        Revision.status,
                    )
                ),
                "claim": _rows(
                    select(
                        MembershipClaim.id, MembershipClaim.stakeholder_id, MembershipClaim.status
                    )
                ),
            }

    return snapshot


def _rows(stmt) -> list[tuple]:
    return sorted(tuple(row) for row in db.session.execute(stmt))


@pytest.fixture
def merged(client, logged_in_admin, dup) -> int:
    """``dup`` merged through the route; the merge's id."""
    response = client.post("/review/merge", data={"source_id": dup.source, "target_id": dup.target})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/review/merges/(\d+)$", response.location).group(1))


@pytest.fixture
def column(app: Flask):
    """Values of one column for the rows matching ``where``, sorted."""

    def values(attribute, *where) -> list:
        with app.app_context():
            return sorted(db.session.scalars(select(attribute).where(*where)))

    return values


# --- the list of references ------------------------------------------------------------------


def test_every_foreign_key_to_stakeholders_is_listed():
    """A new table pointing at stakeholders must say, in registry/references.py, how it moves."""
    pointing = {
        f"{fk.parent.table.name}.{fk.parent.name}"
        for table in db.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "stakeholder"
    }
    listed = {ref.key for ref in REFERENCES if not ref.only}

    assert pointing == listed | NOT_MOVED.keys()


def test_every_table_about_entries_of_any_type_is_listed():
    """A table that points at entries by (entry_type, entry_id) may point at stakeholders too:
    it must be listed as a reference limited to them. The audit trail is history: never moved."""
    polymorphic = {
        table.name
        for table in db.metadata.tables.values()
        if {"entry_type", "entry_id"} <= set(table.columns.keys())
    }
    listed = {ref.model.__tablename__ for ref in REFERENCES if ref.only}

    assert polymorphic - {"audit_event"} == listed


def test_references_counts_what_refers_to_a_stakeholder(app, dup):
    with app.app_context():
        counts = references(db.session.get(Stakeholder, dup.source))

    assert counts == {
        "Memberships (people who act for it)": 2,
        "Contact persons": 2,
        "Proposed changes": 2,
        "Membership requests": 1,
        "Review decisions": 1,
        "Entries merged into it earlier": 1,
        "Initiatives it leads": 0,
        "Partnerships in initiatives": 0,
        "Engagements taken part in": 0,
        "Commitments": 0,
    }


# --- the preview -----------------------------------------------------------------------------


def test_preview_shows_what_would_move_and_changes_nothing(client, logged_in_admin, dup, state):
    before = state()

    response = client.get(
        "/review/merge", query_string={"source_id": dup.source, "target_id": dup.target}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    moves = re.findall(r'<th scope="row">([^<]*)</th><td class="num">(\d+)</td>', html)
    assert moves == [
        ("Memberships (people who act for it)", "1"),
        ("Contact persons", "2"),
        ("Proposed changes", "2"),
        ("Membership requests", "1"),
        ("Review decisions", "1"),
        ("Entries merged into it earlier", "1"),
        ("Initiatives it leads", "0"),
        ("Partnerships in initiatives", "0"),
        ("Engagements taken part in", "0"),
        ("Commitments", "0"),
    ]
    assert "1 is already on the kept entry; the duplicate's copy is removed" in html
    assert "Proposed changes: 1 is waiting for review; it was about the duplicate" in html
    assert f'name="source_id" value="{dup.source}"' in html
    assert state() == before


def test_preview_with_htmx_renders_only_the_preview(client, logged_in_admin, dup):
    response = client.get(
        "/review/merge",
        query_string={"source_id": dup.source, "target_id": dup.target},
        headers={**HTMX, "HX-Target": "preview"},
    )

    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="merge-preview"')
    assert '<form method="get"' not in html


@pytest.mark.parametrize(
    ("side", "q", "found"),
    [
        pytest.param("source", "habitat", ["UN Habitat", "UN-Habitat"], id="by-name"),
        pytest.param("target", "unh", ["UN Habitat"], id="by-acronym"),
        pytest.param("source", "nothing like it", [], id="none"),
    ],
)
def test_picking_entries_by_search(client, logged_in_admin, dup, side, q, found):
    response = client.get(
        "/review/merge",
        query_string={f"{side}_q": q},
        headers={**HTMX, "HX-Target": f"{side}-candidates"},
    )

    html = response.get_data(as_text=True)
    labels = re.findall(rf'<label for="{side}-\d+">(.*?)(?: \(|,|\s*<span)', html)
    assert labels == found  # entries merged earlier are not offered


# --- merging ---------------------------------------------------------------------------------


def test_merge_moves_memberships(dup, merged, column):
    assert column(Membership.user_id, Membership.stakeholder_id == dup.target) == sorted(
        [dup.only_source_member, dup.both_member]
    )
    assert column(Membership.id, Membership.stakeholder_id == dup.source) == []


def test_merge_removes_the_duplicate_membership_and_records_it(app, dup, merged, fetch):
    removed = fetch(Merge, merged).moved["membership.stakeholder_id"]["removed"]

    assert [(row["user_id"], row["stakeholder_id"]) for row in removed] == [
        (dup.both_member, dup.source)
    ]


@pytest.mark.parametrize(
    ("attribute", "where", "moved"),
    [
        pytest.param(Contact.name, (), ["Focal One", "Focal Two", "Kept Focal"], id="contacts"),
        pytest.param(
            Review.from_status,
            (Review.entry_type == "stakeholder",),
            ["submitted", "submitted"],  # the merge's own Review stays on the duplicate
            id="reviews",
        ),
        pytest.param(
            Revision.status,
            (Revision.entry_type == "stakeholder",),
            [RevisionStatus.APPROVED, RevisionStatus.PENDING, RevisionStatus.SUPERSEDED],
            id="revisions",
        ),
        pytest.param(MembershipClaim.status, (), ["pending"], id="claims"),
    ],
)
def test_merge_moves_references(dup, merged, column, attribute, where, moved):
    model = attribute.class_
    link = model.entry_id if model in (Review, Revision) else model.stakeholder_id

    assert column(attribute, link == dup.target, *where) == moved


def test_merge_repoints_entries_merged_into_the_duplicate(dup, merged, fetch):
    assert fetch(Stakeholder, dup.earlier).merged_into_id == dup.target


def test_merge_leaves_other_kinds_of_entries_alone(dup, merged, column):
    assert column(Review.entry_id, Review.entry_type == "commitment") == [dup.source]


def test_merge_archives_the_duplicate_with_a_pointer(client, dup, merged, fetch):
    source = fetch(Stakeholder, dup.source)

    assert source.status == Status.ARCHIVED
    assert source.merged_into_id == dup.target
    assert fetch(Stakeholder, dup.target).status == Status.APPROVED


def test_merge_record_page_lists_what_moved(client, dup, merged):
    response = client.get(f"/review/merges/{merged}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“UN Habitat” merged into “UN-Habitat”" in html
    assert re.search(
        r'Memberships \(people who act for it\)</th>\s*<td class="num">1</td>\s*'
        r'<td class="num">1</td>',
        html,
    )
    assert "Undo the merge" in html


def test_the_duplicates_address_redirects_to_the_kept_entry(app, dup, merged):
    response = app.test_client().get(f"/stakeholders/{dup.source}")

    assert response.status_code == 302
    assert response.location == f"/stakeholders/{dup.target}"


def test_merge_is_audited_on_both_entries(dup, merged, logged_in_admin, audit_rows, column):
    audited = [(e.entry_id, e.actor_id) for e in audit_rows("stakeholder.merged")]
    assert audited == [(dup.source, logged_in_admin.id), (dup.target, logged_in_admin.id)]
    assert column(
        Review.to_status, Review.entry_type == "stakeholder", Review.entry_id == dup.source
    ) == ["archived"]
    # The duplicate moved through the workflow: its row says from where, into which entry.
    source_event = audit_rows("stakeholder.merged")[0]
    assert source_event.before == {"status": "approved", "merged_into_id": None}
    assert source_event.after["status"] == "archived"
    assert source_event.after["merged_into_id"] == dup.target
    assert source_event.after["merge_id"] == merged


@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        ("self", 422, "An entry cannot be merged into itself"),
        ("archived-target", 422, "is archived: choose an entry that is kept"),
        ("merged-target", 422, "was itself merged into another entry"),
        ("merged-source", 409, "has already been merged into another entry"),
    ],
)
def test_impossible_merges_are_refused(
    app, client, logged_in_admin, dup, state, make_stakeholder, case, status, message
):
    source, target = dup.source, dup.target
    if case == "self":
        target = source
    elif case == "archived-target":
        target = make_stakeholder(status=Status.ARCHIVED).id
    elif case == "merged-target":
        target = dup.earlier
    else:
        source = dup.earlier
    before = state()

    response = client.post("/review/merge", data={"source_id": source, "target_id": target})

    assert response.status_code == status
    assert message in response.get_data(as_text=True).replace("&#34;", '"')
    assert state() == before


def test_merge_without_both_entries_is_refused(client, logged_in_admin, dup):
    response = client.post("/review/merge", data={"source_id": dup.source})

    assert response.status_code == 422
    assert "Choose the entry to keep." in response.get_data(as_text=True)


def test_merge_of_unknown_entries_is_not_found(client, logged_in_admin, dup):
    response = client.post("/review/merge", data={"source_id": 999, "target_id": dup.target})

    assert response.status_code == 404


# --- undoing ---------------------------------------------------------------------------------


def test_undo_restores_everything_exactly(app, client, logged_in_admin, dup, state, make_user):
    before = state()
    response = client.post("/review/merge", data={"source_id": dup.source, "target_id": dup.target})
    merge_url = response.location

    response = client.post(f"{merge_url}/undo")

    assert response.status_code == 303
    assert response.location == merge_url
    after = state()
    after["review"] = [row for row in after["review"] if row[0] in {r[0] for r in before["review"]}]
    assert after == before


def test_undo_is_recorded_and_audited(client, dup, merged, logged_in_admin, fetch, audit_rows):
    client.post(f"/review/merges/{merged}/undo")

    record = fetch(Merge, merged)
    assert record.undone_at is not None
    assert record.undone_by_id == logged_in_admin.id
    audited = [(e.entry_id, e.actor_id) for e in audit_rows("stakeholder.merge_undone")]
    assert audited == [(dup.source, logged_in_admin.id), (dup.target, logged_in_admin.id)]
    source_event = audit_rows("stakeholder.merge_undone")[0]
    assert source_event.before == {"status": "archived", "merged_into_id": dup.target}
    assert source_event.after["status"] == "approved"
    assert source_event.after["merged_into_id"] is None


def test_the_duplicates_page_is_its_own_again_after_undo(app, client, dup, merged):
    client.post(f"/review/merges/{merged}/undo")

    response = app.test_client().get(f"/stakeholders/{dup.source}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<h1 id="stakeholder-name">([^<]*)', html).group(1).strip() == "UN Habitat"


def test_undo_twice_is_refused(client, dup, merged, state):
    client.post(f"/review/merges/{merged}/undo")
    before = state()

    response = client.post(f"/review/merges/{merged}/undo")

    assert response.status_code == 409
    assert "This merge has already been undone." in response.get_data(as_text=True)
    assert "Undo the merge" not in response.get_data(as_text=True)
    assert state() == before


def test_undo_after_the_kept_entry_was_merged_again_is_refused(
    client, dup, merged, make_stakeholder, state
):
    third = make_stakeholder("UN-Habitat (HQ)")
    client.post("/review/merge", data={"source_id": dup.target, "target_id": third.id})
    before = state()

    response = client.post(f"/review/merges/{merged}/undo")

    assert response.status_code == 409
    assert "undo that merge first" in response.get_data(as_text=True)
    assert state() == before


# --- who may do it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/review/merge"),
        ("POST", "/review/merge"),
        ("GET", "/review/merges/{merge}"),
        ("POST", "/review/merges/{merge}/undo"),
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "member", "non_member", "officer"])
def test_only_administrators_merge(app, as_role, dup, state, method, path, role):
    with app.app_context():
        record = Merge(
            source_id=dup.source, target_id=dup.target, source_status="approved", moved={}
        )
        db.session.add(record)
        db.session.commit()
        merge_id = record.id
    client, _user = as_role(role)
    before = state()

    response = client.open(
        path.format(merge=merge_id),
        method=method,
        data={"source_id": dup.source, "target_id": dup.target},
    )

    if role == "anonymous":
        assert response.status_code == 302
        assert response.location.startswith("/login")
    else:
        assert response.status_code == 403
    assert state() == before


def test_a_request_to_both_entries_is_kept_once_and_restored_on_undo(
    app, client, logged_in_admin, dup, state, column
):
    with app.app_context():
        db.session.add(MembershipClaim(user_id=dup.claimant, stakeholder_id=dup.target))
        db.session.commit()
    before = state()

    response = client.post("/review/merge", data={"source_id": dup.source, "target_id": dup.target})
    claimants = column(MembershipClaim.user_id, MembershipClaim.stakeholder_id == dup.target)
    client.post(f"{response.location}/undo")

    assert claimants == [dup.claimant]
    assert state()["claim"] == before["claim"]


def test_preview_names_who_will_act_for_the_kept_entry(app, client, logged_in_admin, dup):
    with app.app_context():
        only = db.session.get(User, dup.only_source_member)
        both = db.session.get(User, dup.both_member)
        only_email, both_email = only.email, both.email

    html = client.get(
        "/review/merge", query_string={"source_id": dup.source, "target_id": dup.target}
    ).get_data(as_text=True)

    assert "will act for" in html
    assert f"&lt;{only_email}&gt;" in html
    assert f"&lt;{both_email}&gt;" not in html  # already acts for the kept entry
