"""Errors under ``/api/`` as ``application/problem+json`` (RFC 9457), never an HTML page.

The app's error handlers (``registry.errors``) ask ``is_api()`` first, so a 404 for an
address no route matches, a 405 from the router or a refusal from the commit boundary is a
problem document here too, with the same words the pages use.
"""

from __future__ import annotations

import json

from flask import Response, request

PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"


def is_api() -> bool:
    return request.path.startswith(PREFIX)


def document(body: dict, status: int = 200) -> Response:
    """A JSON answer with its fields in the order the code gives them (``jsonify`` sorts
    them, and a row's columns read best in the download's order)."""
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )


def problem(status: int, title: str, detail: str, **extra: object) -> Response:
    """A problem document: ``type`` is "about:blank" (the status says it all, RFC 9457 §4.2.1)."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = document(body, status)
    response.mimetype = MEDIA_TYPE
    return response
