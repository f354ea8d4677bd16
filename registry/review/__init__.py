"""Review: the administrators' queue of what waits, their decisions, and merging duplicates."""

from flask import Blueprint

bp = Blueprint("review", __name__)  # mounted at /review by create_app

from registry.review import views  # noqa: E402, F401 - routes register on bp
