"""The coverage page's whole-registry figures kept in Redis (registry.coverage.memo): shared by
two app instances (two workers), figures from before the latest change served at once and
computed again after the response, one worker at a time (the lock), computed while the reader
waits once older than COVERAGE_MAX_STALE, a Redis that is down, and ``flask coverage refresh``.

The registry is tests/test_coverage.py's (5 organizations take part); archiving City makes it 4.
The test client runs a response's ``call_on_close`` functions when the response is closed:
``buffered=True`` closes it once the body is read, as gunicorn does once it is written."""

from __future__ import annotations

import os

import pytest
import redis

from registry import counts, create_app
from registry.coverage import memo, views
from registry.extensions import db
from registry.models import Stakeholder, Status
from tests.conftest import test_config
from tests.test_coverage import registry  # noqa: F401 - the fixture

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CLOSED_PORT = "redis://127.0.0.1:1/0"
FIVE = "5 organizations take part."
FOUR = "4 organizations take part."
AS_OF = "they are being brought up to date."


def _clear(store: redis.Redis) -> None:
    for pattern in ("coverage:*", "page:*"):
        keys = store.keys(pattern)
        if keys:
            store.delete(*keys)


@pytest.fixture
def store() -> redis.Redis:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: CI requires it")
        pytest.skip(f"REDIS TEST SKIPPED: no Redis at {REDIS_URL}")
    client = redis.Redis.from_url(REDIS_URL)
    _clear(client)
    yield client
    _clear(client)


@pytest.fixture
def make_worker(app):
    """App instances on the test database with the memo on, like two gunicorn workers."""
    made = []

    def make(url: str = REDIS_URL, **extra):
        config = test_config(
            app.config["SQLALCHEMY_DATABASE_URI"], PAGE_CACHE_URL=url, COVERAGE_MEMO=True, **extra
        )
        worker = create_app(config)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        with worker.app_context():
            db.engine.dispose()


@pytest.fixture
def computed(monkeypatch) -> list[tuple]:
    """The whole-registry coverage computations run (country, goal), in any instance."""
    calls: list[tuple] = []
    real = views.scope_figures

    def counted(country, goal):
        calls.append((country, goal))
        return real(country, goal)

    monkeypatch.setattr(views, "scope_figures", counted)
    return calls


def page(worker, cookie: bool = True) -> str:
    """The page, read past the page cache (with a cookie) unless ``cookie`` is False."""
    client = worker.test_client()
    if cookie:
        client.set_cookie("seen", "1")
    response = client.get("/coverage/", buffered=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def archive_city(app) -> None:
    with app.app_context():
        before = counts.content_version()
        city = db.session.scalar(db.select(Stakeholder).where(Stakeholder.name == "City"))
        city.status = Status.ARCHIVED
        db.session.commit()
        assert counts.content_version() != before


def test_two_workers_share_one_computation(app, registry, store, make_worker, computed):  # noqa: F811
    first, second = make_worker(), make_worker()
    assert FIVE in page(first)
    assert computed == [(None, None)]
    assert store.keys("coverage:*")
    shown = page(second)
    assert FIVE in shown
    assert AS_OF not in shown
    assert computed == [(None, None)]  # the second read the first one's value


def test_figures_from_before_a_change_are_served_then_computed_again(
    app,
    registry,  # noqa: F811
    store,
    make_worker,
    computed,
):
    worker = make_worker()
    assert FIVE in page(worker)
    archive_city(app)
    stale = page(worker)
    assert FIVE in stale  # at once, from before the change
    assert "Figures as of" in stale
    assert AS_OF in stale
    assert computed == [(None, None), (None, None)]  # computed again after the response
    assert not store.keys("coverage:*:lock")  # and the lock given back
    fresh = page(make_worker())
    assert FOUR in fresh
    assert AS_OF not in fresh
    assert len(computed) == 2


def test_the_lock_keeps_a_second_refresh_from_starting(
    app,
    registry,  # noqa: F811
    store,
    make_worker,
    computed,
):
    first, second = make_worker(), make_worker()
    assert FIVE in page(first)
    archive_city(app)
    reader = first.test_client()
    reader.set_cookie("seen", "1")
    held = reader.get("/coverage/")  # not closed yet: its refresh has not run
    assert FIVE in held.get_data(as_text=True)
    assert store.keys("coverage:*:lock")
    meanwhile = page(second)
    assert FIVE in meanwhile
    assert AS_OF in meanwhile
    assert computed == [(None, None)]  # the second worker did not start one
    held.close()
    assert computed == [(None, None), (None, None)]
    assert FOUR in page(second)


def test_a_refresh_that_fails_is_logged_and_gives_the_lock_back(
    app,
    registry,  # noqa: F811
    store,
    make_worker,
    monkeypatch,
    caplog,
):
    worker = make_worker()
    assert FIVE in page(worker)
    archive_city(app)

    def broken(country, goal):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "scope_figures", broken)
    assert FIVE in page(worker)  # the response is whole; the refresh failed after it
    assert "computing" in caplog.text
    assert "failed" in caplog.text
    assert not store.keys("coverage:*:lock")


