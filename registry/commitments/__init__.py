"""Commitments: SMART pledges by a stakeholder, reviewed, followed up by progress reports."""

from flask import Blueprint

bp = Blueprint("commitments", __name__, url_prefix="/commitments")

from registry.commitments import (  # noqa: E402,F401 - registers routes and types
    browse,
    entry,
    reports,
    views,
)
