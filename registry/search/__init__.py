"""Search everything: one ranked list of the public stakeholders, initiatives, commitments,
engagements and framework items (``registry.search.engine`` explains how)."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from registry.search import views  # noqa: E402,F401 - registers the routes