def test_stale_figures_are_not_kept_as_the_new_version_page(
    app,
    registry,  # noqa: F811
    store,
    make_worker,
):
    worker = make_worker()
    assert FIVE in page(worker, cookie=False)
    archive_city(app)
    assert AS_OF in page(worker, cookie=False)
    shown = page(worker, cookie=False)  # the page cache did not keep the stale page
    assert FOUR in shown
    assert AS_OF not in shown


def test_figures_older_than_the_limit_are_computed_while_the_reader_waits(
    app,
    registry,  # noqa: F811
    store,
    make_worker,
    computed,
):
    worker = make_worker(COVERAGE_MAX_STALE=0)
    assert FIVE in page(worker)
    archive_city(app)
    shown = page(worker)
    assert FOUR in shown
    assert AS_OF not in shown
    assert len(computed) == 2


def test_a_value_not_signed_by_the_app_is_not_used(app, registry, store, make_worker, computed):  # noqa: F811
    worker = make_worker()
    assert FIVE in page(worker)
    (key,) = [k for k in store.keys("coverage:*") if b"scope" in k]
    store.set(key, b"x" * 32 + store.get(key)[32:])
    assert FIVE in page(worker)
    assert len(computed) == 2


def test_the_page_is_right_when_redis_is_down(app, registry, make_worker, computed):  # noqa: F811
    worker = make_worker(CLOSED_PORT)
    assert FIVE in page(worker)
    archive_city(app)
    shown = page(worker)
    assert FOUR in shown
    assert AS_OF not in shown
    assert len(computed) == 2


def test_the_refresh_command_computes_and_shares_the_figures(
    app,
    registry,  # noqa: F811
    store,
    make_worker,
    computed,
):
    first = make_worker()
    result = first.test_cli_runner().invoke(args=["coverage", "refresh"])
    assert result.exit_code == 0, result.output
    assert "coverage: " in result.output
    assert "sdg (en): " in result.output
    assert "lights: " in result.output
    assert computed == [(None, None)]
    archive_city(app)
    result = first.test_cli_runner().invoke(args=["coverage", "refresh"])
    assert result.exit_code == 0, result.output
    shown = page(make_worker())
    assert FOUR in shown
    assert AS_OF not in shown
    assert len(computed) == 2  # the page computed nothing


def test_the_refresh_command_says_when_redis_is_down_or_missing(app, registry, make_worker):  # noqa: F811
    down = make_worker(CLOSED_PORT).test_cli_runner().invoke(args=["coverage", "refresh"])
    assert down.exit_code == 1
    assert "Redis is unavailable" in down.output
    alone = make_worker("").test_cli_runner().invoke(args=["coverage", "refresh"])
    assert alone.exit_code == 0, alone.output
    assert "each worker keeps its own" in alone.output


def test_without_redis_the_worker_memory_keeps_them(app, registry, make_worker, computed):  # noqa: F811
    memo.forget()
    first, second = make_worker(""), make_worker("")
    try:
        assert FIVE in page(first)
        assert FIVE in page(second)
        assert len(computed) == 1
        archive_city(app)
        assert FOUR in page(second)
        assert len(computed) == 2
    finally:
        memo.forget()


def test_a_signed_value_this_code_cannot_read_is_computed_again(
    app,
    registry,  # noqa: F811
    store,
    make_worker,
    computed,
):
    worker = make_worker()
    assert FIVE in page(worker)
    (key,) = [k for k in store.keys("coverage:*") if b"scope" in k]
    store.set(key, memo._sign(worker, b"not a pickle") + b"not a pickle")
    assert FIVE in page(worker)
    assert len(computed) == 2
    assert FIVE in page(worker)
    assert len(computed) == 2  # and replaced by a readable one
