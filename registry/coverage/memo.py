"""Results that read the whole registry, kept under a version and shared between workers.

The whole registry's coverage, the commitments per goal and the lights over time read every
partnership or every approved commitment: about 0.8 s, 0.6 s and 2.5 s on this machine's
PostgreSQL at 100,000 initiatives with 500,000 partnerships, 200,000 stakeholders, 100,000
commitments and 300,000 progress reports (3.9 s, 3.8 s and 2.3 s at 1,000,000 stakeholders).
They change only when a public entry does, or, for the lights at past month-ends, when the date
does; so each is computed once per version: the registry's content version
(``registry.counts.content_version``, one primary-key read, moved on in the transaction of any
public change) or today's date. The page cache serves anonymous readers the same way; this
serves everyone else.

Where ``PAGE_CACHE_URL`` (or ``REDIS_URL``) names a Redis, the values are kept there, so every
worker on every host shares one computation. A value for an older version that is younger
than ``COVERAGE_MAX_STALE`` seconds is served at once, and computed again after the response
has been sent (``call_on_close``: under gunicorn's sync worker, once the body is written and
before the connection is closed), by one worker at a time (a short Redis lock); the page says
its figures are being brought up to date (``as_of``). No value, or an older one, is computed
while the reader waits, as without Redis. Redis failing only means computing here. The values
are pickled and signed with the secret key, so what Redis hands back is only what this app
put there, and kept under a hash of the code defining their types, so a deploy that changes
them does not read the old shapes. Without Redis, each worker keeps its own in memory.

Tests run without it (``TESTING``, unless ``COVERAGE_MEMO`` is set): they empty the tables
between tests, which a version number cannot see.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import time
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

import redis
from flask import Flask, after_this_request, current_app, g, has_request_context

T = TypeVar("T")
LIMIT = 256  # entries kept in a worker's memory; past it the oldest half goes
KEPT_FOR = 7 * 24 * 3600  # seconds a value stays in Redis unread (each key holds one value)
LOCK_FOR = 300  # seconds one worker may take to compute a value again before another may

_store: dict[Hashable, tuple[Hashable, object]] = {}
_lock = Lock()
_clients: dict[str, redis.Redis] = {}


def _on(app: Flask) -> bool:
    return not app.config.get("TESTING") or bool(app.config.get("COVERAGE_MEMO"))


def _client(app: Flask) -> redis.Redis | None:
    url = app.config.get("PAGE_CACHE_URL")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.1
        )
    return client


@cache
def _code() -> str:
    """A hash of the modules whose classes the stored values are made of."""
    from registry.commitments import progress
    from registry.coverage import compute, history
    from registry.frameworks import queries

    found = hashlib.sha256()
    for module in (compute, history, queries, progress):
        found.update(Path(module.__file__ or "").read_bytes())
    return found.hexdigest()[:12]


def _redis_key(app: Flask, key: Hashable) -> str:
    database = str(app.config.get("SQLALCHEMY_DATABASE_URI"))
    where = hashlib.sha256(database.encode()).hexdigest()[:16]
    return f"coverage:{where}:{_code()}:{key!r}"


def _sign(app: Flask, payload: bytes) -> bytes:
    return hmac.new(str(app.config["SECRET_KEY"]).encode(), payload, hashlib.sha256).digest()


def _pack(app: Flask, version: Hashable, computed: float, value: object) -> bytes:
    payload = pickle.dumps((version, computed, value), protocol=pickle.HIGHEST_PROTOCOL)
    return _sign(app, payload) + payload


def _unpack(app: Flask, stored: bytes) -> tuple[Hashable, float, Any] | None:
    signature, payload = stored[:32], stored[32:]
    if not hmac.compare_digest(signature, _sign(app, payload)):
        return None  # not written by this app (or under another secret key)
    return pickle.loads(payload)  # noqa: S301 - signed above


def _put(
    app: Flask, client: redis.Redis, key: Hashable, version: Hashable, value: object, at: float
) -> None:
    client.set(_redis_key(app, key), _pack(app, version, at, value), ex=KEPT_FOR)


def remembered(key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s value for ``key`` as of ``version``, computed once per version."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not _on(app):
        return compute()
    client = _client(app)
    if client is None:
        return _in_memory(app, key, version, compute)
    try:
        stored = client.get(_redis_key(app, key))
        found = _unpack(app, stored) if stored else None
    except redis.RedisError as exc:
        app.logger.warning("coverage memo unavailable: %s", exc)
        return compute()
    except Exception:  # a signed value this code cannot read: computed again and replaced
        app.logger.exception("coverage memo: the value kept for %r is unreadable", key)
        found = None
    if found is not None:
        found_version, computed, value = found
        if found_version == version:
            return value
        young = time.time() - computed <= app.config.get("COVERAGE_MAX_STALE", 900)
        if young and has_request_context():
            _refresh_later(app, client, key, version, compute)
            oldest = g.get("coverage_as_of")
            g.coverage_as_of = computed if oldest is None else min(oldest, computed)
            return value
    started = time.time()
    value = compute()
    try:
        _put(app, client, key, version, value, started)
    except redis.RedisError as exc:
        app.logger.warning("coverage memo unavailable: %s", exc)
    return value


def as_of() -> datetime | None:
    """When the oldest figures served stale to this request were computed (None: all current)."""
    computed = g.get("coverage_as_of")
    return None if computed is None else datetime.fromtimestamp(computed, UTC)


def _refresh_later(
    app: Flask, client: redis.Redis, key: Hashable, version: Hashable, compute: Callable
) -> None:
    """Compute ``key`` again once the response has been sent, unless a worker already is."""
    lock = _redis_key(app, key) + ":lock"
    try:
        if not client.set(lock, b"1", nx=True, ex=LOCK_FOR):
            return  # another worker is at it
    except redis.RedisError as exc:
        app.logger.warning("coverage memo unavailable: %s", exc)
        return

    def refresh() -> None:
        try:
            with app.app_context():
                started = time.time()
                value = compute()
                _put(app, client, key, version, value, started)
        except Exception:
            app.logger.exception("coverage memo: computing %r again failed", key)
        finally:
            try:
                client.delete(lock)
            except redis.RedisError as exc:
                app.logger.warning("coverage memo unavailable: %s", exc)

    @after_this_request
    def later(response):
        response.call_on_close(refresh)
        return response


def shared() -> bool:
    """Whether the values are kept in Redis, for every worker (else in each worker's memory)."""
    return _client(current_app) is not None


def refresh(key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
    """Compute ``key`` now and keep it in Redis (``flask coverage refresh``), whatever is
    stored there; a Redis error is raised. Without Redis, only computed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    started = time.time()
    value = compute()
    client = _client(app)
    if client is not None:
        _put(app, client, key, version, value, started)
    return value


def _in_memory(app: Flask, key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
    full = (app.config.get("SQLALCHEMY_DATABASE_URI"), key)
    found = _store.get(full)
    if found is not None and found[0] == version:
        return found[1]  # type: ignore[return-value]
    value = compute()
    with _lock:
        if len(_store) >= LIMIT:
            for old in list(_store)[: LIMIT // 2]:
                _store.pop(old, None)
        _store[full] = (version, value)
    return value


def forget() -> None:
    _store.clear()
