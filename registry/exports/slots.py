"""How many exports run at once: a few in all, and one per client.

A full export holds a worker and a database connection for as long as it streams (a million
rows take seconds to minutes). The same export asked for twice at once (a double click, a
script retrying) would hold two for the same file, and a handful of clients could hold them
all. So each export takes a slot before its first row and gives it back when its response
is closed: one slot per client address (``EXPORTS_PER_CLIENT``), a few in all
(``EXPORTS_AT_ONCE``); past either, the answer is a 429 with ``Retry-After`` and words
saying which limit was met.

The slots are a Redis sorted set per client and one for everyone (``EXPORT_SLOTS_URL``, else
``REDIS_URL``), shared by every worker, changed by one Lua script so that two workers cannot
both take the last slot. Each slot is a lease: its score is the moment it lapses, renewed
while the export streams, so a worker that dies mid-export frees its slot within ``LEASE``
seconds. Without Redis (development, tests) the slots live in the process. Redis failing
lets the export run: a limit on politeness must not take downloads down with it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

import redis
from flask import current_app

log = logging.getLogger(__name__)

LEASE = 120  # seconds a slot is held without renewal
RENEW_EVERY = 30  # seconds between renewals while an export streams
PREFIX = "exports:slots"

OK, CLIENT_BUSY, ALL_BUSY = 0, 1, 2

# KEYS: everyone's set, the client's set. ARGV: now, lapses at, token, per client, in all.
TAKE = """
local now, lapses = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then return 2 end
redis.call('ZADD', KEYS[1], lapses, ARGV[3])
redis.call('ZADD', KEYS[2], lapses, ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(lapses - now) + 1)
redis.call('EXPIRE', KEYS[2], math.ceil(lapses - now) + 1)
return 0
"""


@dataclass(frozen=True)
class Slot:
    """A held slot. It knows where it is kept, so that it can be given back after the
    request's context is gone (a response closed late, or collected unread)."""

    client: str
    token: str
    store: redis.Redis | None = field(default=None, compare=False, repr=False)


class Busy(Exception):
    """No slot: ``reason`` is CLIENT_BUSY (this client has one already) or ALL_BUSY."""

    def __init__(self, reason: int) -> None:
        super().__init__(reason)
        self.reason = reason


_clients: dict[str, redis.Redis] = {}
_local_lock = threading.Lock()
_local: dict[str, dict[str, float]] = {}  # client ("" for everyone) -> token -> lapses at


def _store() -> redis.Redis | None:
    url = current_app.config.get("EXPORT_SLOTS_URL")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5
        )
    return client


def _limits() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("EXPORTS_PER_CLIENT", 1)), int(config.get("EXPORTS_AT_ONCE", 4))


def _keys(client: str) -> list[str]:
    return [f"{PREFIX}:all", f"{PREFIX}:client:{client}"]


def take(client: str) -> Slot:
    """A slot for one export by ``client``; raises ``Busy`` past a limit."""
    store = _store()
    slot = Slot(client, secrets.token_hex(8), store)
    per_client, at_once = _limits()
    now = time.time()
    if store is None:
        reason = _take_local(slot, now, per_client, at_once)
    else:
        try:
            reason = int(
                store.eval(
                    TAKE, 2, *_keys(client), now, now + LEASE, slot.token, per_client, at_once
                )
            )
        except redis.RedisError as exc:
            log.warning("export slots unavailable: %s", exc)
            reason = OK
    if reason != OK:
        raise Busy(reason)
    return slot


def renew(slot: Slot) -> None:
    """Keep a streaming export's slot for another ``LEASE`` seconds."""
    lapses = time.time() + LEASE
    store = slot.store
    if store is None:
        with _local_lock:
            for key in ("", slot.client):
                if slot.token in _local.get(key, {}):
                    _local[key][slot.token] = lapses
        return
    try:
        for key in _keys(slot.client):
            store.zadd(key, {slot.token: lapses}, xx=True)
    except redis.RedisError as exc:
        log.warning("export slots unavailable: %s", exc)


def give_back(slot: Slot) -> None:
    """The export is over (done, failed or abandoned): free its slot. Twice is harmless."""
    store = slot.store
    if store is None:
        with _local_lock:
            for key in ("", slot.client):
                _local.get(key, {}).pop(slot.token, None)
        return
    try:
        for key in _keys(slot.client):
            store.zrem(key, slot.token)
    except redis.RedisError as exc:
        log.warning("export slots unavailable: %s", exc)


def _take_local(slot: Slot, now: float, per_client: int, at_once: int) -> int:
    with _local_lock:
        everyone = _local.setdefault("", {})
        mine = _local.setdefault(slot.client, {})
        for held in (everyone, mine):
            for token in [t for t, lapses in held.items() if lapses <= now]:
                del held[token]
        if len(mine) >= per_client:
            return CLIENT_BUSY
        if len(everyone) >= at_once:
            return ALL_BUSY
        everyone[slot.token] = mine[slot.token] = now + LEASE
        return OK


def reset_local() -> None:
    """Forget every in-process slot (tests)."""
    with _local_lock:
        _local.clear()
