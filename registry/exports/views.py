"""The downloads of each public list, and the /data page that explains them.

Each list has three addresses, ``/<list>/export.csv``, ``.json`` and ``.xlsx``, that take the
list page's own query arguments: the list's ``Filters`` read them (an unknown or malformed
value is no filter, as on the page; a page number or cursor is ignored: a download is every
page) and the export is their rows in the page's order. They are separate addresses from the
page, not a ``?format=``: one URL, one kind of answer.
"""

from __future__ import annotations

import tempfile
import time
import weakref
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from registry.exports import bp, slots, writers
from registry.exports.columns import SEPARATOR, TABLES, Table, batches, context, statement
from registry.exports.links import links
from registry.htmx import render
from registry.http_cache import cacheable
from registry.models._base import utcnow
from registry.permissions import requires
from registry.taxonomy import labels

FORMATS = {
    "csv": "text/csv",  # Werkzeug adds "; charset=utf-8" to a text type
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BUSY = {
    slots.CLIENT_BUSY: (
        _l(
            "A download you asked for is still being prepared. Wait until it has finished, "
            "then try again."
        ),
        10,
    ),
    slots.ALL_BUSY: (
        _l("The registry is preparing as many downloads as it can at once. Try again in a minute."),
        30,
    ),
}
ATTRIBUTION = "Whole-of-Society Registry"


def about(table: Table, moment: datetime, source: str) -> dict[str, Any]:
    """What a file says about itself: title, licence, export time and where it came from."""
    return {
        "title": f"{ATTRIBUTION}: {table.title}",
        "licence": writers.LICENCE,
        "attribution": ATTRIBUTION,
        "exported_at": writers.timestamp(moment),
        "source": source,
    }


def dictionary(table: Table) -> list[tuple[str, str, str]]:
    return [(c.name, c.type, str(c.description)) for c in table.columns]


def _client() -> str:
    # The real address (ProxyFix trusts TRUSTED_PROXIES hops); the same for a logged-in user.
    return request.remote_addr or "unknown"


def _busy(reason: int) -> Response:
    message, wait = BUSY[reason]
    response = render(
        "errors/error.html",
        status=429,
        code=429,
        title=_l("Too many downloads at once"),
        message=message,
    )
    response.headers["Retry-After"] = str(wait)
    return response


def _kept(slot: slots.Slot, found: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The batches, renewing the export's slot while they stream, and giving it back after
    the last one (the response's close gives it back too, when the rows were never read)."""
    renewed = time.monotonic()
    try:
        for batch in found:
            if time.monotonic() - renewed > slots.RENEW_EVERY:
                slots.renew(slot)
                renewed = time.monotonic()
            yield batch
    finally:
        slots.give_back(slot)


def _streamed(app: Flask, stmt: Select) -> Iterator[Sequence[Any]]:
    """The rows, read after the view has returned: in an app context (and so a database
    session) of their own, opened at the first row and closed after the last. Not
    ``stream_with_context``: a response dropped unread would then pop the request's context
    out of order when collected; this one, never started, holds nothing."""
    with app.app_context():
        yield from batches(stmt)


def _headers(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Link"] = (
        f'<{writers.LICENCE["path"]}>; rel="license", '
        f'<{current_app.config["PUBLIC_URL"]}{url_for("exports.data")}>; rel="describedby"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@requires("public")
def download(table: str, fmt: str):
    """The rows the list page shows under the same filters, every page, as one file."""
    spec = TABLES[table]
    ctx = context()
    filters = spec.filters(request.args)
    stmt = statement(spec, spec.request(filters, ctx.on), ctx)
    args = filters.args()
    page_url = current_app.config["PUBLIC_URL"] + url_for(spec.page_endpoint)
    source = f"{page_url}?{urlencode(args)}" if args else page_url
    moment = utcnow()
    filename = f"{table}-{moment:%Y-%m-%dT%H%M%SZ}.{fmt}"
    info = about(spec, moment, source)
    try:
        slot = slots.take(_client())
    except slots.Busy as busy:
        return _busy(busy.reason)
    try:
        if fmt == "xlsx":
            response = _xlsx(spec, stmt, info)
            slots.give_back(slot)  # the work is done: what is left is sending a file
        else:
            found = _kept(slot, _streamed(current_app._get_current_object(), stmt))
            if fmt == "csv":
                chunks = writers.csv_chunks(spec.columns, found)
            else:
                chunks = writers.json_chunks(spec.columns, found, info)
            response = Response(chunks, mimetype=FORMATS[fmt])
            # Closed when the last byte is sent, the client goes away or nothing was sent;
            # and should a response be dropped unclosed (a test client), when its rows are.
            response.call_on_close(lambda: slots.give_back(slot))
            weakref.finalize(chunks, slots.give_back, slot)
    except BaseException:
        slots.give_back(slot)
        raise
    return _headers(response, filename)


def _xlsx(spec: Table, stmt, info: dict[str, Any]) -> Response:
    # Gone from the disk once closed; send_file closes it after the last byte.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        writers.write_xlsx(
            handle,
            spec.columns,
            batches(stmt),
            about=[
                ("title", info["title"]),
                ("licence", f"{writers.LICENCE['title']} ({writers.LICENCE['name']})"),
                ("licence_url", writers.LICENCE["path"]),
                ("attribution", info["attribution"]),
                ("exported_at", info["exported_at"]),
                ("source", info["source"]),
            ],
            dictionary=dictionary(spec),
            title=str(spec.title),
        )
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = send_file(handle, mimetype=FORMATS["xlsx"], conditional=False, etag=False)
    # The file's wrapper lives as long as the body is sent; dropped unsent, it closes the file.
    weakref.finalize(response.response, handle.close)
    return response


for _name in TABLES:
    for _fmt in FORMATS:
        bp.add_url_rule(
            f"/{_name}/export.{_fmt}",
            endpoint="download",
            view_func=download,
            defaults={"table": _name, "fmt": _fmt},
        )


# --- the /data page ---------------------------------------------------------------------------


@bp.route("/data")
@cacheable()
@requires("public")
def data():
    """What the downloads hold: the files, their columns, the licence, how to cite them."""
    return render(
        "data/index.html",
        tables=list(TABLES.values()),
        licence=writers.LICENCE,
        links=links,
        formula_starts=" ".join(c for c in writers.FORMULA_STARTS if c.isprintable()),
        separator=SEPARATOR,
        codes=labels(),
    )
