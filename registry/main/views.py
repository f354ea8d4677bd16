"""The home page."""

from flask import Blueprint

from registry.htmx import render
from registry.http_cache import cacheable
from registry.main import services
from registry.permissions import requires

bp = Blueprint("main", __name__)


@bp.route("/")
@cacheable()
@requires("public")
def index():
    """The registry at a glance: who takes part, by sector and constituency, and who is new."""
    return render(
        "main/index.html",
        total=services.approved_total(),
        by_sector=services.counts_by_sector(),
        by_constituency=services.counts_by_constituency(),
        newest=services.newest(),
    )
