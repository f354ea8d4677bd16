"""A client generated from /api/v1/openapi.json by a standard generator (openapi-python-client),
at test time, lists stakeholders page by page through the app: the document is good enough
for other systems to build on, not only valid."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import pytest

from registry.models import Status

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "registry_client"


@pytest.fixture
def generated(client, tmp_path: Path, monkeypatch):
    """The client package, generated into ``tmp_path`` and importable."""
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(client.get("/api/v1/openapi.json").get_json()))
    config = tmp_path / "config.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\n")
    # The generator formats its output with ruff, found on PATH beside it.
    monkeypatch.setenv("PATH", f"{GENERATOR.parent}:{os.environ.get('PATH', '')}")
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        monkeypatch.delitem(sys.modules, name)
    return importlib.import_module(PACKAGE)


def test_a_generated_client_lists_stakeholders_page_by_page(app, generated, make_stakeholder):
    for n in range(5):
        make_stakeholder(f"Org {n}", sector_code="business" if n % 2 else "civil_society")
    make_stakeholder("Not yet public", status=Status.DRAFT)
    listing = importlib.import_module(f"{PACKAGE}.api.stakeholders.list_stakeholders")
    entry = importlib.import_module(f"{PACKAGE}.api.stakeholders.get_stakeholder")
    sort = importlib.import_module(f"{PACKAGE}.models.list_stakeholders_sort")
    api = generated.Client(
        base_url="http://localhost", httpx_args={"transport": httpx.WSGITransport(app=app)}
    )
    unset = importlib.import_module(f"{PACKAGE}.types").UNSET
    names, cursor = [], unset
    while True:
        page = listing.sync(
            client=api, limit=2, sort=sort.ListStakeholdersSort("name"), cursor=cursor
        )
        names += [row.name for row in page.data]
        if not page.links.next_:
            break
        cursor = httpx.URL(page.links.next_).params["cursor"]
    assert names == [f"Org {n}" for n in range(5)]
    business = listing.sync(client=api, sector="business")
    assert [row.name for row in business.data] == ["Org 1", "Org 3"]
    one = entry.sync(client=api, entry_id=page.data[0].id)
    assert one.data.name == "Org 4"
    missing = entry.sync(client=api, entry_id=999_999)
    assert missing.status == 404


def test_a_generated_client_writes_a_commitment_with_a_token_and_reads_it_back(
    app, generated, approved, member_user, make_token, framework_items
):
    _id, secret = make_token(member_user)
    create = importlib.import_module(f"{PACKAGE}.api.commitments.create_commitment")
    entry = importlib.import_module(f"{PACKAGE}.api.commitments.get_commitment")
    models = importlib.import_module(f"{PACKAGE}.models")
    api = generated.AuthenticatedClient(
        base_url="http://localhost",
        token=secret,
        httpx_args={"transport": httpx.WSGITransport(app=app)},
    )
    body = models.CommitmentIn(
        stakeholder_id=approved.id,
        title="Safe water for 40 settlements",
        description="Water kiosks run by the residents' committees.",
        ends_on=date(2028, 12, 31),
        deliverables=[
            models.DeliverableIn(title="Kiosks open", target=40.0, unit="kiosks"),
        ],
        alignment=[framework_items["11.3"]],
    )
    created = create.sync_detailed(client=api, body=body)
    assert created.status_code == 201, created.content
    assert created.parsed.data.status == "draft"
    assert created.parsed.data.title == "Safe water for 40 settlements"
    back = entry.sync(client=api, entry_id=created.parsed.data.id)
    assert back.data.title == "Safe water for 40 settlements"
    # Without the token, the draft is nobody else's to read, and no write is accepted.
    anonymous = generated.Client(
        base_url="http://localhost", httpx_args={"transport": httpx.WSGITransport(app=app)}
    )
    assert entry.sync(client=anonymous, entry_id=created.parsed.data.id).status == 404
    refused = create.sync(client=anonymous, body=body)
    assert refused.status == 401
