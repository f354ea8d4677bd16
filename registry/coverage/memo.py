"""Results that read the whole registry, kept in the worker's memory under a version.

The whole registry's coverage, the commitments per goal and the lights over time read every
partnership or every approved commitment: about 0.8 s, 0.6 s and 2.5 s on this machine's
PostgreSQL at 100,000 initiatives with 500,000 partnerships, 200,000 stakeholders, 100,000
commitments and 300,000 progress reports. They change only when a public entry does, or, for
the lights at past month-ends, when the date does; so each is computed once per version and
worker: the registry's content version (``registry.counts.content_version``, one primary-key
read, moved on in the transaction of any public change) or today's date. The page cache
serves anonymous readers the same way; this serves everyone else.

Tests run without it (``TESTING``): they empty the tables between tests, which a version
number cannot see.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

from flask import current_app

T = TypeVar("T")
LIMIT = 256  # entries kept; past it the oldest half goes

_store: dict[Hashable, tuple[Hashable, object]] = {}
_lock = Lock()


def remembered(key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s value for ``key`` as of ``version``, computed once per version."""
    if current_app.config.get("TESTING") and not current_app.config.get("COVERAGE_MEMO"):
        return compute()
    full = (current_app.config.get("SQLALCHEMY_DATABASE_URI"), key)
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
