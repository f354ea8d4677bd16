"""The WSGI entry point: ``gunicorn wsgi:app``."""

import gc

from registry import create_app
from registry.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # One line, no traceback: the operator needs to know what to set, nothing more.
    raise SystemExit(f"registry: {exc}") from None

# What the app holds now lives as long as the worker. Frozen, it is left out of the
# collector's full walks, which then cover only what requests make: at 1M rows a common
# word's search makes some 10,000 objects, and walks of the whole heap were a third of its
# time (bench/results.md, "Open data").
gc.collect()
gc.freeze()
