"""The bare floor: the same database and gunicorn, no framework (``gunicorn bench.bare:app``).

Each page is one raw query on one connection per worker (what a connection pool hands a
sync worker), rendered with string formatting (HTML) or ``json.dumps`` (the API's floor):

* ``/detail?id=N``: one stakeholder by primary key (the detail page's floor);
* ``/list``: the first 25 approved stakeholders by name (the list page's own page query);
  ``/list?noun=initiatives`` or ``commitments``: the first 25 of those lists by title;
* ``/initiative?id=N``: one initiative and its active partners' names, in one joined query
  (the initiative page's floor, however many partners it has);
* ``/api-list?noun=stakeholders`` (``initiatives``, ``commitments``, ``engagements``): the
  first 25 public rows of that list in its default order, as a JSON document.

Every figure the benchmark gives for the registry is set beside these, measured in the same
run, so a busy machine moves both and the ratio stays readable.
"""

from __future__ import annotations

import html
import json
import os
import sqlite3
from urllib.parse import parse_qs

DATABASE_URL = os.environ.get("BARE_DATABASE_URL", "")
_connection = None

DETAIL = (
    "SELECT id, name, acronym, sector_code, country, city, description "
    "FROM stakeholder WHERE id = {0}"
)
LIST = (
    "SELECT id, name, sector_code, country, city FROM stakeholder "
    "WHERE status = 'approved' ORDER BY name, id LIMIT 25"
)
# Other lists' first page in their default order, with the columns a row shows.
LISTS = {
    "stakeholders": LIST,
    "initiatives": (
        "SELECT id, title, kind, status, starts_on FROM initiative ORDER BY title, id LIMIT 25"
    ),
    "commitments": (
        "SELECT id, title, stakeholder_id, last_activity_on, progress FROM commitment "
        "WHERE status = 'approved' ORDER BY title, id LIMIT 25"
    ),
    "engagements": (
        "SELECT id, title, kind, start_utc, country FROM engagement ORDER BY start_utc, id LIMIT 25"
    ),
}
INITIATIVE = (
    "SELECT i.id, i.title, i.summary, s.id, s.name, p.role FROM initiative i "
    "LEFT JOIN partnership p ON p.initiative_id = i.id AND p.status = 'active' "
    "LEFT JOIN stakeholder s ON s.id = p.stakeholder_id WHERE i.id = {0} ORDER BY s.name, p.id"
)


def _connect():
    global _connection
    if _connection is None:
        if DATABASE_URL.startswith("sqlite:///"):
            _connection = sqlite3.connect(DATABASE_URL.removeprefix("sqlite:///"))
        else:
            import psycopg

            dsn = DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
            _connection = psycopg.connect(dsn, autocommit=True, options="-c jit=off")
    return _connection


def _rows(query: str, *params):
    conn = _connect()
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(query.format(*(["?"] * len(params))), params).fetchall()
    return conn.execute(query.format(*(["%s"] * len(params))), params).fetchall()


def _page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><body><main>{body}</main></body></html>"
    ).encode()


def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/detail":
        row = _rows(DETAIL, int(query.get("id", ["0"])[0]))
        if not row:
            return _not_found(start_response)
        _id, name, acronym, sector, country, city, description = row[0]
        body = _page(
            name,
            f"<h1>{html.escape(name)}</h1><p>{html.escape(acronym or '')}</p>"
            f"<dl><dt>Sector</dt><dd>{sector}</dd><dt>Country</dt><dd>{country or ''}</dd>"
            f"<dt>City</dt><dd>{html.escape(city or '')}</dd></dl>"
            f"<p>{html.escape(description or '')}</p>",
        )
    elif path == "/list":
        noun = query.get("noun", ["stakeholders"])[0]
        if noun not in LISTS:
            return _not_found(start_response)
        if noun == "stakeholders":
            cells = "".join(
                f"<tr><th><a href='/detail?id={i}'>{html.escape(n)}</a></th><td>{s}</td>"
                f"<td>{c or ''}</td><td>{html.escape(t or '')}</td></tr>"
                for i, n, s, c, t in _rows(LIST)
            )
        else:
            cells = "".join(
                "<tr>" + "".join(f"<td>{html.escape(str(v or ''))}</td>" for v in row) + "</tr>"
                for row in _rows(LISTS[noun])
            )
        body = _page(noun.title(), f"<table>{cells}</table>")
    elif path == "/initiative":
        rows = _rows(INITIATIVE, int(query.get("id", ["0"])[0]))
        if not rows:
            return _not_found(start_response)
        _id, title, summary = rows[0][:3]
        partners = "".join(
            f"<li><a href='/detail?id={s}'>{html.escape(n)}</a> {role}</li>"
            for _i, _t, _s, s, n, role in rows
            if s is not None
        )
        body = _page(
            title,
            f"<h1>{html.escape(title)}</h1><p>{html.escape(summary or '')}</p><ul>{partners}</ul>",
        )
    elif path == "/api-list":
        noun = query.get("noun", ["stakeholders"])[0]
        if noun not in LISTS:
            return _not_found(start_response)
        data = [[str(v) if v is not None else None for v in row] for row in _rows(LISTS[noun])]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"data": data, "links": {}, "meta": {}}).encode()]
    else:
        return _not_found(start_response)
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body]


def _not_found(start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]
