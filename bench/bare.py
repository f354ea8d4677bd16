"""The bare floor: the same database and gunicorn, no framework (``gunicorn bench.bare:app``).

Two pages, each one raw query on one connection per worker (what a connection pool hands a
sync worker), rendered with string formatting:

* ``/detail?id=N``: one stakeholder by primary key (the detail page's floor);
* ``/list``: the first 25 approved stakeholders by name (the list page's own page query).

Every figure the benchmark gives for the registry is set beside these, measured in the same
run, so a busy machine moves both and the ratio stays readable.
"""

from __future__ import annotations

import html
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
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        _id, name, acronym, sector, country, city, description = row[0]
        body = _page(
            name,
            f"<h1>{html.escape(name)}</h1><p>{html.escape(acronym or '')}</p>"
            f"<dl><dt>Sector</dt><dd>{sector}</dd><dt>Country</dt><dd>{country or ''}</dd>"
            f"<dt>City</dt><dd>{html.escape(city or '')}</dd></dl>"
            f"<p>{html.escape(description or '')}</p>",
        )
    elif path == "/list":
        cells = "".join(
            f"<tr><th><a href='/detail?id={i}'>{html.escape(n)}</a></th><td>{s}</td>"
            f"<td>{c or ''}</td><td>{html.escape(t or '')}</td></tr>"
            for i, n, s, c, t in _rows(LIST)
        )
        body = _page("Stakeholders", f"<table>{cells}</table>")
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body]
