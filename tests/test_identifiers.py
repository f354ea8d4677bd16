"""Organization identifiers: normalized wherever they are set, unique whatever their letter
case (a key column with a unique index), and refused by the services, not only the forms."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.extensions import db
from registry.models import Stakeholder, User
from registry.stakeholders import services
from tests.querycount import count_queries


def test_an_identifier_is_stored_normalized_with_its_key(app_ctx, make_stakeholder):
    stakeholder_id = make_stakeholder(org_identifier="  xm-dac-41120 ").id

    stakeholder = db.session.get(Stakeholder, stakeholder_id)
    assert (stakeholder.org_identifier, stakeholder.org_identifier_key) == (
        "XM-DAC-41120",
        "xm-dac-41120",
    )

    stakeholder.org_identifier = None
    assert stakeholder.org_identifier_key is None


def test_the_database_refuses_the_same_identifier_in_another_case(app_ctx, make_stakeholder):
    make_stakeholder(org_identifier="GB-CHC-1234567")
    db.session.add(
        Stakeholder(name="Twin", sector_code="civil_society", org_identifier="gb-chc-1234567")
    )

    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_service_refuses_a_taken_identifier_and_names_its_holder(
    app_ctx, make_stakeholder, member_user
):
    holder_id = make_stakeholder(name="UN-Habitat", org_identifier="XM-DAC-41120").id
    data = {
        "name": "UN Habitat again",
        "sector_code": "un_system",
        "org_identifier": "xm-dac-41120",
    }

    with pytest.raises(services.IdentifierTaken) as raised:
        services.create_stakeholder(data, db.session.get(User, member_user.id))

    assert raised.value.holder.id == holder_id
    db.session.rollback()
    assert db.session.scalar(select(Stakeholder.name).where(Stakeholder.id != holder_id)) is None


def test_the_look_up_is_one_probe_of_the_key(app, app_ctx, make_stakeholder):
    """No lower() over every row: the key's unique index answers."""
    holder_id = make_stakeholder(org_identifier="KE-RCO-12345").id

    with count_queries(app) as statements:
        holder = services.org_identifier_owner("ke-rco-12345")

    assert holder.id == holder_id
    [statement] = statements
    assert "org_identifier_key" in statement
    assert "lower(" not in statement.lower()
