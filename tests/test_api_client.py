"""A client generated from /api/v1/openapi.json by a standard generator (openapi-python-client),
at test time, lists stakeholders page by page through the app: the document is good enough
for other systems to build on, not only valid."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
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
