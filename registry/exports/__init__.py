"""Downloads of the public lists (CSV, JSON, Excel), the /data page that explains them, and
``flask export``: the whole open registry as a Frictionless Data Package."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from registry.exports import views  # noqa: E402, F401 - the routes register on ``bp``
