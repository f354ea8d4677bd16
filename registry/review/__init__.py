"""Review: the administrators' queue of what waits, their decisions, and merging duplicates."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from registry.review import views  # noqa: E402, F401 - routes register on bp
