"""Bulk import: officers upload a CSV or XLSX file, check every row in a preview, then confirm."""

from flask import Blueprint

bp = Blueprint("imports", __name__)  # each kind at /<kind>/import/ (views.KINDS)

from registry.imports import views  # noqa: E402, F401 - routes register on bp
