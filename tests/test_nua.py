"""The New Urban Agenda as a framework of sections: loaded by ``flask frameworks import-nua``,
again without change, and browsable like the other agreements."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.extensions import db
from registry.frameworks.nua import SECTIONS
from registry.models import Framework, FrameworkItem


def import_nua(app) -> str:
    result = app.test_cli_runner().invoke(args=["frameworks", "import-nua"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_import_writes_every_section_once(app):
    assert import_nua(app).strip() == "New Urban Agenda: 14 sections (14 added, 0 updated)."
    assert import_nua(app).strip() == "New Urban Agenda: 14 sections (0 added, 0 updated)."
    with app.app_context():
        items = {
            item.code: item
            for item in db.session.scalars(
                select(FrameworkItem).join(Framework).where(Framework.code == "NUA")
            )
        }
        assert len(items) == len(SECTIONS) == 14
        planning = items["II.B.2"]
        assert planning.title == "Planning and managing urban spatial development"
        assert planning.short_title == "paragraphs 93\N{EN DASH}125"
        assert planning.kind == "section"
        assert planning.parent_id == items["II.B"].id
        assert items["II"].parent_id is None


def test_a_changed_title_is_put_back(app):
    import_nua(app)
    with app.app_context():
        item = db.session.scalar(select(FrameworkItem).where(FrameworkItem.code == "II.C"))
        item.title = "Something else"
        db.session.commit()
    assert "(0 added, 1 updated)" in import_nua(app)


def test_the_sections_nest_inside_their_parents_spans():
    by_code = {section.code: section for section in SECTIONS}
    for section in SECTIONS:
        assert section.first <= section.last
        if section.parent:
            parent = by_code[section.parent]
            assert parent.first <= section.first <= section.last <= parent.last, section.code


def test_the_agenda_is_browsable(app, client):
    import_nua(app)
    index = client.get("/frameworks/").get_data(as_text=True)
    assert 'href="/frameworks/NUA"' in index
    html = client.get("/frameworks/NUA").get_data(as_text=True)
    assert "Quito Implementation Plan for the New Urban Agenda" in html
    assert "Transformative commitments for sustainable urban development" in html
    # Three levels: the Implementation Plan, its parts, and their sections.
    assert "Environmentally sustainable and resilient urban development" in html
    assert 'href="/frameworks/NUA/items/II.A.3"' in html
    effective = client.get("/frameworks/NUA/items/II.B").get_data(as_text=True)
    assert "Means of implementation" in effective
    item = client.get("/frameworks/NUA/items/II.B.2")
    assert item.status_code == 200
    assert "Section II.B.2" in item.get_data(as_text=True)
    assert "paragraphs 93\N{EN DASH}125" in item.get_data(as_text=True)


def test_the_picker_offers_the_sections(app):
    from registry.frameworks import picker

    import_nua(app)
    with app.app_context():
        found = picker.find("spatial development")
        by_code = picker.find("NUA")
        labels = [picker.item_label(item) for item in found]
    assert labels == ["NUA II.B.2"]
    assert len(by_code) == 14
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Framework)) == 1
