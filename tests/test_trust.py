"""What makes the registry one people can trust: every status told apart at a glance."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry.models import Status

CSS = Path(__file__).parent.parent / "static" / "css" / "registry.css"
BADGE = re.compile(r'<span class="status-badge (status-[a-z_]+)">([^<]+)</span>')


@pytest.fixture
def one_of_each_status(make_stakeholder, make_membership, member_user) -> None:
    for status in Status:
        stakeholder = make_stakeholder(name=f"Organization {status.value}", status=status)
        make_membership(member_user, stakeholder)


def test_every_status_has_its_own_badge(client, login, member_user, one_of_each_status):
    login(member_user)
    html = client.get("/stakeholders/mine").get_data(as_text=True)
    badges = dict(BADGE.findall(html))
    assert set(badges) == {f"status-{status.value}" for status in Status}
    assert len(set(badges.values())) == len(Status)  # and its own words


@pytest.mark.parametrize("status", list(Status))
def test_every_status_badge_has_its_own_colours(status):
    rule = re.search(rf"\.status-{status.value} \{{([^}}]*)\}}", CSS.read_text(encoding="utf-8"))
    assert rule, f"no .status-{status.value} rule in registry.css"
    assert "color:" in rule.group(1)
    assert "background:" in rule.group(1)
