"""Render a whole page, or one block of it for an htmx request (template fragments)."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
from flask.typing import ResponseReturnValue
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """An htmx request that swaps part of a page (a boosted one wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    template: str, block: str | None = None, status: int = 200, **context: Any
) -> ResponseReturnValue:
    """The page, or only ``block`` of it when htmx asks; always ``Vary: HX-Request``."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
