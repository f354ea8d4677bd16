"""Administrators add and edit a resolution and its paragraphs, and archive or restore an
item in two steps; every save is one audited transaction; officers and members are refused,
anonymous visitors sent to log in; bad input is a 4xx with its reason beside the field."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditEvent, Framework, FrameworkItem

RES6 = "/frameworks/HSP/HA.2/RES.6"


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def item_of(app, code: str, framework: str = "HSP/HA.2/RES.6") -> FrameworkItem | None:
    with app.app_context():
        return db.session.scalar(
            select(FrameworkItem)
            .join(Framework)
            .where(Framework.code == framework, FrameworkItem.code == code)
        )


@pytest.fixture
def admin(as_role, framework_items):
    client, _user = as_role("admin")
    return client


# --- a resolution -------------------------------------------------------------------------------


def test_an_admin_adds_a_resolution_audited(app, admin, audit_rows):
    form = {"code": "HSP/HA.2/RES.9", "year": "2023", "title": "Urban crises", "description": ""}
    response = admin.post("/frameworks/new", data=form)
    assert response.status_code == 303
    assert response.location.endswith("/frameworks/HSP/HA.2/RES.9")
    [row] = audit_rows("framework.created")
    assert row.after == {
        "code": "HSP/HA.2/RES.9",
        "year": 2023,
        "title": "Urban crises",
        "description": "",
    }
    html = admin.get("/frameworks/HSP/HA.2/RES.9").get_data(as_text=True)
    assert "Urban crises" in html
    assert "Add a paragraph" in html


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("HSP/HA.2/RES.6", "already in the registry"),
        ("RES.9", "like HSP/HA.2/RES.9"),
        ("HSP/HA.2/RES.9<script>", "like HSP/HA.2/RES.9"),
    ],
)
def test_a_resolution_code_is_refused_beside_its_field(app, admin, code, message):
    form = {"code": code, "year": "2023", "title": "T"}
    response = admin.post("/frameworks/new", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    assert 'href="#code"' in html
    assert count(app, Framework) == 2  # the fixture's two, nothing added


def test_a_year_out_of_range_is_refused(app, admin):
    response = admin.post(
        "/frameworks/new", data={"code": "HSP/HA.2/RES.9", "year": "1900", "title": "T"}
    )
    assert response.status_code == 422
    assert "year of adoption" in response.get_data(as_text=True)


def test_an_admin_edits_a_resolution_before_and_after_audited(app, admin, audit_rows):
    response = admin.get(f"{RES6}/edit")
    assert response.status_code == 200
    assert 'name="code"' not in response.get_data(as_text=True)  # the symbol is its identity
    form = {"year": "2023", "title": "Localization of the SDGs", "description": "Why."}
    assert admin.post(f"{RES6}/edit", data=form).status_code == 303
    [row] = audit_rows("framework.updated")
    assert row.before == {"title": "Urban planning", "description": ""}
    assert row.after == {"title": "Localization of the SDGs", "description": "Why."}


def test_saving_an_unchanged_resolution_records_nothing(app, admin, audit_rows):
    form = {"year": "2023", "title": "Urban planning", "description": ""}
    assert admin.post(f"{RES6}/edit", data=form).status_code == 303
    assert audit_rows("framework.updated") == []


def test_the_sdg_texts_are_not_edited_here(app, admin):
    for url in (
        "/frameworks/sdg/edit",
        "/frameworks/sdg/paragraphs/new",
        "/frameworks/sdg/items/11/edit",
    ):
        response = admin.get(url)
        assert response.status_code == 409, url
        assert "imported" in response.get_data(as_text=True)
    response = admin.post("/frameworks/sdg/items/11/edit", data={"code": "11", "title": "X"})
    assert response.status_code == 409
    assert item_of(app, "11", "sdg").title.startswith("Make cities")


# --- a paragraph --------------------------------------------------------------------------------


def test_an_admin_adds_a_sub_paragraph_audited(app, admin, framework_items, audit_rows):
    form = {"code": "OP2(a)", "parent_id": str(framework_items["OP2"]), "title": "By tools"}
    response = admin.post(f"{RES6}/paragraphs/new", data=form)
    assert response.status_code == 303
    added = item_of(app, "OP2(a)")
    assert added.parent_id == framework_items["OP2"]
    assert added.kind == "paragraph"
    [row] = audit_rows("framework_item.created")
    assert row.entry_id == added.id
    assert row.after == {"code": "OP2(a)", "parent": "OP2", "position": 8, "title": "By tools"}
    html = admin.get(RES6).get_data(as_text=True)
    assert '/items/OP2(a)"' in html


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"code": "OP9", "title": "Again"}, "already has OP9"),
        ({"code": "paragraph 3", "title": "T"}, "like OP3"),
        ({"code": "OP3", "parent_id": "999999", "title": "T"}, "Choose a paragraph of"),
        ({"code": "OP3", "parent_id": "not-a-number", "title": "T"}, "Choose a paragraph of"),
        ({"code": "OP3", "title": ""}, "Enter the paragraph"),
    ],
)
def test_bad_paragraphs_are_refused(app, admin, form, message):
    response = admin.post(f"{RES6}/paragraphs/new", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, FrameworkItem) == 8  # the fixture's


def test_a_parent_from_another_framework_is_refused(app, admin, framework_items):
    form = {"code": "OP3", "parent_id": str(framework_items["11"]), "title": "T"}
    response = admin.post(f"{RES6}/paragraphs/new", data=form)
    assert response.status_code == 422
    assert "Choose a paragraph of HSP/HA.2/RES.6" in response.get_data(as_text=True)


def test_a_sub_paragraph_cannot_be_a_parent(app, admin, framework_items):
    admin.post(
        f"{RES6}/paragraphs/new",
        data={"code": "OP2(a)", "parent_id": str(framework_items["OP2"]), "title": "a"},
    )
    sub = item_of(app, "OP2(a)")
    response = admin.post(
        f"{RES6}/paragraphs/new",
        data={"code": "OP2(a)(i)", "parent_id": str(sub.id), "title": "i"},
    )
    assert response.status_code == 422
    assert "itself a sub-paragraph" in response.get_data(as_text=True)


def test_an_admin_edits_a_paragraph_before_and_after_audited(app, admin, audit_rows):
    response = admin.post(
        f"{RES6}/items/OP9/edit", data={"code": "OP10", "position": "5", "title": "Invites"}
    )
    assert response.status_code == 303
    assert item_of(app, "OP9") is None
    assert item_of(app, "OP10").position == 5
    [row] = audit_rows("framework_item.updated")
    assert row.before == {
        "code": "OP9",
        "position": 7,  # the fixture numbers all its items in one sequence
        "title": "Invites member states to report on progress",
    }
    assert row.after == {"code": "OP10", "position": 5, "title": "Invites"}


def test_a_paragraph_cannot_take_another_paragraphs_code(app, admin):
    response = admin.post(f"{RES6}/items/OP9/edit", data={"code": "OP2", "title": "T"})
    assert response.status_code == 422
    assert "already has OP2" in response.get_data(as_text=True)


def test_a_paragraph_with_sub_paragraphs_stays_at_the_top(app, admin, framework_items):
    admin.post(
        f"{RES6}/paragraphs/new",
        data={"code": "OP9(a)", "parent_id": str(framework_items["OP9"]), "title": "a"},
    )
    response = admin.post(
        f"{RES6}/items/OP9/edit",
        data={"code": "OP9", "parent_id": str(framework_items["OP2"]), "title": "T"},
    )
    assert response.status_code == 422
    assert "has sub-paragraphs of its own" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["title", "code"])
def test_a_100k_character_field_is_a_clear_4xx(app, admin, field):
    form = {"code": "OP3", "title": "T", field: "x" * 100_000}
    response = admin.post(f"{RES6}/paragraphs/new", data=form)
    assert response.status_code == 422
    assert "characters or fewer" in response.get_data(as_text=True)
    form = {"code": "HSP/HA.2/RES.9", "year": "2023", "title": "x" * 100_000}
    response = admin.post("/frameworks/new", data=form)
    assert response.status_code == 422


# --- archive and restore ------------------------------------------------------------------------


def test_archiving_asks_first_then_archives_audited(app, admin, audit_rows):
    page = admin.get(f"{RES6}/items/OP9/archive")
    assert page.status_code == 200
    assert "Archive OP9 of HSP/HA.2/RES.6?" in page.get_data(as_text=True)
    assert item_of(app, "OP9").archived_at is None  # the GET only asks
    assert admin.post(f"{RES6}/items/OP9/archive").status_code == 303
    assert item_of(app, "OP9").archived_at is not None
    [row] = audit_rows("framework_item.archived")
    assert row.before == {"archived_at": None}
    assert row.after["archived_at"]
    assert admin.post(f"{RES6}/items/OP9/archive").status_code == 409  # once is enough
    assert admin.post(f"{RES6}/items/OP9/restore").status_code == 303
    assert item_of(app, "OP9").archived_at is None
    assert len(audit_rows("framework_item.restored")) == 1


def test_an_imported_target_may_be_archived(app, admin):
    assert admin.post("/frameworks/sdg/items/11.1/archive").status_code == 303
    assert item_of(app, "11.1", "sdg").archived_at is not None


def test_an_unknown_item_is_a_404_naming_it(app, admin):
    response = admin.get(f"{RES6}/items/OP77/edit")
    assert response.status_code == 404
    assert "has no item “OP77”" in response.get_data(as_text=True)


# --- who may ------------------------------------------------------------------------------------

WRITES = [
    ("/frameworks/new", {"code": "HSP/HA.2/RES.9", "year": "2023", "title": "T"}),
    (f"{RES6}/edit", {"year": "2023", "title": "T"}),
    (f"{RES6}/paragraphs/new", {"code": "OP3", "title": "T"}),
    (f"{RES6}/items/OP9/edit", {"code": "OP9", "title": "T"}),
    (f"{RES6}/items/OP9/archive", {}),
]


@pytest.mark.parametrize("role", ["officer", "member"])
@pytest.mark.parametrize(("url", "form"), WRITES)
def test_non_admins_are_refused_and_nothing_changes(app, as_role, framework_items, role, url, form):
    client, _user = as_role(role)
    assert client.get(url).status_code == 403
    assert client.post(url, data=form).status_code == 403
    assert count(app, AuditEvent, AuditEvent.action.like("framework%")) == 0


@pytest.mark.parametrize(("url", "form"), WRITES)
def test_anonymous_visitors_are_asked_to_log_in(app, client, framework_items, url, form):
    response = client.post(url, data=form)
    assert response.status_code == 302
    assert "/login" in response.location


def test_only_admins_see_the_management_links(app, as_role, framework_items):
    admin, _user = as_role("admin")
    assert "Manage this resolution" in admin.get(RES6).get_data(as_text=True)
    assert "Add a resolution" in admin.get("/frameworks/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "member", "officer"])
def test_others_do_not_see_the_management_links(app, as_role, framework_items, role):
    client, _user = as_role(role)
    html = client.get(RES6).get_data(as_text=True)
    assert "Manage this resolution" not in html
    assert "/paragraphs/new" not in html
    assert "Add a resolution" not in client.get("/frameworks/").get_data(as_text=True)


def test_the_audit_log_names_the_new_actions(app, admin, framework_items):
    admin.post(f"{RES6}/items/OP9/archive")
    admin.post(f"{RES6}/items/OP9/restore")
    html = admin.get("/admin/audit/").get_data(as_text=True)
    assert "Archived: no longer offered" in html
    assert "Back in use" in html
    assert "<td>framework_item.archived" not in html  # the action in words, not its code
