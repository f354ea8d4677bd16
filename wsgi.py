"""The WSGI entry point: ``gunicorn wsgi:app``."""

from registry import create_app
from registry.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # One line, no traceback: the operator needs to know what to set, nothing more.
    raise SystemExit(f"registry: {exc}") from None
