"""Rate limits live in Redis, shared by every worker: two apps (two workers) count together."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from registry import create_app
from registry.extensions import db, limiter
from tests.conftest import test_config

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: CI requires it")
        pytest.skip(f"REDIS TEST SKIPPED: no Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def two_workers(app: Flask, redis_url: str) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances sharing one Redis, as two gunicorn workers would."""
    config = test_config(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=redis_url,
        # A fresh key space per test: runs never count each other's attempts.
        RATELIMIT_KEY_PREFIX=f"test-{secrets.token_hex(6)}",
        LOGIN_RATE_LIMIT="3 per minute",
    )
    first, second = create_app(config), create_app(config)
    yield first, second
    for worker in (first, second):
        with worker.app_context():
            db.engine.dispose()
    limiter.init_app(app)  # one module-level limiter: give the session app its settings back


def test_attempts_on_two_workers_count_together(two_workers, make_user):
    first, second = two_workers
    user = make_user()
    data = {"email": user.email, "password": "not the password"}
    assert first.test_client().post("/login", data=data).status_code == 422
    assert second.test_client().post("/login", data=data).status_code == 422
    assert first.test_client().post("/login", data=data).status_code == 422
    assert second.test_client().post("/login", data=data).status_code == 429
    # The counts are kept in Redis, not in a process: that is what makes them shared.
    prefix = first.config["RATELIMIT_KEY_PREFIX"]
    assert redis.Redis.from_url(first.config["RATELIMIT_STORAGE_URI"]).keys(f"*{prefix}*")
