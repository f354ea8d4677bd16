"""The home page, and the pages that say what the registry is and how it treats its users."""

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


@bp.route("/about")
@cacheable()
@requires("public")
def about():
    """What the registry is for, who runs it and how an entry becomes public."""
    return render("main/about.html")


@bp.route("/privacy")
@cacheable()
@requires("public")
def privacy():
    """What personal data the registry keeps, who sees it and how to have it removed."""
    return render("main/privacy.html")


@bp.route("/accessibility")
@cacheable()
@requires("public")
def accessibility():
    """The accessibility statement: the target, what is tested, what is known not to work."""
    return render("main/accessibility.html")
