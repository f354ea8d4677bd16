"""The JSON API under ``/api/v1/``: the public lists and entries for other systems.

It reads through the same machinery as the pages (each list's ``Filters``, the list
machinery's keyset pages) and shapes rows with the downloads' column declarations
(``registry.exports.columns``), so a page, its download and its API list never disagree.
It renders no HTML and uses no session: an answer is JSON, an error is
``application/problem+json`` (RFC 9457), and nothing sets a cookie.
"""

from flask import Blueprint

bp = Blueprint("api", __name__)

from registry.api import access, views, write  # noqa: E402,F401 - hooks and routes on bp
