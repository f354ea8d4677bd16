"""The audit log: every recorded change, for administrators to search."""

from flask import Blueprint

bp = Blueprint("auditlog", __name__)  # mounted at /admin/audit by create_app

from registry.auditlog import views  # noqa: E402, F401 - routes register on bp
