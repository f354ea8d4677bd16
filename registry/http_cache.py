"""HTTP caching of public pages: what a reverse proxy may keep, and for how long.

A page marked ``@cacheable`` answers an anonymous visitor with ``Cache-Control: public`` and
an ``ETag`` (a conditional request gets a 304), and never with a cookie: the session is not
touched for anonymous readers, and the CSRF token is only put in pages that carry a form.
Everything else, and every page seen by someone logged in, is ``private, no-cache``: it may
show contacts, review history or buttons that only that person has.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request
from flask_login import current_user

PUBLIC_MAX_AGE = 60  # seconds: an approval shows in the public lists within a minute


def cacheable(max_age: int = PUBLIC_MAX_AGE) -> Callable:
    """Mark a public view as cacheable for anonymous visitors (put it under ``@route``)."""

    def mark(view: Callable) -> Callable:
        view.cache_max_age = max_age  # type: ignore[attr-defined]
        return view

    return mark


def _max_age() -> int | None:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "cache_max_age", None)


def cache_headers(response: Response) -> Response:
    """``after_request``: public caching for anonymous reads of cacheable pages."""
    if "Cache-Control" in response.headers or request.endpoint == "static":
        return response
    max_age = _max_age() if request.method in {"GET", "HEAD"} else None
    public = (
        max_age is not None
        and response.status_code == 200
        and not current_user.is_authenticated
        and "Set-Cookie" not in response.headers
    )
    # The same address differs with the login cookie, the language and htmx's partial render.
    response.vary.update(("Cookie", "Accept-Language", "HX-Request"))
    if not public:
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.add_etag()
    return response.make_conditional(request)
