"""The audit log in a real browser, after real changes made through the services: it reads as
sentences with names, and passes axe."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page, expect

from registry import revisions, workflow
from registry.admin.services import change_role
from registry.auth.services import record_login
from registry.commit import committing
from registry.extensions import db
from registry.models import Role, Stakeholder, User
from registry.models._base import utcnow
from registry.stakeholders import claims
from registry.stakeholders.services import (
    add_contact,
    create_stakeholder,
    request_claim,
    submit,
)
from tests.browser.conftest import check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD


def _changes(app: Flask, admin_id: int, amina_id: int, kofi_id: int, joiner_id: int) -> None:
    """A registration, its review and an edit, a contact, a request to join and a role change."""
    with app.test_request_context():
        admin, amina, kofi, joiner = (
            db.session.get(User, n) for n in (admin_id, amina_id, kofi_id, joiner_id)
        )
        with committing():
            record_login(amina)
            stakeholder = create_stakeholder(
                {"name": "Kisumu Lakeside Youth", "sector_code": "civil_society", "country": "KE"},
                amina,
            )
        with committing():
            contact = {"name": "Amina Odhiambo", "consent_at": utcnow()}
            add_contact(stakeholder, contact, amina)
            submit(stakeholder, amina)
        with committing():
            workflow.transition(stakeholder, "approve", admin)
        with committing():
            stakeholder = db.session.get(Stakeholder, stakeholder.id)
            token = revisions.edit_token(stakeholder, kofi)
            revisions.update(stakeholder, {"sector_code": "grassroots"}, kofi, token)
        with committing():
            claim = request_claim(stakeholder, joiner, "I coordinate its youth programme.")
        with committing():
            claims.decide_claim(claim, True, admin)
        with committing():
            change_role(admin, kofi, Role.ADMIN)


def test_the_audit_log_reads_as_sentences(
    page: Page, live_server: str, app: Flask, make_user
) -> None:
    admin = make_user(Role.ADMIN, email="ada@hq.example", name="Ada Admin")
    amina = make_user(Role.COMMUNITY, email="amina@city.example", name="Amina Odhiambo")
    kofi = make_user(Role.OFFICER, email="kofi@ngo.example", name="Kofi Mensah")
    joiner = make_user(Role.COMMUNITY, email="juma@city.example", name="Juma Otieno")
    _changes(app, admin.id, amina.id, kofi.id, joiner.id)

    ui_login(page, live_server, "ada@hq.example", PASSWORD)
    page.goto("/admin/audit/")

    table = page.locator("table.audit")
    expect(table).to_contain_text("Role changed from Partnership officer to Administrator")
    expect(table).to_contain_text(
        "Sector changed from Civil society organization or NGO to "
        "Grassroots or community-based organization"
    )
    expect(table).to_contain_text("Submitted for review")
    expect(table).to_contain_text("Asked to join")
    expect(table).to_contain_text("Person: Juma Otieno")
    expect(table).to_contain_text("Contact added")
    expect(table).not_to_contain_text("user.role_changed", use_inner_text=True)  # details shut
    check_a11y(page)
    screenshot(page, "audit-log.png")

    page.get_by_text("Technical details").first.click()
    expect(table.locator("details[open] code").first).to_have_text("user.logged_in")
