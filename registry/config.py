"""Settings read from the environment.

SQLite under ``instance/`` is the embedded default; ``DATABASE_URL`` selects PostgreSQL
(``postgresql+psycopg://…``). In production (``REGISTRY_ENV=production``) a missing
``SECRET_KEY`` stops start-up; in development a key is generated once and kept in ``instance/``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting is missing or wrong: start-up stops with this one-line message."""


LANGUAGES = ["en"]  # source language; catalogues for the six UN languages come later


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


MIN_KEY_LENGTH = 32  # characters: secrets.token_hex(32) gives 64, token_urlsafe(32) 43
MIN_KEY_SYMBOLS = 10  # different characters; "x" * 64 is long but no secret


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        if production and (len(key) < MIN_KEY_LENGTH or len(set(key)) < MIN_KEY_SYMBOLS):
            # A guessable key lets anyone forge a session or remember-me cookie (an admin's).
            raise ConfigError(
                "SECRET_KEY must be at least 32 random characters; make one with: "
                "python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when REGISTRY_ENV=production")
    # Development only: one random key kept beside the database, so sessions survive restarts
    # and every worker on this host agrees on it. Never a key written in the source.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'registry.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _engine_options(url: str) -> dict:
    if url.startswith("postgresql"):
        # JIT adds tens of milliseconds to web queries and buys nothing at our row counts.
        # Connections are recycled after half an hour instead of pinged before every request
        # (a round trip per page view).
        return {
            "pool_recycle": 1800,
            "connect_args": {"options": "-c jit=off"},
        }
    return {}


def _public_url(production: bool) -> str:
    # Links in mail are built from this, never from the request's Host header (which a client
    # chooses): a forged Host must not put a foreign link into an administrator's inbox.
    url = os.environ.get("PUBLIC_URL", "").strip().rstrip("/")
    if not url:
        if production:
            raise ConfigError("PUBLIC_URL must be set when REGISTRY_ENV=production")
        url = f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    return url


def _rate_limit_storage(production: bool) -> str:
    # Limits must be shared by every worker on every host: in production that is Redis.
    # Process memory is for development and tests, where there is one process.
    uri = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL")
    if uri:
        return uri
    if production:
        raise ConfigError("REDIS_URL must be set when REGISTRY_ENV=production (rate limits)")
    return "memory://"


def _trusted_proxies() -> int:
    # How many reverse proxies stand in front of the app. Each appends the address it saw to
    # X-Forwarded-For; only that many entries, counted from the right, are believed. Zero (no
    # proxy) ignores the header: a client could write any address into it.
    raw = os.environ.get("TRUSTED_PROXIES", "0").strip() or "0"
    if not raw.isdecimal() or int(raw) > 10:
        raise ConfigError(
            "TRUSTED_PROXIES must be the number of reverse proxies in front of the app (0-10)"
        )
    return int(raw)


SESSION_LIMIT_SETTINGS = [
    f"{kind}_{limit}_MINUTES"
    for kind in ("SESSION", "REMEMBER", "STAFF_SESSION", "STAFF_REMEMBER")
    for limit in ("IDLE", "LIFETIME")
]


def _session_limits() -> dict[str, int]:
    # Overrides of registry.auth.sessions.DEFAULT_LIMITS, in minutes.
    found = {}
    for name in SESSION_LIMIT_SETTINGS:
        raw = os.environ.get(name, "").strip()
        if not raw:
            continue
        if not raw.isdecimal() or int(raw) == 0:
            raise ConfigError(f"{name} must be a whole number of minutes, more than 0")
        found[name] = int(raw)
    return found


def _trusted_hosts() -> list[str] | None:
    hosts = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    return hosts or None


def load(instance_path: str | os.PathLike) -> dict:
    """Build the settings mapping for ``create_app`` from the environment."""
    instance = Path(instance_path)
    env = os.environ.get("REGISTRY_ENV", "development").strip().lower()
    production = env == "production"
    url = _database_url(instance)
    secure = _bool("SESSION_COOKIE_SECURE", production)
    # "__Host-" cookies are sent only over HTTPS, to this exact host, for every path: no
    # subdomain or plain-HTTP page can plant or overwrite them.
    prefix = "__Host-" if secure else ""
    return {
        "REGISTRY_ENV": env,
        "SECRET_KEY": _secret_key(instance, production),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(url),
        "SESSION_COOKIE_NAME": prefix + "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        # The signed cookie is refused after a day whatever it holds; a login inside it lasts
        # only as long as its row (registry.auth.sessions: idle and absolute limits).
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=24),
        "REMEMBER_COOKIE_NAME": prefix + "remember_token",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": LANGUAGES,
        # Shared between workers: Redis in production; memory is only for one process.
        "RATELIMIT_STORAGE_URI": _rate_limit_storage(production),
        # Rendered public pages for anonymous readers, shared by every worker (none if unset).
        "PAGE_CACHE_URL": os.environ.get("PAGE_CACHE_URL") or os.environ.get("REDIS_URL", ""),
        # Seconds the coverage page may show figures computed before the latest change while
        # they are computed again behind it (registry.coverage.memo; with Redis only).
        "COVERAGE_MAX_STALE": int(os.environ.get("COVERAGE_MAX_STALE", 900)),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Per client address (the real one: TRUSTED_PROXIES), and failed logins per account.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "ACCOUNT_LOGIN_RATE_LIMIT": os.environ.get("ACCOUNT_LOGIN_RATE_LIMIT", "10 per hour"),
        "TRUSTED_PROXIES": _trusted_proxies(),
        # Requests per personal API token (registry.api.tokens), shared like every limit.
        "API_TOKEN_RATE_LIMIT": os.environ.get("API_TOKEN_RATE_LIMIT", "600 per minute"),
        # The largest JSON body the API's write endpoints read (bytes); larger is a 413.
        "API_MAX_BODY": int(os.environ.get("API_MAX_BODY", 64 * 1024)),
        **_session_limits(),
        # Mails one address can be sent from the public forms (registration, new password).
        "MAIL_RATE_LIMIT": os.environ.get("MAIL_RATE_LIMIT", "5 per hour"),
        "PER_PAGE": 25,
        # Downloads (registry.exports.slots): exports streaming at once, per client address and
        # in all, counted in Redis so every worker agrees (in the process without one).
        "EXPORT_SLOTS_URL": os.environ.get("EXPORT_SLOTS_URL") or os.environ.get("REDIS_URL", ""),
        "EXPORTS_PER_CLIENT": int(os.environ.get("EXPORTS_PER_CLIENT", 1)),
        "EXPORTS_AT_ONCE": int(os.environ.get("EXPORTS_AT_ONCE", 4)),
        # Days between two reminders about the same overdue commitment (flask
        # remind-overdue checks the value when it runs, and says so if it is not a number).
        "REMINDER_PERIOD_DAYS": os.environ.get("REMINDER_PERIOD_DAYS", "30"),
        "PUBLIC_URL": _public_url(production),
        "TRUSTED_HOSTS": _trusted_hosts(),
        # Where people write about their personal data or an accessibility problem (shown on
        # the privacy and accessibility pages); without it they are sent through the app.
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "").strip(),
        # Mail: without MAIL_SERVER, messages go to the log (development).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Whole-of-Society Registry <registry@localhost>"
        ),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", 10)),
    }
