"""HTTP caching of public pages: what a reverse proxy may keep, and for how long.

A page marked ``@cacheable`` answers an anonymous visitor with ``Cache-Control: public`` and
an ``ETag`` (a conditional request gets a 304), and never with a cookie: the session is not
touched for anonymous readers, and the CSRF token is only put in pages that carry a form.
Everything else is ``private, no-cache``, and every page seen by someone logged in is
``no-store``: it may show contacts, review history or buttons that only that person has, and
must not stay on a shared computer's disk after logout (nor come back with the Back button).

Where ``PAGE_CACHE_URL`` (or ``REDIS_URL``) names a Redis, the workers also share the
rendered pages they served to anonymous readers, under the registry's content version
(``counts.content_version``, moved on in the same transaction as any change to a public
entry): a request without cookies for a page already rendered since the last change costs
one primary-key read and one Redis GET. Redis failing only means rendering again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import redis
from flask import Response, current_app, g, request
from flask_babel import get_locale
from flask_login import current_user

PUBLIC_MAX_AGE = 60  # seconds: an approval shows in the public lists within a minute
STORED_FOR = 600  # seconds a rendered page stays in Redis (a new version replaces it sooner)

_clients: dict[str, redis.Redis] = {}


def cacheable(max_age: int = PUBLIC_MAX_AGE) -> Callable:
    """Mark a public view as cacheable for anonymous visitors (put it under ``@route``)."""

    def mark(view: Callable) -> Callable:
        view.cache_max_age = max_age  # type: ignore[attr-defined]
        return view

    return mark


def _max_age() -> int | None:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "cache_max_age", None)


def _store() -> redis.Redis | None:
    url = current_app.config.get("PAGE_CACHE_URL")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=0.1, socket_connect_timeout=0.1
        )
    return client


def _key() -> str:
    from registry import counts
    from registry.htmx import wants_fragment

    where = hashlib.sha256(request.full_path.encode("utf-8", "surrogatepass")).hexdigest()
    part = "block" if wants_fragment() else "page"
    return f"page:{counts.content_version()}:{get_locale()}:{part}:{where}"


def serve_stored() -> Response | None:
    """``before_request``: a cacheable page already rendered for an anonymous reader."""
    if request.method not in {"GET", "HEAD"} or request.cookies or _max_age() is None:
        return None  # with a cookie, the reader may be logged in
    store = _store()
    if store is None:
        return None
    g.page_key = _key()
    try:
        body = store.get(g.page_key)
    except redis.RedisError as exc:
        current_app.logger.warning("page cache unavailable: %s", exc)
        return None
    if body is None:
        return None
    g.page_served = True
    response = current_app.response_class(body, mimetype="text/html")
    response.vary.add("HX-Request")
    return response


def _keep(response: Response) -> None:
    if "page_key" not in g or g.get("page_served"):
        return
    try:
        _store().set(g.page_key, response.get_data(), ex=STORED_FOR)
    except redis.RedisError as exc:
        current_app.logger.warning("page cache unavailable: %s", exc)


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
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
        return response
    if not public:
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    _keep(response)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.add_etag()
    return response.make_conditional(request)
