"""Error pages: a friendly page for a normal request, a small fragment for htmx; no traceback."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from registry.api import problems
from registry.commit import Refused
from registry.extensions import db
from registry.htmx import render, wants_fragment

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check what you sent.")),
    401: (_l("Please log in"), _l("You need to log in to do that.")),
    403: (_l("Not allowed"), _l("Your account is not allowed to see or do this.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check it, or search.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("The entry changed while you were working on it.")),
    413: (_l("Too large"), _l("What you sent is larger than the registry accepts.")),
    422: (_l("Could not be processed"), _l("Some of what you sent is not valid.")),
    429: (_l("Too many requests"), _l("You have tried too often. Wait a minute and try again.")),
    500: (
        _l("Something went wrong"),
        _l("The registry had a problem. Nothing was saved; please try again."),
    ),
}
CSRF_MESSAGE = _l(
    "The form's security token was missing or has expired. Reload the page and send it again."
)


def _page(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    if problems.is_api():  # the JSON API answers in JSON, whatever went wrong
        return problems.problem(code, str(title), str(detail or message))
    response = render(
        "errors/error.html",
        block="error",
        status=code,
        code=code,
        title=title,
        message=detail or message,
    )
    if wants_fragment():
        # The fragment goes into the page's message area, not into whatever was targeted.
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def handle_http_error(error: HTTPException):
    if error.response is not None:  # a ready response, e.g. the login redirect
        return error.response
    response = _page(error.code or 500)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 429:
        response.headers.setdefault("Retry-After", "60")
    return response


def handle_csrf_error(error: CSRFError):
    return _page(400, str(CSRF_MESSAGE))


CONFLICT_MESSAGE = _l(
    "Someone changed this entry at the same moment, so your change was not saved. "
    "Reload the page to see the current version, then try again."
)


def handle_write_conflict(error: StaleDataError | IntegrityError):
    """A race the views' own checks could not see (two admins deciding at once, a value taken
    between check and commit): refuse cleanly, save nothing."""
    db.session.rollback()
    current_app.logger.warning("write conflict: %s", error.__class__.__name__)
    return _page(409, str(CONFLICT_MESSAGE))


OUT_OF_RANGE_MESSAGE = _l(
    "A value you sent is out of range or in the wrong form (a number too large, say). "
    "Check it and try again; nothing was saved."
)


def handle_data_error(error: DataError):
    """A value the database cannot hold got past a form's checks: a 400, never a 500."""
    db.session.rollback()
    current_app.logger.warning("value refused by the database: %s", error.orig)
    return _page(400, str(OUT_OF_RANGE_MESSAGE))


def handle_refused(error: Refused):
    """A refusal no view rendered itself (``committing`` has rolled back): its status and
    message, never a 500."""
    db.session.rollback()
    return _page(error.status, error.message)


def handle_server_error(error: InternalServerError):
    db.session.rollback()  # nothing half-written
    original = getattr(error, "original_exception", None)
    if original is not None:
        current_app.logger.error("unhandled error", exc_info=original)
    return _page(500)


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(Refused, handle_refused)
    app.register_error_handler(StaleDataError, handle_write_conflict)
    app.register_error_handler(IntegrityError, handle_write_conflict)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
