"""Stakeholders: the public registry, registering and editing entries, contacts and claims."""

from flask import Blueprint

bp = Blueprint("stakeholders", __name__)

from registry.stakeholders import entry  # noqa: E402, F401, I001 - the entry type
from registry.stakeholders import claims  # noqa: E402, F401 - its queue source
from registry.stakeholders import manage  # noqa: E402, F401 - editing routes, on bp
from registry.stakeholders import views  # noqa: E402, F401 - routes register on bp
