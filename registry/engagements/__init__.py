"""Engagements: the events where stakeholders meet, their public list and pages, their
calendar files, and the staff's forms for recording them."""

from flask import Blueprint

bp = Blueprint("engagements", __name__)

from registry.engagements import entry  # noqa: E402, F401, I001 - the entry type
from registry.engagements import views  # noqa: E402, F401 - routes register on bp
from registry.engagements import links  # noqa: E402, F401 - linked initiatives, on bp
