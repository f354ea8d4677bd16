"""Initiatives and the partnerships that tie stakeholders to them."""

from flask import Blueprint

bp = Blueprint("initiatives", __name__)

from registry.initiatives import entry  # noqa: E402, F401, I001 - the entry type, queue source
from registry.initiatives import views  # noqa: E402, F401 - routes register on bp
from registry.initiatives import partners  # noqa: E402, F401 - partnership routes, on bp
